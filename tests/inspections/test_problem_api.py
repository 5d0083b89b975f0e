"""The problem API: list, detail, registering, and each transition as an action; refusals with the
field named, 403 in scope, 404 outside it, 409 when a concurrent transition won."""

import io
import re

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections import problems
from inspections.choices import ProblemSource
from inspections.models import Problem, ProblemEvent, ProblemPhoto

pytestmark = pytest.mark.django_db

LIST = "/api/v1/problems/"


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def url(problem, transition):
    return f"{LIST}{problem.pk}/{transition.replace('_', '-')}/"


@pytest.fixture
def problem(world):
    return problems.register_problem(
        source=ProblemSource.HOTLINE,
        segment=world.segment_a1,
        category="dumping",
        description="Construction waste on the bank",
        reported_by=world.users.street_a,
    )


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, address, data):
    return client.post(address, data, content_type="application/json")


def fields(response):
    return response.json()["error"]["fields"]


def test_a_chief_works_a_problem_through_the_api(client, world, problem):
    users = world.users
    district = as_user(client, users.chief_district)
    response = post(district, url(problem, "assign"), {"assignee_chief": users.chief_a1.pk, "due": "2099-01-01"})
    assert response.status_code == 400
    assert "due" in fields(response)
    response = post(district, url(problem, "assign"), {"assignee_chief": users.chief_a1.pk, "note": "This week"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "assigned"
    village = as_user(client, users.chief_a1)
    assert village.get(f"{LIST}{problem.pk}/").json()["allowed_transitions"] == ["accept", "send_back"]
    assert post(village, url(problem, "accept"), {}).json()["status"] == "accepted"
    response = village.post(url(problem, "complete"), {"note": "Cleared", "photos": [jpeg(), jpeg("b.jpg")]})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "completed"
    assert [photo["stage"] for photo in body["photos"]] == ["after", "after"]
    assert village.get(body["photos"][0]["url"]).status_code == 200
    district = as_user(client, users.chief_district)
    assert post(district, url(problem, "verify"), {"note": "Checked"}).json()["status"] == "verified"
    body = post(district, url(problem, "archive"), {}).json()
    assert body["status"] == "archived"
    assert [entry["transition"] for entry in body["timeline"]] == [
        "register",
        "assign",
        "accept",
        "complete",
        "verify",
        "archive",
    ]
    assert body["allowed_transitions"] == []


def test_the_other_transitions_answer_through_their_actions(client, world, problem):
    users = world.users
    street = as_user(client, users.street_a)
    other = problems.register_problem(
        source=ProblemSource.HOTLINE, segment=world.segment_a1, category="dumping", description="Same"
    )
    assert post(street, url(other, "merge"), {"duplicate_of": problem.pk}).json()["status"] == "merged"
    third = problems.register_problem(
        source=ProblemSource.HOTLINE, segment=world.segment_a1, category="dumping", description="Pond"
    )
    response = post(street, url(third, "close"), {"close_reason": "not_ours", "note": "Private pond"})
    assert response.json()["status"] == "closed"
    assert post(street, url(problem, "escalate"), {"reason": "Street money"}).json()["level"] == "street"
    post(street, url(problem, "assign"), {"assignee_chief": users.chief_a1.pk})
    village = as_user(client, users.chief_a1)
    assert post(village, url(problem, "send_back"), {"reason": "Not ours"}).json()["status"] == "sent_back"
    street = as_user(client, users.street_a)
    post(street, url(problem, "assign"), {"assignee_chief": users.chief_a1.pk})
    village = as_user(client, users.chief_a1)
    post(village, url(problem, "accept"), {})
    official = as_user(client, users.official)
    assert post(official, url(problem, "urge"), {"note": "Hurry"}).json()["urge_count"] == 1
    village = as_user(client, users.chief_a1)
    village.post(url(problem, "complete"), {"note": "Done", "photos": [jpeg()]})
    street = as_user(client, users.street_a)
    assert post(street, url(problem, "reject"), {"reason": "Still there"}).json()["status"] == "redo"


def test_a_transition_the_user_may_not_make_is_403_with_the_reason_and_404_outside_the_scope(client, world, problem):
    official = as_user(client, world.users.official)
    response = post(official, url(problem, "assign"), {"assignee_unit": world.env_unit.pk})
    assert response.status_code == 403
    assert "Only" in response.json()["error"]["message"]
    street_b = as_user(client, world.users.street_b)
    for name in ("assign", "accept", "urge"):
        assert post(street_b, url(problem, name), {}).status_code == 404
    assert post(street_b, f"{LIST}987654/accept/", {}).json() == post(street_b, url(problem, "accept"), {}).json()
    village = as_user(client, world.users.chief_a1)
    response = post(village, url(problem, "accept"), {})
    assert response.status_code == 403
    assert "registered cannot be accept" in response.json()["error"]["message"]
    assert ProblemEvent.objects.count() == 1


def test_a_concurrent_winner_makes_the_loser_a_409(client, world, problem, monkeypatch):
    def lost(*args, **kwargs):
        raise problems.TransitionConflict()

    monkeypatch.setitem(problems.SERVICES, "close", lost)
    street = as_user(client, world.users.street_a)
    response = post(street, url(problem, "close"), {"close_reason": "unable", "note": "x"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("transition", "body", "field"),
    [
        ("assign", {"assignee_unit": "abc"}, "assignee_unit"),
        ("assign", {"assignee_unit": 987654}, "assignee_unit"),
        ("assign", {"due": "tomorrow", "assignee_unit": 1}, "due"),
        ("close", {"close_reason": "bored", "note": "x"}, "close_reason"),
        ("close", {"close_reason": "unable"}, "note"),
        ("escalate", {}, "reason"),
        ("escalate", {"reason": "x" * 4001}, "reason"),
        ("merge", {"duplicate_of": "first"}, "duplicate_of"),
        ("merge", {}, "duplicate_of"),
    ],
)
def test_malformed_transitions_are_400_naming_the_field_and_change_nothing(
    client, world, problem, transition, body, field
):
    street = as_user(client, world.users.street_a)
    response = post(street, url(problem, transition), body)
    assert response.status_code == 400, response.json()
    assert field in fields(response)
    problem.refresh_from_db()
    assert (problem.status, problem.version, ProblemEvent.objects.count()) == ("registered", 0, 1)


def test_a_completion_without_a_photo_or_with_a_bad_one_stores_nothing(client, world, problem, stored_files):
    problems.accept(
        problems.assign(problem, world.users.street_a, assignee_chief=world.users.chief_a1), world.users.chief_a1
    )
    village = as_user(client, world.users.chief_a1)
    files, events = stored_files(), ProblemEvent.objects.count()
    for body in [
        {"note": "Done"},
        {"note": "Done", "photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]},
        {"photos": [jpeg()]},
    ]:
        response = village.post(url(problem, "complete"), body)
        assert response.status_code == 400
        assert set(fields(response)) & {"photos", "note"}
    response = post(village, url(problem, "complete"), {"note": "Done"})
    assert response.status_code == 415
    assert (stored_files(), ProblemEvent.objects.count(), ProblemPhoto.objects.count()) == (files, events, 0)


def test_registering_through_the_api(client, world):
    street = as_user(client, world.users.street_a)
    point = world.segment_a1.geometry.interpolate_normalized(0.3)
    body = {
        "source": "supervision",
        "segment": world.segment_a1.pk,
        "category": "dumping",
        "description": "Heap",
        "location": [point.x, point.y],
        "urgency": "critical",
    }
    response = post(street, LIST, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["status"], created["level"], created["reported_by"]) == (
        "registered",
        "village",
        world.users.street_a.pk,
    )
    assert created["completion_due"] is not None
    response = street.post(LIST, {**body, "location": "", "photos": [jpeg()]})
    assert response.status_code == 201, response.json()
    assert [photo["stage"] for photo in response.json()["photos"]] == ["before"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "public"}, "source"),
        ({"source": "patrol"}, "source"),
        ({"segment": "segment_b1"}, "segment"),  # not in street A's scope
        ({"location": [121.9, 27.9]}, "location"),
        ({"location": [190, 27.9]}, "location"),
        ({"location": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}, "location"),
        ({"description": ""}, "description"),
        ({"category": "ghosts"}, "category"),
    ],
)
def test_registering_refuses_bad_input_naming_the_field(client, world, change, field):
    street = as_user(client, world.users.street_a)
    body = {"source": "hotline", "segment": world.segment_a1.pk, "category": "bank", "description": "Heap"}
    if change.get("segment") == "segment_b1":
        change = {"segment": world.segment_b1.pk}
    response = post(street, LIST, {**body, **change})
    assert response.status_code == 400
    assert field in fields(response)
    assert Problem.objects.count() == 0


def test_the_list_is_scoped_filtered_and_keyset_paged(client, world, problem):
    for index in range(4):
        problems.register_problem(
            source=ProblemSource.SUPERVISION,
            segment=world.segment_b1,
            category="outlet",
            description=f"B {index}",
            urgency="urgent",
        )
    official = as_user(client, world.users.official)
    page = official.get(LIST, {"page_size": 3}).json()
    assert len(page["results"]) == 3
    assert page["next"]
    rest = official.get(page["next"]).json()
    assert len(rest["results"]) == 2
    assert official.get(LIST, {"urgency": "urgent"}).json()["results"][0]["category"] == "outlet"
    assert len(official.get(LIST, {"region": world.street_a.pk}).json()["results"]) == 1
    assert len(official.get(LIST, {"overdue": "false"}).json()["results"]) == 5
    assert official.get(LIST, {"overdue": "maybe"}).status_code == 400
    street_a = as_user(client, world.users.street_a)
    assert [row["id"] for row in street_a.get(LIST).json()["results"]] == [problem.pk]
    assert street_a.get(LIST, {"region": world.street_b.pk}).status_code == 400


def test_the_schema_documents_every_transition_with_an_example(client, world):
    client.force_login(world.users.official)
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    paths = schema["paths"]
    assert "examples" in paths["/api/v1/problems/"]["post"]["requestBody"]["content"]["application/json"]
    for name in problems.SERVICES:
        operation = paths[f"/api/v1/problems/{{id}}/{name.replace('_', '-')}/"]["post"]
        content = operation["requestBody"]["content"]
        assert any("examples" in media for media in content.values()), name
        assert set(operation["responses"]) >= {"200", "400", "403", "404", "409"}


@pytest.mark.parametrize(
    ("transition", "body", "as_json"),
    [
        ("escalate", {}, True),  # a body its serializer refuses (no reason)
        ("merge", {}, True),  # the same (no duplicate_of)
        ("complete", {}, True),  # a media type it does not take (multipart only)
        ("send_back", {"reason": ""}, False),
    ],
)
def test_a_transition_the_user_may_not_make_is_403_whatever_its_body(client, world, problem, transition, body, as_json):
    """Refused before the body is read: one who may see the problem but make no transition on it (a
    district official) learns nothing of the transition's fields or media types."""
    official = as_user(client, world.users.official)
    address = url(problem, transition)
    response = post(official, address, body) if as_json else official.post(address, body)
    assert response.status_code == 403, response.content
    assert ProblemEvent.objects.count() == 1


def test_the_browsable_api_of_a_transition_offers_only_the_users_rows(client, world, problem):
    """The action's page (a GET it does not take, drawn with the problem's serializer) offers no choice of
    another street's problems or regions."""
    other = problems.register_problem(
        source=ProblemSource.HOTLINE,
        segment=world.segment_b1,
        category="dumping",
        description="Waste in street B",
        reported_by=world.users.street_b,
    )
    street_a = as_user(client, world.users.street_a)
    response = street_a.get(url(problem, "merge"), HTTP_ACCEPT="text/html")
    assert response.status_code == 405
    body = response.content.decode()
    choices = dict(re.findall(r'<select[^>]*\bname="(\w+)"[^>]*>(.*?)</select>', body, re.S))
    offered = {name: set(map(int, re.findall(r'<option value="(\d+)"', options))) for name, options in choices.items()}
    assert problem.pk in offered["duplicate_of"]
    assert other.pk not in offered["duplicate_of"]
    assert world.street_a.pk in offered["street"]
    assert world.street_b.pk not in offered["street"]
    assert "Street B" not in body
