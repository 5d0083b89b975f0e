"""The segment map layer: scoped, filtered like the registry, bounded by the visible extent and zoom."""

import pytest
from django.contrib.gis.geos import LineString
from django.urls import reverse

from rivers.maps import SegmentLayer
from tests.factories import AppointmentFactory, SegmentFactory, WaterBodyFactory
from tests.rivers.test_pages import add_rivers
from wushui.choices import Tier
from wushui.maps import DETAIL_ZOOM

DISTRICT = "120.6,27.8,121.0,28.1"
ALL = {"Shared River · A1 reach", "Shared River · B1 reach", "B Creek · B creek reach"}


def layer(client, user, **params):
    if user is not None:
        client.force_login(user)
    params = {"bbox": DISTRICT, "zoom": "14", **params}
    return client.get(reverse("segment-layer"), params)


def with_ids(world, params):
    """``"@name"`` values stand for the pk of ``world.name``."""
    return {key: getattr(world, value[1:]).pk if value.startswith("@") else value for key, value in params.items()}


def names(response):
    assert response.status_code == 200, response.content
    return {feature["properties"]["name"] for feature in response.json()["features"]}


def field_errors(response):
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ALL),
        ("official", ALL),
        ("department", ALL),
        ("chief_district", ALL),
        ("street_a", {"Shared River · A1 reach"}),
        ("street_b", {"Shared River · B1 reach", "B Creek · B creek reach"}),
        ("chief_a1", {"Shared River · A1 reach"}),
    ],
)
def test_each_persona_gets_the_segments_of_their_scope_only(client, world, persona, expected):
    assert names(layer(client, getattr(world.users, persona))) == expected


def test_a_chief_also_gets_the_segments_they_are_appointed_to_elsewhere(client, world):
    AppointmentFactory(chief=world.users.chief_a1, segment=world.segment_b_creek, tier=Tier.STREET)
    assert names(layer(client, world.users.chief_a1)) == {"Shared River · A1 reach", "B Creek · B creek reach"}


def test_anonymous_callers_are_refused(client, world):
    response = client.get(reverse("segment-layer"), {"bbox": DISTRICT, "zoom": "14"})
    assert response.status_code == 401


def test_features_carry_the_tier_colour_the_link_and_the_chiefs_in_office(client, world):
    response = layer(client, world.users.official, bbox="120.70,27.85,120.825,27.95")
    (feature,) = response.json()["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert feature["properties"] == {
        "name": "Shared River · A1 reach",
        "url": reverse("rivers:segment_detail", args=[world.segment_a1.pk]),
        "colour": Tier.colour(Tier.DISTRICT),
        "chiefs": [
            f"{Tier.label(Tier.DISTRICT)}: District Chief {world.appointments.district_a1.public_phone}",
            f"{Tier.label(Tier.VILLAGE)}: Chief A1 {world.appointments.village_a1.public_phone}",
        ],
    }


def test_popups_leave_out_former_chiefs(client, world):
    world.appointments.village_a1.end_date = "2099-01-01"
    world.appointments.village_a1.save()
    response = layer(client, world.users.official, bbox="120.70,27.85,120.825,27.95")
    assert len(response.json()["features"][0]["properties"]["chiefs"]) == 1


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        # Street B's half of the district, a box inside segment A1's, and the sea east of the district.
        ("120.83,27.85,120.95,28.05", {"Shared River · B1 reach", "B Creek · B creek reach"}),
        ("120.75,27.905,120.76,27.906", {"Shared River · A1 reach"}),
        ("121.5,27.0,122.0,27.5", set()),
    ],
)
def test_only_the_visible_extent_is_sent(client, world, bbox, expected):
    assert names(layer(client, world.users.official, bbox=bbox)) == expected


@pytest.mark.parametrize(
    "bbox",
    [
        "",
        "120.7,27.8,120.9",
        "120.7,27.8,120.9,28.0,1",
        "west,27.8,120.9,28.0",
        "nan,27.8,120.9,28.0",
        "120.7,27.8,inf,28.0",
        "120.9,27.8,120.7,28.0",
        "120.7,28.0,120.9,27.8",
        "120.7,27.8,120.7,28.0",
        "-190,27.8,120.9,28.0",
        "120.7,-91,120.9,28.0",
    ],
)
def test_a_bad_bbox_is_refused_naming_it(client, world, bbox):
    fields = field_errors(layer(client, world.users.official, bbox=bbox))
    assert set(fields) == {"bbox"}
    assert "bbox" in fields["bbox"][0]


@pytest.mark.parametrize("zoom", ["", "-1", "23", "12.5", "twelve", " "])
def test_a_bad_zoom_is_refused_naming_it(client, world, zoom):
    fields = field_errors(layer(client, world.users.official, zoom=zoom))
    assert set(fields) == {"zoom"}
    assert "zoom" in fields["zoom"][0]


