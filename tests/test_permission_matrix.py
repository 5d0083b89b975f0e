"""Every page and endpoint, walked by every persona.

Lists answer 200 to anyone signed in (their content is scoped); details answer
200 in scope and 404 out of scope, never 403; anonymous visitors are sent to
sign in (pages) or get 401 (API).
"""

import pytest
from django.urls import reverse

from tests.factories import PatrolFactory

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
    "api_schema",
]
# Map layers answer for a view of the map.
LAYER_ENDPOINTS = ["region-layer", "unit-region-layer", "segment-layer"]
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
}


def patrol_in(world):
    return PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1)


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
    pk = getattr(world, obj).pk if obj != "patrol_a1" else patrol_in(world).pk
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
    assert first.status_code == second.status_code == 403
    assert first.json() == second.json()
