"""Demo patrols: for ``seed_demo`` the last weeks of patrolling in the district, through the real
service; for ``grow_district`` (``grow_patrols``, a step of ``demo.scale``) a year of them at the
scale of a city, measured by the product's own functions and written in batches.

Most chiefs patrol on time at walking or cycling pace; some skip a period, walk only part of
their segment, or drive, so that lists, verdicts and compliance have something to show.
"""

import bisect
import datetime
import functools
import io
import itertools
import math
import random
import struct
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.gdal import OGRGeometry
from django.contrib.gis.geos import GEOSGeometry, LineString
from django.utils import timezone

from inspections import services, tracks
from inspections.choices import FindingCategory, PatrolSource, ProblemSource
from inspections.models import Finding, Patrol, PatrolFrequency, PatrolRuleSet, Problem
from inspections.tracks import track_from_geojson
from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment
from wushui import periods
from wushui.bulk import RowFormatter, drawn_apart, insert_rows, new_keys, prepare_rows, write_prepared
from wushui.choices import Tier
from wushui.geo import from_metric, to_metric

DEMO_NAMESPACE = uuid.UUID("6b1d0f4e-4f0c-4a55-9a3e-0c5d5a4b7e21")
PERIODS_BACK = {Tier.VILLAGE: 4, Tier.STREET: 2, Tier.DISTRICT: 1}


