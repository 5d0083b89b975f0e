"""Every page and endpoint, walked by every persona, for both scope actions.

Lists answer 200 to anyone signed in (their content is scoped); details answer
200 in view scope and 404 outside it; a write answers 200 in change scope, 403
in view scope only, and 404 outside the view scope; anonymous visitors are sent
to sign in (pages) or get 401 (API).
"""

import io

import pytest
from django.urls import reverse
from PIL import Image

from inspections.models import Patrol, PatrolPhoto
from rivers.models import ChiefAppointment, Outlet, Segment, Station, WaterBody
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
    # A station and an outlet are seen where their segment is.
    "station_a1": {"admin", "official", "department", "chief_district", "street_a", "chief_a1"},
    "outlet_b1": {"admin", "official", "department", "chief_district", "street_b"},
}

# object -> personas that may change it: the registry is kept by the district administrators; a patrol
# is its chief's own record.
CHANGEABLE = {obj: {"admin"} for obj in VISIBLE}
CHANGEABLE["patrol_a1"] = {"chief_a1"}
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
    "station_a1": Station,
    "outlet_b1": Outlet,
}

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
    "station_a1": ("rivers:station_detail", "station-detail"),
    "outlet_b1": ("rivers:outlet_detail", "outlet-detail"),
}


def patrol_in(world):
    return PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)


def object_of(world, obj):
    if obj == "patrol_a1":
        return patrol_in(world)
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
@pytest.mark.parametrize("obj", sorted(set(MODELS) - {"patrol_a1"}))
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
    expected = {200: 201}.get(
        expected_status(persona, "patrol_a1", CHANGE), expected_status(persona, "patrol_a1", CHANGE)
    )
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


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_water_quality_managers_import_samples(client, world, persona):
    client.force_login(getattr(world.users, persona))
    response = client.get(reverse("rivers:sample_import"))
    assert response.status_code == (200 if persona in {"admin", "department"} else 403)
