"""The API against its own description: schemathesis generates requests from ``/api/schema/``.

The schema is read from the application itself through WSGI, in process: no server, no network (the
tests' socket guard stays on). Each operation is tried by two personas with their API tokens, the
district administrator (who may change the registry) and the chief of village A1 (who reads their scope
and submits patrols), on the ``world`` of conftest with rows like the demo's, and generated ids are
pointed at existing rows, so that lists and details answer with data.

Three properties, each its own test so that one does not hide another (Hypothesis stops an operation at
its first failing example):

- no request, valid or not, makes the server fail (5xx);
- every status answered to a request the schema allows is documented for the operation;
- every documented answer conforms: its content type and its body match the schema of its status.

Bounded for CI (about four minutes per database on two cores): a few dozen generated requests per operation, with values
at the storage's edges mixed in; neither the schema's own examples nor the coverage phase (which generate
a thousand boundary requests per write operation and take seconds to build at collection), no shrinking
(the failing example is reported as found), derandomised so that a run repeats the last one, and no
example database on disk.
"""

import datetime
import io
import re

import pytest
import schemathesis
from django.contrib.gis.geos import LineString, MultiLineString, Point, Polygon
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from PIL import Image
from rest_framework.authtoken.models import Token
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from inspections.choices import ProblemSource
from inspections.models import Finding, PatrolPhoto, Problem
from rivers.choices import SampleSource, ThreeRiversKind, WaterBodyKind
from rivers.models import Alert, ThreeRiversRecord
from rivers.samples import new_sample, store_samples
from tests.factories import OutletFactory, PatrolFactory, StationFactory, WaterBodyFactory

# Generated requests per operation: more where a server error is looked for, fewer where every answer
# is read against the schema (the schema's own examples come on top).
SERVER_ERROR_EXAMPLES = 15
CONFORMANCE_EXAMPLES = 8
PERSONAS = ("admin", "chief_a1")

# Values at the edges of what the storage holds, mixed into a third of the generated numbers and strings:
# past 32-bit and 64-bit signed integers (PostgreSQL integer and bigint, SQLite INTEGER), and the first and
# last day a Python date holds (a day's bounds step past them).
EDGE_NUMBERS = [2**31, 2**63, -(2**63) - 1, 10**31, 1e31]
EDGE_STRINGS = ["0001-01-01", "9999-12-31", "9999-12-31T23:59:59+08:00", "1e31"]
EDGE_PROBABILITY = 0.33


def config(mode, examples):
    edges = {"dictionary": "edges", "probability": EDGE_PROBABILITY}
    return SchemathesisConfig.from_dict(
        {
            "generation": {
                "mode": mode,
                "max-examples": examples,
                "no-shrink": True,
                "deterministic": True,
                "database": "none",
                "dictionaries": {"integer": edges, "number": edges, "string": edges},
            },
            "dictionaries": {"edges": {"values": [*EDGE_NUMBERS, *EDGE_STRINGS]}},
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
            # Slow examples and heavy filtering are the app's pace here, not a broken test.
            "suppress-health-check": ["data_too_large", "filter_too_much", "too_slow", "large_base_example"],
        }
    )


