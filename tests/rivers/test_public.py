"""Public querysets: what a signboard page may show, and nothing more."""

import pytest

from inspections.models import PatrolPhoto
from rivers.models import ChiefAppointment, ChiefAppointmentQuerySet, Segment, SegmentQuerySet


def test_a_public_segment_carries_only_its_published_fields(world):
    rows = list(Segment.objects.public().order_by("code"))
    assert [row["code"] for row in rows] == ["T-BCREEK-1", "T-RIVER-A1", "T-RIVER-B1"]
    assert all(set(row) == set(SegmentQuerySet.PUBLIC_FIELDS) for row in rows)
    assert rows[1]["water_body__name"] == "Shared River"
    assert "geometry" not in rows[1]


def test_public_chiefs_are_the_current_ones_with_signboard_fields_only(world):
    world.users.chief_a1.phone = "13999999999"
    world.users.chief_a1.save()
    ended = world.appointments.district_b1
    ended.end_date = ended.start_date
    ended.save()
    rows = list(ChiefAppointment.objects.public().filter(segment_id=world.segment_a1.pk).order_by("tier"))
    assert {(row["chief__name"], row["post"]) for row in rows} == {
        ("Chief A1", "Village A1 secretary"),
        ("District Chief", "Deputy district head"),
    }
    assert not ChiefAppointment.objects.public().filter(segment_id=world.segment_b1.pk).exists()
    text = repr(rows)
    assert "13999999999" not in text, "a user's own phone is never published"
    assert "chief_a1" not in text, "nor their username"
    assert all(set(row) == set(ChiefAppointmentQuerySet.PUBLIC_FIELDS) for row in rows)


def test_a_queryset_without_published_fields_refuses_to_go_public(world):
    with pytest.raises(TypeError, match="publishes nothing"):
        PatrolPhoto.objects.public()
