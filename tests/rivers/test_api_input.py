"""Bad input to the registry API: a clear 400 naming the field, never a 500, nothing half-saved."""

import pytest
from django.urls import reverse

from rivers.models import ChiefAppointment, Segment, WaterBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users.admin)
    return client


def segment_feature(world, coordinates, region=None, code="T-NEW-1"):
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": {
            "code": code,
            "name": "New reach",
            "water_body": world.river.pk,
            "region": (region or world.village_a1).pk,
        },
    }


def test_admin_creates_a_segment_and_the_server_measures_it(admin_client, world):
    body = segment_feature(world, [[120.72, 27.90], [120.73, 27.90]])
    response = admin_client.post(reverse("segment-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    feature = response.json()
    assert feature["type"] == "Feature"
    # 0.01 degree of longitude at 27.9 N is about 984 m.
    assert 975 < feature["properties"]["length_m"] < 995


def test_segment_outside_its_region_is_refused(admin_client, world):
    body = segment_feature(world, [[120.86, 27.90], [120.87, 27.90]])  # lies in village B1
    response = admin_client.post(reverse("segment-list"), body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "Village A1" in error["fields"]["geometry"][0]
    assert not Segment.objects.filter(code="T-NEW-1").exists()


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "LineString", "coordinates": [[120.72, 27.90]]},
        {"type": "LineString", "coordinates": [[120.72, 27.90], [120.72, 27.90]]},
        {"type": "LineString", "coordinates": "nonsense"},
        {"type": "Polygon", "coordinates": [[[120.72, 27.90], [120.73, 27.90], [120.72, 27.91], [120.72, 27.90]]]},
        {"type": "LineString", "coordinates": [[27.90, 120.72], [27.91, 120.73]]},
        {"type": "LineString", "coordinates": [[120.72, 27.90, 5.0], [120.73, 27.90, 6.0]]},  # heights
        "not geojson at all",
    ],
)
def test_invalid_or_malformed_geometry_is_refused(admin_client, world, geometry):
    body = segment_feature(world, [])
    body["geometry"] = geometry
    response = admin_client.post(reverse("segment-list"), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "geometry" in response.json()["error"]["fields"]
    assert not Segment.objects.filter(code="T-NEW-1").exists()


def test_self_intersecting_region_boundary_is_refused(admin_client, world):
    bow_tie = [[[120.71, 27.86], [120.72, 27.87], [120.72, 27.86], [120.71, 27.87], [120.71, 27.86]]]
    body = {
        "type": "Feature",
        "geometry": {"type": "MultiPolygon", "coordinates": [bow_tie]},
        "properties": {"name": "Village A2", "code": "330303001002", "level": "village", "parent": world.street_a.pk},
    }
    response = admin_client.post(reverse("region-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "Self-intersection" in response.json()["error"]["fields"]["boundary"][0]


def test_region_under_the_wrong_parent_level_is_refused(admin_client, world):
    body = {
        "type": "Feature",
        "geometry": None,
        "properties": {"name": "Village X", "code": "330303000099", "level": "village", "parent": world.district.pk},
    }
    response = admin_client.post(reverse("region-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def appointment_body(world, **overrides):
    body = {
        "chief": world.users.street_a.pk,
        "segment": world.segment_a1.pk,
        "tier": "village",
        "role": "chief",
        "post": "Village secretary",
        "public_phone": "13900000000",
        "start_date": "2026-01-01",
    }
    body.update(overrides)
    return body


def test_second_current_chief_for_the_same_post_is_refused(admin_client, world):
    response = admin_client.post(
        reverse("chiefappointment-list"), appointment_body(world), content_type="application/json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "start_date" in fields or "non_field_errors" in fields
    assert ChiefAppointment.objects.filter(segment=world.segment_a1, tier="village").count() == 1


def test_overlapping_past_appointment_is_refused(admin_client, world):
    # The current village chief started on 2025-01-01; a past term ending after that overlaps it.
    body = appointment_body(world, start_date="2024-01-01", end_date="2025-06-30")
    response = admin_client.post(reverse("chiefappointment-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "overlaps" in response.json()["error"]["fields"]["start_date"][0]


def test_past_appointment_before_the_current_one_is_history(admin_client, world):
    body = appointment_body(world, start_date="2022-01-01", end_date="2024-12-31")
    response = admin_client.post(reverse("chiefappointment-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["is_current"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2025-12-31", "start_date": "2026-01-01"}, "end_date"),
        ({"public_phone": "call me"}, "public_phone"),
        ({"tier": "galaxy"}, "tier"),
        ({"segment": 999999}, "segment"),
        ({"start_date": "yesterday"}, "start_date"),
    ],
)
def test_appointment_field_errors_name_the_field(admin_client, world, overrides, field):
    body = appointment_body(world, **{"segment": world.segment_b1.pk, "tier": "street", **overrides})
    response = admin_client.post(reverse("chiefappointment-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_street_tier_appointment_on_a_village_segment_is_accepted(admin_client, world):
    body = appointment_body(world, segment=world.segment_b1.pk, tier="street")
    response = admin_client.post(reverse("chiefappointment-list"), body, content_type="application/json")
    assert response.status_code == 201


def test_village_tier_needs_a_village_segment(admin_client, world):
    body = appointment_body(world, segment=world.segment_b_creek.pk)
    response = admin_client.post(reverse("chiefappointment-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "tier" in response.json()["error"]["fields"]


def test_deleting_a_water_body_with_segments_is_a_conflict(admin_client, world):
    response = admin_client.delete(reverse("waterbody-detail", args=[world.river.pk]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "protected"
    assert WaterBody.objects.filter(pk=world.river.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("waterbody-list", "target_class=abc"),
        ("waterbody-list", "kind=volcano"),
        ("waterbody-list", "region=notanumber"),
        ("segment-list", "water_body=abc"),
        ("chiefappointment-list", "current=maybe"),
        ("region-list", "level=planet"),
    ],
)
def test_malformed_filter_is_400(admin_client, world, url_name, query):
    response = admin_client.get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_region_filter_refuses_a_region_outside_scope(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("waterbody-list"), {"region": world.street_b.pk})
    assert response.status_code == 400
    assert "region" in response.json()["error"]["fields"]


def test_a_point_with_a_height_is_refused_naming_the_field(admin_client, world):
    from tests.factories import OutletFactory

    outlet = OutletFactory(segment=world.segment_a1)
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.72, 27.9, 5.0]}, "properties": {}}
    response = admin_client.patch(reverse("outlet-detail", args=[outlet.pk]), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "location" in response.json()["error"]["fields"]
    outlet.refresh_from_db()
    assert not outlet.location.hasz
