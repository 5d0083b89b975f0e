"""The maps of pages over a whole scope: they declare layers for the visible extent, open on the
extent of what they show, and never embed the features themselves."""

import pytest
from django.urls import reverse

from tests.layers import names_on_map
from tests.rivers.test_pages import add_rivers

LAYERED = [
    ("home", None),
    ("rivers:waterbody_list", None),
    ("rivers:chief_directory", None),
    ("region_list", None),
    ("unit_list", None),
    ("region_detail", "district"),
]
SEGMENTS = {"Shared River · A1 reach", "Shared River · B1 reach", "B Creek · B creek reach"}


def page(client, world, name, obj=None, **params):
    response = client.get(reverse(name, args=[getattr(world, obj).pk] if obj else None), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("name", "obj"), LAYERED)
def test_big_maps_declare_layers_and_embed_no_feature(client, world, name, obj):
    client.force_login(world.users.official)
    response = page(client, world, name, obj)
    content = response.content.decode()
    assert f'id="{response.context["map_layers"]["id"]}-layers"' in content
    assert 'id="map-features"' not in content
    assert '"type": "Feature"' not in content
    assert response.context["map_layers"]["layers"]


@pytest.mark.parametrize("name", ["home", "region_detail"])
def test_a_map_page_does_not_grow_with_the_segments(client, world, name):
    client.force_login(world.users.official)
    obj = "district" if name == "region_detail" else None
    before = len(page(client, world, name, obj).content) if name == "home" else None
    add_rivers(world, 25)
    if name == "home":
        # Only the figures change (a few digits), not the map.
        assert abs(len(page(client, world, name).content) - before) < 50
    else:
        assert names_on_map(client, page(client, world, name, obj).context["map_layers"]) >= SEGMENTS


@pytest.mark.parametrize(
    ("persona", "bounds", "zoom", "expected"),
    [
        # At a district-wide zoom, the villages wait for a closer one.
        ("official", [120.70, 27.85, 120.95, 28.05], 12, {"Longwan", "Street A", "Street B", *SEGMENTS}),
        ("street_b", [120.825, 27.85, 120.95, 28.05], 12, {"Street B", *SEGMENTS - {"Shared River · A1 reach"}}),
        ("chief_a1", [120.70, 27.85, 120.825, 27.95], 13, {"Village A1", "Shared River · A1 reach"}),
    ],
)
def test_the_home_map_opens_on_the_extent_of_the_scope(client, world, persona, bounds, zoom, expected):
    client.force_login(getattr(world.users, persona))
    config = page(client, world, "home").context["map_layers"]
    assert config["bounds"] == pytest.approx(bounds)
    assert names_on_map(client, config, zoom=zoom) == expected


def test_the_chief_directory_map_is_the_scope_with_its_chiefs(client, world):
    client.force_login(world.users.street_a)
    config = page(client, world, "rivers:chief_directory").context["map_layers"]
    assert names_on_map(client, config) == {"Street A", "Village A1", "Shared River · A1 reach"}


def test_the_region_page_map_is_the_region_its_subdivisions_and_its_segments(client, world):
    client.force_login(world.users.official)
    config = page(client, world, "region_detail", "street_a").context["map_layers"]
    assert config["bounds"] == pytest.approx([120.70, 27.85, 120.825, 28.05])
    assert names_on_map(client, config) == {"Street A", "Village A1", "Shared River · A1 reach"}


def test_the_region_list_map_follows_its_filters(client, world):
    client.force_login(world.users.official)
    config = page(client, world, "region_list", level="village", page="1").context["map_layers"]
    assert "level=village" in config["layers"][0]["url"]
    assert "page" not in config["layers"][0]["url"]
    assert config["bounds"] == pytest.approx([120.70, 27.85, 120.95, 27.95])
    assert names_on_map(client, config) == {"Village A1", "Village B1"}


def test_the_unit_list_map_shows_where_the_listed_units_are(client, world):
    client.force_login(world.users.official)
    config = page(client, world, "unit_list").context["map_layers"]
    assert names_on_map(client, config) == {"Street B"}
    config = page(client, world, "unit_list", kind="department").context["map_layers"]
    assert config["bounds"] is None
    assert names_on_map(client, config, bounds=[120.6, 27.8, 121.0, 28.1]) == set()


def test_the_registry_map_follows_the_list_filters(client, world):
    client.force_login(world.users.official)
    config = page(client, world, "rivers:waterbody_list", q="creek").context["map_layers"]
    assert "q=creek" in config["layers"][0]["url"]
    assert names_on_map(client, config) == {"B Creek · B creek reach"}


def test_the_registry_map_has_no_layer_while_the_filters_are_invalid(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("rivers:waterbody_list"), {"region": world.street_b.pk})
    assert response.status_code == 400
    assert response.context["map_layers"]["layers"] == []


def test_detail_pages_keep_their_few_embedded_features(client, world):
    client.force_login(world.users.official)
    response = page(client, world, "rivers:segment_detail", "segment_a1")
    assert 'id="map-features"' in response.content.decode()
    assert "map_layers" not in response.context
