"""Synthetic GPS tracks for tests: the demo's generator, and request bodies around it."""

from inspections.demo import track_along

__all__ = ["body", "track_along"]


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
