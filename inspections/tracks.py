"""GPS tracks: reading them (GeoJSON + times, or GPX), checking them, measuring them, and judging
the patrol they record by the rules (``judge``: the one place a verdict is reached).

Everything here is computed by the server from the raw points; nothing the
client claims about distance, speed or coverage is trusted.
"""

import datetime
import itertools
import math
import struct
from dataclasses import dataclass

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wushui.geo import SERVICE_AREA, to_metric

# Messages number points from 1, as people count.
MAX_POINTS = 50_000  # 14 hours at one fix a second
# The phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=2)
# Compliance is reckoned over a year at most, and a phone holds an unsent patrol for days or weeks:
# an older one is a wrong clock (1970) or a forged date.
OLDEST_PATROL = datetime.timedelta(days=366)
# Track times may start a little before "start" was tapped and end a little after "stop".
TIME_SLACK = datetime.timedelta(minutes=1)
# Sustained speed is measured over at least this long, so that GPS jitter between two
# fixes a second apart does not look like a sprint.
SPEED_WINDOW_S = 30
# Simplifying the track by this much (metric CRS) before buffering it makes coverage ~20x cheaper
# and changed it by at most 0.0027 of the segment on noisy 1,000-point tracks (docs/benchmarks.md).
COVERAGE_SIMPLIFY_M = 5.0
# ST_Buffer draws a circle's quarter as 8 chords, which fall inside it by up to 1 - cos(5.625°)
# = 0.48 % of the radius: the bounds around a simplified coverage widen by this share more.
BUFFER_CHORD_SHARE = 0.01


@dataclass
class Track:
    line: LineString
    times: list  # aware datetimes, one per point
    texts: list  # the same times as ISO 8601 text with an offset, as stored
    seconds: list  # the same times as POSIX seconds, for speed


@dataclass
class Measurement:
    distance_m: float
    duration_s: int
    max_speed_kmh: float
    coverage: float
    distance_from_segment_m: float


@dataclass(frozen=True)
class Verdict:
    """A patrol as measured, and why it does not count (no reasons: it counts)."""

    measurement: Measurement
    reasons: list  # [{"code", "params"}], as stored

    @property
    def is_valid(self):
        return not self.reasons


def _error(field, message):
    return ValidationError({field: message})


_NUMBER = (int, float)


def _parse_times(values, field):
    """``(aware datetimes, texts to store)``. A time without an offset is local time, as a phone
    shows it; a time with one is kept as sent."""
    moments, texts = [], []
    for value in values:
        if isinstance(value, str) and "\x00" in value:
            # fromisoformat stops at a NUL byte; the database cannot store one.
            raise _error(field, _("A time may not contain a NUL character."))
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            try:
                moment = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                moment = None
            if moment is None:
                raise _error(field, _("“%(value)s” is not an ISO 8601 date and time.") % {"value": value}) from None
        if moment.tzinfo is None:
            moment = timezone.make_aware(moment)
            value = moment.isoformat()
        moments.append(moment)
        texts.append(value)
    return moments, texts


def track_from_geojson(geometry, times):
    """A :class:`Track` from a GeoJSON LineString and one ISO 8601 time per point."""
    if not isinstance(geometry, dict) or geometry.get("type") != "LineString":
        raise _error("track", _("The track must be a GeoJSON LineString."))
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list):
        raise _error("track", _("The track has no coordinate list."))
    if not isinstance(times, list):
        raise _error("track_times", _("Give a list of times, one per track point."))
    points = [
        (position[0], position[1]) if type(position) is list and len(position) >= 2 else None
        for position in coordinates
    ]
    # type() is exact: True and "1.5" are not coordinates.
    bad = next(
        (i for i, p in enumerate(points) if p is None or type(p[0]) not in _NUMBER or type(p[1]) not in _NUMBER), None
    )
    if bad is not None:
        raise _error("track", _("Point %(index)s is not a [longitude, latitude] pair.") % {"index": bad + 1})
    if len(times) != len(points):
        raise _error(
            "track_times",
            _("%(times)s times for %(points)s track points.") % {"times": len(times), "points": len(points)},
        )
    return _checked_track(points, *_parse_times(times, "track_times"), "track")


