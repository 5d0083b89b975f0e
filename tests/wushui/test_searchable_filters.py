"""Filters with thousands of choices render the selected one only; the server validates as before."""

import re

import pytest
from django.urls import reverse

from wushui.widgets import SearchableChoiceWidget


def widget_html(content, name):
    """The markup of the searchable widget of field ``name``."""
    for match in re.finditer(r'<span class="choice-search".*?</span>', content, re.S):
        if f'name="{name}"' in match.group(0):
            return match.group(0)
    raise AssertionError(f"no searchable widget for {name}")


# page, field, selected (a world attribute), persona, names that must not be rendered
PAGES = [
    ("rivers:waterbody_list", "region", "street_a", "official", ["Street B", "Village B1", "Village A1"]),
    ("region_list", "parent", "street_a", "official", ["Street B", "Village B1"]),
    ("unit_list", "region", "street_b", "official", ["Street A", "Village A1", "Village B1"]),
    ("inspections:patrol_list", "region", "village_a1", "street_a", ["Street A", "Street B", "Village B1"]),
    ("inspections:compliance", "region", "village_a1", "official", ["Street B", "Village B1"]),
]


@pytest.mark.parametrize(("page", "field", "selected", "persona", "absent"), PAGES)
def test_a_region_filter_renders_the_selected_region_only(client, world, page, field, selected, persona, absent):
    client.force_login(getattr(world.users, persona))
    region = getattr(world, selected)
    response = client.get(reverse(page), {field: region.pk})
    assert response.status_code == 200
    content = response.content.decode()
    html = widget_html(content, field)
    assert "<option" not in html
    assert f'value="{region.pk}"' in html
    assert f'data-label="{region.name}"' in html
    assert f'data-url="{reverse("region-choices")}"' in html
    for name in absent:
        assert name not in content, name
    assert "js/choice-search.js" in content


@pytest.mark.parametrize(("page", "field", "selected", "persona", "absent"), PAGES)
def test_a_region_outside_the_scope_is_still_refused_naming_the_field(
    client, world, page, field, selected, persona, absent
):
    client.force_login(world.users.chief_a1)
    response = client.get(reverse(page), {field: world.street_b.pk})
    assert response.status_code == 400
    form = response.context["form"] if "form" in response.context else response.context["filterset"].form
    assert field in form.errors
    assert 'data-label=""' in widget_html(response.content.decode(), field)
    assert "Street B" not in response.content.decode()


def test_an_empty_region_filter_renders_no_region_at_all(client, world):
    client.force_login(world.users.official)
    content = client.get(reverse("rivers:waterbody_list")).content.decode()
    for name in ["Longwan", "Street A", "Street B", "Village A1", "Village B1"]:
        assert name not in content, name


def test_the_chief_filter_is_a_searchable_choice_of_the_chiefs_in_scope(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("inspections:patrol_list"), {"chief": world.users.chief_a1.pk})
    assert response.status_code == 200
    html = widget_html(response.content.decode(), "chief")
    assert 'data-label="Chief A1"' in html
    assert f'data-url="{reverse("chief-choices")}"' in html
    assert "District Chief" not in response.content.decode()


@pytest.mark.parametrize("chief", ["chief_a1", "admin"])
def test_a_chief_outside_the_scope_or_never_appointed_is_refused(client, world, chief):
    client.force_login(world.users.street_b)
    response = client.get(reverse("inspections:patrol_list"), {"chief": getattr(world.users, chief).pk})
    assert response.status_code == 400
    assert "chief" in response.context["filterset"].form.errors


def test_the_patrol_api_refuses_a_chief_outside_the_scope_too(client, world):
    client.force_login(world.users.street_b)
    response = client.get(reverse("patrol-list"), {"chief": world.users.chief_a1.pk})
    assert response.status_code == 400
    assert "chief" in response.json()["error"]["fields"]


def test_without_a_choice_source_the_widget_renders_a_bare_id_field():
    html = SearchableChoiceWidget("region-choices").render("region", "12")
    assert 'name="region"' in html
    assert 'value="12"' in html
    assert 'data-label=""' in html
