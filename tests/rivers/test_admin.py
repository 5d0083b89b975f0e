"""Administrators manage the registry in the Django admin; bad input is a form error, nothing saved."""

import pytest
from django.urls import reverse

from rivers.models import ChiefAppointment, Segment, Station
from tests.factories import OutletFactory


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users.admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "admin:rivers_waterbody_changelist",
        "admin:rivers_segment_changelist",
        "admin:rivers_chiefappointment_changelist",
        "admin:wushui_region_changelist",
        "admin:wushui_unit_changelist",
        "admin:wushui_user_changelist",
        "admin:rivers_segment_add",
        "admin:wushui_region_add",
    ],
)
def test_admin_pages_open(admin_client, url):
    assert admin_client.get(reverse(url)).status_code == 200


def test_segment_form_has_a_map_widget(admin_client, world):
    response = admin_client.get(reverse("admin:rivers_segment_change", args=[world.segment_a1.pk]))
    assert b"leaflet" in response.content.lower()


def segment_form(world, geometry):
    return {
        "water_body": world.river.pk,
        "region": world.village_a1.pk,
        "code": "T-ADMIN-1",
        "name": "Admin reach",
        "geometry": geometry,
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
    }


def test_admin_saves_a_valid_segment(admin_client, world):
    geometry = '{"type": "LineString", "coordinates": [[120.72, 27.88], [120.74, 27.89]]}'
    response = admin_client.post(reverse("admin:rivers_segment_add"), segment_form(world, geometry))
    assert response.status_code == 302
    assert Segment.objects.get(code="T-ADMIN-1").length_m > 2000


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ('{"type": "LineString", "coordinates": [[120.86, 27.90], [120.87, 27.90]]}', "leaves its region"),
        ("not a geometry", "Invalid geometry"),
        ('{"type": "LineString", "coordinates": [[27.9, 120.7], [27.91, 120.71]]}', "outside the district"),
    ],
)
def test_admin_refuses_a_bad_segment_with_a_form_error(admin_client, world, geometry, message):
    response = admin_client.post(reverse("admin:rivers_segment_add"), segment_form(world, geometry))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Segment.objects.filter(code="T-ADMIN-1").exists()


def test_admin_refuses_a_second_current_chief(admin_client, world):
    data = {
        "chief": world.users.street_a.pk,
        "segment": world.segment_a1.pk,
        "tier": "village",
        "role": "chief",
        "post": "Another secretary",
        "public_phone": "13911112222",
        "start_date": "2026-03-01",
    }
    response = admin_client.post(reverse("admin:rivers_chiefappointment_add"), data)
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert ChiefAppointment.objects.filter(segment=world.segment_a1, tier="village").count() == 1


def test_an_empty_station_form_is_a_form_error_not_a_server_error(admin_client, world):
    """The target class may be left empty (the water body's is taken); with the rest missing too, the
    form says what is missing."""
    response = admin_client.post(reverse("admin:rivers_station_add"), {})
    assert response.status_code == 200
    assert "segment" in response.context["adminform"].form.errors
    assert not Station.objects.exists()


def test_an_empty_target_class_takes_the_water_bodys(admin_client, world):
    response = admin_client.post(
        reverse("admin:rivers_station_add"),
        {
            "code": "T-ST-ADM",
            "name": "Admin station",
            "control_level": "district",
            "segment": world.segment_a1.pk,
            "location": '{"type": "Point", "coordinates": [120.75, 27.91]}',
            "target_class": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Station.objects.get(code="T-ST-ADM").target_class == world.river.target_class


def test_an_outlets_history_with_an_id_that_is_no_number_is_missing(admin_client, world):
    outlet = OutletFactory(segment=world.segment_a1)
    version = outlet.history.get().history_id
    assert admin_client.get(reverse("admin:rivers_outlet_history", args=[outlet.pk])).status_code == 200
    assert admin_client.get(reverse("admin:rivers_outlet_history", args=["abc"])).status_code == 404
    assert admin_client.get(reverse("admin:rivers_outlet_history", args=[987654])).status_code == 404
    assert admin_client.get(f"/admin/rivers/outlet/abc/history/{version}/").status_code == 404
    assert admin_client.get(f"/admin/rivers/outlet/{outlet.pk}/history/abc/").status_code == 404
