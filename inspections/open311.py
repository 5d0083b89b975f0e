"""Open311 GeoReport v2 at ``/open311/v2/``: discovery, services (our problem categories), service
definitions, and requests (GET a list with the spec's filters, GET one, POST with an ``api_key``), in
JSON and XML (the suffix of each resource), errors as the spec's ``[{code, description}]``.

What is published of a problem is its public fields (``Problem.objects.public()``): never its
description, which may hold a chief's internal notes or a reporter's personal details, so
``description`` says the category and the river. A state is ``open`` or ``closed`` as
``inspections.public.public_status`` says, with its note as ``status_notes``. A POST registers a public
report (``inspections.public.submit_public_report``) on the published segment nearest to ``lat``/``long``;
addresses are not geocoded, ``media_url`` is not fetched (no outside network; photos come through the
signboard page).
"""

import datetime
import json
import xml.etree.ElementTree as ET

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import Throttled

from inspections import abuse, public
from inspections.api.public import problem_categories
from inspections.models import Open311Client, Problem, PublicReport
from rivers.models import Segment
from wushui.geo import validate_geometry

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The spec's default window and its most.
DEFAULT_SPAN = MAX_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
DESCRIPTION_MAX = public.DESCRIPTION_MAX
# The element each list's items take in XML.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
}
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


class Open311Error(Exception):
    def __init__(self, status, description, headers=None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


def field_error(field, message):
    return Open311Error(400, f"{field}: {message}")


def w3c(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# Writing


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent, tag, value):
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _append(element, XML_ITEMS.get(tag, "item"), item)
    else:
        element.text = _text(value)


def to_xml(root, data):
    element = ET.Element(root)
    if isinstance(data, dict):
        for key, value in data.items():
            _append(element, key, value)
    else:
        for item in data:
            _append(element, XML_ITEMS[root], item)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt, root, data, status=200, headers=None):
    """JSON as the spec gives it (a list, or an object for discovery and definitions), or XML under
    ``root`` with each item as its element."""
    body = json.dumps(data, ensure_ascii=False) if fmt == "json" else to_xml(root, data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Reading


def check_jurisdiction(params):
    given = params.get("jurisdiction_id")
    if given and given != settings.OPEN311_JURISDICTION_ID:
        raise Open311Error(
            404, _("jurisdiction_id: this endpoint serves %(ours)s only.") % {"ours": settings.OPEN311_JURISDICTION_ID}
        )


def services():
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": str(_("Rivers")),
        }
        for code, label in problem_categories()
    ]


def service_labels():
    return {code: str(label) for code, label in problem_categories()}


def parse_moment(params, name):
    raw = params.get(name)
    if raw is None:
        return None
    moment = parse_datetime(raw)
    if moment is None or moment.tzinfo is None:
        raise field_error(name, _("give a W3C date and time with its zone, e.g. 2026-11-01T00:00:00Z."))
    return moment


def comma_list(params, name):
    raw = params.get(name)
    if raw is None:
        return None
    values = [value.strip() for value in raw.split(",") if value.strip()]
    if not values:
        raise field_error(name, _("give one or more values, comma-separated."))
    return values


