"""The shortcuts ``grow_patrols`` takes to draw 400,000 patrols write exactly what the slow ways write."""

import datetime
import zoneinfo

import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from inspections.demo import _fix_texts, _parts_coords, _parts_ewkb

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("first_fix", "step_s", "count"),
    [
        (datetime.datetime(2026, 3, 4, 9, 15, 3, tzinfo=SHANGHAI), 37, 40),
        (datetime.datetime(2026, 3, 4, 23, 50, 0, tzinfo=SHANGHAI), 60, 30),  # past midnight
        (datetime.datetime(2026, 3, 4, 9, 15, 3, 500, tzinfo=SHANGHAI), 10, 5),  # not on a whole second
        (datetime.datetime(2026, 3, 29, 1, 30, 0, tzinfo=BERLIN), 300, 20),  # summer time begins
        (datetime.datetime(2026, 3, 4, 0, 0, 0, tzinfo=datetime.UTC), 1, 3),
    ],
)
def test_fix_times_are_written_as_isoformat_writes_them(first_fix, step_s, count):
    moments = [first_fix + datetime.timedelta(seconds=step_s * index) for index in range(count)]
    assert _fix_texts(first_fix, moments[-1], step_s, count) == [moment.isoformat() for moment in moments]


def test_the_tracks_cut_from_a_batch_are_those_of_its_lines():
    lines = [
        LineString([(120.7, 27.9), (120.71, 27.91), (120.72, 27.9)], srid=4326),
        LineString([(120.8, 28.0), (120.81, 28.01)], srid=4326),
    ]
    batch = MultiLineString(lines, srid=4326)
    assert _parts_ewkb(batch, 4326) == [bytes(line.ewkb) for line in lines]
    assert _parts_coords(batch) == [list(line.coords) for line in lines]
