"""Registry pages: content, filters, and a bounded number of queries however many rows exist."""

import pytest
from django.contrib.gis.geos import LineString
from django.urls import reverse

from tests.factories import AppointmentFactory, SegmentFactory, UserFactory, WaterBodyFactory
from tests.layers import names_on_map
from wushui.choices import Tier


def add_rivers(world, count):
    """More rivers in village A1, each with a segment and chiefs at two tiers."""
    for n in range(count):
        body = WaterBodyFactory(code=f"T-X{n:03d}", name=f"Extra {n}")
        segment = SegmentFactory(
            water_body=body,
            region=world.village_a1,
            code=f"T-X{n:03d}-1",
            geometry=LineString((120.71, 27.86 + n * 0.001), (120.72, 27.86 + n * 0.001), srid=4326),
        )
        AppointmentFactory(segment=segment, tier=Tier.VILLAGE, chief=UserFactory(region=world.village_a1))
        AppointmentFactory(segment=segment, tier=Tier.STREET, chief=UserFactory(region=world.street_a))


def test_registry_list_shows_scope_and_map(client, world):
    client.force_login(world.users.street_b)
    response = client.get(reverse("rivers:waterbody_list"))
    assert response.status_code == 200
    names = {body.name for body in response.context["object_list"]}
    assert names == {"Shared River", "B Creek"}
    # The map opens on the street's segments and draws them, fetched for that view.
    config = response.context["map_layers"]
    assert config["bounds"] == pytest.approx([120.85, 27.90, 120.90, 28.00])
    assert names_on_map(client, config) == {"Shared River · B1 reach", "B Creek · B creek reach"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tier": "district"}, {"Shared River"}),
        ({"q": "creek"}, {"B Creek"}),
        ({"region": "village_a1"}, {"Shared River"}),
        ({"region": "street_b"}, {"Shared River", "B Creek"}),
        ({"kind": "lake"}, set()),
        ({"target_class": "4"}, {"Shared River", "B Creek"}),
    ],
)
def test_registry_filters(client, world, query, expected):
    client.force_login(world.users.official)
    if "region" in query:
        query = {"region": getattr(world, query["region"]).pk}
    response = client.get(reverse("rivers:waterbody_list"), query)
    assert response.status_code == 200
    assert {body.name for body in response.context["object_list"]} == expected


def test_malformed_filter_shows_the_form_error_with_400(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:waterbody_list"), {"target_class": "9", "kind": "volcano"})
    assert response.status_code == 400
    form = response.context["filterset"].form
    assert set(form.errors) == {"target_class", "kind"}
    assert list(response.context["object_list"]) == []
    assert b"has-error" in response.content


def test_street_official_cannot_filter_by_another_street(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("rivers:waterbody_list"), {"region": world.street_b.pk})
    assert response.status_code == 400
    assert "region" in response.context["filterset"].form.errors


def test_river_detail_lists_chiefs_by_tier_and_segments_on_the_map(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:waterbody_detail", args=[world.river.pk]))
    assert response.status_code == 200
    tiers = {
        tier: [entry.appointment.chief.name for entry in entries]
        for tier, _l, entries in response.context["chiefs_by_tier"]
    }
    # The district chief answers for both segments and appears once.
    assert tiers == {"district": ["District Chief"], "street": [], "village": ["Chief A1"]}
    features = response.context["map_features"]["features"]
    assert len(features) == 2
    assert features[0]["geometry"]["type"] == "LineString"
    assert b'id="map-features"' in response.content


def test_river_detail_shows_only_segments_in_scope(client, world):
    client.force_login(world.users.street_a)
    response = client.get(reverse("rivers:waterbody_detail", args=[world.river.pk]))
    assert [segment.code for segment in response.context["segments"]] == ["T-RIVER-A1"]


def test_former_chiefs_are_kept_as_history(client, world):
    AppointmentFactory(
        segment=world.segment_a1,
        tier=Tier.VILLAGE,
        chief=UserFactory(name="Old Chief"),
        start_date="2020-01-01",
        end_date="2024-12-31",
    )
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:waterbody_detail", args=[world.river.pk]))
    assert [a.chief.name for a in response.context["past_appointments"]] == ["Old Chief"]
    segment_page = client.get(reverse("rivers:segment_detail", args=[world.segment_a1.pk]))
    assert "Old Chief" in segment_page.content.decode()


def test_chief_directory_is_a_region_tree(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:chief_directory"))
    (district,) = response.context["roots"]
    assert district.region == world.district
    assert [entry.appointment.chief.name for entry in district.chiefs] == ["District Chief"]
    assert [segment.code for segment in district.chiefs[0].segments] == ["T-RIVER-A1", "T-RIVER-B1"]
    street_a = next(node for node in district.children if node.region == world.street_a)
    (village,) = street_a.children
    assert [entry.appointment.post for entry in village.chiefs] == ["Village A1 secretary"]
    assert response.context["chief_count"] == 2


def test_chief_directory_for_a_street_keeps_the_district_chief_of_its_segments(client, world):
    client.force_login(world.users.street_b)
    response = client.get(reverse("rivers:chief_directory"))
    (district,) = response.context["roots"]
    assert [segment.code for segment in district.chiefs[0].segments] == ["T-RIVER-B1"]
    assert "Chief A1" not in response.content.decode()


PAGES = [
    ("home", None),
    ("rivers:waterbody_list", None),
    ("rivers:chief_directory", None),
    ("region_list", None),
    ("unit_list", None),
    ("rivers:waterbody_detail", "river"),
    ("rivers:segment_detail", "segment_a1"),
    ("region_detail", "street_a"),
    ("unit_detail", "env_unit"),
]


@pytest.mark.parametrize(("name", "obj"), PAGES)
def test_pages_run_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, name, obj):
    client.force_login(world.users.official)
    url = reverse(name, args=[getattr(world, obj).pk] if obj else None)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    add_rivers(world, 25)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name", ["waterbody-list", "segment-list", "chiefappointment-list", "region-list", "unit-list"]
)
def test_api_lists_run_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, name):
    client.force_login(world.users.street_a)
    add_rivers(world, 25)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_chinese_is_the_default_language_and_english_switchable(client, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:waterbody_list"))
    assert "河湖名录" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/rivers/"})
    response = client.get(reverse("rivers:waterbody_list"))
    assert "River registry" in response.content.decode()
