"""Every page and endpoint, walked by every persona, for both scope actions.

Lists answer 200 to anyone signed in (their content is scoped); details answer
200 in view scope and 404 outside it; a write answers 200 in change scope, 403
in view scope only, and 404 outside the view scope; anonymous visitors are sent
to sign in (pages) or get 401 (API).
"""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections import problems
from inspections.choices import ProblemSource
from inspections.models import Patrol, PatrolPhoto, Problem, ProblemPhoto, PublicReport
from inspections.public import add_public_photo, submit_public_report
from rivers.models import ChiefAppointment, Outlet, Segment, Signboard, Station, WaterBody
from tests.factories import OutletFactory, PatrolFactory, StationFactory
from wushui.models import Region, Unit
from wushui.scoping import CHANGE, VIEW

PERSONAS = ["admin", "official", "department", "chief_district", "street_a", "street_b", "chief_a1"]

LIST_PAGES = [
    "home",
    "region_list",
    "unit_list",
    "rivers:waterbody_list",
    "rivers:chief_directory",
    "inspections:patrol_list",
    "inspections:compliance",
    "inspections:patrol_record",
    "problems:problem_list",
    "problems:my_work",
    "problems:problem_rates",
    "rivers:signboard_list",
    "inspections:publicreport_list",
    "rivers:station_list",
    "rivers:quality_tracker",
    "rivers:quality_yoy",
    "rivers:quality_grading",
    "rivers:outlet_list",
    "rivers:three_rivers",
]
LIST_ENDPOINTS = [
    "region-list",
    "unit-list",
    "waterbody-list",
    "segment-list",
    "chiefappointment-list",
    "patrol-list",
    "problem-list",
    "region-choices",
    "chief-choices",
    "station-list",
    "sample-list",
    "alert-list",
    "outlet-list",
    "threeriversrecord-list",
    "api_schema",
]
# Map layers answer for a view of the map.
LAYER_ENDPOINTS = ["region-layer", "unit-region-layer", "segment-layer", "station-layer", "outlet-layer"]
MAP_VIEW = {"bbox": "120.6,27.8,121.0,28.1", "zoom": "14"}

# object -> personas that may see it
VISIBLE = {
    "river": {"admin", "official", "department", "chief_district", "street_a", "street_b", "chief_a1"},
    "river_b_only": {"admin", "official", "department", "chief_district", "street_b"},
    "segment_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "segment_b1": {"admin", "official", "department", "chief_district", "street_b"},
    "street_a": {"admin", "official", "department", "chief_district", "street_a"},
    "street_b": {"admin", "official", "department", "chief_district", "street_b"},
    "village_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "env_unit": set(PERSONAS),
    "street_b_office": {"admin", "official", "department", "chief_district", "street_b"},
    "patrol_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "problem_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "problem_photo_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "signboard_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "publicreport_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    # A station and an outlet are seen where their segment is.
    "station_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "outlet_b1": {"admin", "official", "department", "chief_district", "street_b"},
}

# object -> personas that may change it: the registry is kept by the district administrators; a patrol
# is its chief's own record.
CHANGEABLE = {obj: {"admin"} for obj in VISIBLE}
CHANGEABLE["patrol_a1"] = {"chief_a1"}
# A registered problem of village A1 is moved on by the coordinators of the village level: the office, the
# district and village chiefs of its segment, the street's official (inspections.workflow.ROLES).
CHANGEABLE["problem_a1"] = CHANGEABLE["problem_photo_a1"] = {"admin", "chief_district", "street_a", "chief_a1"}


# A public report is changed (and its reporter's contact read) by those who handle its problem: the
# problem's own change scope, whoever may move it along now.
CHANGEABLE["publicreport_a1"] = CHANGEABLE["problem_a1"]

# Stations by the water-quality department (the persona's domain), outlets by the outlet department.
CHANGEABLE["station_a1"] = {"admin", "department"}
CHANGEABLE["outlet_b1"] = {"admin"}

