"""Open311 GeoReport v2: read by a strict reader of our own in JSON and XML, and by an Open311 client
from PyPI (georeport) against the live server; every malformed request a 4xx in the spec's error
format naming the field, with nothing saved."""

import datetime

import pytest
import requests
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from inspections import public
from inspections.models import Open311Client, Problem, PublicReport
from tests.inspections import open311_reader as reader

FORMATS = ["json", "xml"]
ON_A1 = {"lat": "27.9105", "long": "120.78"}


@pytest.fixture
def api_key(world):
    client = Open311Client(name="City app")
    key = client.issue_key()
    client.save()
    return key


@pytest.fixture
def problems(world):
    """An open public report with a contact, and a closed patrol problem with internal notes."""
    open_report = public.submit_public_report(
        segment=world.segment_a1,
        category="bank",
        description="Rubbish, call me",
        location=Point(120.78, 27.9105, srid=4326),
        contact_phone="13700001111",
    )[0]
    closed = Problem.objects.create(
        segment=world.segment_b1, category="outlet", description="Internal: owner is a cousin", source="patrol"
    )
    Problem.objects.filter(pk=closed.pk).update(status="archived")
    return open_report.problem, closed


def url(name, fmt, *args):
    return reverse(f"open311:{name}", args=[*args, fmt])


def codes():
    return {service["service_code"] for service in public_services()}


