"""The problem workflow through its services: every transition, every refusal, the timeline written
with each change, nothing half-saved, and two racing transitions of which one wins."""

import datetime
import io
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from inspections import problems, workflow
from inspections.choices import ProblemLevel, ProblemSource, ProblemStatus, ProblemUrgency
from inspections.models import Problem, ProblemDeadlineRule, ProblemEvent, ProblemPhoto
from tests.factories import AppointmentFactory, UserFactory
from wushui import periods
from wushui.choices import Role, Tier
from wushui.scoping import CHANGE

pytestmark = pytest.mark.django_db

S = ProblemStatus
# A Tuesday morning in Wenzhou, far from holidays.
NOW = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def photo(name="after.jpg", size=(40, 30), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def problem(world, frozen):
    return problems.register_problem(
        source=ProblemSource.SUPERVISION,
        segment=world.segment_a1,
        category="bank",
        description="Rubbish heaped on the bank",
        location=world.segment_a1.geometry.interpolate_normalized(0.5),
        reported_by=world.users.street_a,
        photos=[photo("before.jpg")],
    )


def assigned(problem, world, **extra):
    return problems.assign(problem, world.users.chief_district, assignee_chief=world.users.chief_a1, **extra)


def names(transitions):
    return [transition.name for transition in transitions]


def test_a_problem_goes_from_registration_to_the_archive_with_every_step_on_its_timeline(problem, world, frozen):
    users = world.users
    assert (problem.status, problem.level, problem.street, problem.version) == (
        S.REGISTERED,
        ProblemLevel.VILLAGE,
        world.street_a,
        0,
    )
    problem = assigned(problem, world, note="Clear it this week")
    assert (problem.status, problem.assignee_chief, problem.assigned_by) == (
        S.ASSIGNED,
        users.chief_a1,
        users.chief_district,
    )
    problem = problems.accept(problem, users.chief_a1)
    assert problem.responded_at == frozen
    problem = problems.complete(problem, users.chief_a1, note="Cleared, two loads", photos=[photo(), photo("b.jpg")])
    assert problem.completed_at == frozen
    problem = problems.verify(problem, users.chief_district, note="Seen on site")
    problem = problems.archive(problem, users.chief_district)
    assert (problem.status, problem.ended_at, problem.version) == (S.ARCHIVED, frozen, 5)
    timeline = list(problem.events.values_list("transition", "actor__username", "from_status", "to_status", "note"))
    assert timeline == [
        ("register", "street_a", "", S.REGISTERED, ""),
        ("assign", "chief_district", S.REGISTERED, S.ASSIGNED, "Clear it this week"),
        ("accept", "chief_a1", S.ASSIGNED, S.ACCEPTED, ""),
        ("complete", "chief_a1", S.ACCEPTED, S.COMPLETED, "Cleared, two loads"),
        ("verify", "chief_district", S.COMPLETED, S.VERIFIED, "Seen on site"),
        ("archive", "chief_district", S.VERIFIED, S.ARCHIVED, ""),
    ]
    stages = sorted(problem.photos.values_list("stage", "event__transition"))
    assert stages == [("after", "complete"), ("after", "complete"), ("before", "register")]


def test_the_transition_table_is_the_one_place_states_change():
    assert set(problems.SERVICES) == set(workflow.TRANSITIONS)
    for transition in workflow.TRANSITION_LIST:
        assert set(transition.sources) <= set(S.values())
        assert transition.target is None or transition.target in S.values()
        assert set(transition.roles) <= set(workflow.ROLES)
    ended = {t.name for t in workflow.TRANSITION_LIST if set(t.sources) & set(S.ENDED)}
    assert not ended, "nothing leaves an ended problem"
    reachable = {S.REGISTERED} | {t.target for t in workflow.TRANSITION_LIST if t.target}
    assert reachable == set(S.values()), "every state is reached through the table"


def test_only_the_transitions_a_user_may_make_are_offered(problem, world):
    users = world.users
    assert names(workflow.allowed_transitions(users.chief_district, problem)) == [
        "assign",
        "merge",
        "close",
        "escalate",
    ]
    assert names(workflow.allowed_transitions(users.chief_a1, problem)) == ["assign", "merge", "close", "escalate"]
    assert names(workflow.allowed_transitions(users.official, problem)) == []
    problem = assigned(problem, world)
    assert names(workflow.allowed_transitions(users.chief_a1, problem)) == ["accept", "send_back"]
    assert names(workflow.allowed_transitions(users.chief_district, problem)) == []
    problem = problems.accept(problem, users.chief_a1)
    assert names(workflow.allowed_transitions(users.chief_a1, problem)) == ["complete", "escalate"]
    assert names(workflow.allowed_transitions(users.official, problem)) == ["urge"]
    assert names(workflow.allowed_transitions(users.street_b, problem)) == []


@pytest.mark.parametrize(
    ("persona", "name"),
    [("official", "assign"), ("chief_a1", "verify"), ("department", "assign"), ("street_a", "accept")],
)
def test_a_transition_outside_the_users_roles_is_refused_saying_who_may(problem, world, persona, name):
    problem = assigned(problem, world) if name in ("accept",) else problem
    with pytest.raises(PermissionDenied, match=r"Only|cannot"):
        problems.SERVICES[name](problem, getattr(world.users, persona), **_inputs(name, world))
    assert problem.events.count() == (2 if name == "accept" else 1)


def _inputs(name, world):
    return {
        "assign": {"assignee_unit": world.env_unit},
        "accept": {},
        "verify": {},
    }[name]


def test_a_transition_from_the_wrong_state_is_refused_saying_from_where(problem, world):
    with pytest.raises(PermissionDenied, match="registered cannot be accept"):
        problems.accept(problem, world.users.chief_a1)
    with pytest.raises(PermissionDenied, match="cannot be archive"):
        problems.archive(problem, world.users.admin)
    problem.refresh_from_db()
    assert (problem.status, problem.version, problem.events.count()) == (S.REGISTERED, 0, 1)


def test_sending_back_is_possible_within_24_hours_of_the_assignment_only(problem, world, frozen):
    problem = assigned(problem, world)
    with time_machine.travel(frozen + datetime.timedelta(hours=25), tick=False):
        assert "send_back" not in names(workflow.allowed_transitions(world.users.chief_a1, problem))
        with pytest.raises(PermissionDenied, match="24 hours"):
            problems.send_back(problem, world.users.chief_a1, reason="Not our village")
    with time_machine.travel(frozen + datetime.timedelta(hours=23), tick=False):
        with pytest.raises(ValidationError) as error:
            problems.send_back(problem, world.users.chief_a1, reason="  ")
        assert "reason" in error.value.message_dict
        problem = problems.send_back(problem, world.users.chief_a1, reason="Not our village")
    assert (problem.status, problem.assignee_chief) == (S.SENT_BACK, None)
    assert problem.events.last().note == "Not our village"
    # Back with the coordinators, who assign it again (to a unit this time).
    problem = problems.assign(problem, world.users.street_a, assignee_unit=world.env_unit)
    assert (problem.status, problem.assignee_unit) == (S.ASSIGNED, world.env_unit)


def test_a_rejected_result_goes_back_to_be_redone(problem, world):
    users = world.users
    problem = problems.accept(assigned(problem, world), users.chief_a1)
    problem = problems.complete(problem, users.chief_a1, note="Done", photos=[photo()])
    with pytest.raises(PermissionDenied):
        problems.reject(problem, users.street_a, reason="Not the assigner")
    problem = problems.reject(problem, users.chief_district, reason="Half of it is still there")
    assert problem.status == S.REDO
    problem = problems.urge(problem, users.official, note="Today, please")
    assert (problem.status, problem.urge_count) == (S.REDO, 1)
    problem = problems.complete(problem, users.chief_a1, note="All gone", photos=[photo()])
    assert problem.status == S.COMPLETED
    assert list(problem.events.values_list("transition", flat=True)) == [
        "register",
        "assign",
        "accept",
        "complete",
        "reject",
        "urge",
        "complete",
    ]


def test_completing_needs_a_photo_after_the_work_and_a_note_and_writes_nothing_otherwise(problem, world, stored_files):
    problem = problems.accept(assigned(problem, world), world.users.chief_a1)
    files, events = stored_files(), ProblemEvent.objects.count()
    for inputs, field in [
        ({"note": "Done", "photos": []}, "photos"),
        ({"note": "", "photos": [photo()]}, "note"),
        ({"note": "Done", "photos": [SimpleUploadedFile("x.jpg", b"not an image")]}, "photos"),
        ({"note": "Done", "photos": [photo()] * 11}, "photos"),
    ]:
        with pytest.raises(ValidationError) as error:
            problems.complete(problem, world.users.chief_a1, **inputs)
        assert field in error.value.message_dict
    assert (stored_files(), ProblemEvent.objects.count(), ProblemPhoto.objects.filter(stage="after").count()) == (
        files,
        events,
        0,
    )
    problem.refresh_from_db()
    assert problem.status == S.ACCEPTED


def test_a_failed_write_leaves_no_photo_file_and_no_timeline_entry(problem, world, stored_files, monkeypatch):
    problem = problems.accept(assigned(problem, world), world.users.chief_a1)
    files, events = stored_files(), ProblemEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProblemPhoto, "save", broken)
    with pytest.raises(RuntimeError):
        problems.complete(problem, world.users.chief_a1, note="Done", photos=[photo()])
    assert (stored_files(), ProblemEvent.objects.count()) == (files, events)
    problem.refresh_from_db()
    assert (problem.status, problem.completed_at) == (S.ACCEPTED, None)


