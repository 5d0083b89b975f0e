"""Page benchmark: every page and API list of the portal, at the scale of Wenzhou, against PostGIS.

    .venv/bin/python benchmarks/pages.py [--scale 1] [--reuse] [--rounds N] [--check]

Builds the scaled database (drops and creates ``DATABASE_URL``'s database, default ``wushui_scale``,
then migrate, ``seed_demo`` and ``grow_district --scale``), or with ``--reuse`` takes it as it is.
Then requests every page as two personas, a district official and the official of a grown street,
in-process through Django's test client with all middleware: the routes come from the URL
resolver, every GET route without parameters and every detail route with a sample object the
persona can see. Each route is requested once to warm up and to count its queries, then ``--rounds``
times, timed; the figures are compared with an "ordinary page" measured in the same run (a view of
this script: ten small queries and about 50 KB of HTML rendered through the base template). The
budget is p95 ≤ 1.5 × the anchor's p95 (DESIGN.md, Scale). The table is printed and written into
docs/benchmarks.md; ``--check`` exits 1 when a row is over budget.
"""

import argparse
import datetime
import io
import itertools
import os
import re
import statistics
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

# The project is imported inside the functions: the settings read DATABASE_URL, which main() defaults first.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from patrols import create_database, machine, percentile, require_postgis, setup_django

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/wushui_scale"
RESULTS_FILE = BASE_DIR / "docs" / "benchmarks.md"
SECTION_TITLE = "## Pages at scale (`benchmarks/pages.py`)"
HTTP_HOST = "localhost"
BUDGET = 1.5
DEFAULT_ROUNDS = 5

# Routes not measured, by URL name (or namespace), and why.
SKIPPED = {
    "admin": "the Django admin",
    "logout": "signs the persona out",
    "set_language": "i18n: a POST that sets the language",
    "api_schema": "the OpenAPI schema (documentation)",
    "api_docs": "the API docs (documentation)",
    "api_redoc": "the API docs (documentation)",
    "inspections:recorder_service_worker": "the service-worker script",
}
ANCHOR_QUERIES = 10
ANCHOR_ROWS = 300  # about 50 KB of HTML with the base layout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="grow_district --scale when building (default 1)")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is, without rebuilding it")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help=f"timed rounds (default {DEFAULT_ROUNDS})")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page's p95 is over budget")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument(
        "--only", metavar="TEXT", help="measure only the routes whose pattern contains TEXT (implies --no-write)"
    )
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2")

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # As deployed (docker-compose.yml): a connection kept across requests, not one opened per page.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    require_postgis(os.environ["DATABASE_URL"])
    build_seconds = None
    if args.reuse:
        setup_django()
    else:
        drop_database()
        create_database()
        setup_django()
        build_seconds = build(args.scale)
    scale = grown_scale()

    personas = choose_personas()
    routes, skipped = walk_routes()
    targets = []
    for persona in personas:
        targets += [(persona, *target) for target in route_targets(routes, persona)]
    if args.only:
        targets = [target for target in targets if args.only in target[3].route]
        args.no_write = True
    print(f"Measuring {len(targets)} requests ({len(routes)} routes, {len(personas)} personas), {args.rounds} rounds …")
    rows, anchor = measure(targets, args.rounds)
    report = render_report(rows, anchor, skipped, personas, scale, args.rounds, build_seconds)
    print(report)
    if not args.no_write:
        write_section(report)
        print(f"Written to {RESULTS_FILE.relative_to(BASE_DIR)}.")
    if args.check and any(row.ratio > BUDGET for row in rows):
        sys.exit(1)


# --- Database -------------------------------------------------------------------------------------------


def drop_database():
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {key: config.get(name) for key, name in (("user", "USER"), ("host", "HOST"), ("port", "PORT"))}
    params = {key: value for key, value in params.items() if value}
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    server = psycopg2.connect(dbname="postgres", **params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(config["NAME"])))
    server.close()
    print(f"Dropped database {config['NAME']} (it is rebuilt; --reuse keeps it).")