def public_services():
    from inspections.open311 import services

    return services()


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_and_its_formats(client, world, fmt):
    response = client.get(url("discovery", fmt))
    assert response.status_code == 200
    body = reader.body_of(response, fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    else:
        assert body.find("endpoints/endpoint/url").text == "http://testserver/open311/v2/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_our_problem_categories(client, world, fmt):
    services = reader.read_services(client.get(url("services", fmt)), fmt)
    assert {service["service_code"] for service in services} == codes()
    assert "bank" in codes()
    definition = reader.read_definition(client.get(url("service", fmt, "bank")), fmt, "bank")
    assert definition["attributes"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_publish_public_fields_only_and_map_states(client, world, problems, fmt):
    opened, closed = problems
    rows = reader.read_requests(client.get(url("requests", fmt)), fmt, service_codes=codes())
    by_id = {row["service_request_id"]: row for row in rows}
    assert set(by_id) == {str(opened.pk), str(closed.pk)}
    assert by_id[str(opened.pk)]["status"] == "open"
    assert by_id[str(opened.pk)]["status_notes"].startswith("The report is registered")
    assert by_id[str(closed.pk)]["status"] == "closed"
    assert float(by_id[str(opened.pk)]["lat"]) == pytest.approx(27.9105)
    text = client.get(url("requests", fmt)).content.decode()
    assert "13700001111" not in text, "no contact"
    assert "call me" not in text, "no reporter's text"
    assert "cousin" not in text, "no internal notes"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_reads_back_as_a_list_of_one(client, world, problems, fmt):
    opened, _closed = problems
    rows = reader.read_requests(client.get(url("request", fmt, opened.pk)), fmt, service_codes=codes())
    assert [row["service_request_id"] for row in rows] == [str(opened.pk)]
    missing = client.get(url("request", fmt, 987654))
    assert missing.status_code == 404
    reader.read_errors(missing, fmt)


def ids(client, **params):
    response = client.get(url("requests", "json"), params)
    assert response.status_code == 200, response.content
    return {int(row["service_request_id"]) for row in response.json()}


def test_the_list_filters_as_the_spec_says(client, world, problems):
    opened, closed = problems
    assert ids(client, status="open") == {opened.pk}
    assert ids(client, status="closed") == {closed.pk}
    assert ids(client, status="open,closed") == {opened.pk, closed.pk}
    assert ids(client, service_code="outlet") == {closed.pk}
    assert ids(client, service_code="bank,outlet") == {opened.pk, closed.pk}
    assert ids(client, service_request_id=f"{closed.pk}", status="open") == {closed.pk}, "ids override the rest"
    old = timezone.now() - datetime.timedelta(days=200)
    Problem.objects.filter(pk=closed.pk).update(created_at=old)
    assert ids(client) == {opened.pk}, "the most recent 90 days by default"
    start = (old - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (old + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client, start_date=start, end_date=end) == {closed.pk}
    assert ids(client, start_date=start) == {closed.pk}, "90 days from the start"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_posted_request_registers_a_public_report(client, world, api_key, fmt):
    response = client.post(
        url("requests", fmt),
        {
            "api_key": api_key,
            "service_code": "bank",
            "description": "Sand piled on the bank",
            "first_name": "Li",
            "last_name": "Lei",
            "phone": "13700002222",
            "email": "li@example.org",
            **ON_A1,
        },
    )
    answer = reader.read_post_answer(response, fmt)
    problem = Problem.objects.get(pk=int(answer["service_request_id"]))
    assert (problem.source, problem.segment, problem.reported_by) == ("public", world.segment_a1, None)
    report = problem.public_report
    assert (report.via, report.contact_name, report.contact_phone) == ("open311", "Li Lei", "13700002222")
    assert report.open311_client.name == "City app"
    assert Open311Client.objects.get().last_used_at is not None
    back = reader.read_requests(client.get(url("request", fmt, problem.pk)), fmt, service_codes=codes())
    assert back[0]["status"] == "open"


POST_ERRORS = [
    ({"api_key": None}, 400, "api_key"),
    ({"api_key": "wrong"}, 403, "api_key"),
    ({"service_code": "gossip"}, 400, "service_code"),
    ({"lat": None, "long": None}, 400, "lat"),
    ({"lat": "north"}, 400, "lat"),
    ({"lat": "0", "long": "0"}, 400, "lat"),  # outside the district
    ({"lat": "27.99"}, 400, "lat"),  # kilometres from any river
    ({"description": "x" * 2001}, 400, "description"),
    ({"phone": "call me"}, 400, "phone"),
    ({"email": "not-mail"}, 400, "email"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("change", "status", "field"), POST_ERRORS)
def test_a_bad_post_is_a_4xx_naming_the_field_and_saves_nothing(client, world, api_key, fmt, change, status, field):
    body = {"api_key": api_key, "service_code": "bank", "description": "Sand", **ON_A1, **change}
    response = client.post(url("requests", fmt), {key: value for key, value in body.items() if value is not None})
    assert response.status_code == status, response.content
    errors = reader.read_errors(response, fmt)
    assert errors[0]["description"].startswith(field)
    assert not Problem.objects.exists()
    assert not PublicReport.objects.exists()


def test_an_inactive_key_is_refused(client, world, api_key):
    Open311Client.objects.update(is_active=False)
    response = client.post(url("requests", "json"), {"api_key": api_key, "service_code": "bank", **ON_A1})
    assert response.status_code == 403
    assert not Problem.objects.exists()


def test_posts_are_limited_per_key(client, world, api_key, settings):
    settings.OPEN311_RATE_API_KEY = "1/h"
    body = {"api_key": api_key, "service_code": "bank", **ON_A1}
    assert client.post(url("requests", "json"), body).status_code == 201
    refused = client.post(url("requests", "json"), body)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    reader.read_errors(refused, "json")
    assert Problem.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-11-01T00:00:00"}, "start_date"),  # no zone
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-11-01T00:00:00Z", "end_date": "2026-10-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "gossip"}, "service_code"),
        ({"service_request_id": "12,abc"}, "service_request_id"),
        ({"service_request_id": ","}, "service_request_id"),
        ({"jurisdiction_id": "elsewhere"}, "jurisdiction_id"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_filter_is_a_4xx_naming_it(client, world, params, field, fmt):
    response = client.get(url("requests", fmt), params)
    assert 400 <= response.status_code < 500
    assert reader.read_errors(response, fmt)[0]["description"].startswith(field)


def test_unknown_resources_and_methods_answer_in_the_error_format(client, world):
    for path in ["/open311/v2/nothing.json", "/open311/v2/requests.csv", "/open311/v2/services/nope.json"]:
        response = client.get(path)
        assert response.status_code == 404, path
        reader.read_errors(response, "json")
    response = client.delete(url("requests", "json"))
    assert response.status_code == 405
    reader.read_errors(response, "json")


def test_the_admin_shows_a_new_key_once_and_keeps_its_digest(client, world):
    client.force_login(world.users.admin)
    response = client.post(
        reverse("admin:inspections_open311client_add"), {"name": "Partner", "is_active": "on"}, follow=True
    )
    message = next(str(m) for m in response.context["messages"])
    key = message.split(" is ", 1)[1].split(" ")[0]
    stored = Open311Client.objects.get(name="Partner")
    assert stored.key_digest != key
    assert key.startswith(stored.key_prefix)
    assert Open311Client.for_key(key) == stored


# A real client


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_open311_client_from_pypi_lists_posts_and_reads_back(live_server, world, api_key, fmt):
    from georeport import GeoReport

    endpoint = GeoReport(f"{live_server.url}/open311/v2/", output_format=fmt)
    services = endpoint.get_service_list()
    assert {service["service_code"] for service in services} == codes()
    definition = endpoint.get_service_definition("bank")
    assert definition["service_code"] == "bank"
    # georeport reads only; the POST goes through the same HTTP library it uses.
    posted = requests.post(
        f"{live_server.url}/open311/v2/requests.{fmt}",
        data={"api_key": api_key, "service_code": "bank", "description": "Sand piled", **ON_A1},
        timeout=10,
    )
    answer = reader.read_post_answer(posted, fmt)
    request_id = answer["service_request_id"]
    read_back = endpoint.get_service_request(request_id)
    assert read_back["service_request_id"] == request_id
    assert read_back["status"] == "open"
    assert read_back["service_code"] == "bank"
    listed = endpoint.get_service_requests(service_request_id=request_id)
    if fmt == "xml":
        listed = [listed] if isinstance(listed, dict) else listed
    assert [row["service_request_id"] for row in listed] == [request_id]
    if fmt == "json":
        # (georeport cannot read an empty XML list: xmltodict gives None for <service_requests/>.)
        assert endpoint.get_service_requests(status="closed") == []
