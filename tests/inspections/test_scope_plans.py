"""Scope predicates the database can serve from its indexes (PostgreSQL plans)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from inspections.models import Patrol
from tests.factories import PatrolFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Sequential scans are priced out: a plan still scanning the table has no index it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def patrols(world):
    start = timezone.now() - datetime.timedelta(days=30)
    for index in range(60):
        for chief, segment in (
            (world.users.chief_a1, world.segment_a1),
            (world.users.chief_district, world.segment_b1),
        ):
            PatrolFactory(chief=chief, segment=segment, started_at=start + datetime.timedelta(hours=index))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_patrol")


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", ["street_a", "street_b", "chief_a1"])
def test_no_sequential_scan_of_patrols_for_a_scoped_user(world, patrols, persona):
    user = getattr(world.users, persona)
    recent = Patrol.objects.restrict(user).order_by("-started_at", "-pk")[:50]
    plan = plan_of(recent)
    assert "Seq Scan on inspections_patrol" not in plan, plan
    assert len(list(recent)) == 50


@pytest.fixture
def problems_registered(world):
    from inspections import problems

    for index in range(40):
        for segment in (world.segment_a1, world.segment_b1):
            problems.register_problem(source="hotline", segment=segment, category="bank", description=f"P{index}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_problem")


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("persona", ["admin", "street_a", "chief_a1", "chief_district"])
def test_my_work_and_the_problem_list_read_problems_through_indexes(world, problems_registered, persona):
    from inspections import workflow
    from inspections.models import Problem
    from inspections.models.problems import DUE_FIRST, RECENT_FIRST

    user = getattr(world.users, persona)
    to_assign = Problem.objects.restrict(user).filter(workflow.transition_q(user, "assign")).order_by(*DUE_FIRST)[:50]
    plan = plan_of(to_assign)
    assert "Seq Scan on inspections_problem" not in plan, plan
    assert list(to_assign)
    listed = Problem.objects.restrict(user).order_by(*RECENT_FIRST)[:50]
    assert "Seq Scan on inspections_problem" not in plan_of(listed)