MODELS = {
    "river": WaterBody,
    "river_b_only": WaterBody,
    "segment_a1": Segment,
    "segment_b1": Segment,
    "street_a": Region,
    "street_b": Region,
    "village_a1": Region,
    "env_unit": Unit,
    "street_b_office": Unit,
    "patrol_a1": Patrol,
    "problem_a1": Problem,
    "problem_photo_a1": ProblemPhoto,
    "signboard_a1": Signboard,
    "publicreport_a1": PublicReport,
    "station_a1": Station,
    "outlet_b1": Outlet,
}
# Objects with pages but no API of their own.
WITHOUT_API = {"patrol_a1", "signboard_a1", "publicreport_a1"}

# A harmless change for each registry endpoint (features take properties, plain records their fields).
PATCHES = {
    "waterbody-detail": {"properties": {"description": "Checked"}},
    "segment-detail": {"properties": {"start_description": "Checked"}},
    "region-detail": {"properties": {"name": "Checked"}},
    "unit-detail": {"duties": "Checked"},
    "station-detail": {"properties": {"name": "Checked"}},
    "outlet-detail": {"properties": {"name": "Checked"}},
}

DETAILS = {
    # object -> (page url name, API url name)
    "river": ("rivers:waterbody_detail", "waterbody-detail"),
    "river_b_only": ("rivers:waterbody_detail", "waterbody-detail"),
    "segment_a1": ("rivers:segment_detail", "segment-detail"),
    "segment_b1": ("rivers:segment_detail", "segment-detail"),
    "street_a": ("region_detail", "region-detail"),
    "street_b": ("region_detail", "region-detail"),
    "village_a1": ("region_detail", "region-detail"),
    "env_unit": ("unit_detail", "unit-detail"),
    "street_b_office": ("unit_detail", "unit-detail"),
    "patrol_a1": ("inspections:patrol_detail", "patrol-detail"),
    "problem_a1": ("problems:problem_detail", "problem-detail"),
    "station_a1": ("rivers:station_detail", "station-detail"),
    "outlet_b1": ("rivers:outlet_detail", "outlet-detail"),
}


def patrol_in(world):
    return PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)


def jpeg(name="photo.jpg"):
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    image.seek(0)
    image.name = name
    return image


def problem_in(world):
    """A problem registered on segment A1 by the public (no reporter: seen through the segment only)."""
    return problems.register_problem(
        source=ProblemSource.PUBLIC,
        segment=world.segment_a1,
        category="dumping",
        description="Heap",
        photos=[jpeg("before.jpg")],
    )


def public_report_in(world):
    report = PublicReport.objects.filter(problem__segment=world.segment_a1).first()
    if report is None:
        report, _created = submit_public_report(
            segment=world.segment_a1,
            category="bank",
            description="Rubbish on the bank",
            location=Point(120.78, 27.9105, srid=4326),
            contact_phone="13700001111",
        )
        image = io.BytesIO()
        Image.new("RGB", (40, 30), "green").save(image, "JPEG")
        add_public_photo(report, image=SimpleUploadedFile("p.jpg", image.getvalue()))
    return report


def signboard_in(world):
    return Signboard.objects.get_or_create(
        segment=world.segment_a1, defaults={"supervision_hotline": "12345", "duties": "Patrol", "goals": "Clean"}
    )[0]


def object_of(world, obj):
    if obj == "patrol_a1":
        return patrol_in(world)
    if obj == "problem_a1":
        return problem_in(world)
    if obj == "problem_photo_a1":
        return problem_in(world).photos.get()

    if obj == "signboard_a1":
        return signboard_in(world)
    if obj == "publicreport_a1":
        return public_report_in(world)

    if obj == "station_a1":
        return StationFactory(code="T-ST-A1", segment=world.segment_a1)
    if obj == "outlet_b1":
        return OutletFactory(local_code="LW-PK-B1", segment=world.segment_b1)
    return getattr(world, obj)


def expected_status(persona, obj, action):
    if persona not in VISIBLE[obj]:
        return 404
    if action == CHANGE and persona not in CHANGEABLE[obj]:
        return 403
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("obj", sorted(MODELS))
def test_each_queryset_restricts_both_actions_for_every_persona(world, persona, obj):
    user = getattr(world.users, persona)
    target = object_of(world, obj)
    manager = MODELS[obj].objects
    assert manager.restrict(user, VIEW).filter(pk=target.pk).exists() == (persona in VISIBLE[obj])
    assert manager.restrict(user, CHANGE).filter(pk=target.pk).exists() == (persona in CHANGEABLE[obj])
    assert manager.restrict(user).filter(pk=target.pk).exists() == (persona in VISIBLE[obj]), "view is the default"