def track_along(line, *, start, speed_kmh, fraction=1.0, step_m=20.0, offset_m=0.0, jitter_m=0.0, rng=None):
    """Points every ``step_m`` along the first ``fraction`` of ``line`` (EPSG:4326), shifted
    ``offset_m`` north with up to ``jitter_m`` of GPS noise, timed to move at ``speed_kmh``.
    Returns ``(coordinates, times)``."""
    metric = to_metric(line)
    length = metric.length * fraction
    count = max(2, int(length // step_m) + 1)
    points, times = [], []
    for index in range(count):
        along = length * index / (count - 1)
        point = metric.interpolate(along)
        noise_x = rng.uniform(-jitter_m, jitter_m) if rng else 0.0
        noise_y = rng.uniform(-jitter_m, jitter_m) if rng else 0.0
        points.append((point.x + noise_x, point.y + offset_m + noise_y))
        times.append(start + datetime.timedelta(seconds=along / (speed_kmh / 3.6)))
    track = from_metric(LineString(points, srid=settings.METRIC_SRID))
    return [[round(x, 7), round(y, 7)] for x, y in track.coords], times


def _plan(rng):
    """How one demo patrol goes: (speed km/h, share of the segment walked)."""
    roll = rng.random()
    if roll < 0.08:
        return 45.0, 1.0  # by car
    if roll < 0.18:
        return rng.uniform(4, 5.5), rng.uniform(0.2, 0.5)  # turned back early
    if roll < 0.55:
        return rng.uniform(10, 15), 1.0  # by bicycle
    return rng.uniform(4, 5.5), 1.0  # on foot


def seed_patrols(seed):
    """Create the demo patrols; returns how many were new. Replays (same day) create nothing."""
    now = timezone.now()
    frequencies = PatrolFrequency.by_tier()
    appointments = (
        ChiefAppointment.objects.current()
        .filter(role=ChiefRole.CHIEF)
        .select_related("chief", "segment")
        .order_by("segment__code", "tier")
    )
    existing = set(Patrol.objects.values_list("client_uuid", flat=True))
    created = 0
    for appointment in appointments:
        segment, chief, tier = appointment.segment, appointment.chief, appointment.tier
        period = periods.period_containing(frequencies[tier][0], now).next()
        for _back in range(PERIODS_BACK[tier] + 1):
            # The current period too: patrols that would end after now are left out below.
            period = period.previous()
            key = f"{seed}:{chief.username}:{segment.code}:{tier}:{period.label}"
            client_uuid = uuid.uuid5(DEMO_NAMESPACE, key)
            # One generator per patrol: skipping a stored one leaves the others unchanged.
            rng = random.Random(key)
            if client_uuid in existing or rng.random() < 0.2:
                continue  # this period was skipped: the chief is behind
            speed, fraction = _plan(rng)
            span = (period.end - period.start).total_seconds()
            start = period.start + datetime.timedelta(seconds=rng.uniform(0.05, 0.8) * span)
            start = start.replace(hour=rng.choice((8, 9, 10, 14, 15, 16)))
            coordinates, times = track_along(
                segment.geometry, start=start, speed_kmh=speed, fraction=fraction, step_m=25, jitter_m=3, rng=rng
            )
            if times[-1] > now:
                continue
            # Read as a phone's submission is, checks included.
            track = track_from_geojson(
                {"type": "LineString", "coordinates": coordinates}, [moment.isoformat() for moment in times]
            )
            findings = []
            if rng.random() < 0.12:
                category = rng.choice(FindingCategory.values())
                findings.append(
                    services.FindingInput(
                        category=category,
                        note=str(FindingCategory.label(category)),
                        location=track.line.interpolate_normalized(0.5),
                        is_problem=rng.random() < 0.6,
                    )
                )
            _patrol, new = services.submit_patrol(
                chief,
                client_uuid=client_uuid,
                segment=segment,
                started_at=times[0],
                ended_at=times[-1] + datetime.timedelta(seconds=30),
                track=track,
                findings=findings,
                source=rng.choice((PatrolSource.APP, PatrolSource.WEB)),
            )
            created += new
    return created


# --- A year of patrols at scale, for ``manage.py grow_district`` ------------------------------------------

PATROLS_PER_SCALE = 400_000
PATROL_BATCH = 2000
# Phones fix every 50–100 m on a patrol; a chief walks a bank, 5–20 m from the centre line, and the
# fix wanders by a phone's error under open sky, correlated over tens of seconds, never beyond
# GPS_ERROR_MAX_M per axis: so the walk keeps within 50 m (the coverage buffer) of the whole
# segment with room for coverage's 5 m simplification, and covers all of it.
FIX_SPACING_M = (50.0, 100.0)
BANK_OFFSET_M = (5.0, 20.0)
GPS_ERROR_M = 4.0
GPS_ERROR_MAX_M = 10.0
GPS_ERROR_CORRELATION_S = 30.0
# Walking pace includes the stops to look at an outlet or talk to a shopkeeper.
WALKING_KMH = (2.5, 5.0)
CYCLING_KMH = (10.0, 16.0)
DRIVING_KMH = (35.0, 50.0)
CYCLING_MIN_M = 2500
CYCLING_SHARE = 0.4
DRIVING_SHARE = 0.03
PARTIAL_SHARE = 0.05
PARTIAL_FRACTION = (0.2, 0.7)
FINDING_SHARE = 0.03
START_HOURS = (7, 17)
SUBMIT_DELAY = datetime.timedelta(seconds=40)
# Most chiefs patrol about as often as their tier requires; some fall behind, some do more.
LAX_SHARE, LAX_DILIGENCE = 0.15, (0.3, 0.8)
KEEN_SHARE, KEEN_DILIGENCE = 0.15, (1.2, 1.8)
USUAL_DILIGENCE = (0.85, 1.2)


@dataclass
class _Duty:
    """A chief's appointment seen as patrolling duty inside the year: the periods it spans."""

    appointment: ChiefAppointment
    key: str
    periods: list  # (first day, last day, patrols due in it)
    diligence: float

    @property
    def due(self):
        return sum(due for _first, _last, due in self.periods) * self.diligence


@dataclass
class _Walk:
    """A patrol drawn, and once ``_measure_walks`` has seen it, its key and stored track. Plain values
    only, the appointment's by their ids: a walk left to measure in the database is sent from the
    drawing process (``_Measured``)."""

    chief_id: int
    segment_id: int
    tier: str
    client_uuid: uuid.UUID
    metric_points: list
    first_fix: datetime.datetime
    step_s: int
    seconds: list
    texts: list
    started_at: datetime.datetime
    ended_at: datetime.datetime
    fraction: float
    source: str
    finding: tuple | None  # (category, where along the track, 0–1)
    key: int = None  # of its patrol
    track: bytes = None  # EWKB in EPSG:4326, as stored


@dataclass
class _Measured:
    """A batch of walks measured as far as no database is needed (``_measure_walks``), for
    ``_write_walks``: small enough to send from the drawing process."""

    rows: list  # each patrol's row, formatted; None for a partial walk, still to be measured
    partial: list  # those walks, in order
    findings: list  # (patrol key, category, location as EWKB)


def _duties(growth, frequencies):
    """Every current or past CHIEF appointment on the grown segments, with the periods it owes patrols in."""
    last_day = growth.today - datetime.timedelta(days=1)
    appointments = (
        ChiefAppointment.objects.filter(role=ChiefRole.CHIEF, segment__in=growth.grown_segments())
        .select_related("chief", "segment")
        .order_by("segment__code", "tier", "start_date")
    )
    duties = []
    for appointment in appointments:
        first = max(appointment.start_date, growth.window_start)
        last = min(appointment.end_date or last_day, last_day)
        if first > last:
            continue
        kind, count = frequencies[appointment.tier]
        key = f"{appointment.segment.code}:{appointment.tier}:{appointment.chief.username}:{appointment.start_date}"
        rng = growth.rng("patrol duty", key)
        roll = rng.random()
        if roll < LAX_SHARE:
            diligence = rng.uniform(*LAX_DILIGENCE)
        elif roll < LAX_SHARE + KEEN_SHARE:
            diligence = rng.uniform(*KEEN_DILIGENCE)
        else:
            diligence = rng.uniform(*USUAL_DILIGENCE)
        spans = []
        period = periods.period_containing(kind, first)
        while period.start_date <= last:
            span_first, span_last = max(period.start_date, first), min(period.last_day, last)
            share = ((span_last - span_first).days + 1) / (period.end_date - period.start_date).days
            spans.append((span_first, span_last, count * share))
            period = period.next()
        duties.append(_Duty(appointment, key, spans, diligence))
    return duties


def _schedule(growth, duty, factor):
    """The start times of the duty's patrols: about ``due × factor`` of them, spread over its periods."""
    rng = growth.rng("patrol schedule", duty.key)
    zone = timezone.get_default_timezone()
    starts = []
    for first, last, due in duty.periods:
        expected = due * duty.diligence * factor
        for _patrol in range(int(expected) + (rng.random() < expected - int(expected))):
            day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
            seconds = rng.randrange(START_HOURS[0] * 3600, START_HOURS[1] * 3600)
            starts.append(
                datetime.datetime.combine(day, datetime.time(), tzinfo=zone) + datetime.timedelta(seconds=seconds)
            )
    return sorted(starts)


class _SegmentLine:
    """A segment's centre line in the metric CRS with the distance along it at each vertex."""

    def __init__(self, segment):
        self.coords = list(to_metric(segment.geometry).coords)
        self.cumulative = [0.0]
        for (x0, y0), (x1, y1) in itertools.pairwise(self.coords):
            self.cumulative.append(self.cumulative[-1] + math.hypot(x1 - x0, y1 - y0))
        self.length = self.cumulative[-1]
        # Each part as (x0, y0, x1 - x0, y1 - y0, distance at its start, its length or 1): the walk's
        # arithmetic without recomputing them at each of its fixes.
        self.parts = [
            (x0, y0, x1 - x0, y1 - y0, start, (end - start) or 1.0)
            for ((x0, y0), (x1, y1)), (start, end) in zip(
                itertools.pairwise(self.coords), itertools.pairwise(self.cumulative), strict=True
            )
        ]

    def walk(self, rng, fraction, spacing_m, step_s):
        """Fixes every ``spacing_m`` along the first ``fraction`` of the line (from either end), on one
        bank, with correlated GPS error."""
        walked = self.length * fraction
        count = max(2, math.ceil(walked / spacing_m) + 1)
        bank = rng.uniform(*BANK_OFFSET_M) * rng.choice((-1, 1))
        from_far_end = rng.random() < 0.5
        correlation = math.exp(-step_s / GPS_ERROR_CORRELATION_S)
        # AR(1) error per axis with the same spread at every fix; uniform innovations of the same
        # variance as Gaussian ones, because drawing them costs a twentieth.
        innovation = GPS_ERROR_M * math.sqrt(3 * (1 - correlation**2))
        uniform = rng.random
        error_x = (2 * uniform() - 1) * GPS_ERROR_M * math.sqrt(3)
        error_y = (2 * uniform() - 1) * GPS_ERROR_M * math.sqrt(3)
        cumulative, parts, last_part = self.cumulative, self.parts, len(self.coords) - 2
        bound = GPS_ERROR_MAX_M
        points = []
        for index in range(count):
            along = walked * index / (count - 1)
            if from_far_end:
                along = self.length - along
            part = min(max(bisect.bisect_right(cumulative, along) - 1, 0), last_part)
            x0, y0, dx, dy, start, piece = parts[part]
            share = (along - start) / piece
            error_x = correlation * error_x + (2 * uniform() - 1) * innovation
            error_y = correlation * error_y + (2 * uniform() - 1) * innovation
            # Clamped to ±bound per axis.
            if error_x > bound:
                error_x = bound
            elif error_x < -bound:
                error_x = -bound
            if error_y > bound:
                error_y = bound
            elif error_y < -bound:
                error_y = -bound
            points.append(
                (x0 + share * dx - bank * dy / piece + error_x, y0 + share * dy + bank * dx / piece + error_y)
            )
        return points


def _speed_and_share(rng, length_m):
    """How one patrol goes: (speed km/h, share of the segment walked)."""
    roll = rng.random()
    if roll < DRIVING_SHARE:
        return rng.uniform(*DRIVING_KMH), 1.0
    if roll < DRIVING_SHARE + PARTIAL_SHARE:
        return rng.uniform(*WALKING_KMH), rng.uniform(*PARTIAL_FRACTION)
    if length_m >= CYCLING_MIN_M and rng.random() < CYCLING_SHARE:
        return rng.uniform(*CYCLING_KMH), 1.0
    return rng.uniform(*WALKING_KMH), 1.0


def _draw_walk(growth, duty, number, started, line, rng):
    speed_ms = _speed_and_share(rng, line.length)
    speed_ms, fraction = speed_ms[0] / 3.6, speed_ms[1]
    spacing = rng.uniform(*FIX_SPACING_M)
    step_s = max(1, round(spacing / speed_ms))
    points = line.walk(rng, fraction, spacing, step_s)
    # Fixes come on whole seconds, as phones report them.
    first_fix = started + datetime.timedelta(seconds=rng.randint(0, 30))
    last_fix = first_fix + datetime.timedelta(seconds=step_s * (len(points) - 1))
    first_second = first_fix.timestamp()
    finding = None
    if rng.random() < FINDING_SHARE:
        finding = (rng.choice(FindingCategory.values()), rng.random())
    appointment = duty.appointment
    return _Walk(
        chief_id=appointment.chief_id,
        segment_id=appointment.segment_id,
        tier=appointment.tier,
        client_uuid=uuid.uuid5(DEMO_NAMESPACE, f"{growth.seed}:{duty.key}:{number}"),
        metric_points=points,
        first_fix=first_fix,
        step_s=step_s,
        seconds=[first_second + step_s * index for index in range(len(points))],
        texts=_fix_texts(first_fix, last_fix, step_s, len(points)),
        started_at=started,
        ended_at=last_fix + datetime.timedelta(seconds=rng.randint(5, 30)),
        fraction=fraction,
        source=rng.choice((PatrolSource.APP, PatrolSource.APP, PatrolSource.WEB)),
        finding=finding,
    )


@functools.cache
def _clock():
    """``HH:MM:SS`` for each second of a day."""
    return tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(24 * 3600))


def _fix_texts(first_fix, last_fix, step_s, count):
    """The ISO 8601 texts of ``count`` fixes every ``step_s`` seconds from ``first_fix``, exactly as
    ``isoformat`` writes them: a year of patrols has nine million fixes, and a moment and its
    ``isoformat`` for each cost more than walking it. Within one day and one UTC offset the text is
    the day, the clock time and the offset; a walk past midnight or a change of offset is written by
    ``isoformat``."""
    if first_fix.microsecond or last_fix.date() != first_fix.date() or last_fix.utcoffset() != first_fix.utcoffset():
        return [(first_fix + datetime.timedelta(seconds=step_s * index)).isoformat() for index in range(count)]
    clock = _clock()
    text = first_fix.isoformat()
    day, offset = text[:11], text[19:]  # "YYYY-MM-DDT" and "+08:00"
    first = first_fix.hour * 3600 + first_fix.minute * 60 + first_fix.second
    return [day + clock[second] + offset for second in range(first, first + step_s * count, step_s)]


def _parts_ewkb(multi, srid):
    """The EWKB of each LineString of a MultiLineString, cut from its WKB in one pass: what the
    patrols store, without building a GEOS geometry for each of them (30 µs a part)."""
    wkb = bytes(multi.wkb)
    order = "<" if wkb[0] == 1 else ">"
    header = wkb[:1] + struct.pack(f"{order}II", 0x20000002, srid)  # a LineString with an SRID
    (parts,) = struct.unpack_from(f"{order}I", wkb, 5)
    offset, result = 9, []
    for _part in range(parts):
        (count,) = struct.unpack_from(f"{order}I", wkb, offset + 5)
        end = offset + 9 + 16 * count
        result.append(header + wkb[offset + 5 : end])
        offset = end
    return result


def _parts_coords(multi):
    """The coordinates of each LineString of a MultiLineString, unpacked from its WKB in one pass
    (``tracks.line_coords`` for a collection: building a GEOS geometry per part costs 30 µs)."""
    wkb = bytes(multi.wkb)
    order = "<" if wkb[0] == 1 else ">"
    (parts,) = struct.unpack_from(f"{order}I", wkb, 5)
    offset, result = 9, []
    for _part in range(parts):
        (count,) = struct.unpack_from(f"{order}I", wkb, offset + 5)
        flat = struct.unpack_from(f"{order}{2 * count}d", wkb, offset + 9)
        result.append(list(zip(flat[::2], flat[1::2], strict=True)))
        offset += 9 + 16 * count
    return result


def _length(coords):
    """A line's length summed as GEOS sums it (``LineString.length``), segment by segment in order."""
    total = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        dx, dy = x1 - x0, y1 - y0
        total += math.sqrt(dx * dx + dy * dy)
    return total


def _multi_line_wkb(lines):
    parts = [
        struct.pack(f"<BII{2 * len(points)}d", 1, 2, len(points), *itertools.chain.from_iterable(points))
        for points in lines
    ]
    return memoryview(struct.pack("<BII", 1, 5, len(parts)) + b"".join(parts))


def _measure_walks(walks, keys, rules_by_segment, formatter):
    """Measure, judge and format what of a batch of walks needs no database: each walk's key (from
    ``keys``) and track as stored, the row of each walk along the whole segment, the places of the
    findings. Returns the batch as ``_Measured``.

    One transformation for the whole batch each way (EPSG:4326 as stored, and back to the metric
    CRS as the product measures the stored track); sustained speed then comes from the product's own
    function on each track, and distance from the same sum GEOS computes (the tests compare both
    with ``tracks.measure`` on a sample). Coverage of a walk along the whole segment is 1 by
    construction (see FIX_SPACING_M); a partial walk is left to ``tracks.measure`` itself, coverage
    statement included (``_write_walks``). The tracks are the EWKB cut from the batch's: a GEOS
    geometry for each of 400,000 patrols cost more than measuring them. The batch is transformed as
    a GDAL geometry, as ``to_metric`` and ``from_metric`` transform a GEOS one, without the GEOS
    copies on the way in and out: the same coordinates.
    """
    metric = OGRGeometry(_multi_line_wkb([walk.metric_points for walk in walks]), srs=settings.METRIC_SRID)
    stored = from_metric(metric)
    measured = _parts_coords(to_metric(stored))
    batch = _Measured([], [], [])
    for walk, track, coords in zip(walks, _parts_ewkb(stored, 4326), measured, strict=True):
        walk.key, walk.track, walk.metric_points = next(keys), track, None
        if walk.fraction >= 1.0:
            measurement = tracks.Measurement(
                distance_m=round(_length(coords), 1),
                duration_s=tracks.duration_seconds(walk.started_at, walk.ended_at),
                max_speed_kmh=round(tracks.max_sustained_speed_kmh(coords, walk.seconds), 2),
                coverage=1.0,
                # Not stored; the walk keeps to the bank, far inside the refusal distance.
                distance_from_segment_m=0.0,
            )
            batch.rows.append(formatter.format(_patrol_row(walk, measurement, rules_by_segment[walk.segment_id])))
        else:
            batch.rows.append(None)
            batch.partial.append(walk)
        if walk.finding:
            category, where = walk.finding
            location = GEOSGeometry(memoryview(track)).interpolate_normalized(where)
            location.srid = 4326
            batch.findings.append((walk.key, category, bytes(location.ewkb)))
    return batch


PATROL_COLUMNS = (
    "id", "client_uuid", "chief_id", "segment_id", "tier", "source", "started_at", "ended_at", "track",
    "track_times", "distance_m", "max_speed_kmh", "coverage", "is_valid", "invalid_reasons", "rules",
    "submitted_at",
)  # fmt: skip
FINDING_COLUMNS = ("id", "patrol_id", "category", "note", "location", "problem_id")


def _patrol_row(walk, measurement, rules):
    """The patrol's row (``PATROL_COLUMNS``), its verdict by ``tracks.invalid_reasons``."""
    reasons = tracks.invalid_reasons(measurement, rules)
    return (
        walk.key, walk.client_uuid, walk.chief_id, walk.segment_id, walk.tier, walk.source, walk.started_at,
        walk.ended_at, walk.track, walk.texts, measurement.distance_m, measurement.max_speed_kmh,
        measurement.coverage, not reasons, reasons, rules, walk.ended_at + SUBMIT_DELAY,
    )  # fmt: skip


def _write_walks(batch, segments, rules_by_segment, formatter):
    """Measure the partial walks of a ``_Measured`` batch by ``tracks.measure``, and write the
    patrols with their findings, as plain rows: a model instance for each of 400,000 patrols took
    a fifth of the step. Returns how many findings."""
    partial = iter(batch.partial)
    rows = batch.rows
    for index, row in enumerate(rows):
        if row is None:
            walk = next(partial)
            segment, rules = segments[walk.segment_id], rules_by_segment[walk.segment_id]
            times = [walk.first_fix + datetime.timedelta(seconds=walk.step_s * i) for i in range(len(walk.seconds))]
            track = tracks.Track(GEOSGeometry(memoryview(walk.track)), times, walk.texts, walk.seconds)
            measurement = tracks.measure(track, segment, walk.started_at, walk.ended_at, rules)
            if measurement.distance_from_segment_m > rules["max_distance_from_segment_m"]:
                raise ValueError(f"A drawn patrol strays from {segment.code}: the walk is wrong.")
            rows[index] = formatter.format(_patrol_row(walk, measurement, rules))
    write_prepared(formatter.prepared(rows))
    keys = new_keys(Finding, len(batch.findings))
    findings = [
        (key, patrol_key, category, str(FindingCategory.label(category)), location, None)
        for key, (patrol_key, category, location) in zip(keys, batch.findings, strict=True)
    ]
    insert_rows(Finding, FINDING_COLUMNS, findings)
    return len(findings)


def _drawn_walks(growth, schedules, keys, rules_by_segment, formatter):
    """The walks of every duty's schedule, in order, in batches of ``PATROL_BATCH``, measured as far
    as no database is needed (``_measure_walks``): drawing only (see ``wushui.bulk.drawn_apart``)."""
    keys = iter(keys)
    lines, walks = {}, []
    for duty, starts in schedules:
        segment = duty.appointment.segment
        if segment.pk not in lines:
            lines[segment.pk] = _SegmentLine(segment)
        rng = growth.rng("patrol tracks", duty.key)
        for number, started in enumerate(starts):
            walks.append(_draw_walk(growth, duty, number, started, lines[segment.pk], rng))
            if len(walks) == PATROL_BATCH:
                yield _measure_walks(walks, keys, rules_by_segment, formatter)
                walks = []
    if walks:
        yield _measure_walks(walks, keys, rules_by_segment, formatter)


def grow_patrols(growth):
    """A year of patrols by the grown district's chiefs (a step of ``demo.scale``): about
    ``PATROLS_PER_SCALE × scale`` of them, each chief patrolling each of their segments about as
    often as their tier's frequency asks (``PatrolFrequency``), scaled to that total."""
    frequencies = PatrolFrequency.by_tier()
    rule_set = PatrolRuleSet.current()
    duties = _duties(growth, frequencies)
    due = sum(duty.due for duty in duties)
    factor = PATROLS_PER_SCALE * growth.scale / due if due else 0.0
    schedules = [(duty, _schedule(growth, duty, factor)) for duty in duties]
    total = sum(len(starts) for _duty, starts in schedules)
    ticker = growth.progress.start("patrols", total)
    rules_by_segment = {}
    for duty, _starts in schedules:
        segment = duty.appointment.segment
        if segment.pk not in rules_by_segment:
            rules_by_segment[segment.pk] = rule_set.as_dict(segment_length_m=segment.length_m)
    segments = {duty.appointment.segment_id: duty.appointment.segment for duty, _starts in schedules}
    # The next walks are drawn, measured and formatted in a process of their own while this one
    # writes a batch and has the partial walks measured by PostgreSQL.
    keys = new_keys(Patrol, total)
    drawn = _drawn_walks(growth, schedules, keys, rules_by_segment, RowFormatter(Patrol, PATROL_COLUMNS))
    formatter = RowFormatter(Patrol, PATROL_COLUMNS)
    patrols, findings = 0, 0
    for batch in drawn_apart(drawn):
        findings += _write_walks(batch, segments, rules_by_segment, formatter)
        patrols += len(batch.rows)
        ticker.advance(len(batch.rows))
    ticker.finish()
    return {"patrols": patrols, "findings": findings}


# --- Problems: a few for seed_demo through the services, a year of them at scale ------------------------

PROBLEM_TEXTS = {
    "water_body": "水体发黑发臭",
    "water_surface": "水面漂浮生活垃圾较多",
    "mid_river": "河中有废弃渔网阻水",
    "bank": "河岸堆放生活垃圾",
    "water_activity": "有人在河道内电鱼",
    "outlet": "雨水排口晴天排放污水",
    "signboard": "河长公示牌破损、信息未更新",
    "hydraulic_structure": "节制闸启闭机损坏",
    "occupation": "沿河违规圈占河道养殖",
    "mining": "河道内非法采砂",
    "dumping": "建筑垃圾倾倒在河岸",
    "building": "河岸新建违章搭建",
}


def _demo_photo(colour, name):
    """A small JPEG to stand for a photo of the work (the demo has no camera)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def seed_problems():
    """A few demo problems in every state of the workflow, on Longwan's segments of the demo chiefs,
    each moved along through the services as a user would; returns how many were new. A problem whose
    description already exists on its segment is left as it is, so running again changes nothing."""
    from inspections import problems
    from wushui.models import Unit, User

    logins = {user.username: user for user in User.objects.filter(username__in=DEMO_PROBLEM_LOGINS)}
    if len(logins) < len(DEMO_PROBLEM_LOGINS):
        return 0
    village_chief, street_chief = logins["chief_village"], logins["chief_yongzhong"]
    street_official, admin, department = logins["yongzhong"], logins["admin"], logins["dept_env"]
    segments = list(
        ChiefAppointment.objects.current()
        .filter(chief=village_chief, role=ChiefRole.CHIEF, tier=Tier.VILLAGE)
        .select_related("segment__region")
        .order_by("segment__code")
    )
    if not segments:
        return 0
    segment = segments[0].segment
    office = Unit.objects.filter(region=segment.region.parent).first()
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    # (description, source, category, urgency, registered hours ago, the steps after registration)
    plans = [
        ("【演示】河岸堆放生活垃圾，约两车", ProblemSource.PATROL, "bank", "normal", 30, []),
        ("【演示】雨水排口晴天排放灰色污水", ProblemSource.HOTLINE, "outlet", "urgent", 50, ["assign"]),
        ("【演示】水面漂浮垃圾，群众反映", ProblemSource.PUBLIC, "water_surface", "normal", 80, ["assign", "accept"]),
        (
            "【演示】建筑垃圾倾倒在河岸",
            ProblemSource.SUPERVISION,
            "dumping",
            "normal",
            200,
            ["assign", "accept", "complete"],
        ),
        (
            "【演示】河中废弃渔网阻水",
            ProblemSource.PATROL,
            "mid_river",
            "normal",
            300,
            ["assign", "accept", "complete", "verify"],
        ),
        (
            "【演示】公示牌破损",
            ProblemSource.PATROL,
            "signboard",
            "normal",
            500,
            ["assign", "accept", "complete", "verify", "archive"],
        ),
        (
            "【演示】水体发黑发臭，需区级协调",
            ProblemSource.SYSTEM,
            "water_body",
            "critical",
            120,
            ["escalate", "escalate", "escalate", "assign_department"],
        ),
        ("【演示】河岸违章搭建（非本河段）", ProblemSource.HOTLINE, "building", "normal", 150, ["close"]),
    ]
    existing = set(Problem.objects.filter(segment=segment).values_list("description", flat=True))
    created = 0
    for description, source, category, urgency, hours_ago, steps in plans:
        if description in existing:
            continue
        at = now - hours_ago * hour
        problem = problems.register_problem(
            source=source,
            segment=segment,
            category=category,
            description=description,
            urgency=urgency,
            location=segment.geometry.interpolate_normalized(0.3 + 0.05 * created),
            reported_by=None if source in (ProblemSource.PUBLIC, ProblemSource.SYSTEM) else village_chief,
            photos=[_demo_photo("saddlebrown", "before.jpg")],
            registered_at=at,
        )
        for index, step in enumerate(steps, start=1):
            moment = at + index * (hours_ago / (len(steps) + 1)) * hour
            if step == "assign":
                problem = problems.assign(problem, street_chief, assignee_chief=village_chief, now=moment)
            elif step == "accept":
                problem = problems.accept(problem, village_chief, note="已安排保洁员", now=moment)
            elif step == "complete":
                problem = problems.complete(
                    problem, village_chief, note="已清理完毕", photos=[_demo_photo("seagreen", "after.jpg")], now=moment
                )
            elif step == "verify":
                problem = problems.verify(problem, street_chief, note="现场核查通过", now=moment)
            elif step == "archive":
                problem = problems.archive(problem, street_chief, now=moment)
            elif step == "escalate":
                actor = {"village": street_official, "street": street_official}.get(problem.level, admin)
                problem = problems.escalate(problem, actor, reason="本级无法解决，提请上级协调", now=moment)
            elif step == "assign_department":
                unit = department.unit or office
                problem = problems.assign(problem, admin, assignee_unit=unit, now=moment)
            elif step == "close":
                problem = problems.close(
                    problem, street_official, reason="not_ours", note="属邻村河段，已转告", now=moment
                )
        created += 1
    return created


DEMO_PROBLEM_LOGINS = ("admin", "yongzhong", "chief_yongzhong", "chief_village", "dept_env")


# --- A year of problems at scale (a step of ``demo.scale``, after the patrols) ---------------------------

PROBLEMS_PER_SCALE = 100_000
PROBLEM_WRITE_BATCH = 5000
# Of the patrols' findings, those the chief marked as a problem.
FINDING_PROBLEM_SHARE = 0.6
# The other sources, by share.
SOURCE_WEIGHTS = (
    (ProblemSource.PUBLIC, 40),
    (ProblemSource.HOTLINE, 25),
    (ProblemSource.SUPERVISION, 20),
    (ProblemSource.ASSIGNMENT, 10),
    (ProblemSource.SYSTEM, 5),
)
URGENCY_WEIGHTS = (("normal", 80), ("urgent", 15), ("critical", 5))
# How a problem goes: shares of the ways it may leave the usual path.
MERGED_SHARE = 0.03  # a duplicate of an earlier open report on the same segment
CLOSED_SHARE = 0.03
ESCALATED_SHARE = 0.04
SENT_BACK_SHARE = 0.06
URGED_SHARE = 0.12
REJECTED_SHARE = 0.08
LATE_SHARE = 0.15
VILLAGE_CHIEF_SHARE = 0.7  # of village-level problems assigned to the village chief, not the office
# The photos of grown work share a few small images: a year of real photos would be gigabytes.
DEMO_PHOTO_COLOURS = ("seagreen", "olivedrab", "teal", "darkcyan", "forestgreen", "cadetblue")
NOTES = {
    "assign": ("请尽快处理", "本周内办结", "请现场核实后处理", ""),
    "accept": ("已安排人员", "收到，马上处理", ""),
    "send_back": ("该河段不属本单位管辖", "问题位置有误，请核实"),
    "complete": ("已清理完毕", "已整改到位", "已联系业主整改完成", "已清运并落实长效保洁"),
    "verify": ("现场核查通过", "整改到位", ""),
    "reject": ("仍有残留，请重办", "整改不彻底"),
    "archive": ("", "同意销号"),
    "escalate": ("本级无法解决，提请上级协调", "涉及多部门，需区级协调"),
    "urge": ("请加快办理", "即将超期，请抓紧"),
    "merge": ("同一问题已登记",),
    "close": ("非本河段问题，已转告", "属私人鱼塘，已告知业主", "暂不具备整改条件"),
}


class _Case:
    """One problem as it is drawn: its fields, and its timeline as the transitions made it."""

    __slots__ = (
        "assigned_at",
        "assigned_by_id",
        "assignee_chief_id",
        "assignee_unit_id",
        "category",
        "close_reason",
        "completed_at",
        "completion_due",
        "created_at",
        "description",
        "duplicate_of_id",
        "ended_at",
        "events",
        "finding",
        "id",
        "level",
        "location",
        "reported_by_id",
        "responded_at",
        "response_due",
        "segment",
        "source",
        "status",
        "street_id",
        "urge_count",
        "urgency",
        "version",
    )  # fmt: skip

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))
        self.status, self.urge_count, self.version, self.events = "registered", 0, 0, []
        self.close_reason = ""

    def step(self, name, actor_id, at, now, rng, details=None, **changes):
        """Make transition ``name`` at ``at`` if that is before ``now``, by the transition table's rule
        (its sources and target); returns whether it happened."""
        from inspections.workflow import TRANSITIONS

        if at >= now:
            return False
        transition = TRANSITIONS[name]
        if self.status not in transition.sources:
            raise ValueError(f"The drawn history makes {name} from {self.status}: it is wrong.")
        target = transition.target or self.status
        note = rng.choice(NOTES[name])
        self.events.append((name, actor_id, at, self.status, target, note, details or {}))
        self.status = target
        self.version += 1
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        return True


class _Actors:
    """Who acts on the grown problems, read once: per segment its chiefs by tier, per street its
    office, official and chiefs, the departments with their people, the district's administrator and
    officials."""

    def __init__(self, growth):
        from wushui.choices import Role, UnitKind
        from wushui.models import Unit, User

        self.chiefs = {}  # segment id -> {tier: chief id}
        appointments = ChiefAppointment.objects.current().filter(
            role=ChiefRole.CHIEF, segment__in=growth.grown_segments()
        )
        for segment_id, tier, chief_id in appointments.values_list("segment_id", "tier", "chief_id"):
            self.chiefs.setdefault(segment_id, {})[tier] = chief_id
        self.offices = dict(Unit.objects.filter(kind=UnitKind.STREET_OFFICE).values_list("region_id", "pk"))
        self.officials = dict(
            User.objects.filter(role=Role.STREET_OFFICIAL).order_by("pk").values_list("region_id", "pk")
        )
        people = {}
        for unit_id, user_id in User.objects.filter(unit__isnull=False).order_by("pk").values_list("unit_id", "pk"):
            people.setdefault(unit_id, user_id)
        self.unit_people = people
        self.departments = [
            pk
            for pk in Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("pk").values_list("pk", flat=True)
            if pk in people
        ]
        self.admin = (
            User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("pk").values_list("pk", flat=True).first()
            or User.objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
        )
        self.supervisors = list(User.objects.filter(role=Role.DISTRICT_OFFICIAL).values_list("pk", flat=True)) or [
            self.admin
        ]
        self.unit_names = dict(Unit.objects.values_list("pk", "name"))
        self.chief_names = dict(User.objects.filter(role=Role.CHIEF).values_list("pk", "name"))

    def coordinator(self, case):
        """Who assigns the problem at its level (a chief of the tier above its assignee, the street's
        official, the office)."""
        chiefs = self.chiefs.get(case.segment.pk, {})
        if case.level == "village":
            return chiefs.get(Tier.STREET) or self.officials.get(case.street_id) or self.admin
        if case.level == "street":
            return self.officials.get(case.street_id) or chiefs.get(Tier.STREET) or self.admin
        if case.level == "district":
            return chiefs.get(Tier.DISTRICT) or self.admin
        return self.admin

    def assignee(self, case, rng):
        """``(unit id, chief id, the person who acts for it)`` for the problem at its level."""
        chiefs = self.chiefs.get(case.segment.pk, {})
        if case.level == "village" and chiefs.get(Tier.VILLAGE) and rng.random() < VILLAGE_CHIEF_SHARE:
            return None, chiefs[Tier.VILLAGE], chiefs[Tier.VILLAGE]
        if case.level in ("village", "street", "district") and self.offices.get(case.street_id):
            office = self.offices[case.street_id]
            if office in self.unit_people:
                return office, None, self.unit_people[office]
        if self.departments:
            unit = rng.choice(self.departments)
            return unit, None, self.unit_people[unit]
        return None, None, None

    def name(self, unit_id, chief_id):
        return self.unit_names.get(unit_id) if unit_id else self.chief_names.get(chief_id, "")


def _hours(rng, low, high):
    return datetime.timedelta(hours=rng.uniform(low, high))


def _draw_history(case, actors, rng, now, open_on_segment):
    """The problem's way through the workflow from its registration until ``now``; every step goes
    through ``_Case.step`` (the transition table's sources and targets)."""
    at = case.created_at
    coordinator = actors.coordinator(case)
    # A duplicate of a report still open on the same segment is merged by the coordinator.
    earlier = open_on_segment.get(case.segment.pk)
    if earlier is not None and earlier.ended_at is None and rng.random() < MERGED_SHARE * 10:
        if case.step("merge", coordinator, at + _hours(rng, 1, 24), now, rng,
                     details={"duplicate_of": earlier.id}, duplicate_of_id=earlier.id):  # fmt: skip
            case.ended_at = case.events[-1][2]
        return
    roll = rng.random()
    if roll < CLOSED_SHARE:
        reason = rng.choice(("not_ours", "not_ours", "unable"))
        if case.step("close", coordinator, at + _hours(rng, 2, 48), now, rng,
                     details={"close_reason": reason}, close_reason=reason):  # fmt: skip
            case.ended_at = case.events[-1][2]
        return
    if roll < CLOSED_SHARE + ESCALATED_SHARE and case.level != "department":
        from inspections.choices import ProblemLevel

        level = ProblemLevel.above(case.level)
        if not case.step("escalate", coordinator, at + _hours(rng, 4, 72), now, rng,
                         details={"from_level": case.level, "to_level": level}, level=level):  # fmt: skip
            return
        at = case.events[-1][2]
        coordinator = actors.coordinator(case)
    speed = {"critical": (0.3, 3), "urgent": (1, 12)}.get(case.urgency, (2, 48))
    while True:
        unit, chief, handler = actors.assignee(case, rng)
        if handler is None:
            return
        at += _hours(rng, *speed)
        details = {"assignee_unit": unit, "assignee_chief": chief, "assignee": actors.name(unit, chief),
                   "due": case.completion_due.isoformat()}  # fmt: skip
        if not case.step("assign", coordinator, at, now, rng, details=details, assignee_unit_id=unit,
                         assignee_chief_id=chief, assigned_by_id=coordinator, assigned_at=at):  # fmt: skip
            return
        if rng.random() < SENT_BACK_SHARE and case.level == "village":
            at += _hours(rng, 1, 20)
            if not case.step("send_back", handler, at, now, rng, details={"assignee": details["assignee"]},
                             assignee_unit_id=None, assignee_chief_id=None,
                             responded_at=case.responded_at or at):  # fmt: skip
                return
            # Reassigned, to the street's office this time.
            case.level = "street"
            coordinator = actors.coordinator(case)
            continue
        break
    at += _hours(rng, 0.5, 20)
    if not case.step("accept", handler, at, now, rng, responded_at=case.responded_at or at):
        return
    accepted = at
    while True:
        room = max(case.completion_due - accepted, datetime.timedelta(hours=6))
        share = rng.uniform(1.0, 1.6) if rng.random() < LATE_SHARE else rng.uniform(0.1, 0.9)
        done = accepted + room * share
        if rng.random() < URGED_SHARE:
            case.step("urge", rng.choice(actors.supervisors), accepted + (done - accepted) * rng.uniform(0.3, 0.8),
                      now, rng, urge_count=case.urge_count + 1)  # fmt: skip
        if not case.step("complete", handler, done, now, rng, details={"on_time": done <= case.completion_due},
                         completed_at=done):  # fmt: skip
            return
        at = done + _hours(rng, 2, 72)
        if rng.random() < REJECTED_SHARE and case.status == "completed":
            if not case.step("reject", coordinator, at, now, rng):
                return
            accepted = at
            continue
        break
    if not case.step("verify", coordinator, at, now, rng):
        return
    at += _hours(rng, 1, 48)
    if case.step("archive", coordinator, at, now, rng):
        case.ended_at = at


def _registration_times(growth, rng, count):
    """``count`` moments in the year of history, in office hours mostly, oldest first."""
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(growth.window_start, datetime.time(), tzinfo=zone)
    days = (growth.today - growth.window_start).days
    moments = []
    for _index in range(count):
        day = first + datetime.timedelta(days=rng.randrange(days))
        hour = rng.uniform(7, 19) if rng.random() < 0.9 else rng.uniform(0, 24)
        moments.append(day + datetime.timedelta(hours=hour))
    return sorted(moments)


def grow_problems(growth):
    """A year of problems in the grown district (a step of ``demo.scale``, after the patrols): about
    ``PROBLEMS_PER_SCALE × scale``. The patrols' findings marked as problems become theirs (source
    patrol, the patrol's chief, its time); the rest come from the public, the hotline, supervision,
    assignments from above and system alerts on random segments. Deadlines come from the rules
    (``ProblemDeadlineRule.deadlines``); each problem then goes through the workflow, every step by the
    transition table, by the people its roles name, until today: older problems mostly archived,
    recent ones still on their way. Written with ``bulk_create`` in batches, keys given in advance so
    that duplicates, timeline entries and photos point at their rows in the same batch."""
    from django.core.files.storage import default_storage
    from django.core.management.color import no_style
    from django.db import connection

    from inspections.models import ProblemDeadlineRule, ProblemEvent, ProblemPhoto

    rng = growth.rng("problems")
    rules = ProblemDeadlineRule.rules()
    now = datetime.datetime.combine(growth.today, datetime.time(), tzinfo=timezone.get_default_timezone())
    segments = list(growth.grown_segments().select_related("region").order_by("code"))
    if not segments:
        return {"problems": 0}
    by_pk = {segment.pk: segment for segment in segments}
    actors = _Actors(growth)
    findings = list(
        Finding.objects.filter(patrol__segment__in=growth.grown_segments(), problem__isnull=True)
        .values_list(
            "pk", "category", "note", "location", "patrol__chief_id", "patrol__segment_id", "patrol__submitted_at"
        )
        .order_by("pk")
    )
    findings = [finding for finding in findings if rng.random() < FINDING_PROBLEM_SHARE]
    total = max(growth.count(PROBLEMS_PER_SCALE), len(findings))
    ticker = growth.progress.start("problems", total)
    sources = [source for source, _weight in SOURCE_WEIGHTS]
    source_weights = [weight for _source, weight in SOURCE_WEIGHTS]
    categories = list(PROBLEM_TEXTS)

    drawn = []  # (registered at, source, segment, category, description, location, reporter, finding id)
    for pk, category, note, location, chief_id, segment_id, submitted_at in findings:
        description = note or PROBLEM_TEXTS.get(category, category)
        drawn.append(
            (submitted_at, ProblemSource.PATROL, by_pk[segment_id], category, description, location, chief_id, pk)
        )
    others = total - len(drawn)
    for moment in _registration_times(growth, rng, others):
        segment = rng.choice(segments)
        category = rng.choice(categories)
        source = rng.choices(sources, source_weights)[0]
        location = segment.geometry.interpolate_normalized(rng.random())
        location.srid = 4326
        reporter = None if source in (ProblemSource.PUBLIC, ProblemSource.SYSTEM) else actors.admin
        drawn.append((moment, source, segment, category, PROBLEM_TEXTS[category], location, reporter, None))
    drawn.sort(key=lambda row: (row[0], row[2].pk))

    photos = []
    for index, colour in enumerate(DEMO_PHOTO_COLOURS):
        name = f"problems/demo/grown-{index}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, _demo_photo(colour, name))
        photos.append(name)

    first_keys = [
        (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for model in (Problem, ProblemEvent, ProblemPhoto)
    ]
    linked, written = [], {"problems": 0, "problem events": 0, "problem photos": 0}
    # The next problems are drawn and formatted in a process of their own while PostgreSQL writes a batch.
    cases = _drawn_cases(drawn, first_keys, photos, actors, rules, rng, now)
    for problems, events, problem_photos, batch_linked in drawn_apart(cases):
        written["problems"] += write_prepared(problems)
        written["problem events"] += write_prepared(events)
        written["problem photos"] += write_prepared(problem_photos)
        linked += batch_linked
        ticker.advance(problems.count)
    updates = [Finding(pk=finding_id, problem_id=problem_id) for finding_id, problem_id in linked]
    Finding.objects.bulk_update(updates, ["problem"], batch_size=PROBLEM_WRITE_BATCH)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Problem, ProblemEvent, ProblemPhoto]):
            cursor.execute(statement)
    ticker.finish()
    return written


# The problem's columns, as _Case names them (its segment is a Segment: written as its id).
PROBLEM_COLUMNS = (
    "id", "segment", "street_id", "category", "description", "location", "source", "urgency", "status", "level",
    "reported_by_id", "created_at", "assignee_unit_id", "assignee_chief_id", "assigned_by_id", "assigned_at",
    "response_due", "completion_due", "responded_at", "completed_at", "ended_at", "duplicate_of_id",
    "close_reason", "urge_count", "version",
)  # fmt: skip


EVENT_COLUMNS = ("id", "problem_id", "transition", "actor_id", "at", "from_status", "to_status", "note", "details")
PHOTO_COLUMNS = ("id", "problem_id", "event_id", "stage", "image", "width", "height", "uploaded_at")


def _drawn_cases(drawn, first_keys, photo_names, actors, rules, rng, now):
    """The problems registered as ``drawn`` says, each taken through the workflow until ``now``, in
    batches of ``PROBLEM_WRITE_BATCH``: ``(problems, events, photos, (finding, problem) pairs)``, the
    rows prepared for writing (``prepare_rows``), keys counted from ``first_keys`` (problem, event,
    photo). Drawing only, no database (see ``wushui.bulk.drawn_apart``); every draw comes from
    ``rng`` in the order of the problems."""
    from inspections.models import ProblemDeadlineRule
    from wushui.choices import RegionLevel

    urgencies = [urgency for urgency, _weight in URGENCY_WEIGHTS]
    urgency_weights = [weight for _urgency, weight in URGENCY_WEIGHTS]
    next_problem, next_event, next_photo = first_keys
    open_on_segment = {}
    batch = []
    for registered_at, source, segment, category, description, location, reporter, finding_id in drawn:
        urgency = rng.choices(urgencies, urgency_weights)[0]
        response_due, completion_due = ProblemDeadlineRule.deadlines(source, urgency, registered_at, rules)
        region = segment.region
        level = {RegionLevel.VILLAGE: "village", RegionLevel.STREET: "street"}.get(region.level, "district")
        street_id = {RegionLevel.VILLAGE: region.parent_id, RegionLevel.STREET: region.pk}.get(region.level)
        case = _Case(
            id=next_problem, segment=segment, street_id=street_id, level=level, source=source, category=category,
            urgency=urgency, description=description, location=location, reported_by_id=reporter,
            created_at=registered_at, response_due=response_due, completion_due=completion_due, finding=finding_id,
        )  # fmt: skip
        next_problem += 1
        case.events.append(
            ("register", reporter, registered_at, "", "registered", "", {"source": source, "level": level})
        )
        _draw_history(case, actors, rng, now, open_on_segment)
        if case.status != "merged":
            open_on_segment[segment.pk] = case
        batch.append(case)
        if len(batch) == PROBLEM_WRITE_BATCH:
            *rows, next_event, next_photo = _case_rows(batch, photo_names, next_event, next_photo, rng)
            yield *_prepared_cases(*rows), [(case.finding, case.id) for case in batch if case.finding]
            batch = []
    if batch:
        *rows, next_event, next_photo = _case_rows(batch, photo_names, next_event, next_photo, rng)
        yield *_prepared_cases(*rows), [(case.finding, case.id) for case in batch if case.finding]


def _prepared_cases(problems, events, photos):
    """The rows of a batch of problems prepared for writing. Timeline entries and photos are six rows
    for every problem: written as plain rows, the values prepared as the fields would prepare them,
    because bulk_create's per-field work took two thirds of the step's time."""
    from inspections.models import ProblemEvent, ProblemPhoto

    columns = ["segment_id" if name == "segment" else name for name in PROBLEM_COLUMNS]
    return (
        prepare_rows(Problem, columns, problems),
        prepare_rows(ProblemEvent, EVENT_COLUMNS, events),
        prepare_rows(ProblemPhoto, PHOTO_COLUMNS, photos),
    )


def _case_rows(cases, photo_names, next_event, next_photo, rng):
    """The rows of ``cases``: ``(problems, events, photos, next event key, next photo key)``."""
    problems, events, photos = [], [], []
    for case in cases:
        problems.append(
            tuple(case.segment.pk if name == "segment" else getattr(case, name) for name in PROBLEM_COLUMNS)
        )
        for name, actor_id, at, from_status, to_status, note, details in case.events:
            events.append((next_event, case.id, name, actor_id, at, from_status, to_status, note, details))
            if name == "complete":
                photos.append((next_photo, case.id, next_event, "after", rng.choice(photo_names), 64, 48, at))
                next_photo += 1
            next_event += 1
    return problems, events, photos, next_event, next_photo
