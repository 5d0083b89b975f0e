import datetime

import pytest
from django.utils import timezone

from tests.inspections.tracks import body, track_along


@pytest.fixture
def patrol_body(world):
    """A valid 40-minute cycling patrol along segment A1, finished an hour ago."""

    def make(**extra):
        start = extra.pop("start", timezone.now() - datetime.timedelta(hours=2))
        speed = extra.pop("speed_kmh", 12)
        fraction = extra.pop("fraction", 1.0)
        segment = extra.pop("segment", world.segment_a1)
        coordinates, times = track_along(segment.geometry, start=start, speed_kmh=speed, fraction=fraction, step_m=40)
        return body(segment, coordinates, times, **extra)

    return make
