"""``grow_district``'s problem step at a tiny scale: every timeline the transition table's, the deadlines
the rules', the patrol findings' problems theirs, and the pages answering over the result."""

import collections
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo import scale
from inspections import workflow
from inspections.choices import ProblemSource, ProblemStatus
from inspections.demo import PROBLEMS_PER_SCALE
from inspections.models import Finding, Problem, ProblemDeadlineRule, ProblemEvent, ProblemPhoto
from inspections.problems import MAX_DISTANCE_FROM_SEGMENT_M
from wushui.geo import to_metric
from wushui.models import User

TINY = 0.01


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        call_command("grow_district", scale=TINY, seed=7, stdout=io.StringIO(), stderr=io.StringIO())
        yield
        transaction.set_rollback(True)


def grown_problems():
    return Problem.objects.filter(segment__in=scale.Growth.grown_segments())


def test_about_the_scales_share_of_problems_over_the_year(grown, db):
    problems = grown_problems()
    assert PROBLEMS_PER_SCALE * TINY <= problems.count() <= PROBLEMS_PER_SCALE * TINY * 1.5
    today = timezone.localdate()
    first = problems.order_by("created_at").first().created_at
    assert (today - timezone.localdate(first)).days >= 300
    statuses = collections.Counter(problems.values_list("status", flat=True))
    assert set(statuses) >= {"registered", "assigned", "accepted", "completed", "archived", "merged", "closed"}
    assert statuses["archived"] > problems.count() / 2, "most of a year's problems have ended"
    assert set(problems.values_list("source", flat=True)) == set(ProblemSource.values())


def test_every_timeline_runs_through_the_transition_table(grown, db):
    events = collections.defaultdict(list)
    for row in (
        ProblemEvent.objects.filter(problem__in=grown_problems())
        .order_by("problem_id", "at", "pk")
        .values_list("problem_id", "transition", "from_status", "to_status", "at")
    ):
        events[row[0]].append(row[1:])
    for problem in grown_problems().only("pk", "status", "version", "created_at"):
        timeline = events[problem.pk]
        assert timeline[0][:3] == ("register", "", "registered")
        assert timeline[0][3] == problem.created_at
        state = "registered"
        for name, from_status, to_status, _at in timeline[1:]:
            transition = workflow.TRANSITIONS[name]
            assert from_status == state
            assert from_status in transition.sources
            assert to_status == (transition.target or from_status)
            state = to_status
        assert state == problem.status
        assert problem.version == len(timeline) - 1
        assert [at for *_rest, at in timeline] == sorted(at for *_rest, at in timeline)


def test_grown_problems_are_ones_the_product_would_have_made(grown, db):
    rules = ProblemDeadlineRule.rules()
    sample = list(grown_problems().select_related("segment__region").order_by("pk")[::25])
    for problem in sample:
        problem.clean_fields(exclude=["segment", "street", "reported_by", "assignee_unit", "assignee_chief",
                                      "assigned_by", "duplicate_of"])  # fmt: skip
        assert (problem.response_due, problem.completion_due) == ProblemDeadlineRule.deadlines(
            problem.source, problem.urgency, problem.created_at, rules
        )
        if problem.location:
            distance = to_metric(problem.segment.geometry).distance(to_metric(problem.location))
            assert distance <= MAX_DISTANCE_FROM_SEGMENT_M
        assert (problem.status == ProblemStatus.MERGED) == (problem.duplicate_of_id is not None)
        assert (problem.status in ProblemStatus.ENDED) == (problem.ended_at is not None)
    assert sum(problem.location is not None for problem in sample) > 0.9 * len(sample)
    completions = ProblemEvent.objects.filter(problem__in=grown_problems(), transition="complete").count()
    assert ProblemPhoto.objects.filter(problem__in=grown_problems(), stage="after").count() == completions
    # The assigner verifies: the one who assigned last before the verification.
    verifications = ProblemEvent.objects.filter(problem__in=grown_problems(), transition="verify")
    for event in verifications.order_by("pk")[:50]:
        assigner = event.problem.events.filter(transition="assign", at__lt=event.at).order_by("-at").first().actor_id
        assert event.actor_id == assigner


def test_patrol_findings_marked_as_problems_became_their_problems(grown, db):
    linked = Finding.objects.filter(problem__isnull=False, patrol__segment__in=scale.Growth.grown_segments())
    assert linked.exists()
    for finding in linked.select_related("patrol", "problem")[:50]:
        assert finding.problem.source == ProblemSource.PATROL
        assert finding.problem.reported_by_id == finding.patrol.chief_id
        assert finding.problem.segment_id == finding.patrol.segment_id


def test_new_problems_take_keys_after_the_grown_ones(grown, db):
    from inspections import problems

    segment = scale.Growth.grown_segments().select_related("region").first()
    problem = problems.register_problem(source="hotline", segment=segment, category="bank", description="New")
    assert problem.pk > grown_problems().exclude(pk=problem.pk).order_by("-pk").first().pk


@pytest.mark.parametrize("name", ["problems:problem_list", "problems:my_work", "problems:problem_rates"])
def test_the_pages_answer_over_the_grown_problems(grown, client, name):
    for username in ("admin", "chief_village"):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse(name)).status_code == 200
    street_chief = (
        User.objects.filter(problems_assigned_by__segment__in=scale.Growth.grown_segments()).distinct().first()
    )
    client.force_login(street_chief)
    page = client.get(reverse("problems:my_work"))
    assert page.status_code == 200
