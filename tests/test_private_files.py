"""Private files are answered only after the scope check, under names nobody can guess."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from inspections.models import PatrolPhoto
from rivers.jobs import REGISTRY_EXPORT
from tests.factories import PatrolFactory
from wushui import jobs
from wushui.models import Job

RANDOM_NAME = re.compile(r"^(patrols|jobs)/\d{4}/\d{2}/[A-Za-z0-9_-]{24}\.(jpg|xlsx)$")


@pytest.fixture
def photo(world):
    patrol = PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(buffer, "JPEG")
    return PatrolPhoto.objects.create(patrol=patrol, image=ContentFile(buffer.getvalue(), name="IMG_20261201_0930.jpg"))


def test_a_photo_is_stored_under_an_unguessable_name(photo):
    assert RANDOM_NAME.match(photo.image.name), photo.image.name
    assert "IMG_2026" not in photo.image.name


@pytest.mark.parametrize(
    ("persona", "status"),
    [("chief_a1", 200), ("street_a", 200), ("official", 200), ("street_b", 404), ("chief_district", 200)],
)
def test_a_photo_is_served_only_to_those_who_see_its_patrol(client, world, photo, persona, status):
    client.force_login(getattr(world.users, persona))
    response = client.get(photo.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        assert response["Cache-Control"] == "private, max-age=3600"
    else:
        missing = client.get(reverse("inspections:patrol_photo", args=[photo.pk + 1000]))
        assert (response.status_code, response.content) == (missing.status_code, missing.content)


def test_anonymous_visitors_get_no_photo(client, photo):
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_media_folder_itself_is_never_served(client, world, photo, settings):
    settings.DEBUG = True
    client.force_login(world.users.admin)
    assert client.get(f"{settings.MEDIA_URL}{photo.image.name}").status_code == 404


def test_behind_the_proxy_the_transfer_is_an_internal_redirect(client, world, photo, settings):
    settings.PRIVATE_FILES_SERVER = "accel"
    client.force_login(world.users.chief_a1)
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response.content == b""
    client.force_login(world.users.street_b)
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


def test_the_api_gives_the_checked_address_of_a_photo(client, world, photo):
    client.force_login(world.users.chief_a1)
    body = client.get(reverse("patrol-detail", args=[photo.patrol.pk])).json()
    assert body["photos"][0]["image"] == f"http://testserver{photo.get_absolute_url()}"


def test_an_export_is_stored_unguessably_and_downloaded_under_its_own_name(client, world, settings):
    job = Job.objects.create(kind=REGISTRY_EXPORT, requested_by=world.users.street_a)
    assert jobs.run_job(job.pk)
    job.refresh_from_db()
    assert RANDOM_NAME.match(job.file.name), job.file.name
    client.force_login(world.users.street_a)
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert job.download_name.startswith("registry-")
    assert job.download_name in response["Content-Disposition"]
    client.force_login(world.users.street_b)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    settings.PRIVATE_FILES_SERVER = "accel"
    client.force_login(world.users.street_a)
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{job.file.name}"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''registry-")
