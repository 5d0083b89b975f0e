"""Synthetic GPS tracks along a segment, at a chosen speed."""

import datetime

from django.conf import settings
from django.contrib.gis.geos import LineString

from wushui.geo import from_metric, to_metric


def track_along(line, *, start, speed_kmh, fraction=1.0, step_m=20.0, offset_m=0.0):
    """Points every ``step_m`` along the first ``fraction`` of ``line``, shifted ``offset_m`` north,
    timed to move at ``speed_kmh``. Returns ``(coordinates, times)``."""
    metric = to_metric(line)
    length = metric.length * fraction
    count = max(2, int(length // step_m) + 1)
    metric_points, times = [], []
    for index in range(count):
        along = length * index / (count - 1)
        point = metric.interpolate(along)
        metric_points.append((point.x, point.y + offset_m))
        times.append(start + datetime.timedelta(seconds=along / (speed_kmh / 3.6)))
    track = from_metric(LineString(metric_points, srid=settings.METRIC_SRID))
    return [[round(x, 7), round(y, 7)] for x, y in track.coords], times


def line_of(coordinates):
    return LineString(coordinates, srid=4326)


def body(segment, coordinates, times, **extra):
    data = {
        "client_uuid": extra.pop("client_uuid", "11111111-2222-3333-4444-555555555555"),
        "segment": segment.pk,
        "started_at": times[0].isoformat(),
        "ended_at": times[-1].isoformat(),
        "track": {"type": "LineString", "coordinates": coordinates},
        "track_times": [moment.isoformat() for moment in times],
    }
    data.update(extra)
    return data
