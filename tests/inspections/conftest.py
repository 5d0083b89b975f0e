import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from inspections.choices import ProblemSource
from inspections.models import Finding, PatrolPhoto, Problem
from tests.factories import PatrolFactory
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


@pytest.fixture
def patrol_with_evidence(world):
    """A stored patrol by chief A1 with ``findings`` findings, each a problem with a photo."""

    def make(findings):
        patrol = PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)
        for index in range(findings):
            problem = Problem.objects.create(
                segment=patrol.segment, category="bank", description=f"Problem {index}", source=ProblemSource.PATROL
            )
            finding = Finding.objects.create(patrol=patrol, category="bank", note=f"Note {index}", problem=problem)
            buffer = io.BytesIO()
            Image.new("RGB", (8, 8)).save(buffer, format="PNG")
            PatrolPhoto.objects.create(
                patrol=patrol, finding=finding, image=SimpleUploadedFile(f"{index}.png", buffer.getvalue())
            )
        return patrol

    return make


@pytest.fixture
def queries_to_get():
    """How many queries a client's GET of a URL takes (it must answer 200)."""

    def count(client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    return count


@pytest.fixture
def stored_files(settings):
    """The files under MEDIA_ROOT now: a refused upload must leave this unchanged."""

    def listing():
        return sorted(
            os.path.join(folder, name) for folder, _sub, names in os.walk(settings.MEDIA_ROOT) for name in names
        )

    return listing