GPX_NAMESPACES = ("http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0")


def track_from_gpx(uploaded):
    """A :class:`Track` from the track points (``trkpt``) of a GPX 1.0/1.1 file."""
    try:
        root = ElementTree.fromstring(uploaded.read())
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise _error("gpx", _("The GPX file is not well-formed XML.")) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag.split("}")[-1] != "gpx" or (namespace and namespace not in GPX_NAMESPACES):
        raise _error("gpx", _("The file is not GPX."))
    prefix = f"{{{namespace}}}" if namespace else ""
    points, raw_times = [], []
    for index, point in enumerate(root.iter(f"{prefix}trkpt")):
        try:
            points.append((float(point.attrib["lon"]), float(point.attrib["lat"])))
        except (KeyError, ValueError):
            raise _error("gpx", _("Track point %(index)s has no valid lat/lon.") % {"index": index + 1}) from None
        time = point.find(f"{prefix}time")
        if time is None or not (time.text or "").strip():
            raise _error("gpx", _("Track point %(index)s has no time.") % {"index": index + 1})
        raw_times.append(time.text.strip())
    return _checked_track(points, *_parse_times(raw_times, "gpx"), "gpx")


def _checked_track(points, times, texts, field):
    # Tracks are long: each check runs in C (min, max, sorted) and finds the culprit only on failure.
    times_field = "track_times" if field == "track" else field
    if len(points) < 2:
        raise _error(field, _("A track needs at least 2 points."))
    if len(points) > MAX_POINTS:
        raise _error(field, _("A track may have at most %(max)s points.") % {"max": MAX_POINTS})
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    min_x, min_y, max_x, max_y = SERVICE_AREA
    finite = all(map(math.isfinite, xs)) and all(map(math.isfinite, ys))
    if not (finite and min_x <= min(xs) and max(xs) <= max_x and min_y <= min(ys) and max(ys) <= max_y):
        index = next(
            i
            for i, (x, y) in enumerate(points)
            if not (math.isfinite(x) and math.isfinite(y) and min_x <= x <= max_x and min_y <= y <= max_y)
        )
        message = _("Point %(index)s (%(x)s, %(y)s) is outside the district.")
        raise _error(field, message % {"index": index + 1, "x": points[index][0], "y": points[index][1]})
    seconds = [moment.timestamp() for moment in times]
    if seconds != sorted(seconds):
        index = next(i for i in range(1, len(seconds)) if seconds[i] < seconds[i - 1])
        raise _error(times_field, _("Track times go backwards at point %(index)s.") % {"index": index + 1})
    if times[-1] > timezone.now() + CLOCK_SKEW:
        raise _error(times_field, _("Track times lie in the future."))
    if seconds[-1] == seconds[0]:
        raise _error(times_field, _("All track points have the same time."))
    return Track(line_from_points(points), times, texts, seconds)


def line_from_points(points, srid=4326):
    """A LineString built from packed WKB: building it point by point costs ~25x more for long tracks."""
    wkb = struct.pack(f"<BII{2 * len(points)}d", 1, 2, len(points), *itertools.chain.from_iterable(points))
    return GEOSGeometry(memoryview(wkb), srid=srid)


def line_coords(line):
    """The coordinates of a LineString, unpacked from its WKB in one call."""
    wkb = bytes(line.wkb)
    order = "<" if wkb[0] == 1 else ">"
    (count,) = struct.unpack_from(f"{order}I", wkb, 5)
    flat = struct.unpack_from(f"{order}{2 * count}d", wkb, 9)
    return list(zip(flat[::2], flat[1::2], strict=True))