class InProcess:
    """Django's WSGI application on the test's database, as Django's own test client runs it: each request in
    a savepoint rolled back after it (a generated DELETE does not empty the world for the next one), and the
    database connection is not closed at the start and end of each request; no compression is asked for."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        # The WSGI client does not undo a gzip encoding (the map layers compress): ask for none.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                response = self.handler(environ, start_response)
                content = b"".join(response)
                response.close()
                transaction.set_rollback(True)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [content]


APP = InProcess()


def load(mode, examples):
    # The schema view reads no row: it is loaded at collection, outside any test's database.
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=config(mode, examples))


ANY_REQUEST = load("all", SERVER_ERROR_EXAMPLES)
VALID_REQUEST = load("positive", CONFORMANCE_EXAMPLES)


@pytest.fixture(params=PERSONAS)
def token(request, world, projects_world):
    """The persona's API token, on the world with rows like the demo's: a river drawn as two arms, a lake,
    a patrol of chief A1 with a finding and its photo and problem, a station with a 劣V sample and its alert,
    an outlet, a black-river record, and the projects, tasks and enterprises of ``projects_world``."""
    world.river.geometry = MultiLineString(
        LineString((120.72, 27.90), (120.80, 27.92)), LineString((120.85, 27.90), (120.90, 27.91)), srid=4326
    )
    world.river.save()
    WaterBodyFactory(
        name="West Lake",
        code="T-LAKE",
        kind=WaterBodyKind.LAKE,
        length_km=None,
        area_km2=1.5,
        geometry=Polygon(((120.75, 27.96), (120.76, 27.96), (120.76, 27.97), (120.75, 27.96)), srid=4326),
    )
    patrol = PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)
    finding = Finding.objects.create(
        patrol=patrol, category="bank", note="Litter on the bank", location=Point(120.75, 27.905, srid=4326)
    )
    image = io.BytesIO()
    Image.new("RGB", (16, 12), "green").save(image, "JPEG")
    PatrolPhoto.objects.create(patrol=patrol, finding=finding, image=ContentFile(image.getvalue(), name="bank.jpg"))
    Problem.objects.create(
        segment=world.segment_a1, category="bank", description="Litter on the bank", source=ProblemSource.PATROL
    )
    station = StationFactory(segment=world.segment_a1, responsible_chief=world.users.chief_a1)
    store_samples(
        [new_sample(station, timezone.now() - datetime.timedelta(hours=2), SampleSource.LAB, values={"nh3n": 2.6})]
    )
    assert Alert.objects.exists()
    OutletFactory(segment=world.segment_a1)
    ThreeRiversRecord.objects.create(
        water_body=world.river, kind=ThreeRiversKind.BLACK, identified_on=datetime.date(2025, 4, 1)
    )
    return Token.objects.create(user=getattr(world.users, request.param)).key


# A value of each path parameter other than the id that the route's pattern takes, to find its view.
PATH_SAMPLES = {"month": "2022-01"}


def on_existing_rows(case):
    """Point a generated id at one of the operation's rows, so that details answer with one: ids from 0 to
    9999 are taken modulo the rows; the rest (negative, huge) stay, and ask for rows that do not exist."""
    generated = case.path_parameters.get("id") if case.path_parameters else None
    if not isinstance(generated, int) or not 0 <= generated < 10_000:
        return
    view = resolve(re.sub(r"\{(\w+)\}", lambda match: PATH_SAMPLES.get(match[1], "1"), case.operation.path)).func
    ids = sorted(view.cls.queryset.model.objects.values_list("pk", flat=True))
    assert ids, f"the world has no {view.cls.queryset.model.__name__} rows: add some in the token fixture"
    case.path_parameters["id"] = ids[generated % len(ids)]


# Every example of an operation runs on the one world of its test: each request rolls back, so none sees another's.
ONE_WORLD_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def call(case, token, expected):
    on_existing_rows(case)
    case.call_and_validate(app=APP, headers={"Authorization": f"Token {token}"}, checks=expected)


@ANY_REQUEST.parametrize()
@ONE_WORLD_PER_OPERATION
def test_no_request_makes_the_server_fail(case, token):
    call(case, token, [checks.not_a_server_error])


@VALID_REQUEST.parametrize()
@ONE_WORLD_PER_OPERATION
def test_every_status_is_documented(case, token):
    call(case, token, [checks.status_code_conformance])


@VALID_REQUEST.parametrize()
@ONE_WORLD_PER_OPERATION
def test_every_documented_answer_conforms(case, token):
    call(case, token, [checks.content_type_conformance, checks.response_schema_conformance])
