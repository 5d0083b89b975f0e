"""The scale generator's writing (``wushui.bulk``): rows written as given, keys in order, and batches
drawn in a thread or a process of their own arriving in order, errors and all."""

import sys
import time

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from wushui import bulk
from wushui.choices import RegionLevel
from wushui.models import Region


def square(x, y):
    return MultiPolygon(Polygon(((x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01), (x, y))), srid=4326)


REGION_COLUMNS = ["id", "code", "name", "level", "parent_id", "boundary"]


def test_rows_are_written_as_given_geometries_as_objects_or_their_ewkb(db):
    keys = bulk.new_keys(Region, 3)
    assert keys == list(range(keys[0], keys[0] + 3))
    assert keys[0] > (Region.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    rows = [
        (keys[0], "330303901000", "甲街道", RegionLevel.STREET, None, square(120.7, 27.9)),
        (keys[1], "330303902000", "乙\t街道\\", RegionLevel.STREET, None, bytes(square(120.8, 27.9).ewkb)),
        (keys[2], "330303902001", "丙村", RegionLevel.VILLAGE, keys[1], None),
    ]
    prepared = bulk.prepare_rows(Region, REGION_COLUMNS, rows)
    assert bulk.write_prepared(prepared) == 3
    stored = {region.pk: region for region in Region.objects.filter(pk__in=keys)}
    assert stored[keys[0]].boundary.equals_exact(square(120.7, 27.9))
    assert stored[keys[1]].boundary.equals_exact(square(120.8, 27.9))
    assert stored[keys[1]].name == "乙\t街道\\"
    assert stored[keys[2]].parent_id == keys[1]
    assert stored[keys[2]].boundary is None


def test_a_formatter_keeps_the_rows_in_the_order_given(db):
    keys = bulk.new_keys(Region, 2)
    formatter = bulk.RowFormatter(Region, REGION_COLUMNS)
    late = (keys[0], "330303903000", "先", RegionLevel.STREET, None, None)
    formatted = [None, formatter.format((keys[1], "330303904000", "后", RegionLevel.STREET, None, None))]
    formatted[0] = formatter.format(late)
    bulk.write_prepared(formatter.prepared(formatted))
    assert list(Region.objects.filter(pk__in=keys).order_by("pk").values_list("name", flat=True)) == ["先", "后"]


def batches(count, fail_at=None, error=ValueError):
    for number in range(count):
        if number == fail_at:
            raise error(f"batch {number} cannot be drawn")
        yield [number] * 3


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not this one")


DRAWERS = [bulk.drawn_ahead, bulk.drawn_apart]


@pytest.mark.parametrize("drawn", DRAWERS)
def test_batches_drawn_elsewhere_arrive_in_order(drawn):
    assert list(drawn(batches(20))) == [[number] * 3 for number in range(20)]


@pytest.mark.parametrize("drawn", DRAWERS)
def test_an_error_while_drawing_is_raised_to_the_caller_after_the_batches_before_it(drawn):
    received = []
    with pytest.raises(ValueError, match="batch 4 cannot be drawn"):
        received.extend(drawn(batches(10, fail_at=4)))
    assert received == [[number] * 3 for number in range(4)]


@pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux only")
def test_an_error_that_does_not_pickle_comes_back_as_its_traceback():
    with pytest.raises(RuntimeError, match="Unpicklable"):
        list(bulk.drawn_apart(batches(3, fail_at=1, error=Unpicklable)))


@pytest.mark.parametrize("drawn", DRAWERS)
def test_a_caller_that_stops_early_stops_the_drawing(drawn):
    started = time.monotonic()
    for batch in drawn(batches(10**6)):
        assert batch == [0] * 3
        break
    assert time.monotonic() - started < 10
