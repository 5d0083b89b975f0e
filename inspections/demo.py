"""Demo patrols: for ``seed_demo`` the last weeks of patrolling in the district, through the real
service; for ``grow_district`` (``grow_patrols``, a step of ``demo.scale``) a year of them at the
scale of a city, measured by the product's own functions and written in batches.

Most chiefs patrol on time at walking or cycling pace; some skip a period, walk only part of
their segment, or drive, so that lists, verdicts and compliance have something to show.
"""

import bisect
import contextlib
import datetime
import itertools
import math
import random
import struct
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString
from django.utils import timezone

from inspections import services, tracks
from inspections.choices import FindingCategory, PatrolSource
from inspections.models import Finding, Patrol, PatrolFrequency, PatrolRuleSet
from inspections.tracks import track_from_geojson
from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment
from wushui import periods
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
    """A patrol drawn but not yet measured."""

    appointment: ChiefAppointment
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
        coords, cumulative, last_part = self.coords, self.cumulative, len(self.coords) - 2
        points = []
        for index in range(count):
            along = walked * index / (count - 1)
            if from_far_end:
                along = self.length - along
            part = min(max(bisect.bisect_right(cumulative, along) - 1, 0), last_part)
            (x0, y0), (x1, y1) = coords[part], coords[part + 1]
            piece = (cumulative[part + 1] - cumulative[part]) or 1.0
            share = (along - cumulative[part]) / piece
            error_x = correlation * error_x + (2 * uniform() - 1) * innovation
            error_y = correlation * error_y + (2 * uniform() - 1) * innovation
            error_x = max(-GPS_ERROR_MAX_M, min(GPS_ERROR_MAX_M, error_x))
            error_y = max(-GPS_ERROR_MAX_M, min(GPS_ERROR_MAX_M, error_y))
            points.append(
                (
                    x0 + share * (x1 - x0) - bank * (y1 - y0) / piece + error_x,
                    y0 + share * (y1 - y0) + bank * (x1 - x0) / piece + error_y,
                )
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
    moments = [first_fix + datetime.timedelta(seconds=step_s * index) for index in range(len(points))]
    first_second = first_fix.timestamp()
    finding = None
    if rng.random() < FINDING_SHARE:
        finding = (rng.choice(FindingCategory.values()), rng.random())
    return _Walk(
        appointment=duty.appointment,
        client_uuid=uuid.uuid5(DEMO_NAMESPACE, f"{growth.seed}:{duty.key}:{number}"),
        metric_points=points,
        first_fix=first_fix,
        step_s=step_s,
        seconds=[first_second + step_s * index for index in range(len(points))],
        texts=[moment.isoformat() for moment in moments],
        started_at=started,
        ended_at=moments[-1] + datetime.timedelta(seconds=rng.randint(5, 30)),
        fraction=fraction,
        source=rng.choice((PatrolSource.APP, PatrolSource.APP, PatrolSource.WEB)),
        finding=finding,
    )


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


@contextlib.contextmanager
def _submitted_as_drawn():
    """Lets ``bulk_create`` keep the drawn ``submitted_at``: ``auto_now_add`` would stamp the moment of
    the growth on a year of patrols, and updating them afterwards would write every row twice."""
    field = Patrol._meta.get_field("submitted_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _write_walks(walks, rules_by_segment):
    """Measure a batch of walks as the product does and write them with their findings.

    One transformation for the whole batch each way (EPSG:4326 as stored, and back to the metric
    CRS as the product measures the stored track); sustained speed then comes from the product's own
    function on each track, and distance from the same sum GEOS computes (the tests compare both
    with ``tracks.measure`` on a sample). Coverage of a walk along the whole segment is 1 by
    construction (see FIX_SPACING_M); a partial walk is measured by ``tracks.measure`` itself,
    coverage statement included. The verdict is ``tracks.invalid_reasons``.
    """
    stored = from_metric(
        GEOSGeometry(_multi_line_wkb([walk.metric_points for walk in walks]), srid=settings.METRIC_SRID)
    )
    stored.srid = 4326
    measured = _parts_coords(to_metric(stored))
    patrols, findings = [], []
    for index, walk in enumerate(walks):
        line = stored[index]
        line.srid = 4326
        segment = walk.appointment.segment
        rules = rules_by_segment[segment.pk]
        if walk.fraction < 1.0:
            times = [walk.first_fix + datetime.timedelta(seconds=walk.step_s * i) for i in range(len(walk.seconds))]
            track = tracks.Track(line, times, walk.texts, walk.seconds)
            measurement = tracks.measure(track, segment, walk.started_at, walk.ended_at, rules)
            if measurement.distance_from_segment_m > rules["max_distance_from_segment_m"]:
                raise ValueError(f"A drawn patrol strays from {segment.code}: the walk is wrong.")
        else:
            metric = measured[index]
            measurement = tracks.Measurement(
                distance_m=round(_length(metric), 1),
                duration_s=tracks.duration_seconds(walk.started_at, walk.ended_at),
                max_speed_kmh=round(tracks.max_sustained_speed_kmh(metric, walk.seconds), 2),
                coverage=1.0,
                # Not stored; the walk keeps to the bank, far inside the refusal distance.
                distance_from_segment_m=0.0,
            )
        reasons = tracks.invalid_reasons(measurement, rules)
        patrol = Patrol(
            client_uuid=walk.client_uuid,
            chief=walk.appointment.chief,
            segment=segment,
            tier=walk.appointment.tier,
            source=walk.source,
            started_at=walk.started_at,
            ended_at=walk.ended_at,
            track=line,
            track_times=walk.texts,
            distance_m=measurement.distance_m,
            max_speed_kmh=measurement.max_speed_kmh,
            coverage=measurement.coverage,
            is_valid=not reasons,
            invalid_reasons=reasons,
            rules=rules,
            submitted_at=walk.ended_at + SUBMIT_DELAY,
        )
        patrols.append(patrol)
        if walk.finding:
            category, where = walk.finding
            location = line.interpolate_normalized(where)
            location.srid = 4326
            note = str(FindingCategory.label(category))
            findings.append(Finding(patrol=patrol, category=category, note=note, location=location))
    with _submitted_as_drawn():
        Patrol.objects.bulk_create(patrols)
    Finding.objects.bulk_create(findings)
    return len(findings)


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
    ticker = growth.progress.start("patrols", sum(len(starts) for _duty, starts in schedules))
    lines, rules_by_segment = {}, {}
    walks, patrols, findings = [], 0, 0
    for duty, starts in schedules:
        segment = duty.appointment.segment
        if segment.pk not in lines:
            lines[segment.pk] = _SegmentLine(segment)
            rules_by_segment[segment.pk] = rule_set.as_dict(segment_length_m=segment.length_m)
        rng = growth.rng("patrol tracks", duty.key)
        for number, started in enumerate(starts):
            walks.append(_draw_walk(growth, duty, number, started, lines[segment.pk], rng))
            if len(walks) == PATROL_BATCH:
                findings += _write_walks(walks, rules_by_segment)
                patrols += len(walks)
                ticker.advance(len(walks))
                walks = []
    if walks:
        findings += _write_walks(walks, rules_by_segment)
        patrols += len(walks)
    ticker.finish()
    return {"patrols": patrols, "findings": findings}
