"""A street official signs in, finds a river in the registry and opens it with its map."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Polygon
from django.urls import reverse

from rivers.models import Segment
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A map of layers (its id is new on every page).
MAP = ".map-wrap .leaflet-container-default"


def test_official_signs_in_and_opens_a_river_with_its_map(page, world):
    sign_in(page, "street_b")
    page.click("nav >> text=/河湖名录|River registry/")
    page.wait_for_selector("table >> text=B Creek")
    # Filtering by kind refreshes the list in place (htmx) and keeps the URL shareable.
    page.select_option("select[name=tier]", "district")
    page.wait_for_function("() => !document.querySelector('#results').textContent.includes('B Creek')")
    assert "tier=district" in page.url
    page.click("table >> text=Shared River")
    page.wait_for_selector("h1 >> text=Shared River")
    # The segments are drawn as vector layers even without any tile server.
    page.wait_for_selector("#map[data-feature-count='1']")
    assert page.locator("#map path.leaflet-interactive").count() == 1
    assert page.locator("text=District Chief").count() >= 1
    page.screenshot(path="test-results/river-detail.png", full_page=True)


def test_page_language_defaults_to_chinese_and_switches_to_english(page, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    sign_in(page, "official")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("nav >> text=River registry").count() == 1


def layer_responses(page):
    """The map layer responses the page receives, as (query, features), in order."""
    responses = []

    def record(response):
        if "/api/v1/layers/" in response.url and response.ok:
            query = parse_qs(urlsplit(response.url).query)
            responses.append((urlsplit(response.url).path, query, response.json()["features"]))

    page.on("response", record)
    return responses


def bbox_of(query):
    return Polygon.from_bbox(tuple(float(value) for value in query["bbox"][0].split(",")))


def test_the_home_map_loads_its_layers_for_the_visible_extent(page, world):
    responses = layer_responses(page)
    sign_in(page, "official")
    # The district-wide view: the district, its streets and the three segments; villages wait.
    page.wait_for_selector(f"{MAP}[data-loaded-zoom]:not([data-loading])")
    assert page.locator(MAP).get_attribute("data-feature-count") == "6"
    assert page.locator(f"{MAP} path.leaflet-interactive").count() == 6
    assert page.locator(f"{MAP} .map-notice").is_visible()
    _path, first, _features = responses[-1]
    assert bbox_of(first).contains(Polygon.from_bbox((120.70, 27.85, 120.95, 28.05)))
    # Two zooms in on the middle of the district: what is drawn is what lies in the new view.
    zoom = int(first["zoom"][0])
    for _ in range(2):
        page.click(".leaflet-control-zoom-in")
        zoom += 1
        page.wait_for_selector(f"{MAP}[data-loaded-zoom='{zoom}']:not([data-loading])")
    latest = {path: (query, features) for path, query, features in responses}
    query, segments = latest[reverse("segment-layer")]
    view = bbox_of(query)
    assert query["zoom"] == [str(zoom)]
    assert view.area < bbox_of(first).area / 10
    in_view = {f"{s.water_body.name} · {s.name}" for s in Segment.objects.all() if s.geometry.intersects(view)}
    assert 0 < len(in_view) < 3
    assert {feature["properties"]["name"] for feature in segments} == in_view
    _query, regions = latest[reverse("region-layer")]
    assert {"Village A1", "Village B1"} <= {feature["properties"]["name"] for feature in regions}
    drawn = len(segments) + len(regions)
    assert page.locator(MAP).get_attribute("data-feature-count") == str(drawn)
    assert page.locator(f"{MAP} path.leaflet-interactive").count() == drawn
    page.screenshot(path="test-results/home-map-zoomed.png", full_page=True)


def test_a_region_is_picked_by_searching_and_the_list_and_its_map_follow(page, world):
    sign_in(page, "official")
    page.goto("/rivers/")
    page.wait_for_selector(f"{MAP}[data-feature-count='3']")
    region = page.locator(".filters label:has(input[name=region])")
    search = region.locator("[role=combobox]")
    # The filter offers no region until asked; the typed text fetches the matching ones.
    assert page.locator("select[name=region]").count() == 0
    search.fill("village b")
    option = region.locator("[role=option]", has_text="Village B1")
    option.wait_for()
    assert region.locator("[role=option]").count() == 1
    option.click()
    page.wait_for_url(f"**region={world.village_b1.pk}**")
    page.wait_for_function("() => !document.querySelector('#results').textContent.includes('B Creek')")
    assert search.input_value() == "Village B1"
    # The refreshed map draws the one segment of the village.
    page.wait_for_selector(f"{MAP}[data-loaded-bbox][data-feature-count='1']")
    page.screenshot(path="test-results/registry-region-picked.png", full_page=True)
    # Back and forth through htmx's history: the map and the search box start again, once each.
    page.go_back()
    page.wait_for_selector(f"{MAP}[data-feature-count='3']")
    page.go_forward()
    page.wait_for_selector(f"{MAP}[data-feature-count='1']")
    assert region.locator("[role=combobox]").count() == 1
    search.fill("street a")
    region.locator("[role=option]", has_text="Street A").click()
    page.wait_for_url(f"**region={world.street_a.pk}**")
    page.wait_for_selector(f"{MAP}[data-feature-count='1']")


def test_a_chief_is_picked_with_the_keyboard_on_the_patrol_list(page, world):
    sign_in(page, "street_a")
    page.goto("/patrols/")
    search = page.locator(".filters label:has(input[name=chief]) [role=combobox]")
    search.click()
    search.press_sequentially("district")
    page.wait_for_selector("[role=option] >> text=District Chief")
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_url(f"**chief={world.users.chief_district.pk}**")
    assert search.input_value() == "District Chief"
