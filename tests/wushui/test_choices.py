"""Choices of the searchable filters: the field's own scoped queryset, searched and capped."""

import pytest
from django.urls import reverse

from tests.factories import AppointmentFactory, RegionFactory, UserFactory
from wushui.api.choices import MAX_CHOICES
from wushui.choices import RegionLevel, Tier


def choices(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return response.json()


def labels(body):
    return [choice["label"] for choice in body["results"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", ["Longwan", "Street A", "Village A1", "Street B", "Village B1"]),
        ("street_a", ["Street A", "Village A1"]),
        ("street_b", ["Street B", "Village B1"]),
        ("chief_a1", ["Village A1"]),
    ],
)
def test_region_choices_are_the_regions_in_scope_in_code_order(client, world, persona, expected):
    client.force_login(getattr(world.users, persona))
    body = choices(client, "region-choices")
    assert labels(body) == expected
    assert body["more"] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("village", ["Village A1", "Village B1"]),
        ("VILLAGE b", ["Village B1"]),
        ("330303002", ["Street B", "Village B1"]),
        ("nowhere", []),
    ],
)
def test_region_choices_search_names_and_codes(client, world, text, expected):
    client.force_login(world.users.official)
    assert labels(choices(client, "region-choices", q=text)) == expected


def test_a_region_choice_says_where_it_lies(client, world):
    client.force_login(world.users.official)
    (village,) = choices(client, "region-choices", q="Village A1")["results"]
    assert village == {
        "id": world.village_a1.pk,
        "label": "Village A1",
        "detail": f"{RegionLevel.label(RegionLevel.VILLAGE)} · Street A · 330303001001",
    }


def test_region_choices_are_capped_and_say_there_are_more(client, world, django_assert_max_num_queries):
    for n in range(MAX_CHOICES + 5):
        RegionFactory(
            name=f"Hamlet {n}", code=f"330303001{100 + n:03d}", level=RegionLevel.VILLAGE, parent=world.street_a
        )
    client.force_login(world.users.street_a)
    with django_assert_max_num_queries(5):
        body = choices(client, "region-choices", q="hamlet")
    assert len(body["results"]) == MAX_CHOICES
    assert body["more"] is True


def test_a_search_too_long_is_refused_naming_q(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("region-choices"), {"q": "x" * 101})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"q"}


@pytest.mark.parametrize("name", ["region-choices", "chief-choices"])
def test_anonymous_callers_are_refused(client, world, name):
    assert client.get(reverse(name)).status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", ["Chief A1", "District Chief"]),
        # The district chief is attached to the district, but answers for a segment in each street.
        ("street_a", ["Chief A1", "District Chief"]),
        ("street_b", ["District Chief"]),
        ("chief_a1", ["Chief A1", "District Chief"]),
    ],
)
def test_chief_choices_are_the_chiefs_appointed_in_scope(client, world, persona, expected):
    client.force_login(getattr(world.users, persona))
    assert labels(choices(client, "chief-choices")) == expected


def test_chief_choices_include_former_chiefs_and_search_names(client, world):
    AppointmentFactory(
        chief=UserFactory(name="Old Chief", username="old", region=world.village_b1),
        segment=world.segment_b1,
        tier=Tier.VILLAGE,
        start_date="2020-01-01",
        end_date="2021-01-01",
    )
    UserFactory(name="Old Clerk", username="clerk", region=world.village_b1)  # never appointed
    client.force_login(world.users.street_b)
    body = choices(client, "chief-choices", q="old")
    assert body["results"] == [{"id": body["results"][0]["id"], "label": "Old Chief", "detail": "Village B1"}]