def test_assignment_takes_one_assignee_below_the_assigner_and_a_deadline_ahead(problem, world, frozen):
    users = world.users
    cases = [
        (users.chief_district, {}, "assignee_unit"),
        (users.chief_district, {"assignee_unit": world.env_unit, "assignee_chief": users.chief_a1}, "assignee_unit"),
        (users.chief_district, {"assignee_chief": users.street_a}, "assignee_chief"),
        (
            users.chief_district,
            {"assignee_chief": users.chief_a1, "due": frozen.date() - datetime.timedelta(days=1)},
            "due",
        ),
        (
            users.chief_district,
            {"assignee_chief": users.chief_a1, "due": frozen.date() + datetime.timedelta(days=400)},
            "due",
        ),
        (users.chief_a1, {"assignee_unit": world.street_b_office}, "assignee_unit"),  # not a unit chief A1 sees
        (users.chief_a1, {"assignee_chief": users.chief_a1}, "assignee_chief"),  # nobody below a village chief
    ]
    for user, inputs, field in cases:
        with pytest.raises(ValidationError) as error:
            problems.assign(problem, user, **inputs)
        assert field in error.value.message_dict, inputs
    # A village chief has nobody below them: they assign to units.
    assert problems.assignable_chiefs(users.chief_a1, problem) == []
    assert problems.assignable_chiefs(users.chief_district, problem) == [users.chief_a1]
    problem = assigned(problem, world, due=frozen.date() + datetime.timedelta(days=3))
    assert problem.completion_due == periods.day_bounds(frozen.date() + datetime.timedelta(days=4))[0]
    assert ProblemEvent.objects.filter(transition="assign").count() == 1