def build(scale):
    from django.core.management import call_command

    started = time.monotonic()
    print("Migrating and seeding the demo …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    grow_started = time.monotonic()
    print(f"Growing the district, --scale {scale:g} …", flush=True)
    call_command("grow_district", scale=scale)
    print(f"Built in {time.monotonic() - started:.0f} s (grow_district {time.monotonic() - grow_started:.0f} s).")
    return time.monotonic() - grow_started


def grown_scale():
    """The scale of the database measured, from its patrols."""
    from demo.scale import Growth
    from inspections.demo import PATROLS_PER_SCALE
    from inspections.models import Patrol

    patrols = Patrol.objects.filter(segment__in=Growth.grown_segments()).count()
    if not patrols:
        sys.exit("This database is not grown: run without --reuse, or grow_district first.")
    return patrols / PATROLS_PER_SCALE


# --- Personas and routes --------------------------------------------------------------------------------


def choose_personas():
    """The district official of seed_demo, and the official of the grown street with the most segments."""
    from django.db.models import Count

    from wushui.choices import RegionLevel, Role
    from wushui.models import Region, User

    official = User.objects.get(username="official")
    street = (
        Region.objects.filter(level=RegionLevel.STREET, code__gte="330303011000")
        .annotate(segment_count=Count("segments", distinct=True) + Count("children__segments", distinct=True))
        .order_by("-segment_count", "code")
        .first()
    )
    street_official = User.objects.filter(role=Role.STREET_OFFICIAL, region=street).order_by("username").first()
    if street_official is None:
        sys.exit("No official of a grown street: is the database grown?")
    return [official, street_official]


@dataclass
class Route:
    name: str  # namespace:name
    route: str  # the pattern, for the report
    regex: str
    params: tuple
    view: object


def walk_routes():
    """Every route of the resolver, as ``(routes to measure, [(route, why skipped)])``."""
    from django.urls import URLPattern, URLResolver, get_resolver

    routes, skipped, suffixed = [], [], []

    def visit(patterns, prefix_regex, prefix_route, namespace):
        for pattern in patterns:
            regex = prefix_regex + pattern.pattern.regex.pattern.lstrip("^").rstrip("$").removesuffix(r"\Z")
            shown = prefix_route + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                if pattern.namespace in SKIPPED or pattern.app_name in SKIPPED:
                    skipped.append((f"/{shown}…", SKIPPED.get(pattern.namespace) or SKIPPED[pattern.app_name]))
                    continue
                visit(pattern.url_patterns, regex, shown, inner)
                continue
            assert isinstance(pattern, URLPattern)
            name = ":".join(filter(None, [namespace, pattern.name]))
            params = tuple(re.compile(regex).groupindex)
            if name in SKIPPED or pattern.name in SKIPPED:
                skipped.append((f"/{shown}", SKIPPED.get(name) or SKIPPED[pattern.name]))
            elif "format" in params:
                suffixed.append(f"/{shown}")
            elif not answers_get(pattern.callback):
                skipped.append((f"/{shown}", "no GET"))
            else:
                routes.append(Route(name, f"/{shown}", regex, params, pattern.callback))

    visit(get_resolver().url_patterns, "", "", "")
    if suffixed:
        skipped.append((suffixed[0], f"and {len(suffixed) - 1} more: copies of the API routes with a format suffix"))
    return routes, skipped


def answers_get(callback):
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return "get" in actions
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return True
    return hasattr(view_class, "get")


def view_model(callback):
    """The model a detail route shows, from its view (Django's ``model`` or DRF's ``queryset``)."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    model = getattr(view_class, "model", None)
    if model is None and getattr(view_class, "queryset", None) is not None:
        model = view_class.queryset.model
    return model


def samples(model, user):
    """``[(label, pk)]``: objects of ``model`` the user can see, chosen to be typical and heavy:
    the grown part's busiest rows, where a page has the most to show."""
    from django.db.models import Count

    from demo.scale import Growth
    from inspections.models import Patrol
    from rivers.models import ChiefAppointment, Segment, WaterBody
    from wushui.choices import RegionLevel, Tier, UnitKind
    from wushui.models import Region, Unit

    grown = Growth.grown_segments()
    if model is Region:
        regions = Region.objects.restrict(user)
        street = regions.filter(level=RegionLevel.STREET, code__gte="330303011000").order_by("code").first()
        if user.region and user.region.level == RegionLevel.STREET:
            street = user.region
        village = (
            regions.filter(parent=street)
            .annotate(segment_count=Count("segments"))
            .order_by("-segment_count", "code")
            .first()
        )
        chosen = [("street", street), ("village", village)]
        if user.sees_whole_district:
            chosen.insert(0, ("district", regions.get(level=RegionLevel.DISTRICT)))
        return [(label, region.pk) for label, region in chosen if region]
    if model is WaterBody:
        bodies = WaterBody.objects.restrict(user).filter(code__startswith="WZ")
        river = (
            bodies.filter(responsible_tier=Tier.DISTRICT).annotate(n=Count("segments")).order_by("-n", "code").first()
        )
        return [("district river", river.pk)] if river else []
    if model is Segment:
        segment = (
            grown.filter(pk__in=Segment.objects.restrict(user).values("pk"))
            .annotate(n=Count("patrols"))
            .order_by("-n", "code")
            .first()
        )
        return [("busiest segment", segment.pk)] if segment else []
    if model is Patrol:
        patrol = Patrol.objects.restrict(user).filter(segment__in=grown).order_by("-started_at", "-pk").first()
        return [("latest patrol", patrol.pk)] if patrol else []
    if model is Unit:
        unit = Unit.objects.restrict(user).filter(kind=UnitKind.STREET_OFFICE).order_by("-pk").first()
        return [("street office", unit.pk)] if unit else []
    if model is ChiefAppointment:
        appointment = (
            ChiefAppointment.objects.restrict(user)
            .current()
            .filter(segment__in=grown)
            .order_by("segment__code")
            .first()
        )
        return [("appointment", appointment.pk)] if appointment else []
    if hasattr(model.objects, "restrict"):
        # Any other row kind (problems, photos, stations, projects …): the newest one the user sees.
        row = model.objects.restrict(user).order_by("-pk").only("pk").first()
        return [("newest", row.pk)] if row else []
    return []


def public_samples(route_name):
    """``[(label, kwargs)]`` for the public pages a QR code opens (they take codes, not keys)."""
    from inspections.models import Problem, PublicReport
    from rivers.models import Signboard

    if route_name == "public:segment":
        code = Signboard.objects.order_by("pk").values_list("public_code", flat=True).first()
        return [("a signboard", {"code": code})] if code else []
    if route_name == "public:problem":
        pk = Problem.objects.public().order_by("-pk").values_list("pk", flat=True).first()
        return [("newest", {"pk": pk})] if pk else []
    if route_name == "public:report_status":
        code = PublicReport.objects.order_by("-pk").values_list("tracking_code", flat=True).first()
        return [("newest", {"code": code})] if code else []
    return []


def route_targets(routes, user):
    """``(label, url, route)`` for each route the persona gets: parameterless ones as they are,
    detail ones with each sample; routes without a sample are listed with ``url`` None."""
    from django.urls import reverse

    targets = []
    for route in routes:
        if not route.params:
            targets.append(("", reverse(route.name), route))
            continue
        model = view_model(route.view)
        chosen = (
            [(label, {"pk": pk}) for label, pk in samples(model, user)]
            if model is not None and route.params == ("pk",)
            else []
        ) or public_samples(route.name)
        if not chosen:
            targets.append(("no sample in scope", None, route))
        for label, kwargs in chosen:
            targets.append((label, reverse(route.name, kwargs=kwargs), route))
    return targets


# --- The anchor -----------------------------------------------------------------------------------------

ANCHOR_TEMPLATE = """{% extends "base.html" %}
{% block title %}Anchor{% endblock %}
{% block content %}
<h1>An ordinary page</h1>
<table class="table">
  <thead><tr><th>#</th><th>Region</th><th>Code</th><th>Level</th><th>Note</th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr><td>{{ row.number }}</td><td><a href="/regions/{{ row.pk }}/">{{ row.name }}</a></td>
      <td>{{ row.code }}</td><td>{{ row.level }}</td><td>{{ row.note }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}
"""


def anchor_view(request):
    """An ordinary page: ten small queries, then about 50 KB of HTML through the base template."""
    from django.http import HttpResponse
    from django.template import engines

    from wushui.models import Region

    regions = []
    for number in range(ANCHOR_QUERIES):
        regions.append(Region.objects.order_by("code")[number : number + 1].first())
    regions = [region for region in regions if region]
    rows = [
        {
            "number": index,
            "pk": region.pk,
            "name": region.name,
            "code": region.code,
            "level": region.level,
            "note": "an ordinary row of an ordinary list",
        }
        for index, region in zip(range(ANCHOR_ROWS), itertools.cycle(regions), strict=False)
    ]
    template = engines["django"].from_string(ANCHOR_TEMPLATE)
    return HttpResponse(template.render({"rows": rows}, request))


ANCHOR_URL = "/__benchmark__/anchor/"


def anchor_urlconf():
    """The project's URLs with the anchor mounted beside them."""
    from django.conf import settings
    from django.urls import include, path

    module = types.ModuleType("benchmark_urls")
    module.urlpatterns = [path(ANCHOR_URL.strip("/") + "/", anchor_view), path("", include(settings.ROOT_URLCONF))]
    return module


# --- Measuring ------------------------------------------------------------------------------------------


@dataclass
class Row:
    persona: str
    route: str
    label: str
    url: str | None
    status: int | None = None
    queries: int | None = None
    size: int | None = None
    times_ms: list = None
    ratio: float = 0.0

    @property
    def p50(self):
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self):
        return percentile(self.times_ms, 0.95) if self.times_ms else None