def test_missing_bbox_and_zoom_are_both_named(client, world):
    client.force_login(world.users.official)
    assert set(field_errors(client.get(reverse("segment-layer")))) == {"bbox", "zoom"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "@street_b"}, {"Shared River · B1 reach", "B Creek · B creek reach"}),
        ({"region": "@village_a1"}, {"Shared River · A1 reach"}),
        ({"water_body": "@river_b_only"}, {"B Creek · B creek reach"}),
        ({"tier": "district"}, {"Shared River · A1 reach", "Shared River · B1 reach"}),
        ({"q": "creek"}, {"B Creek · B creek reach"}),
        ({"kind": "lake"}, set()),
        ({"region": "@street_b", "tier": "street"}, {"B Creek · B creek reach"}),
    ],
)
def test_the_page_filters_narrow_the_layer(client, world, params, expected):
    assert names(layer(client, world.users.official, **with_ids(world, params))) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "@street_b"}, "region"),
        ({"water_body": "@river_b_only"}, "water_body"),
        ({"region": "987654"}, "region"),
        ({"kind": "volcano"}, "kind"),
        ({"is_provincial_model": "maybe"}, "is_provincial_model"),
    ],
)
def test_an_out_of_scope_or_malformed_filter_is_refused_like_the_list_does(client, world, params, field):
    response = layer(client, world.users.street_a, **with_ids(world, params))
    assert field in field_errors(response)
    assert "B Creek" not in response.content.decode()


def village_ditch(world):
    body = WaterBodyFactory(name="Ditch", code="T-DITCH", responsible_tier=Tier.VILLAGE)
    return SegmentFactory(
        water_body=body,
        region=world.village_a1,
        code="T-DITCH-1",
        name="ditch",
        geometry=LineString((120.73, 27.88), (120.74, 27.89), srid=4326),
    )


def test_a_district_wide_view_leaves_village_tier_segments_for_a_closer_zoom_and_says_so(client, world):
    village_ditch(world)
    far = layer(client, world.users.official, zoom=str(DETAIL_ZOOM - 1)).json()
    assert "Ditch · ditch" not in {f["properties"]["name"] for f in far["features"]}
    assert far["hidden"] == [Tier.VILLAGE]
    assert far["notices"]
    near = layer(client, world.users.official, zoom=str(DETAIL_ZOOM)).json()
    assert "Ditch · ditch" in {f["properties"]["name"] for f in near["features"]}
    assert near["hidden"] == []
    assert near["notices"] == []


def test_at_the_limit_the_response_says_it_is_cut_and_keeps_the_higher_tiers(
    client, world, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(SegmentLayer, "max_features", 2)
    client.force_login(world.users.official)
    with django_assert_max_num_queries(10) as queries:
        body = layer(client, None).json()
    # The database stops at one row past the limit: enough to know there are more.
    assert any("LIMIT 3" in query["sql"] for query in queries.captured_queries)
    assert body["truncated"] is True
    assert body["limit"] == 2
    assert {f["properties"]["name"] for f in body["features"]} == {"Shared River · A1 reach", "Shared River · B1 reach"}
    assert body["notices"]
    monkeypatch.setattr(SegmentLayer, "max_features", 3)
    assert layer(client, world.users.official).json()["truncated"] is False


def test_geometries_are_simplified_for_the_zoom(client, world):
    wiggle = [(120.71 + i * 0.0005, 27.86 + (i % 2) * 0.00002) for i in range(200)]
    SegmentFactory(
        water_body=world.river_b_only,
        region=world.village_a1,
        code="T-WIGGLE",
        name="wiggle",
        geometry=LineString(wiggle, srid=4326),
    )

    def wiggle_coordinates(zoom):
        features = layer(client, world.users.official, zoom=str(zoom)).json()["features"]
        (feature,) = [f for f in features if f["properties"]["name"].endswith("wiggle")]
        return feature["geometry"]["coordinates"]

    far, near = wiggle_coordinates(11), wiggle_coordinates(22)
    assert len(far) < 10 < 150 < len(near)
    # The ends stay where they are, written with the decimals the zoom needs.
    assert far[0] == pytest.approx(list(wiggle[0]), abs=1e-4)
    assert far[-1] == pytest.approx(list(wiggle[-1]), abs=1e-4)
    assert max(len(str(value).split(".")[-1]) for point in far for value in point) <= 5


@pytest.mark.parametrize("persona", ["official", "street_a", "chief_a1"])
def test_the_layer_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, persona):
    client.force_login(getattr(world.users, persona))
    # Nine: session, user, the scope's region and segment ids, the filter's region, extent, rows …
    with django_assert_max_num_queries(9):
        small = names(layer(client, None, region=world.village_a1.pk))
    add_rivers(world, 25)
    with django_assert_max_num_queries(9):
        large = names(layer(client, None, region=world.village_a1.pk))
    assert len(large) == len(small) + 25
