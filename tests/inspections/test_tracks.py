"""Distance, speed, coverage and validity, against hand-computed geometries."""

import datetime
import importlib
import math
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections import tracks
from inspections.models import PatrolRuleSet
from tests.factories import PatrolFactory, SegmentFactory
from tests.inspections.tracks import track_along
from wushui.geo import from_metric, to_metric

pytestmark = pytest.mark.django_db

RULES = PatrolRuleSet().as_dict()
START = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)


def metric_origin():
    return to_metric(Point(120.75, 27.90, srid=4326))


def line_in_metres(*offsets):
    """A 4326 line through points given in metres from a fixed origin in village A1."""
    origin = metric_origin()
    return from_metric(LineString([(origin.x + dx, origin.y + dy) for dx, dy in offsets], srid=settings.METRIC_SRID))


@pytest.fixture
def straight_segment(world):
    """A straight 1,000 m segment running east."""
    return SegmentFactory(water_body=world.river, region=world.village_a1, geometry=line_in_metres((0, 0), (1000, 0)))


def test_coverage_of_half_the_segment_at_a_10_m_offset(straight_segment):
    # The track follows the first 500 m, 10 m north. The 50 m buffer reaches
    # sqrt(50² − 10²) = 48.99 m further along the segment past the track's end.
    track = line_in_metres((0, 10), (250, 10), (500, 10))
    coverage, distance = tracks.coverage_in_database(straight_segment.pk, track, buffer_m=50)
    assert coverage == pytest.approx((500 + math.sqrt(50**2 - 10**2)) / 1000, abs=0.002)
    assert distance == pytest.approx(10, abs=0.01)


def test_a_track_beyond_the_buffer_covers_nothing(straight_segment):
    track = line_in_metres((0, 80), (1000, 80))
    coverage, distance = tracks.coverage_in_database(straight_segment.pk, track, buffer_m=50)
    assert coverage == 0
    assert distance == pytest.approx(80, abs=0.01)


def noisy_track_along(segment):
    """70 % of the segment at walking pace, one fix every 8 m, with a deterministic GPS-like jitter of a few metres."""
    coordinates, times = track_along(segment.geometry, start=START, speed_kmh=5, step_m=8, fraction=0.7)
    noisy = [[x + 0.00002 * math.sin(i * 1.7), y + 0.00002 * math.cos(i * 2.3)] for i, (x, y) in enumerate(coordinates)]
    return noisy, times


def test_simplified_coverage_agrees_with_the_exact_computation(world):
    """The method used (simplify by COVERAGE_SIMPLIFY_M, then buffer) against the exact buffer of the raw track."""
    segment = world.segment_a1
    noisy, _times = noisy_track_along(segment)
    line = LineString(noisy, srid=4326)
    simplified, _d = tracks.coverage_in_database(segment.pk, line, buffer_m=50)
    exact, _d = tracks.coverage_in_database(segment.pk, line, buffer_m=50, simplify_m=0)
    assert len(noisy) > 600
    assert simplified == pytest.approx(0.7, abs=0.02)
    assert abs(simplified - exact) < 0.001


