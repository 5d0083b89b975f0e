"""Compliance: required patrols per tier and period, valid ones done, the chiefs behind schedule."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from inspections.compliance import compliance_report
from inspections.models import PatrolFrequency
from tests.factories import AppointmentFactory, PatrolFactory, RegionFactory, SegmentFactory, UserFactory
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
    return {(row.chief.username, row.tier): row for row in report.chief_rows()}


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
    assert [row.chief.username for row in behind.chief_rows()] == ["chief_a1"]
    assert [(row["chief_id"], row["tier"]) for row in behind.per_chief()] == [(world.users.chief_a1.pk, "village")]


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
    assert response.context["total"].chiefs == 21
    with django_assert_max_num_queries(10):
        response = client.get(url, {"tier": "village", "region": world.village_a1.pk})
    assert len(response.context["rows"]) == 21


@time_machine.travel(NOW, tick=False)
def test_compliance_page_refuses_bad_choices(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("inspections:compliance"), {"on": "someday", "region": world.street_b.pk})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"on", "region"}


@pytest.fixture
def district_of_chiefs(world):
    """Chiefs at three tiers over both streets, with patrols that test the cap: several on one segment,
    invalid ones, ones from the previous period and ones at another tier.

    Street A: village A1 (segment A1, chief A1), village A2 (two segments, chief A2), a street chief
    of A on A1, A2a and A2b. Street B: village B1 (chief B1), the B creek in the street itself
    with a street chief of B. The district chief answers for A1 and B1 (and for the creek)."""
    village_a2 = RegionFactory(name="Village A2", code="330303001002", level="village", parent=world.street_a)
    a2a = SegmentFactory(water_body=world.river, region=village_a2, code="T-A2-A")
    a2b = SegmentFactory(water_body=world.river_b_only, region=village_a2, code="T-A2-B")
    chief_a2 = UserFactory(username="chief_a2", name="Chief A2", region=village_a2)
    chief_b1 = UserFactory(username="chief_b1", name="Chief B1", region=world.village_b1)
    street_chief_a = UserFactory(username="street_chief_a", name="Street Chief A", region=world.street_a)
    street_chief_b = UserFactory(username="street_chief_b", name="Street Chief B", region=world.street_b)
    for segment in (a2a, a2b):
        AppointmentFactory(chief=chief_a2, segment=segment, tier=Tier.VILLAGE)
    AppointmentFactory(chief=chief_b1, segment=world.segment_b1, tier=Tier.VILLAGE)
    for segment in (world.segment_a1, a2a, a2b):
        AppointmentFactory(chief=street_chief_a, segment=segment, tier=Tier.STREET)
    AppointmentFactory(chief=street_chief_b, segment=world.segment_b_creek, tier=Tier.STREET)
    AppointmentFactory(chief=world.users.chief_district, segment=world.segment_b_creek, tier=Tier.DISTRICT)
    # A police chief is not judged on patrols.
    AppointmentFactory(chief=UserFactory(name="Police"), segment=a2a, tier=Tier.VILLAGE, role="police_chief")
    day = datetime.timedelta(days=1)
    # Chief A1: three patrols on their one segment this week (capped at one), one last week.
    for when in (NOW - day, NOW - 2 * day, NOW - 3 * day, NOW - 8 * day):
        patrol(world.users.chief_a1, world.segment_a1, Tier.VILLAGE, when)
    # Chief A2: two on A2a, none on A2b, an invalid one on A2b: behind.
    for when in (NOW - day, NOW - 2 * day):
        patrol(chief_a2, a2a, Tier.VILLAGE, when)
    patrol(chief_a2, a2b, Tier.VILLAGE, NOW - day, valid=False)
    # Chief B1: done. Street chief A: A1 twice this month, A2a once in October (last month), none on A2b.
    patrol(chief_b1, world.segment_b1, Tier.VILLAGE, NOW - day)
    patrol(street_chief_a, world.segment_a1, Tier.STREET, NOW - 10 * day)
    patrol(street_chief_a, world.segment_a1, Tier.STREET, NOW - 20 * day)
    patrol(street_chief_a, a2a, Tier.STREET, NOW - 30 * day)
    # Street chief B: the creek at the street tier; the district chief's patrol there counts for the district tier.
    patrol(street_chief_b, world.segment_b_creek, Tier.STREET, NOW - 3 * day)
    patrol(world.users.chief_district, world.segment_b_creek, Tier.DISTRICT, NOW - 40 * day)
    patrol(world.users.chief_district, world.segment_b_creek, Tier.DISTRICT, NOW - 41 * day)
    # The district chief's patrol of A1 at the village tier does not count for the district tier.
    patrol(world.users.chief_district, world.segment_a1, Tier.VILLAGE, NOW - day)
    return SimpleNamespace(village_a2=village_a2)


def summed(rows):
    """The figures of a summary row computed from per-chief rows of the rule in Python."""
    return (len(rows), sum(r.required for r in rows), sum(r.done for r in rows), sum(r.is_behind for r in rows))


def figures(row):
    return (row.chiefs, row.required, row.done, row.behind)


SELECTIONS = [
    {},
    {"tier": Tier.STREET},
    {"tier": Tier.DISTRICT},
    {"behind_only": True},
    {"on": datetime.date(2026, 10, 15)},  # October: last month, the week of 12–18 October, Q4 still
    {"on": datetime.date(2026, 9, 30)},  # Q3: nothing done
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("selection", SELECTIONS)
def test_the_summary_in_sql_equals_the_rule_applied_per_chief(world, district_of_chiefs, selection):
    user = world.users.official
    report = compliance_report(user, **selection)
    assert report.shows_subdivisions
    subdivisions, total = report.summary()
    # In total: every chief once, judged on all their segments, by the rule in Python.
    assert figures(total) == summed(report.chief_rows())
    # Per street: the chiefs with segments there, judged on those segments (what the drill-down shows).
    by_street = {row.region.name: figures(row) for row in subdivisions}
    expected = {
        street.name: summed(compliance_report(user, region=street, **selection).chief_rows())
        for street in (world.street_a, world.street_b)
    }
    if selection.get("behind_only"):
        expected = {name: counts for name, counts in expected.items() if counts[0]}
    assert by_street == expected
    # Per chief: the SQL rows are the Python rows, in the order of the furthest behind first.
    python = {(row.chief.pk, row.tier): (row.required, row.done) for row in report.chief_rows()}
    sql = {(row["chief_id"], row["tier"]): (row["required"], row["done"]) for row in report.per_chief()}
    assert sql == python
    shares = [row["done"] / row["required"] for row in report.per_chief()]
    assert shares == sorted(shares)


@time_machine.travel(NOW, tick=False)
def test_the_hand_made_district_has_the_figures_worked_out_by_hand(world, district_of_chiefs):
    _subdivisions, total = compliance_report(world.users.official).summary()
    rows = rows_by_chief(compliance_report(world.users.official))
    assert {key: (row.required, row.done) for key, row in rows.items()} == {
        ("chief_a1", "village"): (1, 1),  # three this week, capped at one
        ("chief_a2", "village"): (2, 1),  # two on A2a do not make up for A2b
        ("chief_b1", "village"): (1, 1),
        ("street_chief_a", "street"): (3, 1),  # A1 twice, A2a only last month, A2b never
        ("street_chief_b", "street"): (1, 1),
        ("chief_district", "district"): (3, 1),  # the creek this quarter; A1 only at the village tier
    }
    assert figures(total) == (6, 11, 6, 3)
    by_street = {row.region.name: figures(row) for row in compliance_report(world.users.official).summary()[0]}
    # Street A: chief A1, chief A2, street chief A, the district chief (on A1: not done).
    # Street B: chief B1, street chief B, the district chief (B1 not done, the creek done).
    assert by_street == {"Street A": (4, 7, 3, 3), "Street B": (3, 4, 3, 1)}


@time_machine.travel(NOW, tick=False)
def test_the_district_drills_down_to_a_streets_chiefs_keeping_the_filters(client, world, district_of_chiefs):
    client.force_login(world.users.official)
    response = client.get(reverse("inspections:compliance"), {"tier": "village"})
    assert response.context["report"].shows_subdivisions
    assert "rows" not in response.context
    link = f'?tier=village&amp;region={world.street_a.pk}"'
    assert link in response.content.decode()
    response = client.get(reverse("inspections:compliance"), {"tier": "village", "region": world.street_a.pk})
    assert not response.context["report"].shows_subdivisions
    assert [(row.chief.username, row.done, row.required) for row in response.context["rows"]] == [
        ("chief_a2", 1, 2),
        ("chief_a1", 1, 1),
    ]
    assert response.context["total"].chiefs == 2


@time_machine.travel(NOW, tick=False)
def test_a_street_official_lands_on_their_streets_chiefs(client, world, district_of_chiefs):
    client.force_login(world.users.street_a)
    response = client.get(reverse("inspections:compliance"))
    assert not response.context["report"].shows_subdivisions
    assert {row.chief.username for row in response.context["rows"]} == {
        "chief_a1",
        "chief_a2",
        "street_chief_a",
        "chief_district",
    }
    assert client.get(reverse("inspections:compliance"), {"region": world.district.pk}).status_code == 400


@time_machine.travel(NOW, tick=False)
def test_a_streets_chiefs_come_a_page_at_a_time(client, world, district_of_chiefs, monkeypatch):
    from inspections.views import ComplianceView

    monkeypatch.setattr(ComplianceView, "paginate_by", 2)
    client.force_login(world.users.official)
    seen, page = [], 1
    while True:
        response = client.get(reverse("inspections:compliance"), {"region": world.street_a.pk, "page": page})
        seen += [(row.chief.username, row.tier) for row in response.context["rows"]]
        if not response.context["page_obj"].has_next():
            break
        assert f"?region={world.street_a.pk}&page={page + 1}" in response.content.decode()
        page += 1
    assert page == 2
    # The furthest behind first: 0 of 1, 1 of 3, 1 of 2, 1 of 1.
    assert seen == [
        ("chief_district", "district"),
        ("street_chief_a", "street"),
        ("chief_a2", "village"),
        ("chief_a1", "village"),
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("level", [None, "street_a", "village_a1"])
def test_every_level_of_compliance_runs_as_many_queries_for_many_chiefs(client, world, level, queries_to_get):
    client.force_login(world.users.official)
    url = reverse("inspections:compliance") + (f"?region={getattr(world, level).pk}" if level else "")
    few = queries_to_get(client, url)
    for index in range(20):
        chief = UserFactory(region=world.village_a1)
        segment = SegmentFactory(water_body=world.river, region=world.village_a1, code=f"T-D{index:02d}")
        AppointmentFactory(chief=chief, segment=segment, tier=Tier.VILLAGE)
        patrol(chief, segment, Tier.VILLAGE, NOW - datetime.timedelta(hours=5 + index))
    assert queries_to_get(client, url) == few <= 10
