"""Storing samples: classification by the station's rules, stored once, the station's latest class and
bad run, alerts once per station, kind and day, monthly means, and what the problems side reads."""

import pytest
import time_machine

from rivers.choices import AlertKind, SampleInterval, SampleSource, WaterClass, WaterType
from rivers.models import Alert, Sample, Station, StationMonth
from rivers.samples import mark_alerts_taken, new_sample, store_samples, untaken_alerts
from tests.factories import SegmentFactory, StationFactory, WaterBodyFactory
from tests.rivers.conftest import NOW, add_sample, local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_station_takes_target_and_water_type_from_its_water_body(world):
    lake = WaterBodyFactory(kind="lake", length_km=None, area_km2=1, target_class=3)
    station = StationFactory(segment=SegmentFactory(water_body=lake, region=world.village_a1))
    assert (station.target_class, station.water_type, station.water_body) == (3, WaterType.LAKE, lake)


def test_a_sample_is_classified_by_its_station(stations):
    a1, _b = stations
    sample = add_sample(a1, local(2026, 3, 1, 10), nh3n=1.2, tp=0.25, do=6.5)
    stored = Sample.objects.get(pk=sample.pk)
    assert stored.water_class == WaterClass.IV
    assert stored.determining == ["nh3n", "tp"]
    assert not stored.is_bad  # target IV
    a1.refresh_from_db()
    assert (a1.latest_class, a1.bad_since) == (WaterClass.IV, None)


def test_stored_once_per_station_source_interval_and_time(stations):
    a1, _b = stations
    first = store_samples([new_sample(a1, local(2026, 3, 1, 10), SampleSource.LAB, values={"nh3n": 1.2})])
    again = store_samples([new_sample(a1, local(2026, 3, 1, 10), SampleSource.LAB, values={"nh3n": 2.4})])
    assert (first.created, first.updated, again.created, again.updated) == (1, 0, 0, 1)
    sample = Sample.objects.get()
    assert sample.values == {"nh3n": 2.4}
    assert sample.water_class == WaterClass.WORSE_THAN_V
    # Another source or interval at the same time is another sample.
    store_samples([new_sample(a1, local(2026, 3, 1, 10), SampleSource.AUTOMATIC, SampleInterval.HOUR, {"nh3n": 1})])
    assert Sample.objects.count() == 2


def test_bad_run_alerts_and_latest(stations):
    a1, _b = stations
    add_sample(a1, local(2026, 2, 1, 10), nh3n=0.8)
    add_sample(a1, local(2026, 2, 10, 10), nh3n=2.5)  # 劣V
    add_sample(a1, local(2026, 2, 10, 15), nh3n=2.8)  # same day: no second alert
    add_sample(a1, local(2026, 2, 20, 10), nh3n=1.8)  # V, worse than target IV
    a1.refresh_from_db()
    assert a1.latest_class == WaterClass.V
    assert a1.bad_since == local(2026, 2, 10, 10)
    assert list(Alert.objects.order_by("day").values_list("kind", "day")) == [
        (AlertKind.WORSE_THAN_V, local(2026, 2, 10).date()),
        (AlertKind.WORSE_THAN_TARGET, local(2026, 2, 20).date()),
    ]
    assert Alert.objects.first().chief == a1.responsible_chief
    add_sample(a1, local(2026, 2, 25, 10), nh3n=0.9)
    a1.refresh_from_db()
    assert (a1.latest_class, a1.bad_since) == (WaterClass.III, None)


def test_a_late_sample_does_not_replace_a_newer_latest(stations):
    a1, _b = stations
    add_sample(a1, local(2026, 3, 1, 10), nh3n=0.4)
    add_sample(a1, local(2026, 2, 1, 10), nh3n=3.0)
    a1.refresh_from_db()
    assert a1.latest_class == WaterClass.II


def test_real_time_readings_set_no_class_and_raise_no_alert(stations):
    a1, _b = stations
    store_samples([new_sample(a1, local(2026, 3, 1, 10), SampleSource.AUTOMATIC, SampleInterval.INSTANT, {"nh3n": 9})])
    a1.refresh_from_db()
    assert a1.latest_class is None
    assert not Alert.objects.exists()
    assert not StationMonth.objects.exists()


def test_monthly_means_from_assessed_normal_values(stations):
    a1, _b = stations
    add_sample(a1, local(2026, 2, 1, 10), nh3n=1.0, tp=0.1)
    add_sample(a1, local(2026, 2, 15, 10), nh3n=3.0)
    store_samples(
        [
            new_sample(
                a1, local(2026, 2, 16, 10), SampleSource.AUTOMATIC, SampleInterval.HOUR, {"nh3n": 50}, {"nh3n": "D"}
            )
        ]
    )
    month = StationMonth.objects.get(station=a1)
    assert month.month.isoformat() == "2026-02-01"
    assert month.means == {"nh3n": 2.0, "tp": 0.1}  # the flagged 50 is left out
    assert month.samples == 3
    assert month.water_class == WaterClass.V


def test_the_problems_side_reads_untaken_alerts_and_marks_them(stations):
    a1, b = stations
    add_sample(a1, local(2026, 2, 10, 10), nh3n=2.5)
    add_sample(b, local(2026, 2, 11, 10), nh3n=2.5)
    alerts = list(untaken_alerts())
    assert [alert.station for alert in alerts] == [a1, b]
    assert mark_alerts_taken([alerts[0].pk]) == 1
    assert mark_alerts_taken([alerts[0].pk]) == 0
    assert [alert.station for alert in untaken_alerts()] == [b]
    assert list(untaken_alerts(after_id=alerts[1].pk)) == []


def test_station_rules(world):
    station = Station(code="T-X", name="x", control_level="district", segment=world.segment_a1, is_automatic=True)
    with pytest.raises(Exception, match="MN"):
        station.full_clean()
