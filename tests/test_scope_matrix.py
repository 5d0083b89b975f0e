"""Every route of the project, walked by every persona and anonymously, with every method.

The routes are read from the URL resolver (pages, the API's router routes with their format suffixes and
custom actions, the admin, private files, the schema and its docs), so a route is covered the day it is
added. Its URL arguments are filled from ``ROUTE_ROWS`` (route name → the model whose rows fill it); the
admin's model routes are filled from the model their ``ModelAdmin`` serves, ``format`` with each format
the view renders, and a route the generator cannot fill fails with what to add.

For each persona the rows are: one in their view scope but not their change scope, one in their change
scope, one of another street (or another user's, for jobs), an id that does not exist and ``abc`` where
the route's converter lets it through. Every method is sent, to each of them where it can tell something
the others do not (``worth_sending``), and:

- nothing answers 5xx;
- a row outside the view scope answers exactly like the missing id (status and body, the id aside);
- a missing id answers 404 to every accepted method but OPTIONS (the admin redirects instead);
- in view scope, a write outside the change scope answers 403, one inside it is not refused;
- an anonymous visitor is sent to sign in (pages) or gets 401 (API), unless the route is ``PUBLIC``: a
  public route's rows are everybody's, a published row answers a read 200 and a missing id 404;
- a method the view does not accept answers 405;
- no answer (HTML pages and forms, the browsable API with ``Accept: text/html``, JSON) names another
  street's rows: their names, codes, phones, links, or ids in JSON keys and form choices (but for the
  public pages of ``PUBLISHING``, which show every street's public fields by design).

One module-wide set of rows, rolled back at the end; each request runs in a savepoint that is rolled back
too, so a DELETE or a sign-out never changes what the next request sees.
"""

import datetime
import io
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import LineString, Point
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import _PATH_PARAMETER_COMPONENT_RE, RoutePattern
from django.utils import timezone
from django.utils.regex_helper import normalize
from PIL import Image
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.views import APIView

from inspections import problems, public, workflow
from inspections.choices import ProblemCategory, ProblemSource
from inspections.models import (
    Finding,
    Open311Client,
    Patrol,
    PatrolFrequency,
    PatrolPhoto,
    PatrolRuleSet,
    Problem,
    ProblemDeadlineRule,
    ProblemPhoto,
    PublicPhoto,
    PublicReport,
)
from projects import services as project_services
from projects.models import (
    AnnualPlan,
    Enterprise,
    EnterpriseInspection,
    ProgressReport,
    ProgressRules,
    Project,
    ReportPhoto,
    ResponsibilityLetter,
    ResponsibilityTask,
    TaskUpdate,
)
from rivers.choices import DeadlineSubject, SampleSource, ThreeRiversKind
from rivers.jobs import REGISTRY_EXPORT
from rivers.models import (
    Alert,
    CampaignDeadline,
    ChiefAppointment,
    Outlet,
    Sample,
    SampleImport,
    Segment,
    Signboard,
    Station,
    ThreeRiversRecord,
    WaterBody,
)
from rivers.samples import new_sample, store_samples
from tests.conftest import build_world
from tests.factories import (
    AnnualPlanFactory,
    AppointmentFactory,
    OutletFactory,
    PatrolFactory,
    ProjectFactory,
    SegmentFactory,
    StationFactory,
    UnitFactory,
    UserFactory,
    WaterBodyFactory,
)
from wushui.choices import JobStatus, Role, Tier, UnitKind
from wushui.models import Job, Region, Unit, User
from wushui.scoping import CHANGE, VIEW

# Every test here reads the module's rows (and so the database is set up even for a -k selection).
pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "official", "department", "chief_district", "street_a", "street_b", "chief_a1")
ANONYMOUS = "anonymous"
# The street whose rows a persona sees; the others see the whole district.
STREET_OF = {"street_a": "A", "chief_a1": "A", "street_b": "B"}
OTHER_STREET = {"A": "B", "B": "A"}

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
MISSING_ID = 987654
MALFORMED_ID = "abc"


# -- Per-route knowledge: the one table to extend with a new route that takes arguments ---------------


@dataclass(frozen=True)
class Rows:
    """Fill the route's ``kwarg`` with ``model``'s rows: their ``attr`` (the id, or a code the route takes
    instead). ``fixed`` names arguments that name no row (a value, a callable giving it, or a tuple of
    values to try each), ``also`` arguments read from the row (a callable of the row: a row's photo
    under its report's code). ``action`` is the change scope a write needs (a problem's transition);
    ``reads`` the scope a read needs: CHANGE for a page that is the form changing the row (a row in view
    scope only answers it 403, as it does a write)."""

    model: type
    kwarg: str = "pk"
    fixed: dict = field(default_factory=dict)
    attr: str = "pk"
    also: dict = field(default_factory=dict)
    action: str = CHANGE
    reads: str = VIEW

    def value(self, row):
        return getattr(row, self.attr)


@dataclass(frozen=True)
class Fixed:
    """A route whose arguments name no row: filled with these values (a tuple: each in turn)."""

    values: dict


def variants(values):
    """Each combination of ``values``: a callable gives its value, a tuple each of its values in turn."""
    names = list(values)
    choices = [
        value if isinstance(value, tuple) else (value() if callable(value) else value,) for value in values.values()
    ]
    return [dict(zip(names, combination, strict=True)) for combination in itertools.product(*choices)]


def reported_month(project):
    report = project.reports.order_by("month").first()
    return report.month.strftime("%Y-%m") if report else "2022-01"


def segment_content_type():
    return ContentType.objects.get_for_model(Segment).pk


def latest_history_id(outlet):
    return outlet.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()


OPEN311_FORMATS = ("json", "xml")