def test_the_verdict_on_coverage_is_the_exact_computations(straight_segment, django_assert_num_queries):
    """The simplified figure is kept only when its bounds put the verdict beyond doubt.

    The zigzag runs 2 m either side of a line 50 m north of the segment, a vertex every 10 m.
    Exactly, every point of the segment is within sqrt(10² + 48²) = 49.0 m of a southern vertex:
    coverage 1. Simplified by 5 m the zigzag is a straight line 52 m away: coverage 0. The bounds
    (buffers of 50 ∓ 5.5 m around that line) are 0 and 1, so no minimum can be judged on them.
    """
    zigzag = [(x, 50 + (-2 if x % 20 else 2)) for x in range(0, 1001, 10)]
    line = line_in_metres(*zigzag)
    assert tracks.coverage_in_database(straight_segment.pk, line, buffer_m=50, simplify_m=0)[0] == pytest.approx(1.0)
    assert tracks.coverage_in_database(straight_segment.pk, line, buffer_m=50)[0] == pytest.approx(0.0, abs=0.001)
    for min_coverage in (0.05, 0.6, 1.0):
        with django_assert_num_queries(2):
            coverage, _distance, exact = tracks.coverage_for_verdict(straight_segment.pk, line, 50, min_coverage)
        assert exact
        assert coverage == pytest.approx(1.0)

    # Half the segment walked 10 m north of it: coverage (500 + sqrt(50² − 10²)) / 1000 = 0.549, and
    # the bounds, about 0.542 and 0.556, settle every minimum outside them in one statement.
    half = line_in_metres((0, 10), (250, 10), (500, 10))
    for min_coverage in (0.5, 0.6):
        with django_assert_num_queries(1):
            coverage, _distance, exact = tracks.coverage_for_verdict(straight_segment.pk, half, 50, min_coverage)
        assert not exact
        assert coverage == pytest.approx(0.549, abs=0.002)
    with django_assert_num_queries(2):
        _coverage, _distance, exact = tracks.coverage_for_verdict(straight_segment.pk, half, 50, 0.55)
    assert exact


def test_between_the_bounds_the_raw_track_is_measured_near_the_undecided_stretches(
    straight_segment, django_assert_num_queries
):
    """Half the segment walked 10 m north of it, then straight away from it: coverage
    (500 + sqrt(50² − 10²)) / 1000 = 0.549, undecided by the simplified track's bounds (about 0.542
    and 0.556) for minimums near it. The raw track, buffered only near the stretch where they differ,
    at 50 ∓ 0.5 m (ST_Buffer's chords), bounds it within about 0.5485 and 0.5495: that settles 0.552
    in a second statement, and leaves 0.549 itself to the whole raw track."""
    line = line_in_metres((0, 10), (250, 10), (500, 10), (500, 400), (500, 3000))
    exact, _distance = tracks.coverage_in_database(straight_segment.pk, line, buffer_m=50, simplify_m=0)
    assert exact == pytest.approx(0.549, abs=0.001)

    with django_assert_num_queries(2):
        coverage, _distance, measured_exactly = tracks.coverage_for_verdict(straight_segment.pk, line, 50, 0.552)
    assert measured_exactly
    assert coverage == pytest.approx(exact, abs=0.0001)
    assert round(coverage, 4) < 0.552

    with django_assert_num_queries(3):
        coverage, _distance, measured_exactly = tracks.coverage_for_verdict(
            straight_segment.pk, line, 50, round(exact, 4)
        )
    assert measured_exactly
    assert coverage == exact


def test_sustained_speed_ignores_a_one_second_jitter():
    # Walking 1.4 m/s, with one fix jumping 30 m sideways and back.
    coords = [(i * 1.4, 0.0) for i in range(120)]
    coords[60] = (60 * 1.4, 30.0)
    seconds = [START.timestamp() + i for i in range(120)]
    speed = tracks.max_sustained_speed_kmh(coords, seconds)
    assert speed < 1.4 * 3.6 * 1.5
    assert speed > 1.4 * 3.6 * 0.9


def test_sustained_speed_catches_a_car():
    coords = [(i * 15.0, 0.0) for i in range(200)]  # 15 m/s = 54 km/h
    seconds = [START.timestamp() + i for i in range(200)]
    assert tracks.max_sustained_speed_kmh(coords, seconds) == pytest.approx(54, rel=0.01)


def measurement(**overrides):
    values = {
        "distance_m": 2000.0,
        "duration_s": 1800,
        "max_speed_kmh": 6,
        "coverage": 0.9,
        "distance_from_segment_m": 3,
    }
    values.update(overrides)
    return tracks.Measurement(**values)


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({}, []),
        ({"duration_s": 599}, ["too_short_time"]),
        ({"duration_s": 600}, []),
        ({"distance_m": 999}, ["too_short_distance"]),
        ({"coverage": 0.59}, ["low_coverage"]),
        ({"max_speed_kmh": 40}, ["too_fast"]),
        (
            {"duration_s": 60, "distance_m": 100, "coverage": 0.1},
            ["too_short_time", "too_short_distance", "low_coverage"],
        ),
    ],
)
def test_validity_rules_and_their_reasons(overrides, codes):
    reasons = tracks.invalid_reasons(measurement(**overrides), RULES)
    assert [reason["code"] for reason in reasons] == codes
    assert all(tracks.reason_message(reason) for reason in reasons)