def test_a_duplicate_is_merged_into_an_open_problem(problem, world):
    users = world.users
    other = problems.register_problem(
        source=ProblemSource.HOTLINE,
        segment=world.segment_a1,
        category="bank",
        description="Same heap",
        reported_by=users.street_a,
    )
    for target, message in [(other, "Choose another"), (None, "Choose another")]:
        with pytest.raises(ValidationError, match=message):
            problems.merge(other, users.street_a, duplicate_of=target if target is None else other)
    merged = problems.merge(other, users.street_a, duplicate_of=problem, note="Reported by patrol already")
    assert (merged.status, merged.duplicate_of, merged.ended_at is not None) == (S.MERGED, problem, True)
    third = problems.register_problem(
        source=ProblemSource.HOTLINE,
        segment=world.segment_a1,
        category="bank",
        description="Again",
        reported_by=users.street_a,
    )
    with pytest.raises(ValidationError, match="has ended"):
        problems.merge(third, users.street_a, duplicate_of=merged)


def test_closing_takes_a_reason_and_a_note(problem, world):
    with pytest.raises(ValidationError) as error:
        problems.close(problem, world.users.street_a, reason="bored", note="x")
    assert "close_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        problems.close(problem, world.users.street_a, reason="not_ours", note="")
    assert "note" in error.value.message_dict
    problem = problems.close(problem, world.users.street_a, reason="not_ours", note="Private pond, owner informed")
    assert (problem.status, problem.close_reason) == (S.CLOSED, "not_ours")
    assert names(workflow.allowed_transitions(world.users.admin, problem)) == []