ROUTE_ROWS = {
    "region_detail": Rows(Region),
    "unit_detail": Rows(Unit),
    "rivers:waterbody_detail": Rows(WaterBody),
    "rivers:segment_detail": Rows(Segment),
    "rivers:signboard_detail": Rows(Signboard),
    "rivers:signboard_print": Rows(Signboard),
    "rivers:signboard_qr": Rows(Signboard, fixed={"kind": ("png", "svg")}),
    "rivers:station_detail": Rows(Station),
    "rivers:sample_import_detail": Rows(SampleImport),
    "rivers:outlet_detail": Rows(Outlet),
    "rivers:outlet_update": Rows(Outlet, reads=CHANGE),
    "rivers:outlet_card": Rows(Outlet),
    "rivers:outlet_sign_photo": Rows(Outlet),
    "inspections:patrol_detail": Rows(Patrol),
    "inspections:patrol_photo": Rows(PatrolPhoto),
    "inspections:publicreport_detail": Rows(PublicReport),
    "inspections:public_photo": Rows(PublicPhoto),
    "projects:project_detail": Rows(Project),
    "projects:report_create": Rows(Project, reads=CHANGE),
    # Correcting a month's report: a change form, as filing one is.
    "projects:report_correct": Rows(ProgressReport, reads=CHANGE),
    # The API's correction names the project and a month it reported (else a month never reported).
    "project-report-correction": Rows(Project, also={"month": lambda project: reported_month(project)}),
    "projects:milestone_update": Rows(Project),
    "projects:report_photo": Rows(ReportPhoto),
    "projects:task_detail": Rows(ResponsibilityTask),
    "projects:task_evidence": Rows(TaskUpdate),
    "projects:enterprise_detail": Rows(Enterprise),
    "problems:problem_detail": Rows(Problem),
    # The page posts one transition: its own change scope (restrict(user, "assign")) answers.
    "problems:problem_transition": Rows(Problem, fixed={"transition": "assign"}, action="assign"),
    "problems:problem_photo": Rows(ProblemPhoto),
    "public:problem": Rows(Problem),
    "public:report_status": Rows(PublicReport, "code", attr="tracking_code"),
    "public:report_photo": Rows(PublicPhoto, also={"code": lambda photo: photo.report.tracking_code}),
    "public:report_photos": Rows(PublicReport, "tracking_code", attr="tracking_code"),
    "public:segment": Rows(Signboard, "code", attr="public_code"),
    "open311:discovery": Fixed({"fmt": OPEN311_FORMATS}),
    "open311:services": Fixed({"fmt": OPEN311_FORMATS}),
    "open311:service": Fixed({"code": (ProblemCategory.BANK, "no-such-service"), "fmt": OPEN311_FORMATS}),
    "open311:requests": Fixed({"fmt": OPEN311_FORMATS}),
    "open311:request": Rows(Problem, "request_id", fixed={"fmt": OPEN311_FORMATS}),
    "job_detail": Rows(Job),
    "job_download": Rows(Job),
    "region-detail": Rows(Region),
    "unit-detail": Rows(Unit),
    "waterbody-detail": Rows(WaterBody),
    "segment-detail": Rows(Segment),
    "chiefappointment-detail": Rows(ChiefAppointment),
    "station-detail": Rows(Station),
    "sample-detail": Rows(Sample),
    "alert-detail": Rows(Alert),
    "outlet-detail": Rows(Outlet),
    "threeriversrecord-detail": Rows(ThreeRiversRecord),
    "patrol-detail": Rows(Patrol),
    # Adding a photo changes its patrol: the patrol's scope answers.
    "patrol-photos": Rows(Patrol),
    "problem-detail": Rows(Problem),
    # Each transition's action answers with the transition's own change scope (restrict(user, name)).
    **{f"problem-{name.replace('_', '-')}": Rows(Problem, action=name) for name in workflow.TRANSITIONS},
    "project-detail": Rows(Project),
    # A report, a task's update, an enterprise's check change their project, task, enterprise.
    "project-reports": Rows(Project),
    "responsibilitytask-detail": Rows(ResponsibilityTask),
    "responsibilitytask-updates": Rows(ResponsibilityTask),
    "enterprise-detail": Rows(Enterprise),
    "enterprise-inspections": Rows(Enterprise),
    "admin:view_on_site": Rows(Segment, "object_id", fixed={"content_type_id": segment_content_type}),
    "admin:app_list": Fixed({"app_label": "rivers"}),
    "admin/<url>": Fixed({"url": "nothing-here/"}),
    # simple-history's view of one past version of an outlet.
    "admin:rivers_outlet_simple_history": Rows(Outlet, "_0", also={"_1": latest_history_id}),
}

# Routes an anonymous visitor may use, and why. Their rows are everybody's (scope does not decide): a
# missing id must still answer 404, a method they do not take 405, and nothing 5xx.
PUBLIC = {
    "favicon": "the browser's icon request, answered with no content",
    "login": "the sign-in page",
    "logout": "signing out",
    "set_language": "the language switch of the sign-in page",
    "inspections:recorder_service_worker": "code only, the same for everybody",
    "api_token": "exchanging a password for a token",
    "api_schema": "the API's description",
    "api_docs": "the API's description",
    "api_redoc": "the API's description",
    "admin:login": "the admin's sign-in page",
    "public:segment": "what a signboard's QR code opens",
    "public:problem": "a problem anyone may follow",
    "public:nearby": "open problems near a point, before one reports",
    "public:track": "typing a tracking code",
    "public:report_status": "the reporter's page, keyed by its tracking code",
    "public:report_photo": "a photo of one's own report, by its tracking code",
    "public:report_create": "reporting a problem from a signboard's page",
    "public:report_photos": "adding photos to one's report, by its tracking code",
    "open311:discovery": "Open311: anyone reads, a client posts with its api_key",
    "open311:services": "Open311: anyone reads, a client posts with its api_key",
    "open311:service": "Open311: anyone reads, a client posts with its api_key",
    "open311:requests": "Open311: anyone reads, a client posts with its api_key",
    "open311:request": "Open311: anyone reads, a client posts with its api_key",
    "open311:not_found": "Open311: its own 404",
    "station-push": "a station pushing samples, with its push token",
    "hj212": "an automatic station's HJ 212 packets, with its MN and password",
}

# Public API routes that authenticate by credentials of their own, which DRF asks for before it looks at
# the method: anyone without them is told 401, whatever the method.
TOKEN_ROUTES = {"station-push": "a station's push token (Authorization: Station ...)"}

# Public routes that show the public fields (PUBLIC_FIELDS, ``public()``) of every street's rows to anyone,
# by design: the leak check does not apply to them (tests/inspections/test_public_querysets.py and
# tests/rivers/test_public.py hold what they may show).
PUBLISHING = {
    "public:segment",
    "public:problem",
    "public:nearby",
    "public:report_status",
    "public:report_photo",
    "open311:requests",
    "open311:request",
}


# -- The routes, from the resolver --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # as ``ResolverMatch.route`` gives it
    name: str | None
    patterns: tuple  # the pattern of each level, outermost first
    callback: object

    @property
    def label(self):
        return self.name or self.display

    @property
    def display(self):
        return "".join(
            str(pattern)
            if isinstance(pattern, RoutePattern)
            else _template(pattern, {n: f"<{n}>" for n in _names(pattern)})
            for pattern in self.patterns
        )

    @property
    def kwargs(self):
        return {name for pattern in self.patterns for name in _names(pattern)}

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_api(self):
        return isinstance(self.view_class, type) and issubclass(self.view_class, APIView)

    @property
    def is_admin(self):
        return self.route.startswith("admin/")

    def accepted_methods(self):
        """The methods the view answers, or None for a function view (which may answer any)."""
        actions = getattr(self.callback, "actions", None)
        if actions is not None:
            methods = {method.upper() for method in actions} | {"OPTIONS"}
            return methods | {"HEAD"} if "GET" in methods else methods
        view_class = self.view_class
        if view_class is None:
            return None
        methods = {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)}
        # Django's View answers HEAD with GET when it has no head().
        return methods | {"HEAD"} if "GET" in methods and "head" in view_class.http_method_names else methods

    def formats(self):
        """The format suffixes the view renders (DRF)."""
        return sorted({renderer.format for renderer in self.view_class.renderer_classes})

    def accepts(self, method):
        """The Accept headers to send: the browsable API too, where the view renders HTML and no format
        suffix has already chosen the renderer."""
        if not self.is_api or method != "GET" or "format" in self.kwargs:
            return [None]
        renders_html = any(renderer.media_type == "text/html" for renderer in self.view_class.renderer_classes)
        return [None, "text/html"] if renders_html else [None]

    def path(self, values):
        return "/" + "".join(_template(pattern, values) for pattern in self.patterns)