def judged(track_segment, segment, fraction=1.0):
    """The verdict on a patrol of ``segment`` at 12 km/h along ``fraction`` of ``track_segment``, two hours ago."""
    start = timezone.now() - datetime.timedelta(hours=2)
    coordinates, times = track_along(track_segment.geometry, start=start, speed_kmh=12, fraction=fraction, step_m=40)
    track = tracks.track_from_geojson(
        {"type": "LineString", "coordinates": coordinates}, [t.isoformat() for t in times]
    )
    rules = PatrolRuleSet().as_dict(segment_length_m=segment.length_m)
    return tracks.judge(track, segment, times[0], times[-1], rules)


def test_judging_a_patrol_gives_its_measurement_reasons_and_validity(world):
    whole = judged(world.segment_a1, world.segment_a1)
    assert whole.is_valid
    assert whole.reasons == []
    assert whole.measurement.coverage == pytest.approx(1.0, abs=0.01)

    part = judged(world.segment_a1, world.segment_a1, fraction=0.3)
    assert not part.is_valid
    assert [reason["code"] for reason in part.reasons] == ["low_coverage"]
    assert part.measurement.coverage == pytest.approx(0.3, abs=0.02)


def test_judging_refuses_a_track_that_never_comes_near_the_segment(world):
    with pytest.raises(ValidationError) as error:
        judged(world.segment_b1, world.segment_a1)
    assert "never comes within 500 m" in error.value.message_dict["track"][0]


def test_geojson_track_needs_matching_times():
    geometry = {"type": "LineString", "coordinates": [[120.75, 27.9], [120.76, 27.9]]}
    with pytest.raises(ValidationError) as error:
        tracks.track_from_geojson(geometry, [START.isoformat()])
    assert "track_times" in error.value.message_dict


def test_times_in_the_future_are_refused():
    later = timezone.now() + datetime.timedelta(hours=1)
    geometry = {"type": "LineString", "coordinates": [[120.75, 27.9], [120.76, 27.9]]}
    with pytest.raises(ValidationError) as error:
        tracks.track_from_geojson(geometry, [later.isoformat(), (later + datetime.timedelta(minutes=1)).isoformat()])
    assert "future" in error.value.message_dict["track_times"][0]


def test_patrols_stored_before_the_length_cap_record_the_distance_that_judged_them(world):
    migration = importlib.import_module("inspections.migrations.0003_rules_required_distance")
    old_rules = {key: value for key, value in RULES.items() if key != "required_distance_m"}
    old = PatrolFactory(segment=world.segment_a1, chief=world.users.chief_a1, rules=old_rules)
    new = PatrolFactory(
        segment=world.segment_a1, chief=world.users.chief_a1, rules={**RULES, "required_distance_m": 420}
    )
    migration.record_required_distance(apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.rules == {**old_rules, "required_distance_m": 1000}
    assert new.rules["required_distance_m"] == 420


@pytest.mark.parametrize(
    ("segment_length_m", "min_coverage", "required"),
    [
        (None, "0.60", 1000),  # no segment: the rule's own minimum
        (5000, "0.60", 1000),
        (1500, "0.60", 900),  # never more than the coverage rule's share of the segment
        (688, "0.60", 413),
        (688, "0", 688),  # coverage rule off: the whole segment
    ],
)
def test_the_distance_asked_for_depends_on_the_segments_length(segment_length_m, min_coverage, required):
    rules = PatrolRuleSet(min_coverage=Decimal(min_coverage)).as_dict(segment_length_m=segment_length_m)
    assert rules["required_distance_m"] == required
    assert rules["min_distance_m"] == 1000
