"""The demo's water quality: the speech's stations, 劣V where it says so, idempotent."""

import io

import pytest
from django.core.management import call_command

from rivers.choices import ControlLevel, WaterClass
from rivers.models import Alert, CampaignDeadline, Outlet, Sample, Station, StationMonth, ThreeRiversRecord
from rivers.quality_reports import tracker

pytestmark = pytest.mark.django_db


def row_counts():
    return tuple(model.objects.count() for model in (Sample, Alert, StationMonth, Outlet, ThreeRiversRecord))


def test_seed_has_the_speechs_stations_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Water quality: 12 stations" in out.getvalue()
    stations = {station.name: station for station in Station.objects.all()}
    for name in ("瑶溪站位", "状元十字河站位", "屿田断面", "永中断面"):
        assert stations[name].latest_class == WaterClass.WORSE_THAN_V, name
    assert stations["屿田断面"].control_level == stations["永中断面"].control_level == ControlLevel.CITY
    assert stations["瑶溪站位"].is_automatic
    assert stations["丰台水库"].is_lake
    counts = row_counts()
    assert counts[0] > 500
    assert ThreeRiversRecord.objects.filter(rebound_of__isnull=False).exists()
    assert CampaignDeadline.objects.count() == 4
    tracked, _waters, _deadlines = tracker(
        Station.objects.all(), Outlet.objects.all(), CampaignDeadline.objects.first().due
    )
    assert {entry.station.name for entry in tracked} >= {"瑶溪站位", "状元十字河站位", "屿田断面", "永中断面"}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "0 new samples, 0 outlets written, 0 清三河 records new" in out.getvalue()
    assert row_counts() == counts
