"""Patrol lists, page and API, paged by keyset: newest first, every patrol once, filters kept, deep pages
as cheap as the first."""

import base64
import datetime
import json
import re
from html import unescape

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import views
from inspections.models import Patrol
from tests.factories import PatrolFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/patrols/"
NOON = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)


@pytest.fixture
def patrols(world):
    """130 patrols by chief A1: 60 of them started in the same second (across a page boundary),
    every third one invalid."""
    rows = []
    for index in range(130):
        started = NOON if 20 <= index < 80 else NOON - datetime.timedelta(minutes=index)
        rows.append(
            PatrolFactory(
                chief=world.users.chief_a1, segment=world.segment_a1, started_at=started, is_valid=index % 3 != 0
            )
        )
    return rows


def newest_first(rows):
    return [p.pk for p in sorted(rows, key=lambda p: (p.started_at, p.pk), reverse=True)]


def link(content, rel):
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', content)
    return unescape(match.group(1)) if match else None


def walk_pages(client, url, rel):
    """Follow ``rel`` links from ``url``; the ids on each page, and the queries each page took."""
    pages, queries = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        pages.append([patrol.pk for patrol in response.context["object_list"]])
        queries.append(len(captured))
        url = link(response.content.decode(), rel)
        if url:
            url = reverse("inspections:patrol_list") + url
    return pages, queries


def test_the_list_pages_by_older_links_through_every_patrol_once_newest_first(client, world, patrols):
    client.force_login(world.users.official)
    pages, queries = walk_pages(client, reverse("inspections:patrol_list"), "next")
    assert [len(page) for page in pages] == [50, 50, 30]
    assert [pk for page in pages for pk in page] == newest_first(patrols)
    # The last page costs what the first does (its count is capped, not a COUNT of everything).
    assert len(set(queries)) == 1


def test_newer_links_lead_back_through_the_same_pages(client, world, patrols):
    client.force_login(world.users.official)
    older, _queries = walk_pages(client, reverse("inspections:patrol_list"), "next")
    response = client.get(reverse("inspections:patrol_list"))
    last = reverse("inspections:patrol_list") + link(response.content.decode(), "next")
    last = reverse("inspections:patrol_list") + link(client.get(last).content.decode(), "next")
    newer, _queries = walk_pages(client, last, "prev")
    assert newer == list(reversed(older))


def test_a_patrol_submitted_meanwhile_neither_repeats_nor_hides_one(client, world, patrols):
    client.force_login(world.users.official)
    first = client.get(reverse("inspections:patrol_list"))
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, started_at=timezone.now())
    second = client.get(reverse("inspections:patrol_list") + link(first.content.decode(), "next"))
    shown = [p.pk for p in first.context["object_list"]] + [p.pk for p in second.context["object_list"]]
    assert shown == newest_first(patrols)[:100]


def test_the_links_keep_the_filters(client, world, patrols, monkeypatch):
    client.force_login(world.users.official)
    monkeypatch.setattr(views.PatrolListView, "paginate_by", 20)
    url = reverse("inspections:patrol_list") + f"?is_valid=false&region={world.street_a.pk}"
    response = client.get(url)
    older = link(response.content.decode(), "next")
    assert "is_valid=false" in older
    assert f"region={world.street_a.pk}" in older
    invalid = [p for p in patrols if not p.is_valid]
    assert len(invalid) == 44
    pages, _queries = walk_pages(client, url, "next")
    assert [pk for page in pages for pk in page] == newest_first(invalid)


def test_the_count_is_capped_instead_of_counting_every_patrol(client, world, patrols, monkeypatch):
    client.force_login(world.users.official)
    monkeypatch.setattr(views.PatrolListView, "count_limit", 100)
    response = client.get(reverse("inspections:patrol_list"))
    assert (response.context["row_count"], response.context["row_count_capped"]) == (100, True)
    assert "More than 100 patrols" in response.content.decode()
    response = client.get(reverse("inspections:patrol_list"), {"is_valid": "false"})
    assert (response.context["row_count"], response.context["row_count_capped"]) == (44, False)
    assert "44 patrols" in response.content.decode()


