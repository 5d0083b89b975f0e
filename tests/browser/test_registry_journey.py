"""A street official signs in, finds a river in the registry and opens it with its map."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