def check_period(track, started_at, ended_at):
    """The patrol's start and end must be in order, past, and enclose the track's times."""
    if ended_at <= started_at:
        raise _error("ended_at", _("The patrol ends before it starts."))
    if ended_at > timezone.now() + CLOCK_SKEW:
        raise _error("ended_at", _("The patrol ends in the future."))
    if started_at < timezone.now() - OLDEST_PATROL:
        raise _error(
            "started_at", _("A patrol older than %(days)s days is not accepted.") % {"days": OLDEST_PATROL.days}
        )
    if track.times[0] < started_at - TIME_SLACK or track.times[-1] > ended_at + TIME_SLACK:
        raise _error("track_times", _("Track times fall outside the patrol's start and end."))


def max_sustained_speed_kmh(metric_coords, seconds):
    """Highest speed over any stretch of at least ``SPEED_WINDOW_S`` seconds (two pointers, O(n)).

    Speed is the straight-line displacement over the stretch, not the path walked: a GPS fix
    jumping sideways and back then adds at most the jump once, instead of twice per window.
    """
    best = 0.0
    end = 0
    for start in range(len(seconds)):
        while end < len(seconds) and seconds[end] - seconds[start] < SPEED_WINDOW_S:
            end += 1
        if end == len(seconds):
            break
        (x0, y0), (x1, y1) = metric_coords[start], metric_coords[end]
        best = max(best, math.hypot(x1 - x0, y1 - y0) / (seconds[end] - seconds[start]))
    if best == 0.0 and seconds[-1] > seconds[0]:
        # Shorter than one window: the displacement over the whole track.
        (x0, y0), (x1, y1) = metric_coords[0], metric_coords[-1]
        best = math.hypot(x1 - x0, y1 - y0) / (seconds[-1] - seconds[0])
    return best * 3.6


# The distance check uses the simplified track too: a few metres do not matter against its
# threshold of hundreds, and the raw track is the costly part.
def _coverage_sql(buffers):
    covered = ", ".join(["ST_Length(ST_Intersection(seg, ST_Buffer(trk, %s)))"] * buffers)
    return f"""
SELECT {covered}, ST_Length(seg), ST_Distance(seg, trk)
FROM (SELECT ST_Transform(geometry, %s) AS seg, ST_Simplify(ST_GeomFromWKB(%s, %s), %s) AS trk
      FROM rivers_segment WHERE id = %s) AS measured
"""


def _covered_shares(segment_id, line, buffers_m, simplify_m):
    """The shares of the segment within each of ``buffers_m`` of the track simplified by
    ``simplify_m``, and the track's distance from it: one statement, the same SQL on PostGIS and
    SpatiaLite, in the metric CRS. ``line`` may be in EPSG:4326 or already metric."""
    srid = settings.METRIC_SRID
    metric = line if line.srid == srid else to_metric(line)
    with connection.cursor() as cursor:
        cursor.execute(
            _coverage_sql(len(buffers_m)), [*buffers_m, srid, bytes(metric.wkb), srid, simplify_m, segment_id]
        )
        *covered, length, distance = cursor.fetchone()
    shares = [min(1.0, (part or 0.0) / length) if length else 0.0 for part in covered]
    return shares, float(distance or 0.0)


def coverage_in_database(segment_id, line, buffer_m, simplify_m=COVERAGE_SIMPLIFY_M):
    """``(coverage, distance_m)``: the share of the segment's length within ``buffer_m`` of the
    track simplified by ``simplify_m`` (0: exactly), and the track's distance from the segment."""
    (coverage,), distance = _covered_shares(segment_id, line, [buffer_m], simplify_m)
    return coverage, distance


