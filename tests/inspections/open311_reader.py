"""A strict reader of GeoReport v2 answers: every field the specification names must be there, of its
type and in its format, in JSON and in XML alike (XML read with defusedxml). It fails loudly, naming
what is wrong, where a lenient client would shrug."""

import datetime
import json
import re

from defusedxml import ElementTree

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class NotGeoReport(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise NotGeoReport(message)


def moment(value, name, *, nullable):
    if value in (None, "") and nullable:
        return None
    check(isinstance(value, str) and W3C.match(value), f"{name}={value!r} is no W3C date-time with a zone")
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def body_of(response, fmt):
    content_type = response.headers["Content-Type"]
    check(content_type == CONTENT_TYPES[fmt], f"Content-Type {content_type!r}")
    content = response.content
    if fmt == "json":
        return json.loads(content.decode("utf-8"))
    check(
        content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
        or content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'),
        "no XML declaration with UTF-8",
    )
    return ElementTree.fromstring(content)


def xml_items(root, root_tag, item_tag):
    check(root.tag == root_tag, f"root <{root.tag}>, expected <{root_tag}>")
    items = list(root)
    check(all(item.tag == item_tag for item in items), f"<{root_tag}> holds only <{item_tag}>")
    return [{child.tag: (child.text or "") for child in item} for item in items]


def read_services(response, fmt):
    data = body_of(response, fmt)
    services = data if fmt == "json" else xml_items(data, "services", "service")
    check(isinstance(services, list) and services, "services: a non-empty list")
    for service in services:
        missing = [name for name in SERVICE_FIELDS if name not in service]
        check(not missing, f"service lacks {missing}")
        check(service["service_code"], "service_code is empty")
        check(service["type"] in SERVICE_TYPES, f"type {service['type']!r}")
        metadata = service["metadata"]
        check(metadata in (True, False) if fmt == "json" else metadata in ("true", "false"), f"metadata {metadata!r}")
    return services


def read_definition(response, fmt, code):
    data = body_of(response, fmt)
    if fmt == "json":
        check(set(data) >= {"service_code", "attributes"}, f"definition fields {sorted(data)}")
        check(isinstance(data["attributes"], list), "attributes: a list")
        check(data["service_code"] == code, "service_code echoed")
        return data
    check(data.tag == "service_definition", f"root <{data.tag}>")
    check(data.findtext("service_code") == code, "service_code echoed")
    check(data.find("attributes") is not None, "<attributes> present")
    return {"service_code": code, "attributes": list(data.find("attributes"))}


def read_requests(response, fmt, *, service_codes):
    data = body_of(response, fmt)
    requests = data if fmt == "json" else xml_items(data, "service_requests", "request")
    check(isinstance(requests, list), "requests: a list")
    for request in requests:
        missing = [name for name in REQUEST_FIELDS if name not in request]
        check(not missing, f"request lacks {missing}")
        check(isinstance(request["service_request_id"], str) and request["service_request_id"], "service_request_id")
        check(request["status"] in ("open", "closed"), f"status {request['status']!r}")
        check(request["service_code"] in service_codes, f"service_code {request['service_code']!r} is no service")
        for text in ("status_notes", "service_name", "description", "agency_responsible", "address", "media_url"):
            check(isinstance(request[text], str), f"{text} is text")
        requested = moment(request["requested_datetime"], "requested_datetime", nullable=False)
        updated = moment(request["updated_datetime"], "updated_datetime", nullable=True)
        moment(request["expected_datetime"], "expected_datetime", nullable=True)
        check(updated is None or updated >= requested, "updated before requested")
        lat, lon = request["lat"], request["long"]
        if fmt == "xml":
            lat, lon = (float(lat) if lat else None), (float(lon) if lon else None)
        check((lat is None) == (lon is None), "lat and long go together")
        if lat is not None:
            check(isinstance(lat, float) and -90 <= lat <= 90, f"lat {lat!r}")
            check(isinstance(lon, float) and -180 <= lon <= 180, f"long {lon!r}")
        check(request["media_url"] == "" or request["media_url"].startswith("http"), "media_url is a URL")
    return requests


def read_post_answer(response, fmt):
    check(response.status_code in (200, 201), f"POST answered {response.status_code}")
    data = body_of(response, fmt)
    answers = data if fmt == "json" else xml_items(data, "service_requests", "request")
    check(len(answers) == 1, "one request in the answer")
    answer = answers[0]
    check(answer.get("service_request_id") or answer.get("token"), "a service_request_id or a token")
    check("service_notice" in answer and "account_id" in answer, "service_notice and account_id present")
    return answer


def read_errors(response, fmt):
    data = body_of(response, fmt)
    errors = data if fmt == "json" else xml_items(data, "errors", "error")
    check(isinstance(errors, list) and errors, "errors: a non-empty list")
    for error in errors:
        check(set(error) == {"code", "description"}, f"error fields {sorted(error)}")
        check(int(error["code"]) == response.status_code, f"code {error['code']} vs HTTP {response.status_code}")
        check(error["description"], "an error says what is wrong")
    return errors
