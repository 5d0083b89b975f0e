"""Odd input anywhere is a 4xx in the API's error shape (or the page's form errors), never a 500."""

import json

import pytest
from django.urls import reverse

from rivers.api.serializers import ChiefAppointmentSerializer
from rivers.models import WaterBody


def api_error(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def admin(client, world):
    client.force_login(world.users.admin)
    return client


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/patrols/?date_until=9999-12-31", "date_until"),
        ("/api/v1/patrols/?date_from=0001-01-01", "date_from"),
        ("/api/v1/patrols/?segment=1e31", "segment"),
        ("/api/v1/patrols/?chief=99999999999999999999999", "chief"),
        ("/api/v1/segments/?water_body=-3", "water_body"),
        ("/api/v1/chiefs/?segment=abc", "segment"),
    ],
)
def test_an_impossible_filter_is_a_400_naming_it(admin, url, field):
    assert field in api_error(admin.get(url), 400)["fields"]


def test_an_impossible_date_on_a_page_is_a_400_with_the_forms_error(admin):
    response = admin.get(reverse("inspections:patrol_list"), {"date_until": "9999-12-31"})
    assert response.status_code == 400
    assert "Enter a date from 2000-01-01 to 2099-12-31." in response.content.decode()
    response = admin.get(reverse("inspections:compliance"), {"on": "9999-12-31"})
    assert response.status_code == 400


def test_json_nested_too_deeply_is_refused(admin):
    body = "[" * 50_000 + "]" * 50_000
    assert api_error(admin.post("/api/v1/patrols/", body, content_type="application/json"), 400)["code"] == (
        "parse_error"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [({"properties": "renamed"}, "properties"), (5, "non_field_errors"), (["a"], "non_field_errors")],
)
def test_a_feature_that_is_not_one_is_refused_with_the_field_named(admin, world, body, field):
    url = reverse("waterbody-detail", args=[world.river.pk])
    error = api_error(admin.patch(url, json.dumps(body), content_type="application/json"), 400)
    assert field in error["fields"]
    world.river.refresh_from_db()
    assert world.river.name == "Shared River"


def test_a_body_over_the_limit_is_a_413_in_the_apis_shape(admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"description": "x" * 5000})
    assert api_error(admin.post("/api/v1/patrols/", body, content_type="application/json"), 413)["code"] == "too_large"
    assert api_error(admin.post(reverse("segment-list"), {"name": "x" * 5000}), 413)["code"] == "too_large"
    assert not WaterBody.objects.filter(description__startswith="xxx").exists()


@pytest.mark.parametrize("url_name", ["api_docs", "api_redoc"])
def test_documentation_pages_answer_options_without_an_error(client, world, url_name):
    assert client.options(reverse(url_name)).status_code == 405
    client.force_login(world.users.chief_a1)
    assert client.options(reverse(url_name)).status_code == 405
    assert client.get(reverse(url_name)).status_code == 200


def test_related_choices_come_from_the_users_scope(world, rf):
    request = rf.get("/")
    request.user = world.users.street_a
    serializer = ChiefAppointmentSerializer(context={"request": request})
    chiefs = set(serializer.fields["chief"].get_queryset())
    segments = set(serializer.fields["segment"].get_queryset())
    assert world.users.street_b not in chiefs
    assert world.users.street_a in chiefs
    assert segments == {world.segment_a1}


def test_the_browsable_api_lists_no_other_streets_rows(client, world):
    client.force_login(world.users.admin)
    # The administrator sees the whole district: their form may list everybody.
    assert "Village B1" in client.get("/api/v1/units/", HTTP_ACCEPT="text/html").content.decode()
    client.force_login(world.users.street_a)
    page = client.get("/api/v1/chiefs/", HTTP_ACCEPT="text/html").content.decode()
    assert "street_b" not in page
    assert "B1 reach" not in page


def test_a_point_that_gdal_cannot_read_is_a_field_error(client, world):
    client.force_login(world.users.chief_a1)
    body = {
        "client_uuid": "11111111-2222-3333-4444-555555555555",
        "segment": world.segment_a1.pk,
        "started_at": "2026-11-28T09:00:00+08:00",
        "ended_at": "2026-11-28T09:30:00+08:00",
        "track": {"type": "LineString", "coordinates": [[120.72, 27.90], [120.73, 27.90]]},
        "track_times": ["2026-11-28T09:00:00+08:00", "2026-11-28T09:29:00+08:00"],
        "findings": [{"category": "bank", "location": {"type": "Point", "coordinates": ["x", ""]}}],
    }
    response = client.post("/api/v1/patrols/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "findings" in response.json()["error"]["fields"]


def test_the_admin_lists_patrols_with_findings_and_adds_no_jobs(client, world):
    from inspections.models import Finding
    from tests.factories import PatrolFactory

    patrol = PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)
    Finding.objects.create(patrol=patrol, category="bank")
    client.force_login(world.users.admin)
    assert client.get(reverse("admin:inspections_patrol_change", args=[patrol.pk])).status_code == 200
    assert client.post(reverse("admin:wushui_job_add"), {}).status_code == 403