def _names(pattern):
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    # Unnamed groups (a few third-party admin routes) are filled in order as _0, _1, ...
    return list(pattern.regex.groupindex) or [f"_{i}" for i in range(pattern.regex.groups)]


def _template(pattern, values):
    if isinstance(pattern, RoutePattern):
        return _PATH_PARAMETER_COMPONENT_RE.sub(
            lambda match: str(pattern.converters[match["parameter"]].to_url(values[match["parameter"]])), str(pattern)
        )
    names = set(_names(pattern))
    for template, params in normalize(pattern.regex.pattern):
        if set(params) == names:
            return template % {name: str(values[name]) for name in names}
    raise AssertionError(f"Cannot fill the pattern {pattern.regex.pattern!r}")


def _walk(resolver, patterns=(), route=""):
    for entry in resolver.url_patterns:
        joined = URLResolver._join_route(route, str(entry.pattern))
        if isinstance(entry, URLResolver):
            namespace = (entry.namespace,) if entry.namespace else ()
            for found in _walk(entry, (*patterns, entry.pattern), joined):
                yield found if not namespace else (found[0], found[1], found[2], namespace + found[3])
        else:
            yield joined, (*patterns, entry.pattern), entry, ()


def collect_routes():
    routes = []
    for route, patterns, entry, namespaces in _walk(get_resolver()):
        name = ":".join((*namespaces, entry.name)) if entry.name else None
        routes.append(Route(route, name, patterns, entry.callback))
    return routes


ROUTES = collect_routes()


def _model_admin(callback):
    """The ModelAdmin a view of the admin belongs to, following its wrappers."""
    while callback is not None:
        owner = getattr(callback, "model_admin", None) or getattr(callback, "__self__", None)
        if isinstance(owner, admin.ModelAdmin):
            return owner
        callback = getattr(callback, "__wrapped__", None)
    return None


def rows_for(route):
    """How to fill ``route``'s arguments, or a message telling the developer what to add."""
    kwargs = route.kwargs - {"format"}
    if not kwargs:
        return None, None
    spec = ROUTE_ROWS.get(route.label)
    if spec is None and route.is_admin and len(kwargs) == 1:
        model_admin = _model_admin(route.callback)
        pattern_name = getattr(route.callback, "view_initkwargs", {}).get("pattern_name")
        if model_admin is None and pattern_name:
            # The admin's old-style object URL redirects to the change page of the same row.
            target = next(other for other in ROUTES if other.name == f"admin:{pattern_name}")
            model_admin = _model_admin(target.callback)
        if model_admin is not None:
            spec = Rows(model_admin.model, kwarg=next(iter(kwargs)))
    if spec is None:
        return None, (
            f"The route {route.display!r} (name {route.name!r}) takes {sorted(kwargs)}, which the scope matrix "
            f"cannot fill: add {route.label!r} to ROUTE_ROWS in tests/test_scope_matrix.py with the model whose "
            f"rows its id names (Rows(Model)), or Fixed({{...}}) when its arguments name no row."
        )
    named = {spec.kwarg, *spec.fixed, *spec.also} if isinstance(spec, Rows) else set(spec.values)
    if named != kwargs:
        return None, f"ROUTE_ROWS[{route.label!r}] fills {sorted(named)} but the route takes {sorted(kwargs)}."
    return spec, None


# -- The rows: the world of conftest, and for each street its own rows of every kind ----------------------


def jpeg(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def build_matrix():
    world = build_world()
    users = world.users
    street_chief_a = UserFactory(
        username="street_chief_a", name="Street Chief A", role=Role.CHIEF, region=world.street_a, phone="13900000111"
    )
    chief_b1 = UserFactory(
        username="chief_b1", name="Chief B1", role=Role.CHIEF, region=world.village_b1, phone="13900000211"
    )
    former_b = UserFactory(username="former_b", name="Former Chief B", role=Role.CHIEF, region=world.village_b1)
    a_brook = WaterBodyFactory(name="A Brook", code="T-ABROOK")
    segment_a_brook = SegmentFactory(
        water_body=a_brook,
        region=world.street_a,
        code="T-ABROOK-1",
        name="A brook reach",
        geometry=LineString((120.72, 27.98), (120.74, 28.00), srid=4326),
    )
    street_a_office = UnitFactory(
        name="Street A office", kind=UnitKind.STREET_OFFICE, region=world.street_a, phone="0577-86000101"
    )
    world.street_b_office.phone = "0577-86000201"
    world.street_b_office.save()
    appointments = SimpleNamespace(
        street_a_brook=AppointmentFactory(
            chief=street_chief_a,
            segment=segment_a_brook,
            tier=Tier.STREET,
            post="A brook street secretary",
            public_phone="13900000112",
        ),
        village_b1=AppointmentFactory(
            chief=chief_b1,
            segment=world.segment_b1,
            tier=Tier.VILLAGE,
            post="B1 village head",
            public_phone="13900000212",
        ),
        former_b1=AppointmentFactory(
            chief=former_b,
            segment=world.segment_b1,
            tier=Tier.VILLAGE,
            post="B1 former head",
            public_phone="13900000213",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2024, 12, 31),
        ),
    )

    def patrol_with_evidence(chief, segment, tier, note, colour):
        patrol = PatrolFactory(chief=chief, segment=segment, tier=tier)
        problem = Problem.objects.create(
            segment=segment, category="bank", description=f"{note} problem", source=ProblemSource.PATROL
        )
        finding = Finding.objects.create(
            patrol=patrol, category="bank", note=note, problem=problem, location=Point(*segment.geometry[0], srid=4326)
        )
        photo = PatrolPhoto.objects.create(
            patrol=patrol, finding=finding, image=ContentFile(jpeg(colour), name="photo.jpg"), client_key=note
        )
        return patrol, finding, problem, photo

    patrol_a1, finding_a1, problem_a1, photo_a1 = patrol_with_evidence(
        users.chief_a1, world.segment_a1, Tier.VILLAGE, "A1 litter note", "green"
    )
    # On the same segment by another chief: chief A1 sees it but may not add to it.
    patrol_a1_district, *_ = patrol_with_evidence(
        users.chief_district, world.segment_a1, Tier.DISTRICT, "A1 district note", "blue"
    )
    patrol_b1, finding_b1, problem_b1, photo_b1 = patrol_with_evidence(
        chief_b1, world.segment_b1, Tier.VILLAGE, "B1 litter note", "red"
    )

    def finished_job(user, download_name):
        job = Job.objects.create(kind=REGISTRY_EXPORT, requested_by=user, status=JobStatus.COMPLETED, progress=100)
        job.file.save("export.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"), save=False)
        job.download_name = download_name
        job.save()
        return job

    jobs = SimpleNamespace(
        street_a=finished_job(users.street_a, "registry-street-a-export.xlsx"),
        chief_a1=finished_job(users.chief_a1, "registry-chief-a1-export.xlsx"),
        street_b=finished_job(users.street_b, "registry-street-b-export.xlsx"),
    )
    Token.objects.create(user=users.chief_a1)
    Token.objects.create(user=chief_b1)
    PatrolRuleSet.objects.create()
    PatrolFrequency.objects.create(tier=Tier.VILLAGE, period="week", count=2)
    AccessAttempt.objects.create(username="intruder", ip_address="127.0.0.2", failures_since_start=3)
    AccessLog.objects.create(username="street_b", ip_address="127.0.0.3")
    AccessFailureLog.objects.create(username="intruder", ip_address="127.0.0.2", locked_out=False)
    Group.objects.create(name="Inspectors")

    domain_rows = build_domain_rows(world, users, chief_b1, street_a_office, a_brook)

    # model -> [(row, street or None)]: the rows that fill routes, and whose texts and ids a persona of
    # the other street must never meet.
    rows = {
        Region: [
            (world.district, None),
            (world.street_a, "A"),
            (world.village_a1, "A"),
            (world.street_b, "B"),
            (world.village_b1, "B"),
        ],
        Unit: [(world.env_unit, None), (street_a_office, "A"), (world.street_b_office, "B")],
        WaterBody: [(world.river, None), (a_brook, "A"), (world.river_b_only, "B")],
        Segment: [
            (world.segment_a1, "A"),
            (segment_a_brook, "A"),
            (world.segment_b1, "B"),
            (world.segment_b_creek, "B"),
        ],
        ChiefAppointment: [
            (world.appointments.village_a1, "A"),
            (world.appointments.district_a1, "A"),
            (appointments.street_a_brook, "A"),
            (world.appointments.district_b1, "B"),
            (appointments.village_b1, "B"),
            (appointments.former_b1, "B"),
        ],
        Patrol: [(patrol_a1, "A"), (patrol_a1_district, "A"), (patrol_b1, "B")],
        PatrolPhoto: [(photo_a1, "A"), (photo_b1, "B")],
        Finding: [(finding_a1, "A"), (finding_b1, "B")],
        Problem: [(problem_a1, "A"), (problem_b1, "B")],
        Job: [(jobs.street_a, "A"), (jobs.chief_a1, "A"), (jobs.street_b, "B")],
        User: [
            *((getattr(users, name), None) for name in ("admin", "official", "department", "chief_district")),
            (users.street_a, "A"),
            (users.chief_a1, "A"),
            (street_chief_a, "A"),
            (users.street_b, "B"),
            (chief_b1, "B"),
            (former_b, "B"),
        ],
        TokenProxy: [(TokenProxy.objects.get(user=chief_b1), "B")],
        PatrolRuleSet: [(PatrolRuleSet.objects.get(), None)],
        PatrolFrequency: [(PatrolFrequency.objects.get(), None)],
        AccessAttempt: [(AccessAttempt.objects.get(), None)],
        AccessLog: [(AccessLog.objects.get(), None)],
        AccessFailureLog: [(AccessFailureLog.objects.get(), None)],
        Group: [(Group.objects.get(), None)],
    }
    for model, entries in domain_rows.items():
        rows[model] = rows.get(model, []) + entries
    return SimpleNamespace(world=world, users=users, rows=rows)


