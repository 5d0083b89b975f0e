"""The region and unit-region map layers: scoped, filtered like their lists, villages from the detail zoom."""

import pytest
from django.urls import reverse

from tests.factories import RegionFactory, UnitFactory, box
from wushui.choices import RegionLevel, UnitKind
from wushui.maps import DETAIL_ZOOM, RegionLayer

DISTRICT = "120.6,27.8,121.0,28.1"
EVERY_REGION = {"Longwan", "Street A", "Street B", "Village A1", "Village B1"}


def layer(client, name="region-layer", **params):
    return client.get(reverse(name), {"bbox": DISTRICT, "zoom": str(DETAIL_ZOOM), **params})


def names(response):
    assert response.status_code == 200, response.content
    return {feature["properties"]["name"] for feature in response.json()["features"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", EVERY_REGION),
        ("department", EVERY_REGION),
        ("street_a", {"Street A", "Village A1"}),
        ("street_b", {"Street B", "Village B1"}),
        ("chief_a1", {"Village A1"}),
    ],
)
def test_each_persona_gets_the_regions_of_their_scope_only(client, world, persona, expected):
    client.force_login(getattr(world.users, persona))
    assert names(layer(client)) == expected


def test_anonymous_callers_are_refused(client, world):
    assert layer(client).status_code == 401


def test_features_are_boundaries_coloured_by_level_with_a_link(client, world):
    client.force_login(world.users.street_a)
    features = {f["properties"]["name"]: f for f in layer(client).json()["features"]}
    street = features["Street A"]
    assert street["geometry"]["type"] in ("Polygon", "MultiPolygon")  # SpatiaLite drops a lone part
    assert street["properties"]["url"] == reverse("region_detail", args=[world.street_a.pk])
    assert street["properties"]["colour"] == RegionLevel.colour(RegionLevel.STREET)


def test_a_district_wide_view_leaves_the_villages_for_a_closer_zoom(client, world):
    client.force_login(world.users.official)
    far = layer(client, zoom=str(DETAIL_ZOOM - 1)).json()
    assert {f["properties"]["name"] for f in far["features"]} == {"Longwan", "Street A", "Street B"}
    assert far["hidden"] == [RegionLevel.VILLAGE]
    assert far["notices"]


def test_the_view_inside_one_village_gets_it_and_its_parents(client, world):
    client.force_login(world.users.official)
    assert names(layer(client, bbox="120.75,27.90,120.76,27.91")) == {"Longwan", "Street A", "Village A1"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "street_b"}, {"Street B", "Village B1"}),
        ({"parent": "street_a"}, {"Village A1"}),
        ({"level": "street"}, {"Street A", "Street B"}),
        ({"q": "330303002"}, {"Street B", "Village B1"}),
    ],
)
def test_the_region_list_filters_narrow_the_layer(client, world, params, expected):
    client.force_login(world.users.official)
    params = {key: getattr(world, value).pk if key in ("region", "parent") else value for key, value in params.items()}
    assert names(layer(client, **params)) == expected


@pytest.mark.parametrize("field", ["region", "parent"])
def test_a_region_outside_the_scope_is_refused_naming_the_field(client, world, field):
    client.force_login(world.users.street_a)
    response = layer(client, **{field: world.street_b.pk})
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert "Street B" not in response.content.decode()


def test_bad_bbox_and_zoom_are_named(client, world):
    client.force_login(world.users.official)
    response = layer(client, bbox="120.9,27.8,120.7,28.0", zoom="99")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"bbox", "zoom"}


def test_at_the_limit_the_response_says_it_is_cut_and_keeps_the_upper_levels(client, world, monkeypatch):
    monkeypatch.setattr(RegionLayer, "max_features", 3)
    client.force_login(world.users.official)
    body = layer(client).json()
    assert body["truncated"] is True
    assert {f["properties"]["name"] for f in body["features"]} == {"Longwan", "Street A", "Street B"}


def add_villages(world, count):
    for n in range(count):
        west = 120.70 + n * 0.004
        RegionFactory(
            name=f"Extra village {n}",
            code=f"330303001{100 + n:03d}",
            level=RegionLevel.VILLAGE,
            parent=world.street_a,
            boundary=box(west, 27.95, west + 0.004, 28.0),
        )
        UnitFactory(name=f"Extra committee {n}", kind=UnitKind.COMMITTEE, region=world.street_a)


@pytest.mark.parametrize("name", ["region-layer", "unit-region-layer"])
def test_the_layers_run_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, name):
    client.force_login(world.users.street_a)
    with django_assert_max_num_queries(7):
        small = names(layer(client, name, region=world.street_a.pk))
    add_villages(world, 25)
    with django_assert_max_num_queries(7):
        large = names(layer(client, name, region=world.street_a.pk))
    assert len(large) >= len(small)
    assert len(names(layer(client))) == 2 + 25


def test_the_unit_map_shows_the_regions_of_the_listed_units_with_their_names(client, world):
    UnitFactory(name="Village A1 committee", kind=UnitKind.COMMITTEE, region=world.village_a1)
    client.force_login(world.users.official)
    features = {f["properties"]["name"]: f for f in layer(client, "unit-region-layer").json()["features"]}
    assert set(features) == {"Street B", "Village A1"}
    assert features["Street B"]["properties"]["units"] == ["Street B office"]
    narrowed = layer(client, "unit-region-layer", kind=UnitKind.COMMITTEE)
    assert names(narrowed) == {"Village A1"}


def test_the_unit_map_is_scoped(client, world):
    client.force_login(world.users.street_a)
    assert names(layer(client, "unit-region-layer")) == set()
    response = layer(client, "unit-region-layer", region=world.street_b.pk)
    assert response.status_code == 400
    assert "region" in response.json()["error"]["fields"]
