"""The public querysets the signboard pages and Open311 read: published fields only, published rows only."""

import datetime

import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone

from inspections import public
from inspections.choices import ProblemSource
from inspections.models import Patrol, PatrolQuerySet, Problem, ProblemQuerySet
from rivers.models import Segment, Signboard, SignboardQuerySet
from tests.factories import PatrolFactory


def test_a_public_problem_carries_no_description_reporter_or_workflow_detail(world):
    Problem.objects.create(
        segment=world.segment_a1,
        category="bank",
        description="Internal: the owner is the mayor's cousin",
        location=Point(120.75, 27.905, srid=4326),
        source=ProblemSource.PATROL,
        reported_by=world.users.chief_a1,
    )
    rows = list(Problem.objects.public())
    assert len(rows) == 1
    assert set(rows[0]) == set(ProblemQuerySet.PUBLIC_FIELDS)
    text = repr(rows)
    assert "mayor" not in text, "descriptions are never published"
    assert "reported_by" not in rows[0]
    assert str(world.users.chief_a1.pk) not in [str(value) for key, value in rows[0].items() if key != "pk"]


def test_public_patrols_are_the_valid_ones_without_chief_or_track(world):
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, is_valid=True)
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, is_valid=False)
    rows = list(Patrol.objects.public())
    assert len(rows) == 1
    assert set(rows[0]) == set(PatrolQuerySet.PUBLIC_FIELDS)
    assert rows[0]["segment_id"] == world.segment_a1.pk


def test_a_public_signboard_carries_its_board_fields_only(world):
    board = Signboard.objects.create(segment=world.segment_a1, supervision_hotline="12345", duties="d", goals="g")
    rows = list(Signboard.objects.public())
    assert rows == [
        {
            "public_code": board.public_code,
            "segment_id": world.segment_a1.pk,
            "supervision_hotline": "12345",
            "duties": "d",
            "goals": "g",
            "updated_at": board.updated_at,
        }
    ]
    assert set(rows[0]) == set(SignboardQuerySet.PUBLIC_FIELDS)
    assert "location" not in rows[0]
    assert "id" not in rows[0]


def test_public_lines_are_the_segments_shapes_only(world):
    rows = list(Segment.objects.public_lines().order_by("pk"))
    assert [set(row) for row in rows] == [{"pk", "geometry"}] * 3
    assert rows[0]["geometry"].geom_type == "LineString"


@time_machine.travel(datetime.datetime(2026, 11, 15, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_public_activity_counts_what_the_public_querysets_give(world):
    now = timezone.now()
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, started_at=now - datetime.timedelta(hours=2))
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, started_at=now - datetime.timedelta(days=70))
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, is_valid=False)
    for status in ["registered", "archived", "closed"]:
        Problem.objects.create(
            segment=world.segment_a1, category="bank", description="x", source=ProblemSource.PATROL, status=status
        )
    activity = public.segment_activity(world.segment_a1.pk, now=now)
    assert activity.patrols_this_month == 1, "valid patrols of this month only"
    assert activity.reported_last_year == 3
    assert activity.closed_last_year == 2, "any state not known to be open counts as closed"
    assert activity.open_now == 1