def uploaded_jpeg(name, colour):
    return SimpleUploadedFile(name, jpeg(colour), content_type="image/jpeg")


def build_domain_rows(world, users, chief_b1, street_a_office, a_brook):
    """For each domain's model a route names: a row of street A and one of street B (and the district's
    where the model has them), each with texts of its own, made as the product makes them."""
    admin_user = users.admin
    segment_a, segment_b = world.segment_a1, world.segment_b1
    a_point, b_point = (segment.geometry.interpolate_normalized(0.5) for segment in (segment_a, segment_b))

    # Signboards, water quality, outlets, 清三河
    boards = [Signboard.for_segment(segment.pk) for segment in (segment_a, segment_b)]
    for board in boards:
        board.save()
    station_a = StationFactory(
        code="T-ST-MA1", name="A1 bridge station", segment=segment_a, responsible_chief=users.chief_a1
    )
    station_b = StationFactory(code="T-ST-MB1", name="B1 mill station", segment=segment_b, responsible_chief=chief_b1)
    sampled = timezone.now() - datetime.timedelta(days=2)
    # Ammonia of class V against a target of IV: a bad sample, which raises an alert.
    samples = [
        new_sample(station, sampled, SampleSource.LAB, values={"nh3n": 1.8}) for station in (station_a, station_b)
    ]
    store_samples(samples)
    sample_a, sample_b = (Sample.objects.get(station=station) for station in (station_a, station_b))
    alert_a, alert_b = (Alert.objects.get(station=station) for station in (station_a, station_b))
    sample_import = SampleImport(requested_by=users.department, original_name="lab-results-march.csv", rows=1)
    sample_import.file.save("samples.csv", ContentFile(b"station,sampled_at\n"), save=False)
    sample_import.status = "imported"
    sample_import.save()
    deadline = CampaignDeadline.objects.create(
        year=2026, subject=DeadlineSubject.ILLEGAL_OUTLETS, due=datetime.date(2026, 5, 31), description="Outlets"
    )
    outlet_a = OutletFactory(
        sign_installed=True,
        sign_photo=ContentFile(jpeg("olive"), name="sign.jpg"),
        local_code="LW-PK-MA1",
        name="A1 dye works outlet",
        segment=segment_a,
        responsible_entity="A1 Dyeing Co",
        contact_name="Contact Wu A",
        contact_phone="13900000131",
    )
    outlet_b = OutletFactory(
        sign_installed=True,
        sign_photo=ContentFile(jpeg("maroon"), name="sign.jpg"),
        local_code="LW-PK-MB1",
        name="B1 tannery outlet",
        segment=segment_b,
        responsible_entity="B1 Tannery Co",
        contact_name="Contact Lin B",
        contact_phone="13900000231",
    )
    three_rivers_a = ThreeRiversRecord.objects.create(
        water_body=a_brook, kind=ThreeRiversKind.BLACK, identified_on=datetime.date(2025, 6, 1), note="A brook black"
    )
    three_rivers_b = ThreeRiversRecord.objects.create(
        water_body=world.river_b_only,
        kind=ThreeRiversKind.SMELLY,
        identified_on=datetime.date(2025, 6, 2),
        note="B creek smell",
    )

    # Problems through the workflow: registered with a photo, and one of each street assigned to its chief.
    def registered(segment, reporter, text, colour):
        return problems.register_problem(
            source=ProblemSource.SUPERVISION,
            segment=segment,
            category=ProblemCategory.DUMPING,
            description=text,
            location=segment.geometry.interpolate_normalized(0.3),
            reported_by=reporter,
            photos=[uploaded_jpeg("before.jpg", colour)],
        )

    problem_a = registered(segment_a, users.street_a, "A1 rubble heap", "yellow")
    problem_b = registered(segment_b, users.street_b, "B1 rubble heap", "purple")
    assigned_a = problems.assign(
        registered(segment_a, users.street_a, "A1 oil sheen", "white"),
        users.chief_district,
        assignee_chief=users.chief_a1,
    )
    assigned_b = problems.assign(
        registered(segment_b, users.street_b, "B1 oil sheen", "black"), users.chief_district, assignee_chief=chief_b1
    )

    # Reports from the public, with a photo each; an Open311 client's key.
    def reported(segment, point, text, name, phone, colour):
        report, _created = public.submit_public_report(
            segment=segment,
            category=ProblemCategory.BANK,
            description=text,
            location=point,
            contact_name=name,
            contact_phone=phone,
        )
        photo, _created = public.add_public_photo(report, image=uploaded_jpeg("report.jpg", colour))
        return report, photo

    report_a, public_photo_a = reported(
        segment_a, a_point, "A1 foam on the water", "Reporter Zhao A", "13900000141", "cyan"
    )
    report_b, public_photo_b = reported(
        segment_b, b_point, "B1 foam on the water", "Reporter Qian B", "13900000241", "grey"
    )
    client = Open311Client(name="City hotline app")
    client.issue_key()
    client.save()
    deadline_rule = ProblemDeadlineRule.objects.create(source=ProblemSource.PUBLIC, response_days=5)

    # Five-waters work: a project, a task and an enterprise of each street, with their reports.
    def project(code, name, street, notes, colour):
        row = ProjectFactory(code=code, name=name, start_year=2022, end_year=2023)
        row.streets.set([street])
        AnnualPlanFactory(project=row, year=2022)
        report = project_services.file_report(
            admin_user,
            row,
            project_services.ReportInput(
                month=datetime.date(2022, 5, 1),
                investment=Decimal(100),
                notes=notes,
                photos=[uploaded_jpeg("works.jpg", colour)],
            ),
        )
        project_services.set_milestone(row, "start", planned_date=datetime.date(2022, 3, 1))
        return row, report

    project_a, progress_a = project("P-MA1", "A brook culvert works", world.street_a, "A culvert poured", "orange")
    project_b, progress_b = project("P-MB1", "B creek weir works", world.street_b, "B weir piled", "navy")

    def task(office, street, text, note):
        letter = ResponsibilityLetter.objects.create(year=2022, unit=office, signed_on=datetime.date(2022, 2, 20))
        row = ResponsibilityTask.objects.create(
            letter=letter,
            description=text,
            target_quantity=10,
            target_unit="wan_m3",
            deadline=datetime.date(2022, 6, 15),
            responsible_unit=office,
            region=street,
        )
        update = project_services.add_task_update(
            admin_user,
            row,
            reported_on=datetime.date(2022, 5, 1),
            note=note,
            quantity=Decimal(4),
            evidence=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        )
        return letter, row, update

    letter_a, task_a, update_a = task(
        street_a_office, world.street_a, "Dredge the A brook mouth", "A mouth half dredged"
    )
    letter_b, task_b, update_b = task(
        world.street_b_office, world.street_b, "Dredge the B creek bend", "B bend half dredged"
    )

    def enterprise(name, street, notes):
        row = Enterprise.objects.create(
            name=name, industry="metal_surface", street=street, plan="in_place", deadline=datetime.date(2022, 6, 30)
        )
        project_services.record_inspection(
            admin_user, row, inspected_on=datetime.date(2022, 5, 3), passed=False, notes=notes
        )
        return row

    enterprise_a = enterprise("A plating shop", world.street_a, "A plating rinse tanks open")
    enterprise_b = enterprise("B pickling shop", world.street_b, "B pickling acid stored outside")
    ProgressRules.objects.create(lagging_margin=Decimal("0.05"))

    return {
        Signboard: [(boards[0], "A"), (boards[1], "B")],
        Station: [(station_a, "A"), (station_b, "B")],
        Sample: [(sample_a, "A"), (sample_b, "B")],
        Alert: [(alert_a, "A"), (alert_b, "B")],
        SampleImport: [(sample_import, None)],
        CampaignDeadline: [(deadline, None)],
        Outlet: [(outlet_a, "A"), (outlet_b, "B")],
        ThreeRiversRecord: [(three_rivers_a, "A"), (three_rivers_b, "B")],
        Problem: [
            (problem_a, "A"),
            (assigned_a, "A"),
            (report_a.problem, "A"),
            (problem_b, "B"),
            (assigned_b, "B"),
            (report_b.problem, "B"),
        ],
        ProblemPhoto: [
            (photo, street)
            for problem, street in ((problem_a, "A"), (assigned_a, "A"), (problem_b, "B"), (assigned_b, "B"))
            for photo in problem.photos.all()
        ],
        PublicReport: [(report_a, "A"), (report_b, "B")],
        PublicPhoto: [(public_photo_a, "A"), (public_photo_b, "B")],
        Open311Client: [(client, None)],
        ProblemDeadlineRule: [(deadline_rule, None)],
        Project: [(project_a, "A"), (project_b, "B")],
        AnnualPlan: [
            (plan, street) for row, street in ((project_a, "A"), (project_b, "B")) for plan in row.plans.all()
        ],
        ProgressReport: [(progress_a, "A"), (progress_b, "B")],
        ReportPhoto: [
            (photo, street) for row, street in ((progress_a, "A"), (progress_b, "B")) for photo in row.photos.all()
        ],
        ProgressRules: [(ProgressRules.objects.get(), None)],
        ResponsibilityLetter: [(letter_a, "A"), (letter_b, "B")],
        ResponsibilityTask: [(task_a, "A"), (task_b, "B")],
        TaskUpdate: [(update_a, "A"), (update_b, "B")],
        Enterprise: [(enterprise_a, "A"), (enterprise_b, "B")],
        EnterpriseInspection: [
            (row.inspections.get(), street) for row, street in ((enterprise_a, "A"), (enterprise_b, "B"))
        ],
    }


