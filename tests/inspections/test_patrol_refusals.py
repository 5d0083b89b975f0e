"""Patrol input that is well-formed but wrong is refused with the field named, and nothing is stored."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from inspections.models import Finding, Patrol, PatrolPhoto

URL = "/api/v1/patrols/"


@pytest.fixture
def chief(client, world):
    client.force_login(world.users.chief_a1)
    return client


def refused(response, field):
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert not Patrol.objects.exists()
    assert not Finding.objects.exists()
    return response.json()["error"]["fields"][field]


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_a_patrol_dated_1969_is_refused(chief, patrol_body):
    start = datetime.datetime(1969, 7, 20, 20, 17, tzinfo=datetime.UTC)
    refused(post(chief, patrol_body(start=start)), "started_at")


def test_a_patrol_in_year_one_is_refused(chief, patrol_body):
    body = patrol_body()
    body["started_at"] = "0001-01-01T00:00:00Z"
    assert refused(post(chief, body), "started_at")


def test_a_patrol_older_than_a_year_is_refused_a_recent_one_is_not(chief, patrol_body):
    refused(post(chief, patrol_body(start=timezone.now() - datetime.timedelta(days=400))), "started_at")
    assert post(chief, patrol_body(start=timezone.now() - datetime.timedelta(days=20))).status_code == 201


def test_a_finding_30_km_from_the_segment_is_refused(chief, patrol_body):
    far = {"category": "bank", "location": [121.05, 28.1], "is_problem": True}
    near = {"category": "bank", "location": [120.78, 27.91]}
    message = refused(post(chief, patrol_body(findings=[near, far])), "findings")
    assert "Finding 2" in str(message)


def test_a_number_is_no_client_uuid(chief, patrol_body):
    refused(post(chief, patrol_body(client_uuid=123456789)), "client_uuid")


def test_one_submission_carries_a_bounded_number_of_findings(chief, patrol_body):
    refused(post(chief, patrol_body(findings=[{"category": "bank"}] * 51)), "findings")
    assert post(chief, patrol_body(findings=[{"category": "bank"}] * 50)).status_code == 201


def test_a_track_time_with_a_nul_byte_is_refused(chief, patrol_body):
    body = patrol_body()
    body["track_times"][3] += "\x00"
    refused(post(chief, body), "track_times")


def image_file(size, mode="RGB", image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format)
    buffer.seek(0)
    buffer.name = f"photo.{image_format.lower()}"
    return buffer


def test_a_photo_of_too_many_pixels_is_refused_however_small_its_file(chief, patrol_body, stored_files):
    patrol = post(chief, patrol_body()).json()
    before = stored_files()
    bomb = image_file((12_000, 12_000), mode="1", image_format="PNG")
    assert len(bomb.getvalue()) < 1_000_000
    response = chief.post(f"{URL}{patrol['id']}/photos/", {"image": bomb})
    assert response.status_code == 400
    assert "megapixels" in response.json()["error"]["fields"]["image"][0]
    assert not PatrolPhoto.objects.exists()
    assert stored_files() == before


def test_a_photo_posted_with_a_format_suffix_is_stored(chief, patrol_body):
    patrol = post(chief, patrol_body()).json()
    response = chief.post(f"{URL}{patrol['id']}/photos.json", {"image": image_file((64, 48))})
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json"


def test_a_photo_for_a_patrol_id_that_is_not_a_number_finds_nothing(chief):
    response = chief.post(f"{URL}abc/photos/", {"image": image_file((64, 48))})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