# Where the simplified track's bounds leave the verdict open, the raw track is measured, but only near
# the stretches of the segment between the bounds ("undecided"): within the inner bound the segment is
# covered and beyond the outer one it is not, whatever the raw track does. Of the raw track only the part
# within the outer bound's distance of those stretches is buffered; nothing farther can reach them, and
# the ends where it is cut lie too far from them for their caps to. That part is buffered thrice, at the
# rule's distance and ± BUFFER_CHORD_SHARE of it: buffering the whole raw track draws its chords
# elsewhere, so its figure lies between those two, not necessarily on the middle one.
def _near_undecided_sql(buffers):
    covered = ", ".join(["ST_Length(ST_Intersection(undecided, ST_Buffer(near, %s)))"] * buffers)
    # MATERIALIZED (PostgreSQL 12+, SQLite 3.35+): each step once. Inlined, PostgreSQL computes a step
    # again wherever the next one names it, which made the statement two to three times slower.
    return f"""
WITH measured AS MATERIALIZED (
    SELECT ST_Transform(geometry, %s) AS seg, ST_GeomFromWKB(%s, %s) AS raw FROM rivers_segment WHERE id = %s
), simplified AS MATERIALIZED (
    SELECT seg, raw, ST_Simplify(raw, %s) AS trk FROM measured
), bounded AS MATERIALIZED (
    SELECT seg, raw, ST_Buffer(trk, %s) AS inner_buffer, ST_Buffer(trk, %s) AS outer_buffer FROM simplified
), split AS MATERIALIZED (
    SELECT seg, raw, inner_buffer, ST_Difference(ST_Intersection(seg, outer_buffer), inner_buffer) AS undecided
    FROM bounded
), clipped AS MATERIALIZED (
    SELECT seg, inner_buffer, undecided, ST_Intersection(raw, ST_Buffer(undecided, %s)) AS near FROM split
)
SELECT ST_Length(ST_Intersection(seg, inner_buffer)), {covered}, ST_Length(seg) FROM clipped
"""


def _covered_near_undecided(segment_id, metric, buffers_m, inner_m, outer_m):
    """The shares of the segment within each of ``buffers_m`` of the raw ``metric`` track, measured
    between the bounds of ``inner_m`` and ``outer_m`` around it simplified by ``COVERAGE_SIMPLIFY_M``."""
    srid = settings.METRIC_SRID
    track = [srid, bytes(metric.wkb), srid, segment_id, COVERAGE_SIMPLIFY_M]
    with connection.cursor() as cursor:
        cursor.execute(_near_undecided_sql(len(buffers_m)), [*track, inner_m, outer_m, outer_m, *buffers_m])
        covered, *undecided_covered, length = cursor.fetchone()
    # SpatiaLite answers NULL where PostGIS measures an empty geometry.
    return [min(1.0, ((covered or 0.0) + (part or 0.0)) / length) if length else 0.0 for part in undecided_covered]


def _decided(low, high, min_coverage):
    """Whether a coverage known to lie between ``low`` and ``high`` is judged alike at both; verdicts
    compare the figure rounded as stored."""
    return round(low, 4) >= min_coverage or round(high, 4) < min_coverage


def coverage_for_verdict(segment_id, line, buffer_m, min_coverage):
    """``(coverage, distance_m, exact)``, with a verdict on coverage that is the exact computation's.

    Douglas–Peucker keeps the simplified track within ``COVERAGE_SIMPLIFY_M`` of the raw one (and
    the raw one within as much of it), so the raw track's buffer lies between the simplified
    track's buffers of ``buffer_m`` ± that, widened by ``BUFFER_CHORD_SHARE``: the same statement
    measures those two bounds. When both fall on one side of ``min_coverage`` the verdict is
    certain and the simplified figure is kept. Otherwise the raw track is measured near the
    stretches between the bounds (``_covered_near_undecided``), which bounds the exact figure
    tighter; and when ``min_coverage`` falls between those bounds too, on the whole raw track."""
    metric = line if line.srid == settings.METRIC_SRID else to_metric(line)
    margin = COVERAGE_SIMPLIFY_M + BUFFER_CHORD_SHARE * buffer_m
    inner_m, outer_m = max(0.0, buffer_m - margin), buffer_m + margin
    (coverage, low, high), distance = _covered_shares(
        segment_id, metric, [buffer_m, inner_m, outer_m], COVERAGE_SIMPLIFY_M
    )
    if _decided(low, high, min_coverage):
        return coverage, distance, False
    chords_m = BUFFER_CHORD_SHARE * buffer_m
    coverage, low, high = _covered_near_undecided(
        segment_id, metric, [buffer_m, buffer_m - chords_m, buffer_m + chords_m], inner_m, outer_m
    )
    if _decided(low, high, min_coverage):
        return coverage, distance, True
    coverage, distance = coverage_in_database(segment_id, metric, buffer_m, simplify_m=0)
    return coverage, distance, True