# Fields whose text belongs to one row only (texts the persona meets on their own rows are taken out).
TEXT_FIELDS = (
    "name",
    "code",
    "local_code",
    "phone",
    "public_phone",
    "contact_name",
    "contact_phone",
    "responsible_entity",
    "post",
    "note",
    "notes",
    "description",
    "download_name",
    "original_name",
    "tracking_code",
)
# JSON keys and form fields that hold the id of a row of this model.
ID_KEYS = {
    "region": Region,
    "parent": Region,
    "unit": Unit,
    "water_body": WaterBody,
    "segment": Segment,
    "chief": User,
    "requested_by": User,
    "patrol": Patrol,
    "finding": Finding,
    "problem": Problem,
    "duplicate_of": Problem,
    "reported_by": User,
    "assignee_chief": User,
    "assignee_unit": Unit,
    "assigned_by": User,
    "street": Region,
    "streets": Region,
    "station": Station,
    "sample": Sample,
    "responsible_chief": User,
    "project": Project,
    "owner_unit": Unit,
    "lead_department": Unit,
    "responsible_unit": Unit,
    "letter": ResponsibilityLetter,
    "task": ResponsibilityTask,
    "enterprise": Enterprise,
}
# A row's text that the product prints anyway (a help text's example code) tells nothing.
PRODUCT_TEXTS = [
    str(model_field.help_text)
    for model in apps.get_models()
    for model_field in model._meta.get_fields()
    if getattr(model_field, "help_text", "")
]


@dataclass
class Persona:
    name: str
    user: User | None
    session: str | None
    street: str | None
    forbidden_texts: list = field(default_factory=list)
    forbidden_ids: dict = field(default_factory=dict)  # model -> {pk}
    forbidden_paths: dict = field(default_factory=dict)  # (model, pk) -> [path]
    scope: dict = field(default_factory=dict)  # model -> (ids in view scope, ids in change scope)
    action_scope: dict = field(default_factory=dict)  # (model, action) -> ids, for the actions of ROUTE_ROWS

    @property
    def is_staff(self):
        return self.user is not None and self.user.is_staff