def test_escalation_climbs_village_street_district_department_and_stops(world, frozen):
    users = world.users
    problem = problems.register_problem(
        source=ProblemSource.PATROL,
        segment=world.segment_a1,
        category="water_body",
        description="Black water",
        reported_by=users.chief_a1,
    )
    # The village chief accepted it as assignee of the street, then finds the village cannot solve it.
    problem = problems.accept(problems.assign(problem, users.street_a, assignee_chief=users.chief_a1), users.chief_a1)
    problem = problems.escalate(problem, users.chief_a1, reason="Needs a pump station")
    assert (problem.status, problem.level, problem.assignee_chief, problem.assigned_by) == (
        S.REGISTERED,
        ProblemLevel.STREET,
        None,
        None,
    )
    # At the street level the village chief no longer coordinates it.
    with pytest.raises(PermissionDenied):
        problems.escalate(problem, users.chief_a1, reason="Again")
    problem = problems.escalate(problem, users.street_a, reason="District money needed")
    assert problem.level == ProblemLevel.DISTRICT
    assert "escalate" not in names(workflow.allowed_transitions(users.street_a, problem))
    problem = problems.escalate(problem, users.chief_district, reason="The environment bureau's")
    assert problem.level == ProblemLevel.DEPARTMENT
    # A water-quality department user coordinates water-body problems at the department level.
    assert "assign" in names(workflow.allowed_transitions(users.department, problem))
    with pytest.raises(PermissionDenied, match="department level"):
        problems.escalate(problem, users.admin, reason="Higher")
    problem = problems.assign(problem, users.department, assignee_unit=world.env_unit)
    assert names(workflow.allowed_transitions(users.department, problem)) == ["accept", "send_back"]
    details = list(problem.events.filter(transition="escalate").values_list("details", flat=True))
    assert [(d["from_level"], d["to_level"]) for d in details] == [
        ("village", "street"),
        ("street", "district"),
        ("district", "department"),
    ]


def test_urging_is_recorded_while_the_work_is_in_hand_only(problem, world):
    with pytest.raises(PermissionDenied, match="cannot be urge"):
        problems.urge(problem, world.users.official)
    problem = problems.accept(assigned(problem, world), world.users.chief_a1)
    problem = problems.urge(problem, world.users.official, note="Before the inspection")
    problem = problems.urge(problem, world.users.chief_district)
    assert (problem.status, problem.urge_count) == (S.ACCEPTED, 2)
    with pytest.raises(PermissionDenied):
        problems.urge(problem, world.users.street_b)


def test_a_stale_copy_is_refused_as_a_conflict_and_changes_nothing(problem, world):
    stale = Problem.objects.get(pk=problem.pk)
    assigned(problem, world)
    with pytest.raises(problems.TransitionConflict):
        problems.close(stale, world.users.street_a, reason="not_ours", note="x")
    problem.refresh_from_db()
    assert (problem.status, problem.events.count()) == (S.ASSIGNED, 2)


def test_the_timeline_is_never_changed(problem):
    entry = problem.events.get()
    entry.note = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()


def test_change_scope_is_the_problems_a_user_may_move_now(problem, world):
    changeable = Problem.objects.restrict
    users = world.users
    assert changeable(users.chief_a1, CHANGE).filter(pk=problem.pk).exists()
    assert not changeable(users.official, CHANGE).filter(pk=problem.pk).exists()
    assert changeable(users.chief_district, "assign").filter(pk=problem.pk).exists()
    assert not changeable(users.chief_district, "accept").filter(pk=problem.pk).exists()
    with pytest.raises(ValueError, match="Unknown scope action"):
        changeable(users.admin, "delete")


# --- Registration and deadlines ------------------------------------------------------------------------


