"""Compliance: required patrols per tier and period, valid ones done, the chiefs behind schedule."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from inspections.compliance import compliance_report
from inspections.models import PatrolFrequency
from tests.factories import AppointmentFactory, PatrolFactory, SegmentFactory, UserFactory
from wushui.choices import Tier

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# Wednesday 2026-11-25, noon in Shanghai: week 23–29 Nov, month November, quarter Q4.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)


def patrol(chief, segment, tier, when, valid=True):
    return PatrolFactory(chief=chief, segment=segment, tier=tier, started_at=when, is_valid=valid)


@pytest.fixture
def second_village_segment(world):
    segment = SegmentFactory(water_body=world.river_b_only, region=world.village_a1, code="T-A1-2")
    AppointmentFactory(chief=world.users.chief_a1, segment=segment, tier=Tier.VILLAGE)
    return segment


def rows_by_chief(report):
    return {(row.chief.username, row.tier): row for row in report.rows}


@time_machine.travel(NOW, tick=False)
def test_each_segment_needs_its_own_patrol_per_period(world, second_village_segment):
    chief = world.users.chief_a1
    # Two valid patrols on the same segment this week, an invalid one on the other.
    patrol(chief, world.segment_a1, Tier.VILLAGE, NOW - datetime.timedelta(days=1))
    patrol(chief, world.segment_a1, Tier.VILLAGE, NOW - datetime.timedelta(days=2))
    patrol(chief, second_village_segment, Tier.VILLAGE, NOW - datetime.timedelta(days=1), valid=False)
    # Last week's patrol does not count for this week.
    patrol(chief, second_village_segment, Tier.VILLAGE, NOW - datetime.timedelta(days=7))
    row = rows_by_chief(compliance_report(world.users.official))[("chief_a1", Tier.VILLAGE)]
    assert (row.required, row.done, row.percent, row.is_behind) == (2, 1, 50, True)
    assert row.period.label == "2026-W48"
    assert row.missed_segments == [second_village_segment]


@time_machine.travel(NOW, tick=False)
def test_the_period_boundary_is_local_midnight(world):
    chief = world.users.chief_a1
    # Sunday 22 Nov 23:30 in Shanghai belongs to last week, Monday 00:10 to this one.
    patrol(chief, world.segment_a1, Tier.VILLAGE, datetime.datetime(2026, 11, 22, 23, 30, tzinfo=SHANGHAI))
    row = rows_by_chief(compliance_report(world.users.official))[("chief_a1", Tier.VILLAGE)]
    assert row.done == 0
    patrol(chief, world.segment_a1, Tier.VILLAGE, datetime.datetime(2026, 11, 23, 0, 10, tzinfo=SHANGHAI))
    row = rows_by_chief(compliance_report(world.users.official))[("chief_a1", Tier.VILLAGE)]
    assert row.done == 1


@time_machine.travel(NOW, tick=False)
def test_tiers_use_their_own_period_and_frequency_is_data(world):
    report = compliance_report(world.users.official)
    assert {tier: period.label for tier, period in report.periods.items()} == {
        "district": "2026-Q4",
        "street": "2026-11",
        "village": "2026-W48",
    }
    district = rows_by_chief(report)[("chief_district", Tier.DISTRICT)]
    assert district.required == 2  # segments A1 and B1, once a quarter each
    PatrolFrequency.objects.create(tier=Tier.VILLAGE, period="xun", count=2)
    report = compliance_report(world.users.official)
    row = rows_by_chief(report)[("chief_a1", Tier.VILLAGE)]
    assert (row.period.label, row.required) == ("2026-11 days 21–end", 2)


@time_machine.travel(NOW, tick=False)
def test_a_street_sees_only_its_chiefs_and_behind_only_filters(world):
    patrol(world.users.chief_district, world.segment_a1, Tier.DISTRICT, NOW - datetime.timedelta(days=20))
    report = compliance_report(world.users.street_a)
    rows = rows_by_chief(report)
    assert set(rows) == {("chief_a1", "village"), ("chief_district", "district")}
    assert rows[("chief_district", "district")].required == 1  # only A1 is in street A's scope
    assert rows[("chief_district", "district")].is_behind is False
    behind = compliance_report(world.users.street_a, behind_only=True)
    assert [row.chief.username for row in behind.rows] == ["chief_a1"]


@time_machine.travel(NOW, tick=False)
def test_compliance_page_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users.official)
    url = reverse("inspections:compliance")
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    for index in range(20):
        chief = UserFactory(region=world.village_a1)
        segment = SegmentFactory(water_body=world.river, region=world.village_a1, code=f"T-C{index:02d}")
        AppointmentFactory(chief=chief, segment=segment, tier=Tier.VILLAGE)
        patrol(chief, segment, Tier.VILLAGE, NOW - datetime.timedelta(hours=5))
    with django_assert_max_num_queries(10):
        response = client.get(url, {"tier": "village"})
    assert len(response.context["report"].rows) == 21


@time_machine.travel(NOW, tick=False)
def test_compliance_page_refuses_bad_choices(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("inspections:compliance"), {"on": "someday", "region": world.street_b.pk})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"on", "region"}