def texts_of(row):
    return {str(getattr(row, name)) for name in TEXT_FIELDS if getattr(row, name, "")}


def forbid(persona, rows):
    """What ``persona`` must never meet: the other street's rows (every street's, for anonymous visitors)."""
    if persona.user is not None and persona.street is None:
        return
    other = OTHER_STREET.get(persona.street)
    hidden = {
        model: [row for row, street in entries if street and (other is None or street == other)]
        for model, entries in rows.items()
    }
    shown = {
        text
        for model, entries in rows.items()
        for row, _ in entries
        if row not in hidden[model]
        for text in texts_of(row)
    }
    texts = {text for entries in hidden.values() for row in entries for text in texts_of(row)}
    persona.forbidden_texts = sorted(
        text
        for text in texts
        if not any(text in known for known in shown) and not any(text in known for known in PRODUCT_TEXTS)
    )
    persona.forbidden_ids = {model: {row.pk for row in entries} for model, entries in hidden.items() if entries}
    for route in ROUTES:
        spec, _ = rows_for(route)
        if isinstance(spec, Rows) and spec.model in persona.forbidden_ids and "format" not in route.kwargs:
            fixed = variants(spec.fixed)[0]
            for row in hidden[spec.model]:
                also = {name: value(row) for name, value in spec.also.items()}
                path = route.path({**fixed, **also, spec.kwarg: spec.value(row)})
                persona.forbidden_paths.setdefault((spec.model, row.pk), []).append(path)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The rows and the signed-in personas, for the whole module; rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = build_matrix()
        data.personas = {ANONYMOUS: Persona(ANONYMOUS, None, None, None)}
        for name in PERSONAS:
            user = getattr(data.users, name)
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            data.personas[name] = Persona(name, user, session, STREET_OF.get(name))
        for persona in data.personas.values():
            forbid(persona, data.rows)
            if persona.user is not None:
                persona.scope = {
                    model: tuple(
                        set(model.objects.restrict(persona.user, action).values_list("pk", flat=True))
                        for action in (VIEW, CHANGE)
                    )
                    for model in data.rows
                    if hasattr(model.objects, "restrict")
                }
                persona.action_scope = {
                    (spec.model, spec.action): set(
                        spec.model.objects.restrict(persona.user, spec.action).values_list("pk", flat=True)
                    )
                    for spec in ROUTE_ROWS.values()
                    if isinstance(spec, Rows) and spec.action != CHANGE
                }
        yield data
        transaction.set_rollback(True)


def test_the_other_street_rows_are_out_of_scope(matrix):
    """The matrix's premise, stated without the scope code: a street's personas see none of the other
    street's rows, and the district-wide ones see every row (every job too)."""
    for persona in matrix.personas.values():
        if persona.user is None:
            continue
        for model, (view_ids, _) in persona.scope.items():
            for row, street in matrix.rows[model]:
                if persona.street and street == OTHER_STREET[persona.street]:
                    assert row.pk not in view_ids, (persona.name, row)
                elif persona.street is None:
                    assert row.pk in view_ids, (persona.name, row)


def test_the_tables_name_only_routes_that_exist():
    labels = {route.label for route in ROUTES}
    assert set(ROUTE_ROWS) <= labels, f"Routes in ROUTE_ROWS that no longer exist: {set(ROUTE_ROWS) - labels}"
    assert set(PUBLIC) <= labels, f"Routes in PUBLIC that no longer exist: {set(PUBLIC) - labels}"


def test_a_format_suffix_serves_the_view_of_a_plain_route():
    """``worth_sending`` sends a suffix's route fewer methods: the plain route of its view takes them all."""
    plain = {(route.name, route.view_class) for route in ROUTES if "format" not in route.kwargs}
    suffixed = [route for route in ROUTES if "format" in route.kwargs]
    assert suffixed
    for route in suffixed:
        assert (route.name, route.view_class) in plain, route.display


def test_every_route_is_walked_once():
    routes = [route.route for route in ROUTES]
    assert len(routes) == len(set(routes))
    assert len(routes) > 100, "the resolver's routes, the admin's included"


# -- Filling a route for a persona ---------------------------------------------------------------------

VIEW_ONLY = "in view scope only"
CHANGEABLE = "in change scope"
OUT_OF_SCOPE = "out of scope"
MISSING = "missing"
MALFORMED = "malformed"
PLAIN = "no id"
PUBLISHED = "published"
IN_SCOPE = (VIEW_ONLY, CHANGEABLE)


@dataclass(frozen=True)
class Fill:
    kind: str
    path: str
    row_id: object = None  # what the URL names the row by: its id, or its code
    model: type | None = None
    primary: bool = True  # the row in scope that reads are sent to
    pk: object = None  # the row's id
    reads: str = VIEW  # the scope a read of the row needs


def fills(route, spec, persona, rows):
    """The URLs ``persona`` is sent to on ``route``, for each format it renders: a row in their view scope
    only, one in their change scope (where the route takes a write), another street's row (else another
    village's or another user's), a missing id and "abc" (on the plain route, where the converter takes it).
    A public route's rows are everybody's: one row stands for all, with the missing and malformed ids."""
    formats = [{}] if "format" not in route.kwargs else [{"format": name} for name in route.formats()]
    if spec is None:
        return [Fill(PLAIN, route.path(values)) for values in formats]
    if isinstance(spec, Fixed):
        return [Fill(PLAIN, route.path({**fixed, **values})) for fixed in variants(spec.values) for values in formats]
    entries = rows.get(spec.model)
    if not entries:
        pytest.fail(
            f"The matrix has no {spec.model.__name__} rows to fill {route.label!r}: add some in build_matrix()."
        )
    accepted = route.accepted_methods()
    picked = []
    street_b_row = next((row for row, street in entries if street == "B"), entries[0][0])
    if route.label in PUBLIC:
        picked += [(PUBLISHED, street_b_row), (MISSING, MISSING_ID), (MALFORMED, MALFORMED_ID)]
    elif persona.user is None or route.is_admin or spec.model not in persona.scope:
        # Anonymous visitors and the admin: scope does not decide; a row of street B stands for all.
        picked.append((CHANGEABLE if persona.is_staff else OUT_OF_SCOPE, street_b_row))
        if not route.is_admin or persona.is_staff:
            # The admin checks that the user is staff before it reads any row: one row shows that.
            picked += [(MISSING, MISSING_ID), (MALFORMED, MALFORMED_ID)]
    else:
        view_ids, change_ids = persona.scope[spec.model]
        if spec.action != CHANGE:
            change_ids = persona.action_scope[(spec.model, spec.action)]
        own = persona.street or "B"  # the district-wide personas are shown street B's rows
        tags = dict(entries)
        seen = sorted((row for row, _ in entries if row.pk in view_ids), key=lambda row: tags[row] != own)
        view_only = [row for row in seen if row.pk not in change_ids]
        changeable = [row for row in seen if row.pk in change_ids]
        if accepted is None or accepted & WRITES:
            picked += [(VIEW_ONLY, row) for row in view_only[:1]] + [(CHANGEABLE, row) for row in changeable[:1]]
        else:
            picked += [(VIEW_ONLY if seen[0] in view_only else CHANGEABLE, seen[0])] if seen else []
        other = OTHER_STREET.get(persona.street)
        hidden = sorted((row for row, _ in entries if row.pk not in view_ids), key=lambda row: tags[row] != other)
        picked += [(OUT_OF_SCOPE, row) for row in hidden[:1]] + [(MISSING, MISSING_ID)]
        if "format" not in route.kwargs:
            # A format suffix reads the id with the same pattern: "abc" is tried on the plain route.
            picked.append((MALFORMED, MALFORMED_ID))
    # Arguments read from a row are read, for the missing and malformed ids, from the row they stand beside.
    beside = next((row for kind, row in picked if kind in (OUT_OF_SCOPE, PUBLISHED)), street_b_row)
    result = []
    for fixed in variants(spec.fixed):
        for values in formats:
            first_in_scope = True
            for kind, row in picked:
                is_row = kind not in (MISSING, MALFORMED)
                row_id = spec.value(row) if is_row else row
                also = {name: value(row if is_row else beside) for name, value in spec.also.items()}
                path = route.path({**fixed, **values, **also, spec.kwarg: row_id})
                if not _resolves_to(route, path):
                    # The converter refuses it (an "abc" for <int:pk>): no URL reaches the view with it.
                    assert kind == MALFORMED, f"{path} does not resolve to {route.label}"
                    continue
                primary = first_in_scope or kind not in IN_SCOPE
                result.append(Fill(kind, path, row_id, spec.model, primary, row.pk if is_row else None, spec.reads))
                first_in_scope = first_in_scope and kind not in IN_SCOPE
    return result


