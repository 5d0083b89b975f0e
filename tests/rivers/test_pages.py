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


def tiers(directory):
    return {
        tier: [(entry.appointment.chief.name, [segment.code for segment in entry.segments]) for entry in entries]
        for tier, _label, entries in directory.chiefs_by_tier
    }


def summary(directory):
    return {
        (row.region.name, row.is_subdivision): (row.segments, row.vacant, row.chiefs_per_tier)
        for row in directory.subdivisions
    }


def test_the_chief_directory_starts_from_a_summary_per_street_and_drills_down(client, world):
    client.force_login(world.users.official)
    district = client.get(reverse("rivers:chief_directory")).context["directory"]
    assert district.region == world.district
    assert tiers(district) == {"district": [("District Chief", ["T-RIVER-A1", "T-RIVER-B1"])]}
    # (segments, without a river chief, people in office per tier: district, street, village)
    assert summary(district) == {
        ("Street A", True): (1, 0, [1, 0, 1]),
        ("Street B", True): (2, 1, [1, 0, 0]),
    }
    street = client.get(reverse("rivers:chief_directory"), {"region": world.street_a.pk}).context["directory"]
    assert [region.name for region in street.trail] == ["Longwan"]
    assert tiers(street) == {"district": [("District Chief", ["T-RIVER-A1"])], "street": []}
    assert summary(street) == {("Village A1", True): (1, 0, [1, 0, 1])}
    response = client.get(reverse("rivers:chief_directory"), {"region": world.village_a1.pk})
    village = response.context["directory"]
    assert [region.name for region in village.trail] == ["Longwan", "Street A"]
    assert tiers(village) == {
        "district": [("District Chief", ["T-RIVER-A1"])],
        "street": [],
        "village": [("Chief A1", ["T-RIVER-A1"])],
    }
    assert village.chiefs_by_tier[2][2][0].appointment.post == "Village A1 secretary"
    assert village.subdivisions == []
    assert "Village A1 secretary" in response.content.decode()


def test_segments_lying_directly_in_a_street_are_summed_apart_from_its_villages(client, world):
    client.force_login(world.users.official)
    street = client.get(reverse("rivers:chief_directory"), {"region": world.street_b.pk}).context["directory"]
    assert summary(street) == {("Village B1", True): (1, 0, [1, 0, 0]), ("Street B", False): (1, 1, [0, 0, 0])}


def test_a_street_official_lands_on_their_street_with_the_district_chief_of_its_segments(client, world):
    client.force_login(world.users.street_b)
    response = client.get(reverse("rivers:chief_directory"))
    directory = response.context["directory"]
    assert directory.region == world.street_b
    assert directory.trail == []
    assert tiers(directory) == {"district": [("District Chief", ["T-RIVER-B1"])], "street": []}
    assert "Chief A1" not in response.content.decode()
    village = client.get(reverse("rivers:chief_directory"), {"region": world.village_b1.pk}).context["directory"]
    assert [region.name for region in village.trail] == ["Street B"]


@pytest.mark.parametrize("region", ["street_a", "village_a1", "district", "not-a-number", "999999"])
def test_the_directory_refuses_a_region_out_of_scope_or_unknown_with_400(client, world, region):
    client.force_login(world.users.street_b)
    value = getattr(world, region).pk if hasattr(world, region) else region
    assert client.get(reverse("rivers:chief_directory"), {"region": value}).status_code == 400


def test_the_directory_loads_no_geometry_for_its_chiefs_and_summary(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rivers.selectors import chief_directory

    user = world.users.official
    assert user.sees_whole_district
    for region in (world.district, world.street_a, world.village_a1):
        with CaptureQueriesContext(connection) as captured:
            assert chief_directory(user, region).chiefs_by_tier is not None  # read: the one query of the chiefs
        assert len(captured) == (1 if region == world.village_a1 else 4)
        for query in captured:
            assert '"geometry"' not in query["sql"], query["sql"]
            assert '"boundary"' not in query["sql"], query["sql"]


@pytest.mark.parametrize("region", ["district", "street_a", "village_a1"])
def test_every_level_of_the_directory_runs_as_many_queries_for_many_chiefs(client, world, region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users.official)
    url = f"{reverse('rivers:chief_directory')}?region={getattr(world, region).pk}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    add_rivers(world, 25)
    assert queries() == few <= 10


PAGES = [
    ("home", None),
    ("rivers:waterbody_list", None),
    ("rivers:chief_directory", None),
    ("region_list", None),
    ("unit_list", None),
    ("rivers:waterbody_detail", "river"),
    ("rivers:segment_detail", "segment_a1"),
    ("region_detail", "street_a"),
    ("region_detail", "district"),
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


def test_home_figures_are_counted_by_the_database_in_scope(client, world):
    client.force_login(world.users.official)
    figures = client.get(reverse("home")).context["figures"]
    lengths = [world.segment_a1.length_m, world.segment_b1.length_m, world.segment_b_creek.length_m]
    assert (figures.water_bodies, figures.segments, figures.chiefs, figures.villages) == (2, 3, 2, 2)
    assert figures.length_km == round(sum(lengths) / 1000, 1)
    client.force_login(world.users.street_b)
    figures = client.get(reverse("home")).context["figures"]
    assert (figures.water_bodies, figures.segments, figures.chiefs, figures.villages) == (2, 2, 1, 1)


def test_the_region_page_shows_its_segments_a_page_at_a_time(client, world, monkeypatch):
    from rivers.region_views import RegionDetailView

    add_rivers(world, 7)
    monkeypatch.setattr(RegionDetailView, "paginate_by", 3)
    client.force_login(world.users.official)
    url = reverse("region_detail", args=[world.district.pk])
    seen, cursor = [], None
    while True:
        response = client.get(url, {"cursor": cursor} if cursor else {})
        page = response.context["contents"].segments
        seen += [segment.code for segment in page.object_list]
        assert all(hasattr(segment, "current_chiefs") for segment in page.object_list)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(["T-RIVER-A1", "T-RIVER-B1", "T-BCREEK-1", *(f"T-X{n:03d}-1" for n in range(7))])
    assert len(seen) == len(set(seen)) == 10
    first = client.get(url).context["contents"].segments.object_list[0]
    assert [a.tier for a in first.current_chiefs] == []  # T-BCREEK-1 has no chief
    assert client.get(url, {"cursor": "forged"}).status_code == 400


def test_the_region_page_lists_the_first_subdivisions_and_units_and_links_the_rest(client, world, monkeypatch):
    from rivers.region_views import RegionDetailView

    monkeypatch.setattr(RegionDetailView, "subdivisions_shown", 1)
    client.force_login(world.users.official)
    response = client.get(reverse("region_detail", args=[world.district.pk]))
    assert [child.name for child in response.context["contents"].subdivisions[0]] == ["Street A"]
    assert response.context["contents"].subdivisions[1] is True
    assert f"/regions/?parent={world.district.pk}" in response.content.decode()
    response = client.get(reverse("region_detail", args=[world.street_b.pk]))
    assert [unit.name for unit in response.context["contents"].units[0]] == ["Street B office"]
    assert response.context["contents"].units[1] is False


def test_the_region_page_keeps_its_lists_until_the_registry_changes(client, world, django_assert_max_num_queries):
    client.force_login(world.users.official)
    url = reverse("region_detail", args=[world.district.pk])
    assert "Extra 0" not in client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # session, user, region: the lists are kept
        kept = client.get(url)
    assert "Street A" in kept.content.decode()
    add_rivers(world, 1)  # saved through the models: the registry's version moves
    assert "Extra 0" in client.get(url).content.decode()