def test_registration_refuses_bad_input_naming_the_field_and_stores_nothing(world, stored_files):
    from django.contrib.gis.geos import Point

    files = stored_files()
    base = {
        "source": ProblemSource.HOTLINE,
        "segment": world.segment_a1,
        "category": "bank",
        "description": "Heap",
    }
    cases = [
        ({"source": "rumour"}, "source"),
        ({"category": "ghosts"}, "category"),
        ({"urgency": "whenever"}, "urgency"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"location": Point(121.5, 27.9, srid=4326)}, "location"),  # 70 km away
        ({"location": Point(500, 27.9, srid=4326)}, "location"),
        ({"photos": [photo(), SimpleUploadedFile("x.png", b"GIF89a")]}, "photos"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as error:
            problems.register_problem(**{**base, **change})
        assert field in error.value.message_dict, change
    assert (Problem.objects.count(), ProblemEvent.objects.count(), stored_files()) == (0, 0, files)


def test_public_reports_are_answered_within_five_working_days_and_critical_ones_within_a_day(world):
    # Friday 2026-09-25 noon: the National Day holiday runs 1–7 October, Sunday 9-27 is worked (调休).
    friday = datetime.datetime(2026, 9, 25, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    response, completion = ProblemDeadlineRule.deadlines(ProblemSource.PUBLIC, ProblemUrgency.NORMAL, friday)
    working = [
        day
        for day in (datetime.date(2026, 9, 26) + datetime.timedelta(days=n) for n in range(20))
        if periods.is_working_day(day)
    ][:5]
    assert response == periods.day_bounds(working[-1])[1]
    assert completion > response
    critical = ProblemDeadlineRule.deadlines(ProblemSource.PUBLIC, ProblemUrgency.CRITICAL, friday)
    assert critical == (friday + datetime.timedelta(days=1), friday + datetime.timedelta(days=3))


def test_deadline_rules_are_data(world, frozen):
    ProblemDeadlineRule.objects.create(source="", urgency="", response_days=2, completion_days=4, working_days=False)
    problem = problems.register_problem(
        source=ProblemSource.SUPERVISION, segment=world.segment_a1, category="bank", description="Heap"
    )
    assert (problem.response_due, problem.completion_due) == (
        frozen + datetime.timedelta(days=2),
        frozen + datetime.timedelta(days=4),
    )


def test_a_patrol_finding_registers_its_problem_through_the_same_service(world, frozen):
    from inspections import services
    from tests.factories import PatrolFactory

    patrol = PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)
    finding = services.record_finding(
        patrol, services.FindingInput(category="outlet", note="Grey water", is_problem=True)
    )
    problem = finding.problem
    assert (problem.source, problem.reported_by, problem.status, problem.level) == (
        ProblemSource.PATROL,
        world.users.chief_a1,
        S.REGISTERED,
        ProblemLevel.VILLAGE,
    )
    assert problem.events.get().transition == "register"
    assert problem.completion_due is not None


def test_a_unit_handles_what_is_assigned_to_it(problem, world):
    clerk = UserFactory(
        username="clerk", role=Role.DEPARTMENT, region=world.district, unit=world.env_unit, domain="outlets"
    )
    problem = problems.assign(problem, world.users.admin, assignee_unit=world.env_unit)
    assert names(workflow.allowed_transitions(clerk, problem)) == ["accept", "send_back"]
    problems.accept(problem, clerk)


def test_a_street_chief_assigns_to_the_village_chief(problem, world):
    street_chief = UserFactory(username="street_chief", role=Role.CHIEF, region=world.street_a)
    AppointmentFactory(chief=street_chief, segment=world.segment_a1, tier=Tier.STREET)
    assert problems.assignable_chiefs(street_chief, problem) == [world.users.chief_a1]
    assert problems.assign(problem, street_chief, assignee_chief=world.users.chief_a1).assigned_by == street_chief


# --- Two transitions at once ---------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_transitions_racing_on_one_problem_cannot_both_win(world):
    from django.db import connections

    problem = problems.register_problem(
        source=ProblemSource.HOTLINE, segment=world.segment_a1, category="bank", description="Heap"
    )
    barrier = threading.Barrier(4)
    outcomes = []

    def act(user, name, kwargs):
        copy = Problem.objects.get(pk=problem.pk)
        barrier.wait()
        try:
            problems.SERVICES[name](copy, user, **kwargs)
            outcomes.append(("won", name))
        except (problems.TransitionConflict, PermissionDenied) as error:
            outcomes.append((type(error).__name__, name))
        finally:
            connections.close_all()

    contenders = [
        (world.users.admin, "assign", {"assignee_unit": world.env_unit}),
        (world.users.street_a, "assign", {"assignee_chief": world.users.chief_a1}),
        (world.users.street_a, "close", {"reason": "not_ours", "note": "x"}),
        (world.users.chief_district, "escalate", {"reason": "up"}),
    ]
    threads = [threading.Thread(target=act, args=contender) for contender in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [outcome for outcome, _name in outcomes].count("won") == 1, outcomes
    problem.refresh_from_db()
    assert problem.version == 1
    assert problem.events.count() == 2
