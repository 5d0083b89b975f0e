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
