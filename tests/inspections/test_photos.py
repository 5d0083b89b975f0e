"""Adding photos to a patrol: stored once per client key, and no file kept for a photo that is not stored."""

import io
import os
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from PIL import Image

from inspections.models import PatrolPhoto
from inspections.services import add_patrol_photo
from tests.factories import PatrolFactory

pytestmark = pytest.mark.django_db


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def media_files():
    return sorted(os.path.join(d, f) for d, _s, files in os.walk(settings.MEDIA_ROOT) for f in files)


@pytest.fixture
def patrol(world):
    return PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)


def test_a_copy_that_loses_the_race_answers_the_winner_and_leaves_no_file(patrol):
    before = media_files()
    winner = {}

    def other_copy_stored_after_the_lookup(execute, sql, params, many, context):
        # The first look-up of this copy finds nothing; the other copy is stored right after it.
        result = execute(sql, params, many, context)
        if "copy" not in winner and sql.startswith("SELECT") and "inspections_patrolphoto" in sql:
            winner["copy"] = None  # the other copy's own look-up passes through
            winner["copy"] = add_patrol_photo(patrol, image=jpeg(), client_key="photo-1")
        return result

    with connection.execute_wrapper(other_copy_stored_after_the_lookup):
        photo, created = add_patrol_photo(patrol, image=jpeg(), client_key="photo-1")

    stored, stored_created = winner["copy"]
    assert (stored_created, created) == (True, False)
    assert photo == stored == PatrolPhoto.objects.get()
    assert media_files() == sorted([*before, stored.image.path])


def test_a_photo_whose_row_cannot_be_stored_leaves_no_file(patrol):
    before = media_files()

    def failing_insert(execute, sql, params, many, context):
        if sql.startswith("INSERT") and "inspections_patrolphoto" in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing_insert), pytest.raises(DatabaseError):
        add_patrol_photo(patrol, image=jpeg(), client_key="photo-1")
    assert not PatrolPhoto.objects.exists()
    assert media_files() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_four_copies_arriving_at_once_make_one_photo_and_one_file(patrol):
    from django.db import connections

    before = media_files()
    barrier = threading.Barrier(4)
    results = []

    def upload():
        try:
            barrier.wait()
            photo, created = add_patrol_photo(patrol, image=jpeg(), client_key="photo-1")
            results.append((photo.pk, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = PatrolPhoto.objects.get()
    assert sorted(created for _pk, created in results) == [False, False, False, True]
    assert {pk for pk, _created in results} == {stored.pk}
    assert media_files() == sorted([*before, stored.image.path])