def test_an_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown scope action"):
        Segment.objects.restrict(world.users.admin, "delete")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("obj", sorted(set(MODELS) - WITHOUT_API - {"patrol_a1", "problem_a1", "problem_photo_a1"}))
def test_registry_writes_answer_by_the_change_scope(client, world, persona, obj):
    client.force_login(getattr(world.users, persona))
    endpoint = DETAILS[obj][1]
    response = client.patch(
        reverse(endpoint, args=[object_of(world, obj).pk]), PATCHES[endpoint], content_type="application/json"
    )
    expected = expected_status(persona, obj, CHANGE)
    assert response.status_code == expected, response.content
    if expected == 403:
        assert "not change" in response.json()["error"]["message"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_chief_adds_photos_to_their_patrol(client, world, persona):
    patrol = patrol_in(world)
    client.force_login(getattr(world.users, persona))
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    image.seek(0)
    image.name = "photo.jpg"
    response = client.post(reverse("patrol-photos", args=[patrol.pk]), {"image": image})
    status = expected_status(persona, "patrol_a1", CHANGE)
    expected = 201 if status == 200 else status
    assert response.status_code == expected
    assert PatrolPhoto.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_registry_rows_needs_the_change_scope(client, world, persona):
    client.force_login(getattr(world.users, persona))
    response = client.post(
        reverse("chiefappointment-list"),
        {
            "chief": world.users.chief_a1.pk,
            "segment": world.segment_b1.pk,
            "tier": "street",
            "role": "chief",
            "post": "Deputy",
            "public_phone": "13800000001",
            "start_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == (201 if persona == "admin" else 403), response.content
    assert ChiefAppointment.objects.filter(post="Deputy").exists() == (persona == "admin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_list_answers_every_signed_in_persona(client, world, persona):
    client.force_login(getattr(world.users, persona))
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    for name in LIST_ENDPOINTS:
        assert client.get(reverse(name)).status_code == 200, name
    for name in LAYER_ENDPOINTS:
        assert client.get(reverse(name), MAP_VIEW).status_code == 200, name


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("obj", sorted(DETAILS))
def test_detail_is_200_in_scope_and_404_outside(client, world, persona, obj):
    client.force_login(getattr(world.users, persona))
    page, endpoint = DETAILS[obj]
    pk = object_of(world, obj).pk
    expected = 200 if persona in VISIBLE[obj] else 404
    assert client.get(reverse(page, args=[pk])).status_code == expected
    assert client.get(reverse(endpoint, args=[pk])).status_code == expected


def test_appointment_endpoint_is_scoped(client, world):
    appointment = world.appointments.village_a1
    url = reverse("chiefappointment-detail", args=[appointment.pk])
    for persona, expected in [("street_a", 200), ("chief_a1", 200), ("street_b", 404), ("official", 200)]:
        client.force_login(getattr(world.users, persona))
        assert client.get(url).status_code == expected, persona


def test_anonymous_visitors_sign_in_first(client, world):
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.get(reverse("rivers:waterbody_detail", args=[world.river.pk]))
    assert response.status_code == 302
    for name in LIST_ENDPOINTS[:-1]:
        assert client.get(reverse(name)).status_code == 401, name
    for name in LAYER_ENDPOINTS:
        assert client.get(reverse(name), MAP_VIEW).status_code == 401, name
    assert client.get(reverse("waterbody-detail", args=[world.river.pk])).status_code == 401


@pytest.mark.parametrize("persona", ["official", "department", "street_a", "chief_a1"])
def test_only_district_administrators_change_the_registry(client, world, persona):
    client.force_login(getattr(world.users, persona))
    url = reverse("waterbody-detail", args=[world.river.pk])
    response = client.patch(url, {"properties": {"name": "Renamed"}}, content_type="application/json")
    assert response.status_code == 403
    world.river.refresh_from_db()
    assert world.river.name == "Shared River"


def test_a_refused_change_reveals_nothing_about_existence(client, world):
    client.force_login(world.users.street_a)
    out_of_scope = reverse("waterbody-detail", args=[world.river_b_only.pk])
    missing = reverse("waterbody-detail", args=[987654])
    assert client.get(out_of_scope).status_code == client.get(missing).status_code == 404
    body = {"properties": {"name": "x"}}
    first = client.patch(out_of_scope, body, content_type="application/json")
    second = client.patch(missing, body, content_type="application/json")
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json()


# --- Five-waters projects, tasks and enterprises (``projects_world``) -------------------------------------

# The projects domain adds an owner unit's reporter and the 水利局's projects user, both district-wide.
PROJECT_PERSONAS = [*PERSONAS, "owner", "projects_dept"]
DISTRICT_WIDE = {"admin", "official", "department", "chief_district", "owner", "projects_dept"}
MANAGERS = {"admin", "official", "projects_dept"}
PROJECT_VISIBLE = {
    "project_a": DISTRICT_WIDE | {"street_a"},
    "project_b": DISTRICT_WIDE | {"street_b"},
    "task_b": DISTRICT_WIDE | {"street_b"},
    "enterprise_a": DISTRICT_WIDE | {"street_a"},
    "enterprise_b": DISTRICT_WIDE | {"street_b"},
}
# Owner units report on their own projects (project B's owner is street B's office); the responsible
# unit updates its task; streets inspect their enterprises; the 治水办 and the 水利局 everything.
PROJECT_CHANGEABLE = {
    "project_a": MANAGERS | {"owner"},
    "project_b": MANAGERS | {"street_b"},
    "task_b": MANAGERS | {"street_b"},
    "enterprise_a": MANAGERS | {"street_a"},
    "enterprise_b": MANAGERS | {"street_b"},
}
PROJECT_DETAILS = {
    "project_a": ("projects:project_detail", "project-detail"),
    "project_b": ("projects:project_detail", "project-detail"),
    "task_b": ("projects:task_detail", "responsibilitytask-detail"),
    "enterprise_a": ("projects:enterprise_detail", "enterprise-detail"),
    "enterprise_b": ("projects:enterprise_detail", "enterprise-detail"),
}
PROJECT_LIST_PAGES = [
    "projects:project_list",
    "projects:investment_summary",
    "projects:task_list",
    "projects:enterprise_list",
]
PROJECT_LIST_ENDPOINTS = [
    "project-list",
    "project-summary",
    "responsibilitytask-list",
    "enterprise-list",
    "unit-choices",
]


def project_persona(projects_world, persona):
    return getattr(projects_world.users, persona, None) or getattr(projects_world.world.users, persona)


@pytest.mark.parametrize("persona", PROJECT_PERSONAS)
@pytest.mark.parametrize("obj", sorted(PROJECT_VISIBLE))
def test_projects_querysets_restrict_both_actions_for_every_persona(projects_world, persona, obj):
    user = project_persona(projects_world, persona)
    target = getattr(projects_world, obj)
    manager = type(target).objects
    assert manager.restrict(user, VIEW).filter(pk=target.pk).exists() == (persona in PROJECT_VISIBLE[obj])
    assert manager.restrict(user, CHANGE).filter(pk=target.pk).exists() == (persona in PROJECT_CHANGEABLE[obj])


@pytest.mark.parametrize("persona", PROJECT_PERSONAS)
@pytest.mark.parametrize("obj", sorted(PROJECT_DETAILS))
def test_projects_details_are_200_in_scope_and_404_outside(client, projects_world, persona, obj):
    client.force_login(project_persona(projects_world, persona))
    page, endpoint = PROJECT_DETAILS[obj]
    pk = getattr(projects_world, obj).pk
    expected = 200 if persona in PROJECT_VISIBLE[obj] else 404
    assert client.get(reverse(page, args=[pk])).status_code == expected
    assert client.get(reverse(endpoint, args=[pk])).status_code == expected


@pytest.mark.parametrize("persona", PROJECT_PERSONAS)
@pytest.mark.parametrize("obj", ["project_a", "project_b"])
def test_filing_a_report_answers_by_the_change_scope(client, projects_world, persona, obj):
    client.force_login(project_persona(projects_world, persona))
    url = reverse("projects:report_create", args=[getattr(projects_world, obj).pk])
    expected = 404 if persona not in PROJECT_VISIBLE[obj] else (200 if persona in PROJECT_CHANGEABLE[obj] else 403)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("persona", PROJECT_PERSONAS)
def test_every_projects_list_answers_every_signed_in_persona(client, projects_world, persona):
    client.force_login(project_persona(projects_world, persona))
    for name in PROJECT_LIST_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    for name in PROJECT_LIST_ENDPOINTS:
        assert client.get(reverse(name)).status_code == 200, name


def test_anonymous_visitors_sign_in_before_the_projects(client, projects_world):
    for name in PROJECT_LIST_PAGES:
        assert client.get(reverse(name)).status_code == 302
    for name in PROJECT_LIST_ENDPOINTS:
        assert client.get(reverse(name)).status_code == 401


# --- The problem workflow: every transition, for every persona, on the API and on the page ---------------

# transition -> the personas who may make it on problem A1 in a state it starts from (after the
# preparation below: assigned by the district chief to the village chief of A1).
MAY = {
    "assign": {"admin", "chief_district", "street_a", "chief_a1"},
    "merge": {"admin", "chief_district", "street_a", "chief_a1"},
    "close": {"admin", "chief_district", "street_a", "chief_a1"},
    "escalate": {"admin", "chief_district", "street_a", "chief_a1"},
    "accept": {"chief_a1"},
    "send_back": {"chief_a1"},
    "complete": {"chief_a1"},
    "verify": {"admin", "chief_district"},
    "reject": {"admin", "chief_district"},
    "archive": {"admin", "chief_district"},
    "urge": {"admin", "official", "chief_district", "street_a"},
}


def prepared(world, name):
    """Problem A1 in a state ``name`` starts from, and the body that makes it."""
    users = world.users
    problem = problem_in(world)
    body = {
        "assign": {"assignee_unit": world.env_unit.pk},
        "merge": {"duplicate_of": problem_in(world).pk},
        "close": {"close_reason": "unable", "note": "Needs a dam"},
        "escalate": {"reason": "Up"},
        "send_back": {"reason": "Not ours"},
        "complete": {"note": "Done", "photos": [jpeg()]},
        "reject": {"reason": "Still there"},
    }.get(name, {})
    steps = {
        "accept": 1,
        "send_back": 1,
        "complete": 2,
        "urge": 2,
        "verify": 3,
        "reject": 3,
        "archive": 4,
    }.get(name, 0)
    if steps >= 1:
        problem = problems.assign(problem, users.chief_district, assignee_chief=users.chief_a1)
    if steps >= 2:
        problem = problems.accept(problem, users.chief_a1)
    if steps >= 3:
        problem = problems.complete(problem, users.chief_a1, note="Done", photos=[jpeg()])
    if steps >= 4:
        problem = problems.verify(problem, users.chief_district)
    return problem, body


def test_the_matrix_names_every_transition():
    assert set(MAY) == set(problems.SERVICES)


def _expected(persona, name):
    if persona not in VISIBLE["problem_a1"]:
        return 404
    return 200 if persona in MAY[name] else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MAY))
def test_every_transition_answers_by_the_workflows_roles_on_the_api(client, world, persona, name):
    problem, body = prepared(world, name)
    user = getattr(world.users, persona)
    assert Problem.objects.restrict(user, name).filter(pk=problem.pk).exists() == (persona in MAY[name])
    events = problem.events.count()
    client.force_login(user)
    address = reverse(f"problem-{name.replace('_', '-')}", args=[problem.pk])
    if "photos" in body:
        response = client.post(address, body)
    else:
        response = client.post(address, body, content_type="application/json")
    expected = _expected(persona, name)
    assert response.status_code == expected, response.content
    assert problem.events.count() == events + (expected == 200)
    if expected == 403:
        assert response.json()["error"]["message"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MAY))
def test_every_transition_answers_by_the_workflows_roles_on_the_page(client, world, persona, name):
    problem, body = prepared(world, name)
    if "assignee_unit" in body:
        body = {**body, "due": ""}
    client.force_login(getattr(world.users, persona))
    page = client.get(reverse("problems:problem_detail", args=[problem.pk]))
    offered = page.status_code == 200 and f'data-transition="{name}"' in page.content.decode()
    assert offered == (persona in MAY[name])
    response = client.post(reverse("problems:problem_transition", args=[problem.pk, name]), body)
    expected = {200: 302}.get(_expected(persona, name), _expected(persona, name))
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_problem_photos_are_served_by_the_problems_view_scope(client, world, persona):
    photo = object_of(world, "problem_photo_a1")
    client.force_login(getattr(world.users, persona))
    response = client.get(reverse("problems:problem_photo", args=[photo.pk]))
    assert response.status_code == (200 if persona in VISIBLE["problem_photo_a1"] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_signed_in_registers_problems_on_the_segments_they_see(client, world, persona):
    client.force_login(getattr(world.users, persona))
    response = client.post(
        reverse("problem-list"),
        {"source": "hotline", "segment": world.segment_a1.pk, "category": "bank", "description": "Heap"},
        content_type="application/json",
    )
    assert response.status_code == (201 if persona in VISIBLE["segment_a1"] else 400)


SIGNBOARD_PAGES = [
    ("rivers:signboard_detail", {}),
    ("rivers:signboard_print", {}),
    ("rivers:signboard_qr", {"kind": "png"}),
    ("rivers:signboard_qr", {"kind": "svg"}),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_signboard_pages_and_codes_answer_by_the_view_scope(client, world, persona):
    board = signboard_in(world)
    client.force_login(getattr(world.users, persona))
    expected = 200 if persona in VISIBLE["signboard_a1"] else 404
    for name, kwargs in SIGNBOARD_PAGES:
        assert client.get(reverse(name, kwargs={"pk": board.pk, **kwargs})).status_code == expected, name


def test_anonymous_visitors_see_no_staff_signboard_page(client, world):
    board = signboard_in(world)
    for name, kwargs in SIGNBOARD_PAGES:
        response = client.get(reverse(name, kwargs={"pk": board.pk, **kwargs}))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_public_report_is_seen_with_its_problem_and_its_contact_by_the_handlers_only(client, world, persona):
    report = public_report_in(world)
    client.force_login(getattr(world.users, persona))
    expected = 200 if persona in VISIBLE["publicreport_a1"] else 404
    detail = client.get(reverse("inspections:publicreport_detail", args=[report.pk]))
    assert detail.status_code == expected
    photo = report.photos.get()
    assert client.get(reverse("inspections:public_photo", args=[photo.pk])).status_code == expected
    listing = client.get(reverse("inspections:publicreport_list")).content.decode()
    shows_contact = persona in CHANGEABLE["publicreport_a1"]
    assert ("13700001111" in listing) == shows_contact, "the list shows the contact to the handlers only"
    if expected == 200:
        assert ("13700001111" in detail.content.decode()) == shows_contact


def test_anonymous_visitors_see_no_staff_public_report_page(client, world):
    report = public_report_in(world)
    for url in [
        reverse("inspections:publicreport_detail", args=[report.pk]),
        reverse("inspections:public_photo", args=[report.photos.get().pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_the_public_pages_answer_anonymous_visitors(client, world):
    """The signboard's page and what follows from it need no sign-in, and show no staff navigation."""
    board = signboard_in(world)
    report = public_report_in(world)
    pages = [
        reverse("public:segment", args=[board.public_code]),
        reverse("public:problem", args=[report.problem_id]),
        reverse("public:track"),
        reverse("public:report_status", args=[report.tracking_code]),
        reverse("public:report_photo", args=[report.tracking_code, report.photos.get().pk]),
        reverse("public:nearby") + "?lon=120.78&lat=27.9105",
        reverse("open311:services", args=["json"]),
        reverse("open311:requests", args=["xml"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if not response.streaming:
            assert reverse("inspections:publicreport_list") not in response.content.decode(), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_water_quality_managers_import_samples(client, world, persona):
    client.force_login(getattr(world.users, persona))
    response = client.get(reverse("rivers:sample_import"))
    assert response.status_code == (200 if persona in {"admin", "department"} else 403)
