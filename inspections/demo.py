"""Demo patrols for ``seed_demo``: the last weeks of patrolling in the district, through the real service.

Most chiefs patrol on time at walking or cycling pace; some skip a period, walk only part of
their segment, or drive, so that lists, verdicts and compliance have something to show.
"""

import datetime
import random
import uuid

from django.conf import settings
from django.contrib.gis.geos import LineString
from django.utils import timezone

from inspections import services
from inspections.choices import FindingCategory, PatrolSource
from inspections.models import Patrol, PatrolFrequency
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