def test_a_forged_cursor_is_a_bad_request(client, world, patrols):
    client.force_login(world.users.official)
    forged = [{"d": "after", "k": ["not a date", 1]}, {"d": "sideways", "k": [NOON.isoformat(), 1]}, {"d": "after"}]
    cursors = ["not-a-cursor", *(base64.urlsafe_b64encode(json.dumps(c).encode()).decode() for c in forged)]
    for cursor in cursors:
        assert client.get(reverse("inspections:patrol_list"), {"cursor": cursor}).status_code == 400
        assert client.get(URL, {"cursor": cursor}).status_code == 404


def walk_api(client, url):
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    return pages, body


def test_the_api_pages_by_cursor_through_every_patrol_once_and_back(client, world, patrols):
    client.force_login(world.users.official)
    pages, last = walk_api(client, f"{URL}?page_size=40")
    assert [len(page) for page in pages] == [40, 40, 40, 10]
    assert [pk for page in pages for pk in page] == newest_first(patrols)
    back, url = [], last["previous"]
    while url:
        body = client.get(url).json()
        back.append([row["id"] for row in body["results"]])
        url = body["previous"]
    assert back == list(reversed(pages[:-1]))
    assert "count" not in last


def test_the_api_keeps_filters_in_its_links_and_its_fields(client, world, patrols):
    client.force_login(world.users.street_a)
    body = client.get(URL, {"is_valid": "false", "page_size": 10}).json()
    assert "is_valid=false" in body["next"]
    assert set(body["results"][0]) == {
        *["id", "client_uuid", "chief", "chief_name", "segment", "segment_name", "tier", "source", "started_at"],
        *["ended_at", "distance_m", "duration_s", "avg_speed_kmh", "max_speed_kmh", "coverage", "is_valid"],
        *["invalid_reasons", "submitted_at", "url"],
    }
    pages, _last = walk_api(client, f"{URL}?is_valid=false&page_size=10")
    assert [pk for page in pages for pk in page] == newest_first([p for p in patrols if not p.is_valid])


def test_the_api_list_reads_no_track_rules_or_geometry(client, world, patrols):
    client.force_login(world.users.official)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    # The page's keys first (keyset ids_first), then its rows by key: neither reads the heavy columns.
    selects = [q["sql"] for q in captured if q["sql"].startswith('SELECT "inspections_patrol"."id"')]
    assert len(selects) == 2
    for select in selects:
        for column in ('"track"', '"track_times"', '"rules"', '"geometry"'):
            assert column not in select


def test_a_deep_api_page_costs_as_many_queries_as_the_first(client, world, patrols, queries_to_get):
    client.force_login(world.users.official)
    first = queries_to_get(client, f"{URL}?page_size=10")
    pages, _last = walk_api(client, f"{URL}?page_size=10")
    assert len(pages) == 13
    body = client.get(f"{URL}?page_size=10").json()
    for _step in range(8):
        body = client.get(body["next"]).json()
    assert queries_to_get(client, body["next"]) == first <= 6


def test_the_recent_first_order_is_the_models_and_the_indexs(world):
    assert Patrol._meta.ordering == ["-started_at", "-pk"]
    (index,) = [index for index in Patrol._meta.indexes if index.name == "patrol_recent"]
    assert index.fields == ["-started_at", "-id"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'patrol_recent'")
            (definition,) = cursor.fetchone()
        assert definition.endswith("(started_at DESC, id DESC) INCLUDE (segment_id, chief_id)")


def test_the_schema_documents_the_cursor_and_the_envelope(client, world):
    client.force_login(world.users.official)
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    listing = schema["paths"]["/api/v1/patrols/"]["get"]
    assert {"cursor", "page_size"} <= {parameter["name"] for parameter in listing["parameters"]}
    assert "page" not in {parameter["name"] for parameter in listing["parameters"]}
    envelope = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][envelope]["properties"]) == {"next", "previous", "results"}