def _resolves_to(route, path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.route == route.route and match.func is route.callback


def answers_head_with_get(route):
    view_class = route.view_class
    accepted = route.accepted_methods() or set()
    own_head = isinstance(view_class, type) and any("head" in vars(cls) for cls in view_class.__mro__)
    return isinstance(view_class, type) and "GET" in accepted and not own_head


# What a format suffix's route is sent besides its reads of a row in scope: the plain route serves the same
# view and takes every method; the suffix only picks the renderer, which a read, OPTIONS and a write show.
SUFFIX_METHODS = ("GET", "OPTIONS", "POST")


def worth_sending(route, persona, method, fill):
    """Which requests tell something the others do not.

    A method the view does not take is refused before any row is read: the out-of-scope and missing ids
    show it, as they show what a format suffix's renderer adds. A format suffix's route serves the view of
    the plain route, which every method is sent to: the suffix picks the renderer only, so a suffix renders
    one row in scope with GET, and the out-of-scope and missing ids with ``SUFFIX_METHODS``. A read needs
    one row in scope, and OPTIONS reads none in a class-based view (Django answers it with the methods, DRF
    with the serializer's fields); only writes tell the view-only row from the changeable one. The admin's
    views tell POST from the rest and answer the rest as GET: for the administrator a row's pages get GET and
    POST, the other pages and the missing and malformed ids every method; everyone else gets every method,
    refused. A class-based view without a ``head`` of its own answers HEAD with its GET handler (Django's
    ``View.setup``, DRF alike): HEAD is sent to the missing id and to a route without rows only, where the
    GET handler's answer is seen to hold for HEAD too (and a view without GET refuses it).
    """
    accepted = route.accepted_methods()
    if method == "HEAD" and answers_head_with_get(route) and fill.kind not in (MISSING, PLAIN):
        return False
    if "format" in route.kwargs:
        if fill.kind in IN_SCOPE:
            return fill.primary and method == "GET"
        if method not in SUFFIX_METHODS:
            return False
    if accepted is not None and method not in accepted:
        return fill.kind in (OUT_OF_SCOPE, MISSING, PLAIN)
    if route.is_admin and persona.is_staff and fill.kind == CHANGEABLE:
        return method in ("GET", "POST")
    if fill.kind not in IN_SCOPE:
        return True
    if method == "OPTIONS" and accepted is not None:
        return False
    return fill.primary or method in WRITES


# -- Sending -------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: str | None  # None for binary content
    location: str
    content_type: str
    error: str = ""


TEXT_TYPES = ("text/", "json", "javascript", "openapi", "xml", "yaml")


class Browser:
    """Requests straight to the test handler, each in a savepoint rolled back after it. (The test client
    would also copy every rendered template's context for ``assertTemplateUsed``, which the matrix never
    reads.) The exception behind a 500 is kept for the report."""

    def __init__(self):
        self.factory = RequestFactory()
        self.handler = ClientHandler(enforce_csrf_checks=False)
        self.exception = None

    def keep_exception(self, sender, request=None, **kwargs):
        self.exception = sys.exc_info()[1]

    def send(self, persona, method, path, *, api, accept=None):
        headers = {"Accept": accept} if accept else {}
        if persona.session:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={persona.session}"
        if method in WRITES:
            data, content_type = ("{}", "application/json") if api else ("", "application/x-www-form-urlencoded")
        else:
            data, content_type = "", "application/octet-stream"
        environ = self.factory.generic(method, path, data, content_type, headers=headers).environ
        self.exception = None
        got_request_exception.connect(self.keep_exception)
        try:
            with transaction.atomic():
                # The handler closes the answer itself (a streamed one once read), without the signal that
                # would close the database connection.
                response = self.handler(environ)
                content = b"".join(response.streaming_content) if response.streaming else response.content
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(self.keep_exception)
        kind = response.get("Content-Type", "")
        body = content.decode("utf-8", "replace") if method != "HEAD" and any(t in kind for t in TEXT_TYPES) else None
        error = f"{type(self.exception).__name__}: {self.exception}" if self.exception else ""
        return Answer(response.status_code, body, response.get("Location", ""), kind, error)


# -- What each answer must be --------------------------------------------------------------------------


def sends_to_sign_in(route, answer):
    if answer.status != 302:
        return False
    if route.is_admin:
        # The admin's sign-out sends a visitor to its index, which sends them on to sign in.
        return answer.location.startswith(reverse("admin:login")) or answer.location == reverse("admin:index")
    return answer.location.startswith(reverse(settings.LOGIN_URL))


def may_create(route, persona):
    """Whether the persona may create rows through this route: the viewset's queryset says (None: no rule)."""
    queryset = getattr(route.view_class, "queryset", None)
    if queryset is None or not hasattr(queryset, "may_create"):
        return None
    return queryset.may_create(persona.user)


def broken_rules(route, persona, method, fill, answer):
    """The rules of the module's docstring that ``answer`` breaks."""
    if answer.status >= 500:
        return [f"answers {answer.status} {answer.error}".rstrip()]
    if persona.user is None and route.label not in PUBLIC:
        if route.is_api:
            return [] if answer.status == 401 else [f"answers {answer.status} to an anonymous visitor, not 401"]
        if sends_to_sign_in(route, answer):
            return []
        return [f"answers {answer.status} {answer.location} to an anonymous visitor, not a sign-in".replace("  ", " ")]
    if route.is_admin and not persona.is_staff and route.label != "admin:login":
        return [] if sends_to_sign_in(route, answer) else [f"answers {answer.status} to a user who is not staff"]
    accepted = route.accepted_methods()
    if accepted is not None and method not in accepted:
        # DRF checks the permission first: one who may write nothing here may be told 403 instead, and
        # one a route asks its own credentials of (TOKEN_ROUTES) 401.
        if answer.status == 405 or (answer.status == 403 and method in WRITES and may_create(route, persona) is False):
            return []
        if answer.status == 401 and route.label in TOKEN_ROUTES:
            return []
        return [f"answers {answer.status} to a method the view does not take, not 405"]
    if route.is_admin:
        return []
    broken = []
    status = answer.status
    if fill.kind in (MISSING, MALFORMED) and method != "OPTIONS" and status != 404:
        broken.append(f"answers {status} for a {fill.kind} id, not 404")
    refused_read = fill.kind == VIEW_ONLY and fill.reads == CHANGE
    if fill.kind in (*IN_SCOPE, PUBLISHED) and method in ("GET", "HEAD") and status != 200 and not refused_read:
        broken.append(f"answers {status} for a row {fill.kind}, not 200")
    if refused_read and method in ("GET", "HEAD") and status != 403:
        broken.append(f"answers {status} to a read of a change form on a row in view scope only, not 403")
    if fill.kind == VIEW_ONLY and method in WRITES and status != 403:
        broken.append(f"answers {status} to a write on a row in view scope only, not 403")
    if fill.kind == CHANGEABLE and method in WRITES and status in (403, 404):
        broken.append(f"refuses ({status}) a write on a row in the change scope")
    # Who may create rows is a matter of scope; a public route's writes are for anyone (a report, a rating).
    if fill.kind == PLAIN and method in WRITES and route.label not in PUBLIC:
        allowed = may_create(route, persona)
        if allowed is False and status != 403:
            broken.append(f"answers {status} to a write by one who may create nothing here, not 403")
        if allowed and status == 403:
            broken.append("refuses (403) a write by one who may create rows here")
    return broken


_NONCE = re.compile(r'nonce="[^"]*"|nonce-[A-Za-z0-9+/=_-]+')
_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _without_id(body, row_id):
    return re.sub(rf"(?<![\w.-]){re.escape(str(row_id))}(?![\w.-])", "<id>", body)


def comparable(answer, fill, *also):
    """The answer without what differs from one request to the next: the path and id asked for (and the
    ids in ``also``, so that two answers lose the same text), nonces, CSRF tokens."""
    if answer.body is None:
        return answer.status, None
    body = answer.body.replace(fill.path, "<path>")
    for row_id in (fill.row_id, *also):
        body = _without_id(body, row_id)
    return answer.status, _TOKEN.sub("<token>", _NONCE.sub("<nonce>", body))


def leaks(route, persona, fill, answer):
    """What ``answer`` tells ``persona`` about rows they may not see."""
    if not answer.body or not persona.forbidden_texts or route.label in PUBLISHING:
        return []
    body = answer.body.replace(fill.path, "<path>")
    found = [f"names {text!r}" for text in persona.forbidden_texts if text in body]
    for row, paths in persona.forbidden_paths.items():
        # The row asked for is no news to the one who asked (the browsable API repeats its links).
        if row != (fill.model, fill.pk):
            found += [f"links {path}" for path in paths if path in body]
    for name, options in re.findall(r'<select[^>]*\bname="([\w-]+)"[^>]*>(.*?)</select>', body, re.S):
        model = ID_KEYS.get(name.rsplit("-", 1)[-1])
        for value in re.findall(r'<option value="(\d+)"', options):
            if int(value) in persona.forbidden_ids.get(model, ()):
                found.append(f"offers {model.__name__} {value} in the choices of {name!r}")
    if "json" in answer.content_type:
        found += _json_leaks(json.loads(body), persona, route)
    return found


def _json_leaks(data, persona, route):
    found = []
    model = getattr(getattr(route.view_class, "queryset", None), "model", None)
    items = data.get("results") or data.get("features") or [data] if isinstance(data, dict) else data
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id") in persona.forbidden_ids.get(model, ()):
            found.append(f"lists {model.__name__} {item['id']}")

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                forbidden = persona.forbidden_ids.get(ID_KEYS.get(key), ())
                for pk in inner if isinstance(inner, list) else [inner]:
                    if isinstance(pk, int) and pk in forbidden:
                        found.append(f"gives {key}={pk}, a {ID_KEYS[key].__name__} of the other street")
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return found


# -- The test ------------------------------------------------------------------------------------------


class Report:
    """What went wrong, grouped: the problems that the same methods, personas and rows showed, one line."""

    def __init__(self):
        self.seen = {}  # problem -> (methods, personas, kinds, example)

    def add(self, problem, method, persona, fill, accept=None):
        methods, personas, kinds, example = self.seen.setdefault(problem, (set(), set(), set(), []))
        methods.add(method + (" (Accept: text/html)" if accept else ""))
        personas.add(persona.name)
        kinds.add(fill.kind)
        example[:] = example or [f"{method} {fill.path}" + (f" (Accept: {accept})" if accept else "")]

    def __bool__(self):
        return bool(self.seen)

    def __str__(self):
        lines = {}
        for problem, (methods, personas, kinds, example) in sorted(self.seen.items()):
            key = (", ".join(sorted(methods)), ", ".join(sorted(personas)), ", ".join(sorted(kinds)))
            lines.setdefault(key, ([], example[0]))[0].append(problem)
        return "\n".join(
            f"- {'; '.join(problems)} -- {methods} as {personas} ({kinds}), e.g. {example}"
            for (methods, personas, kinds), (problems, example) in lines.items()
        )


@pytest.mark.parametrize("route", ROUTES, ids=[route.display for route in ROUTES])
def test_route_answers_every_persona_within_their_scope(route, matrix):
    spec, unknown = rows_for(route)
    if unknown:
        pytest.fail(unknown)
    browser = Browser()
    report = Report()
    for persona in matrix.personas.values():
        persona_fills = fills(route, spec, persona, matrix.rows)
        for method in METHODS:
            for accept in route.accepts(method):
                answers = {}
                for fill in persona_fills:
                    if not worth_sending(route, persona, method, fill):
                        continue
                    answer = answers[fill] = browser.send(persona, method, fill.path, api=route.is_api, accept=accept)
                    for problem in broken_rules(route, persona, method, fill, answer) + leaks(
                        route, persona, fill, answer
                    ):
                        report.add(problem, method, persona, fill, accept)
                missing = {fill.path.replace(str(MISSING_ID), "<id>"): fill for fill in answers if fill.kind == MISSING}
                for fill, answer in answers.items():
                    twin = (
                        missing.get(fill.path.replace(str(fill.row_id), "<id>")) if fill.kind == OUT_OF_SCOPE else None
                    )
                    if twin is None:
                        continue
                    ours, theirs = comparable(answer, fill), comparable(answers[twin], twin, fill.row_id)
                    if ours != theirs:
                        problem = f"a row out of scope answers {ours[0]} unlike a missing id ({theirs[0]})"
                        report.add(problem + _difference(ours[1], theirs[1]), method, persona, fill, accept)
    assert not report, f"{route.display}:\n{report}"


def _difference(ours, theirs):
    if ours is None or theirs is None or ours == theirs:
        return ""
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    return f"; the bodies differ at {at}: {ours[max(0, at - 40) : at + 40]!r} / {theirs[max(0, at - 40) : at + 40]!r}"