def request_rows(params):
    """The requests the GET list's filters select, newest first, at most MAX_REQUESTS: public fields only."""
    rows = Problem.objects.public()
    ids = comma_list(params, "service_request_id")
    if ids is not None:
        if not all(value.isdigit() and len(value) < 19 for value in ids):
            raise field_error("service_request_id", _("ids are whole numbers."))
        return list(rows.filter(pk__in=[int(value) for value in ids]).order_by("-created_at", "-pk")[:MAX_REQUESTS])
    codes = comma_list(params, "service_code")
    if codes is not None:
        unknown = sorted(set(codes) - set(service_labels()))
        if unknown:
            raise field_error("service_code", _("unknown service codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        rows = rows.filter(category__in=codes)
    start, end = parse_moment(params, "start_date"), parse_moment(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - DEFAULT_SPAN
    if end is None:
        end = start + DEFAULT_SPAN
    if end < start:
        raise field_error("end_date", _("comes before start_date."))
    if end - start > MAX_SPAN:
        raise field_error("end_date", _("the range spans at most 90 days."))
    rows = rows.filter(created_at__gte=start, created_at__lte=end)
    statuses = comma_list(params, "status")
    if statuses is not None:
        if not set(statuses) <= {public.OPEN, public.CLOSED}:
            raise field_error("status", _("open or closed."))
        if set(statuses) == {public.OPEN}:
            rows = rows.filter(public.open_q())
        elif set(statuses) == {public.CLOSED}:
            rows = rows.exclude(public.open_q())
    return list(rows.order_by("-created_at", "-pk")[:MAX_REQUESTS])


def as_requests(rows):
    """The spec's fields for each problem row; the segments' public fields in one query."""
    segments = {
        segment["pk"]: segment
        for segment in Segment.objects.public().filter(pk__in={row["segment_id"] for row in rows})
    }
    labels = service_labels()
    result = []
    for row in rows:
        segment = segments[row["segment_id"]]
        status = public.public_status(row["status"])
        river = f"{segment['water_body__name']} · {segment['name']}"
        label = labels.get(row["category"], row["category"])
        location = row["location"]
        result.append(
            {
                "service_request_id": str(row["pk"]),
                "status": status.code,
                "status_notes": status.note,
                "service_name": label,
                "service_code": row["category"],
                "description": f"{label} · {river}",
                "agency_responsible": _("River chiefs of %(region)s") % {"region": segment["region__name"]},
                "service_notice": "",
                "requested_datetime": w3c(row["created_at"]),
                # The problem's last change; the workflow's timeline will say more than its registration.
                "updated_datetime": w3c(row["created_at"]),
                "expected_datetime": None,
                "address": river,
                "address_id": "",
                "zipcode": "",
                "lat": location.y if location else None,
                "long": location.x if location else None,
                "media_url": "",
            }
        )
    return result


# Posting

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,30}$")


def parse_post(params):
    """The POST's fields as ``submit_public_report`` takes them; a 400 naming the first bad field."""
    code = params.get("service_code", "")
    if code not in service_labels():
        raise field_error("service_code", _("give one of the codes of GET services."))
    try:
        lat, lon = float(params["lat"]), float(params["long"])
    except KeyError:
        raise field_error("lat", _("lat and long are required; addresses are not geocoded here.")) from None
    except ValueError:
        raise field_error("lat", _("lat and long are decimal degrees (WGS84).")) from None
    point = Point(lon, lat, srid=4326)
    error = validate_geometry(point)
    if error:
        raise field_error("lat", error)
    segment = public.nearest_segment(point)
    if segment is None:
        raise field_error(
            "lat", _("no river of the district lies within %(m)s m.") % {"m": public.MAX_DISTANCE_FROM_SEGMENT_M}
        )
    description = params.get("description", "").strip() or service_labels()[code]
    if len(description) > DESCRIPTION_MAX:
        raise field_error("description", _("at most %(max)s characters.") % {"max": DESCRIPTION_MAX})
    if "\x00" in description:
        raise field_error("description", _("no NUL characters."))
    name = " ".join(part for part in (params.get("first_name", ""), params.get("last_name", "")) if part).strip()
    if len(name) > 50:
        raise field_error("first_name", _("the name has at most 50 characters."))
    phone, email = params.get("phone", "").strip(), params.get("email", "").strip()
    try:
        if phone:
            phone_validator(phone)
    except ValidationError:
        raise field_error("phone", _("not a phone number.")) from None
    try:
        if email:
            EmailValidator()(email)
    except ValidationError:
        raise field_error("email", _("not an e-mail address.")) from None
    return {
        "segment": segment,
        "category": code,
        "description": description,
        "location": point,
        "contact_name": name,
        "contact_phone": phone,
        "contact_email": email[:100],
    }


def client_for(params):
    key = params.get("api_key")
    if not key:
        raise field_error("api_key", _("required to post a request; the river-chief office issues keys."))
    client = Open311Client.for_key(key)
    if client is None:
        raise Open311Error(403, _("api_key: not a valid key."))
    return client


# Views


@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    """Answers in the format of the resource's suffix; any refusal in the spec's error format."""

    root = ""

    def dispatch(self, request, *args, fmt, **kwargs):
        try:
            check_jurisdiction(request.GET if request.method == "GET" else request.POST)
            return super().dispatch(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return render(
                fmt, "errors", [{"code": error.status, "description": error.description}], error.status, error.headers
            )
        except Throttled as error:
            headers = {"Retry-After": str(int(error.wait or 60))}
            return render(fmt, "errors", [{"code": 429, "description": str(error.detail)}], 429, headers)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise Open311Error(405, _("%(method)s is not allowed here.") % {"method": request.method})


class DiscoveryView(Open311View):
    def get(self, request, fmt):
        base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
        return render(
            fmt,
            "discovery",
            {
                "changeset": w3c(timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)),
                "contact": _("River-chief office of the district; supervision hotline %(phone)s")
                % {"phone": settings.SUPERVISION_HOTLINE},
                "key_service": _("Keys are issued by the district river-chief office."),
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": "2026-11-01T00:00:00+08:00",
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            },
        )


class ServiceListView(Open311View):
    def get(self, request, fmt):
        return render(fmt, "services", services())


class ServiceDefinitionView(Open311View):
    def get(self, request, code, fmt):
        if code not in service_labels():
            raise Open311Error(404, _("service_code: no service %(code)s.") % {"code": code[:50]})
        # Our categories ask nothing beyond the standard fields.
        return render(fmt, "service_definition", {"service_code": code, "attributes": []})


class RequestListView(Open311View):
    def get(self, request, fmt):
        return render(fmt, "service_requests", as_requests(request_rows(request.GET)))

    def post(self, request, fmt):
        client = client_for(request.POST)
        abuse.check_open311_rate(request, client)
        fields = parse_post(request.POST)
        report, _created = public.submit_public_report(**fields, via=PublicReport.VIA_OPEN311, open311_client=client)
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        answer = [
            {
                "service_request_id": str(report.problem_id),
                "service_notice": str(_("Public reports are answered within 5 working days.")),
                "account_id": None,
            }
        ]
        return render(fmt, "service_requests", answer, status=201)


class RequestDetailView(Open311View):
    def get(self, request, request_id, fmt):
        rows = (
            Problem.objects.public().filter(pk=int(request_id)) if request_id.isdigit() and len(request_id) < 19 else []
        )
        found = list(rows)
        if not found:
            raise Open311Error(404, _("service_request_id: no request %(id)s.") % {"id": request_id[:30]})
        return render(fmt, "service_requests", as_requests(found))


class NotFoundView(Open311View):
    """Any other address under the endpoint: the spec's 404, in JSON."""

    def get(self, request, fmt, **kwargs):
        raise Open311Error(404, _("No such Open311 resource."))

    post = get