def duration_seconds(started_at, ended_at):
    """A patrol's duration from its start and end, whole seconds, at least one."""
    return max(1, round((ended_at - started_at).total_seconds()))


def average_speed_kmh(distance_m, duration_s):
    return round(distance_m / duration_s * 3.6, 2)


def measure(track, segment, started_at, ended_at, rules):
    metric = to_metric(track.line)
    coverage, distance_from_segment, _exact = coverage_for_verdict(
        segment.pk, metric, rules["coverage_buffer_m"], rules["min_coverage"]
    )
    return Measurement(
        distance_m=round(metric.length, 1),
        duration_s=duration_seconds(started_at, ended_at),
        max_speed_kmh=round(max_sustained_speed_kmh(line_coords(metric), track.seconds), 2),
        coverage=round(coverage, 4),
        distance_from_segment_m=round(distance_from_segment, 1),
    )


# --- Judging ---------------------------------------------------------------------------------------


def required_distance_m(min_distance_m, min_coverage, segment_length_m=None):
    """The distance a patrol must cover: the rule's minimum, but never more than the coverage
    rule's share of the segment's length (with the coverage rule off, 0, the whole length)."""
    if segment_length_m is None:
        return min_distance_m
    return min(min_distance_m, round((min_coverage or 1.0) * segment_length_m))


def judge(track, segment, started_at, ended_at, rules):
    """The server's :class:`Verdict` on a patrol of ``segment`` by ``rules`` (as ``PatrolRuleSet.as_dict``
    gives them, for that segment). A track that never comes within the rules' distance of the segment
    is not a patrol of it: refused with a ValidationError on ``track``."""
    measurement = measure(track, segment, started_at, ended_at, rules)
    if measurement.distance_from_segment_m > rules["max_distance_from_segment_m"]:
        raise _error(
            "track",
            _("The track never comes within %(max)s m of the segment (nearest %(actual)s m).")
            % {"max": rules["max_distance_from_segment_m"], "actual": f"{measurement.distance_from_segment_m:.0f}"},
        )
    return Verdict(measurement, invalid_reasons(measurement, rules))


# Reason codes and their messages; a patrol stores the code and the figures, and the message is
# rendered in the reader's language when shown.
REASON_MESSAGES = {
    "too_short_time": gettext_lazy("Shorter than %(min)s minutes (%(actual)s)."),
    "too_short_distance": gettext_lazy("Shorter than %(min)s m (%(actual)s m)."),
    "low_coverage": gettext_lazy("Covers %(actual)s of the segment; %(min)s needed."),
    "too_fast": gettext_lazy("Moved at %(actual)s km/h, faster than %(max)s km/h: not on foot or by bicycle."),
}


def invalid_reasons(measurement, rules):
    """Why a measured patrol does not count (empty: valid): ``[{"code", "params"}]``."""
    reasons = []
    if measurement.duration_s < rules["min_duration_min"] * 60:
        params = {"min": rules["min_duration_min"], "actual": f"{measurement.duration_s / 60:.1f}"}
        reasons.append({"code": "too_short_time", "params": params})
    if measurement.distance_m < rules["required_distance_m"]:
        params = {"min": rules["required_distance_m"], "actual": f"{measurement.distance_m:.0f}"}
        reasons.append({"code": "too_short_distance", "params": params})
    if measurement.coverage < rules["min_coverage"]:
        params = {"actual": f"{measurement.coverage:.0%}", "min": f"{rules['min_coverage']:.0%}"}
        reasons.append({"code": "low_coverage", "params": params})
    if measurement.max_speed_kmh > rules["max_speed_kmh"]:
        params = {"actual": f"{measurement.max_speed_kmh:.0f}", "max": f"{rules['max_speed_kmh']:.0f}"}
        reasons.append({"code": "too_fast", "params": params})
    return reasons


def reason_message(reason):
    """A stored reason in the current language."""
    return str(REASON_MESSAGES[reason["code"]]) % reason["params"]