def get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(content), (time.perf_counter() - started) * 1000


def measure(targets, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from wushui.process import settle

    clients = {}
    rows = []
    with override_settings(ROOT_URLCONF=anchor_urlconf()):
        settle()  # as every serving process does once loaded (wushui/wsgi.py)
        anchor_client = Client(HTTP_HOST=HTTP_HOST)
        anchor_client.force_login(targets[0][0])
        anchor = Row("—", ANCHOR_URL, "anchor", ANCHOR_URL, times_ms=[])
        for user, label, url, route in targets:
            if user.pk not in clients:
                clients[user.pk] = Client(HTTP_HOST=HTTP_HOST)
                clients[user.pk].force_login(user)
            row = Row(user.username, route.route, label, url, times_ms=[])
            rows.append(row)
        # Warm-up, counting queries: the first request of a route loads its templates and more.
        for (user, _label, url, _route), row in zip(targets, rows, strict=True):
            if url:
                with CaptureQueriesContext(connection) as queries:
                    row.status, row.size, _ms = get(clients[user.pk], url)
                row.queries = len(queries)
        with CaptureQueriesContext(connection) as queries:
            anchor.status, anchor.size, _ms = get(anchor_client, ANCHOR_URL)
        anchor.queries = len(queries)
        for round_number in range(rounds):
            # The anchor is measured between pages, so that it meets the same machine as they do.
            for (user, _label, url, _route), row in zip(targets, rows, strict=True):
                if url:
                    row.times_ms.append(get(clients[user.pk], url)[2])
                    anchor.times_ms.append(get(anchor_client, ANCHOR_URL)[2])
            print(f"  round {round_number + 1} of {rounds} done", flush=True)
    for row in rows:
        if row.times_ms:
            row.ratio = row.p95 / anchor.p95
    anchor.ratio = 1.0
    return rows, anchor


# --- Report ---------------------------------------------------------------------------------------------


def render_report(rows, anchor, skipped, personas, scale, rounds, build_seconds):
    from django import get_version

    from demo.scale import Growth
    from inspections.models import Patrol
    from rivers.models import ChiefAppointment
    from wushui.models import Region, User

    budget_ms = BUDGET * anchor.p95
    over = [row for row in rows if row.times_ms and row.ratio > BUDGET]
    lines = [
        f"Run {datetime.date.today():%Y-%m-%d}, scale {scale:.2f} (grow_district; {Patrol.objects.count():,} patrols, "
        f"{Region.objects.count():,} regions, {Growth.grown_segments().count():,} grown segments, "
        f"{ChiefAppointment.objects.current().count():,} current appointments, {User.objects.count():,} users)",
        "",
        *[f"- {label}: {value}" for label, value in [*machine(), ("Django", get_version())]],
        f"- personas: `{personas[0].username}` (district official), `{personas[1].username}` "
        f"(street official of {personas[1].region})",
        f"- {rounds} timed rounds after a warm-up; p95 is the nearest rank of {rounds} samples",
    ]
    if build_seconds is not None:
        lines.append(f"- `grow_district` took {build_seconds:.0f} s")
    lines += [
        "",
        f"Anchor (an ordinary page: {anchor.queries} queries, {anchor.size / 1024:.0f} KB): "
        f"p50 {anchor.p50:.1f} ms, p95 {anchor.p95:.1f} ms; budget p95 ≤ {BUDGET} × {anchor.p95:.1f} = "
        f"{budget_ms:.1f} ms. Over budget: {len(over)} of {sum(1 for row in rows if row.times_ms)}.",
        "",
        "| persona | route | sample | status | queries | p50 ms | p95 ms | size KB | × anchor | budget |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if not row.times_ms:
            lines.append(f"| {row.persona} | `{row.route}` | {row.label} | — | — | — | — | — | — | not measured |")
            continue
        verdict = "within" if row.ratio <= BUDGET else "**over**"
        lines.append(
            f"| {row.persona} | `{row.url}` | {row.label or '—'} | {row.status} | {row.queries} | {row.p50:.1f} | "
            f"{row.p95:.1f} | {row.size / 1024:.1f} | {row.ratio:.1f} | {verdict} |"
        )
    lines += ["", "Not measured:", ""]
    lines += [f"- `{route}`: {why}" for route, why in skipped]
    return "\n".join(lines)


SECTION_TEXT = f"""{SECTION_TITLE}

What it does: builds the scaled database (`DATABASE_URL`, default `wushui_scale`: dropped, migrated,
`seed_demo`, then `grow_district --scale 1`, about 400,000 patrols), or takes it as it is with
`--reuse`; then requests every page and API list of the portal as two personas, the district official
`official` and the official of the grown street with the most segments, in-process through Django's
test client with all middleware and a database connection kept across requests (as deployed). The
routes come from the URL resolver: every GET route without parameters, and every detail route with
a sample the persona can see (the district, the street, its busiest village, the grown district
river with the most segments, the segment with the most patrols, the latest patrol, a street office,
an appointment). Each is requested once to warm up and count its queries, then timed over several
rounds; between pages an "ordinary page" defined in the script is timed too (ten small queries and
about 50 KB of HTML through the base template, mounted by a URL-conf override). Budget (DESIGN.md,
Scale): p95 ≤ {BUDGET} × the anchor's p95 in the same run.

```sh
.venv/bin/python benchmarks/pages.py               # build at scale 1 (about 5 minutes), then measure
.venv/bin/python benchmarks/pages.py --reuse       # measure the database built before
.venv/bin/python benchmarks/pages.py --reuse --rounds 9 --check   # exit 1 when a page is over budget
make benchmark-pages                               # the same as the first line
```

The figures depend on the machine and on what else runs on it: the anchor is measured in the same
run so that the ratio, not the milliseconds, is what compares.

### Result
"""


def write_section(report):
    """Replace this benchmark's section of docs/benchmarks.md (or append it), keeping the others."""
    text = RESULTS_FILE.read_text()
    section = f"{SECTION_TEXT}\n{report}\n"
    start = text.find(SECTION_TITLE)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(SECTION_TITLE))
        text = text[:start] + section + (text[following + 1 :] if following != -1 else "")
    RESULTS_FILE.write_text(text)


if __name__ == "__main__":
    main()
