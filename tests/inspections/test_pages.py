"""Patrol list and detail pages for officials."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escapejs

from inspections import views
from inspections.models import Patrol
from tests.factories import PatrolFactory
from tests.modules import imported_modules, recorder_modules
from wushui import periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client, world, patrol_body):
    """Three patrols by chief A1: two valid (one with a problem), one covering a third of the segment."""
    client.force_login(world.users.chief_a1)
    findings = [{"category": "bank", "note": "Dumped soil", "location": [120.75, 27.905], "is_problem": True}]
    for extra in ({"findings": findings}, {}, {"fraction": 0.3}):
        response = client.post(
            "/api/v1/patrols/", patrol_body(client_uuid=str(uuid.uuid4()), **extra), content_type="application/json"
        )
        assert response.status_code == 201
    client.logout()
    return Patrol.objects.order_by("pk")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 3),
        ({"is_valid": "false"}, 1),
        ({"is_valid": "true"}, 2),
        ({"tier": "district"}, 0),
        ({"region": "village_a1"}, 3),
        ({"date_from": "today"}, 3),
        ({"date_until": "yesterday"}, 0),
    ],
)
def test_patrol_list_filters(client, world, submitted, query, expected):
    client.force_login(world.users.official)
    today = periods.local_date(submitted.first().started_at)
    values = {"today": today.isoformat(), "yesterday": (today - datetime.timedelta(days=2)).isoformat()}
    query = {k: (getattr(world, v).pk if k == "region" else values.get(v, v)) for k, v in query.items()}
    response = client.get(reverse("inspections:patrol_list"), query)
    assert response.status_code == 200
    assert response.context["row_count"] == len(response.context["object_list"]) == expected


def test_patrol_list_refuses_a_malformed_date(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("inspections:patrol_list"), {"date_from": "31/02/2026", "is_valid": "maybe"})
    assert response.status_code == 400
    assert set(response.context["filterset"].form.errors) == {"date_from", "is_valid"}


def test_patrol_detail_draws_the_track_over_the_segment(client, world, submitted):
    client.force_login(world.users.street_a)
    patrol = submitted.first()
    response = client.get(patrol.get_absolute_url())
    assert response.status_code == 200
    kinds = [f["geometry"]["type"] for f in response.context["map_features"]["features"]]
    assert kinds == ["LineString", "LineString", "Point"]
    assert "Dumped soil" in response.content.decode()


def test_invalid_patrol_shows_why(client, world, submitted):
    client.force_login(world.users.official)
    response = client.get(submitted.last().get_absolute_url())
    assert submitted.last().invalid_reason_messages[0] in response.content.decode()


def test_patrol_pages_are_scoped(client, world, submitted):
    client.force_login(world.users.street_b)
    assert client.get(submitted.first().get_absolute_url()).status_code == 404
    assert client.get(reverse("inspections:patrol_list")).context["row_count"] == 0


def test_the_patrol_list_runs_as_many_queries_for_many_patrols_as_for_a_few(client, world, submitted, queries_to_get):
    client.force_login(world.users.official)
    url = reverse("inspections:patrol_list")
    few = queries_to_get(client, url)
    PatrolFactory.create_batch(25, chief=world.users.chief_a1, segment=world.segment_a1)
    assert queries_to_get(client, url) == few <= 10


def test_a_patrol_page_runs_as_many_queries_for_many_findings_and_photos_as_for_one(
    client, world, patrol_with_evidence, queries_to_get
):
    client.force_login(world.users.official)
    one = queries_to_get(client, patrol_with_evidence(1).get_absolute_url())
    assert queries_to_get(client, patrol_with_evidence(6).get_absolute_url()) == one <= 10


def test_record_page_offers_the_chiefs_own_segments(client, world):
    client.force_login(world.users.chief_a1)
    response = client.get(reverse("inspections:patrol_record"))
    assert response.status_code == 200
    assert [segment.code for segment in response.context["segments"]] == ["T-RIVER-A1"]


def test_the_recorders_service_worker_is_served_fresh_from_the_recorders_path(client):
    """Below /patrols/record/ so that it may control the recorder; never cached, so a new version arrives."""
    response = client.get(reverse("inspections:recorder_service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert response.request["PATH_INFO"].startswith(reverse("inspections:patrol_record"))
    body = response.content.decode()
    assert f'const CACHE = "{escapejs(views.OFFLINE_CACHE)}";' in body
    assert f'const PASSED_THROUGH = ["{escapejs("/api/v1/")}", "{escapejs("/patrols/photos/")}"];' in body
    assert "{{" not in body


def test_the_recorder_names_its_service_worker_and_offline_copy(client, world):
    client.force_login(world.users.chief_a1)
    page = client.get(reverse("inspections:patrol_record")).content.decode()
    assert f'data-service-worker="{reverse("inspections:recorder_service_worker")}"' in page
    assert f'data-offline-cache="{views.OFFLINE_CACHE}"' in page


def test_the_recorder_preloads_every_module_it_imports(client, world):
    """Imported modules are no <script> of the page: unlisted, one would miss from its offline copy."""
    entry, preloaded = recorder_modules(client, world.users.chief_a1)

    def source(url):
        with open(finders.find(url.removeprefix(settings.STATIC_URL)), encoding="utf-8") as module:
            return module.read()

    assert imported_modules(entry, source) == preloaded
