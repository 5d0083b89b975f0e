"""Patrol submission benchmark: POST /api/v1/patrols/ with 1,000-point GPS tracks, against PostGIS.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/wushui_bench \\
        .venv/bin/python benchmarks/patrols.py --patrols 1000 --workers 2

Prepares its own database (created with the postgis extension if missing, migrated, seeded with
``seed_demo``), generates the request bodies, then times them through the whole API stack
(middleware, DRF, serializers, ``submit_patrol``, PostGIS) with Django's test client, one worker
process per core, or with ``--http`` over real sockets to gunicorn started for the run.
Separately times the coverage computation, as served, simplified and exact, on a sample of the
same tracks, and the replay of already stored patrols. Results and their reading are in
docs/benchmarks.md. The bench database is left in place; every run adds new patrols to it.
"""

import argparse
import bisect
import collections
import concurrent.futures
import contextlib
import cProfile
import datetime
import http.client
import io
import itertools
import json
import math
import multiprocessing
import os
import platform
import pstats
import queue
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

# Django and the project are imported inside the functions: the settings read DATABASE_URL, which
# main() checks and defaults first, and spawned workers set Django up themselves.
BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/wushui_bench"
POSTGRES_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")
PATROLS_URL = "/api/v1/patrols/"
# Django's own stand-in when DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_ALLOWED_HOSTS = [".localhost", "127.0.0.1", "[::1]"]

# The targets on 2 cores, printed beside the figures.
TARGET_PATROLS_PER_S = 100
TARGET_COVERAGE_MS = 5

COVERAGE_SAMPLE = 200
REPLAY_SAMPLE = 100
# Tolerances timed besides the exact computation and the service's COVERAGE_SIMPLIFY_M.
COVERAGE_TOLERANCES_M = (1.0, 5.0, 10.0)
# Requests before the clock starts, per process: the first one loads the middleware and more.
WARM_UP_PER_WORKER = 3
PROFILE_LINES = 45

# What the generated tracks look like: the GPS error of a phone under open sky, correlated over
# tens of seconds as real fixes are; chiefs walk or cycle along a bank, not on the centre line.
GPS_ERROR_M = 4.0
GPS_ERROR_CORRELATION_S = 30.0
BANK_OFFSET_M = (5.0, 25.0)
WALKING_KMH = (3.5, 6.0)
CYCLING_KMH = (10.0, 18.0)
CYCLING_SHARE = 0.4
# Most patrols walk the whole segment; some stop part-way, which is what makes a patrol invalid.
PARTIAL_SHARE = 0.2
PARTIAL_FRACTION = (0.3, 0.9)
# Patrols ended between ten minutes and three days ago.
ENDED_AGO_S = (600, 3 * 24 * 3600)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patrols", type=int, default=1000, help="patrols to submit (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, one per core (default 2)")
    parser.add_argument("--points", type=int, default=1000, help="GPS points per track (default 1000)")
    parser.add_argument(
        "--http",
        action="store_true",
        help="serve the API with gunicorn (--workers sync workers) and post over HTTP from --clients threads",
    )
    parser.add_argument(
        "--clients", type=int, default=None, help="with --http: concurrent connections (default twice --workers)"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed for the tracks (default: a fresh one)")
    parser.add_argument(
        "--max-segment-m",
        type=float,
        default=None,
        metavar="M",
        help="patrol only segments shorter than M metres (e.g. 1000: village reaches, where coverage is coarse)",
    )
    parser.add_argument(
        "--host", default=None, help="the Host header of the requests (default: the first of ALLOWED_HOSTS)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="afterwards, submit N more patrols in this process under cProfile and print where the time goes",
    )
    args = parser.parse_args()
    if args.patrols < 1 or args.workers < 1 or args.points < 2 or args.profile < 0:
        parser.error("--patrols and --workers must be at least 1, --points at least 2, --profile at least 0")
    if args.clients is not None and (not args.http or args.clients < 1):
        parser.error("--clients goes with --http and must be at least 1")
    args.clients = args.clients or 2 * args.workers

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    require_postgis(os.environ["DATABASE_URL"])
    create_database()
    setup_django()
    host = checked_host(args.host)
    prepare_database()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    print(f"Generating {args.patrols} patrols of {args.points} points (seed {seed}) …", flush=True)
    assignments = chief_segments(args.max_segment_m)
    patrols = [generate_patrol(rng, assignments, args.points) for _ in range(args.patrols)]
    warm_up_count = WARM_UP_PER_WORKER * (args.clients if args.http else args.workers)
    warm_up = [generate_patrol(rng, assignments, args.points) for _ in range(warm_up_count)]

    if args.http:
        print(f"Submitting to {PATROLS_URL} over HTTP: gunicorn with {args.workers} worker(s) …", flush=True)
        submission = run_http(patrols, warm_up, args.workers, args.clients, host)
    else:
        print(f"Submitting through {PATROLS_URL} with {args.workers} worker process(es) …", flush=True)
        submission = run_workers(patrols, warm_up, args.workers, host)
    accepted = [patrol for patrol, outcome in zip(patrols, submission.outcomes, strict=True) if outcome.status == 201]

    print("Replaying stored patrols …", flush=True)
    replay = run_replay(accepted[: WARM_UP_PER_WORKER + REPLAY_SAMPLE], host)
    print("Timing the coverage computation …", flush=True)
    coverage = run_coverage(rng.sample(patrols, min(COVERAGE_SAMPLE, len(patrols))))

    print_report(args, seed, submission, replay, coverage)
    if args.profile:
        profile_submissions([generate_patrol(rng, assignments, args.points) for _ in range(args.profile)], host)


# --- Database -------------------------------------------------------------------------------------------


def require_postgis(database_url):
    import dj_database_url

    engine = dj_database_url.parse(database_url)["ENGINE"]
    if engine not in POSTGRES_ENGINES:
        sys.exit(
            f"benchmarks/patrols.py measures against PostGIS, but DATABASE_URL names {engine}.\n"
            f"Set DATABASE_URL to a PostGIS database, e.g. {DEFAULT_DATABASE_URL}"
        )


def create_database():
    """Create the database and the postgis extension when missing (the server's trust auth allows it)."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    params = {key: value for key, value in params.items() if value is not None}
    name = config["NAME"]
    server = psycopg2.connect(dbname="postgres", **params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")
    server.close()
    database = psycopg2.connect(dbname=name, **params)
    database.autocommit = True
    with database.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    database.close()


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wushui.settings")
    import django

    # WhiteNoise warns once per process when collectstatic has not been run; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def request_host(allowed_hosts):
    """A Host header that ``allowed_hosts`` accepts: its first entry as a host (``*`` accepts any
    host, ``.example.org`` the domain and its subdomains); None when it accepts none."""
    for pattern in allowed_hosts:
        if pattern == "*":
            return "localhost"
        if pattern.lstrip("."):
            return pattern.lstrip(".")
    return None


def checked_host(host):
    """``host``, or else one the settings accept; exits when the settings would answer it 400."""
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    allowed_hosts = settings.ALLOWED_HOSTS or (DEBUG_ALLOWED_HOSTS if settings.DEBUG else [])
    host = host or request_host(allowed_hosts)
    if host is None or not validate_host(split_domain_port(host)[0], allowed_hosts):
        sys.exit(f"ALLOWED_HOSTS ({', '.join(allowed_hosts) or 'empty'}) does not accept Host {host!r}; see --host.")
    return host


def prepare_database():
    from django.conf import settings
    from django.core.management import call_command

    print(f"Database {settings.DATABASES['default']['NAME']}: migrating and seeding the demo …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())


# --- Generated patrols ----------------------------------------------------------------------------------


@dataclass
class Assignment:
    """A chief's current appointment to a segment, with the segment's centre line in metres."""

    chief_id: int
    segment_id: int
    metric_coords: list
    cumulative_m: list


@dataclass
class GeneratedPatrol:
    chief_id: int
    segment_id: int
    coordinates: list  # [longitude, latitude], as sent
    body: bytes


def chief_segments(max_segment_m=None):
    from rivers.models import ChiefAppointment, Segment
    from wushui.geo import to_metric

    appointments = ChiefAppointment.objects.current()
    if max_segment_m is not None:
        appointments = appointments.filter(segment__length_m__lt=max_segment_m)
    pairs = sorted(set(appointments.values_list("chief_id", "segment_id")))
    lines = {
        segment.pk: to_metric(segment.geometry) for segment in Segment.objects.filter(pk__in={s for _c, s in pairs})
    }
    assignments = []
    for chief_id, segment_id in pairs:
        coords = list(lines[segment_id].coords)
        cumulative = [0.0]
        for (x0, y0), (x1, y1) in itertools.pairwise(coords):
            cumulative.append(cumulative[-1] + math.hypot(x1 - x0, y1 - y0))
        assignments.append(Assignment(chief_id, segment_id, coords, cumulative))
    if not assignments:
        sys.exit("No current chief appointments to patrol (seed_demo left none, or none on so short a segment).")
    return assignments


def generate_patrol(rng, assignments, points):
    """A patrol along the bank of one of the chief's segments: ``points`` fixes, evenly timed, with
    correlated GPS error, at walking or cycling pace, finished in the past."""
    from django.conf import settings
    from django.contrib.gis.geos import LineString
    from django.utils import timezone

    from wushui.geo import from_metric

    assignment = rng.choice(assignments)
    coords, cumulative = assignment.metric_coords, assignment.cumulative_m
    fraction = rng.uniform(*PARTIAL_FRACTION) if rng.random() < PARTIAL_SHARE else 1.0
    walked_m = cumulative[-1] * fraction
    speed_ms = rng.uniform(*(CYCLING_KMH if rng.random() < CYCLING_SHARE else WALKING_KMH)) / 3.6
    duration_s = walked_m / speed_ms
    step_s = duration_s / (points - 1)
    bank_m = rng.uniform(*BANK_OFFSET_M) * rng.choice((-1, 1))
    from_far_end = rng.random() < 0.5
    # AR(1) error, per axis: the same spread at every fix, correlated over GPS_ERROR_CORRELATION_S.
    correlation = math.exp(-step_s / GPS_ERROR_CORRELATION_S)
    innovation = GPS_ERROR_M * math.sqrt(1 - correlation**2)
    error_x, error_y = rng.gauss(0, GPS_ERROR_M), rng.gauss(0, GPS_ERROR_M)

    metric_points = []
    for index in range(points):
        along = walked_m * index / (points - 1)
        if from_far_end:
            along = cumulative[-1] - along
        part = min(max(bisect.bisect_right(cumulative, along) - 1, 0), len(coords) - 2)
        (x0, y0), (x1, y1) = coords[part], coords[part + 1]
        length = (cumulative[part + 1] - cumulative[part]) or 1.0
        share = (along - cumulative[part]) / length
        normal_x, normal_y = -(y1 - y0) / length, (x1 - x0) / length
        error_x = correlation * error_x + rng.gauss(0, innovation)
        error_y = correlation * error_y + rng.gauss(0, innovation)
        metric_points.append(
            (
                x0 + share * (x1 - x0) + bank_m * normal_x + error_x,
                y0 + share * (y1 - y0) + bank_m * normal_y + error_y,
            )
        )
    line = from_metric(LineString(metric_points, srid=settings.METRIC_SRID))
    coordinates = [[round(x, 7), round(y, 7)] for x, y in line.coords]

    ended = timezone.localtime() - datetime.timedelta(seconds=rng.uniform(*ENDED_AGO_S))
    first_fix = ended - datetime.timedelta(seconds=duration_s)
    times = [first_fix + datetime.timedelta(seconds=step_s * index) for index in range(points)]
    body = {
        "client_uuid": str(uuid.uuid4()),
        "segment": assignment.segment_id,
        "started_at": (first_fix - datetime.timedelta(seconds=rng.uniform(0, 30))).isoformat(timespec="seconds"),
        "ended_at": (ended + datetime.timedelta(seconds=rng.uniform(0, 30))).isoformat(timespec="seconds"),
        "track": {"type": "LineString", "coordinates": coordinates},
        "track_times": [moment.isoformat(timespec="milliseconds") for moment in times],
    }
    return GeneratedPatrol(assignment.chief_id, assignment.segment_id, coordinates, json.dumps(body).encode())


# --- Submission -----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    latency_ms: float
    is_valid: bool | None
    invalid_reasons: tuple = ()
    error: str = ""


@dataclass
class Submission:
    outcomes: list
    wall_s: float
    warm_up_statuses: list


class Submitter:
    """Posts bodies as their chiefs with the API token a phone would hold.

    One test client per process, like one WSGI handler per server process: a client loads the
    middleware on its first request (WhiteNoise alone scans the static files then), so a client
    per chief would measure start-up instead of requests.
    """

    def __init__(self, chief_ids, host):
        from django.test import Client
        from rest_framework.authtoken.models import Token

        # The test client's default "testserver" is allowed only under a test runner.
        self.client = Client(HTTP_HOST=host)
        self.authorization = {
            chief_id: f"Token {Token.objects.get_or_create(user_id=chief_id)[0].key}" for chief_id in set(chief_ids)
        }

    def post(self, patrol):
        return self.client.post(
            PATROLS_URL,
            patrol.body,
            content_type="application/json",
            HTTP_AUTHORIZATION=self.authorization[patrol.chief_id],
        )


def outcome_of(status, content, latency_ms):
    # Read after the clock stops: the phone, not the server, pays for parsing the answer.
    payload = json.loads(content) if content else {}
    if status in (200, 201):
        reasons = tuple(reason["code"] for reason in payload.get("invalid_reasons", ()))
        return Outcome(status, latency_ms, bool(payload.get("is_valid")), reasons)
    return Outcome(status, latency_ms, None, error=json.dumps(payload, ensure_ascii=False)[:300])


def submit_worker(index, patrols, warm_up, host, start_barrier, results):
    """One worker process: sets Django up itself, warms up, waits for the others, then posts its share."""
    setup_django()
    submitter = Submitter([patrol.chief_id for patrol in [*patrols, *warm_up]], host)
    warm_up_statuses = [submitter.post(patrol).status_code for patrol in warm_up]
    start_barrier.wait()
    started = time.perf_counter()
    responses = []
    for patrol in patrols:
        before = time.perf_counter()
        response = submitter.post(patrol)
        latency_ms = (time.perf_counter() - before) * 1000
        # Keep only the bytes: a test response holds its request and more, and hundreds of them
        # alive would make every garbage collection slower as the run goes on.
        responses.append((response.status_code, response.content, latency_ms))
    finished = time.perf_counter()
    outcomes = [outcome_of(status, content, ms) for status, content, ms in responses]
    results.put((index, started, finished, outcomes, warm_up_statuses))


def run_workers(patrols, warm_up, workers, host):
    from django.db import connections

    # Each worker opens its own connection; none may inherit the parent's.
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    start_barrier = context.Barrier(workers)
    results = context.Queue()
    shares = [patrols[index::workers] for index in range(workers)]
    processes = [
        context.Process(
            target=submit_worker,
            args=(index, shares[index], warm_up[index::workers], host, start_barrier, results),
        )
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    # Read before joining: a worker cannot exit while its results still fill the pipe.
    reports = []
    while len(reports) < workers:
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            failed = [process for process in processes if process.exitcode not in (None, 0)]
            if failed:
                for process in processes:
                    process.terminate()
                sys.exit(f"A worker failed (exit code {failed[0].exitcode}); see its traceback above.")
    for process in processes:
        process.join()
    # perf_counter is CLOCK_MONOTONIC on Linux: comparable across processes.
    wall_s = max(report[2] for report in reports) - min(report[1] for report in reports)
    # Put the outcomes back in the order of ``patrols``: worker i had patrols[i::workers].
    ordered = [None] * len(patrols)
    for index, _started, _finished, outcomes, _warm_up in reports:
        ordered[index::workers] = outcomes
    return Submission(ordered, wall_s, [status for *_rest, statuses in reports for status in statuses])


# --- Submission over HTTP -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers, timeout_s=60):
    """The API as deployed: gunicorn's sync workers, with persistent database connections as in
    docker-compose.yml, on a free local port. Yields the port; its log is shown if it fails to start."""
    port = free_port()
    environment = {**os.environ, "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60")}
    # Without DEBUG the server refuses the development key; the API's tokens do not depend on it.
    environment.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    command = [sys.executable, "-m", "gunicorn", "wushui.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-tmp-dir", "/dev/shm"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout_s
            while not listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace")[-3000:]
                    sys.exit(f"gunicorn did not start within {timeout_s} s; its log:\n{tail}")
                time.sleep(0.2)
            yield port
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def post_over_http(port, host, authorization, patrol):
    """One request on its own connection, as gunicorn's sync workers close each after answering."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        before = time.perf_counter()
        connection.request(
            "POST",
            PATROLS_URL,
            body=patrol.body,
            headers={
                "Host": host,
                "Content-Type": "application/json",
                "Authorization": authorization[patrol.chief_id],
            },
        )
        response = connection.getresponse()
        content = response.read()
        return response.status, content, (time.perf_counter() - before) * 1000
    finally:
        connection.close()


def run_http(patrols, warm_up, workers, clients, host):
    """Post every patrol to gunicorn from ``clients`` threads at once (each sends its next request
    as soon as it has the answer to the last); the threads mostly wait on sockets, but they share
    the two cores with gunicorn and PostgreSQL, as a load balancer's would not."""
    from django.db import connections
    from rest_framework.authtoken.models import Token

    chief_ids = {patrol.chief_id for patrol in [*patrols, *warm_up]}
    authorization = {
        chief_id: f"Token {Token.objects.get_or_create(user_id=chief_id)[0].key}" for chief_id in chief_ids
    }
    connections.close_all()
    with gunicorn(workers) as port, concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:

        def post(patrol):
            return post_over_http(port, host, authorization, patrol)

        # Several rounds of one request per client, so that every gunicorn worker has loaded the app.
        warm_up_statuses = [status for status, _content, _ms in pool.map(post, warm_up)]
        started = time.perf_counter()
        responses = list(pool.map(post, patrols))
        wall_s = time.perf_counter() - started
    outcomes = [outcome_of(status, content, ms) for status, content, ms in responses]
    return Submission(outcomes, wall_s, warm_up_statuses)


# --- Replay and coverage --------------------------------------------------------------------------------


def run_replay(patrols, host):
    """Resubmit stored patrols (the first few to warm up): each must answer 200 and create nothing."""
    from inspections.models import Patrol

    if not patrols:
        return None
    submitter = Submitter([patrol.chief_id for patrol in patrols], host)
    before = Patrol.objects.count()
    for patrol in patrols[:WARM_UP_PER_WORKER]:
        submitter.post(patrol)
    patrols = patrols[WARM_UP_PER_WORKER:]
    latencies, statuses = [], []
    for patrol in patrols:
        started = time.perf_counter()
        response = submitter.post(patrol)
        latencies.append((time.perf_counter() - started) * 1000)
        statuses.append(response.status_code)
    return {
        "latencies": latencies,
        "answered_200": statuses.count(200),
        "count": len(patrols),
        "created": Patrol.objects.count() - before,
    }


def run_coverage(patrols):
    """Time the coverage as the service measures it (``coverage_for_verdict``), and
    ``coverage_in_database`` exactly and at each tolerance of ``COVERAGE_TOLERANCES_M``; compare
    each with the exact coverage."""
    from django.contrib.gis.geos import LineString
    from django.db import connection

    from inspections.models import PatrolRuleSet
    from inspections.tracks import COVERAGE_SIMPLIFY_M, coverage_for_verdict, coverage_in_database

    rules = PatrolRuleSet.current().as_dict()
    buffer_m, threshold = rules["coverage_buffer_m"], rules["min_coverage"]
    # Statements per verdict: 1 on the simplified track, 2 with the raw track near the undecided
    # stretches, 3 with the whole raw track.
    statements = collections.Counter()

    def as_served(segment_id, line):
        executed = []

        def counted(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            coverage, _distance, _exact = coverage_for_verdict(segment_id, line, buffer_m, threshold)
        statements[len(executed)] += 1
        return coverage

    def simplified(simplify_m):
        return lambda segment_id, line: coverage_in_database(segment_id, line, buffer_m, simplify_m=simplify_m)[0]

    variants = {"as served": as_served}
    for simplify_m in sorted({0.0, COVERAGE_SIMPLIFY_M, *COVERAGE_TOLERANCES_M}):
        variants[f"simplify {simplify_m:g} m" if simplify_m else "exact"] = simplified(simplify_m)
    names = list(variants)
    lines = [(patrol.segment_id, LineString(patrol.coordinates, srid=4326)) for patrol in patrols]
    for segment_id, line in lines[:3]:
        for measure in variants.values():
            measure(segment_id, line)
    statements.clear()
    timings = {name: [] for name in names}
    coverages = {name: [] for name in names}
    for index, (segment_id, line) in enumerate(lines):
        # Rotate the order so that no variant always runs first (or last) on a track.
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            coverage = variants[name](segment_id, line)
            timings[name].append((time.perf_counter() - started) * 1000)
            coverages[name].append(coverage)
    exact = coverages["exact"]

    def compared(name, label):
        differences = [abs(a - b) for a, b in zip(coverages[name], exact, strict=True)]
        return {
            "name": label,
            "ms": timings[name],
            "max_difference": max(differences),
            "mean_difference": statistics.fmean(differences),
            # The service rounds coverage to 4 places before comparing it with the rule.
            "verdict_changes": sum(
                (round(a, 4) >= threshold) != (round(b, 4) >= threshold)
                for a, b in zip(coverages[name], exact, strict=True)
            ),
        }

    rows = [compared(name, "exact (simplify_m=0)" if name == "exact" else name) for name in names[1:]]
    rows.append(
        compared(
            "as served",
            f"as served: {COVERAGE_SIMPLIFY_M:g} m and bounds, raw near the undecided for {statements[2]}, "
            f"whole raw for {statements[3]} (target <= {TARGET_COVERAGE_MS} ms)",
        )
    )
    return {"count": len(lines), "buffer_m": buffer_m, "threshold": threshold, "variants": rows}


def profile_submissions(patrols, host):
    """cProfile over ``patrols`` posted in this process, after a warm-up; cProfile slows Python
    code more than database waits, so read shares, not absolute times."""
    submitter = Submitter([patrol.chief_id for patrol in patrols], host)
    submitter.post(patrols[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for patrol in patrols[1:]:
        submitter.post(patrol)
    profiler.disable()
    print(f"\nProfile: {len(patrols) - 1} submissions in one process, by cumulative time")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        PROFILE_LINES
    )


# --- Report ---------------------------------------------------------------------------------------------


def percentile(values, share):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def machine():
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version(), postgis_geos_version()")
        postgres, postgis, geos = cursor.fetchone()
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Python", platform.python_version()),
        ("PostgreSQL / PostGIS / GEOS", f"{postgres} / {postgis} / {geos}"),
    ]


def print_table(title, rows):
    width = max(len(label) for label, _value in rows)
    print(f"\n{title}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def latency_rows(latencies):
    return [
        ("latency p50", f"{percentile(latencies, 0.50):8.1f} ms"),
        ("latency p95", f"{percentile(latencies, 0.95):8.1f} ms"),
        ("latency p99", f"{percentile(latencies, 0.99):8.1f} ms"),
        ("latency max", f"{max(latencies):8.1f} ms"),
    ]


def print_report(args, seed, submission, replay, coverage):
    from django import get_version

    outcomes = submission.outcomes
    accepted = [outcome for outcome in outcomes if outcome.status == 201]
    refused = [outcome for outcome in outcomes if outcome.status != 201]
    valid = sum(1 for outcome in accepted if outcome.is_valid)
    statuses = collections.Counter(outcome.status for outcome in outcomes)
    reasons = collections.Counter(code for outcome in accepted for code in outcome.invalid_reasons)

    if args.http:
        mode = f"over HTTP to gunicorn with {args.workers} sync worker(s) from {args.clients} client threads"
    else:
        mode = f"test client in {args.workers} worker process(es)"
    print_table("Machine", [*machine(), ("Django", get_version())])
    print_table(
        f"Submission: {args.patrols} patrols x {args.points} points, {mode}, seed {seed}",
        [
            ("HTTP statuses", ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))),
            ("wall clock", f"{submission.wall_s:8.2f} s"),
            ("accepted patrols / s", f"{len(accepted) / submission.wall_s:8.1f}    target >= {TARGET_PATROLS_PER_S}"),
            *latency_rows([outcome.latency_ms for outcome in outcomes]),
            ("valid (of accepted)", f"{valid} of {len(accepted)} ({valid / max(1, len(accepted)):.1%})"),
            ("invalid reasons", ", ".join(f"{code}: {count}" for code, count in reasons.most_common()) or "none"),
            ("warm-up requests (excluded)", ", ".join(str(status) for status in submission.warm_up_statuses)),
        ],
    )
    for outcome in refused[:3]:
        print(f"  refused ({outcome.status}): {outcome.error}")
    if replay:
        print_table(
            f"Replay: {replay['count']} stored client_uuids resubmitted, one process",
            [
                ("answered 200", f"{replay['answered_200']} of {replay['count']}"),
                ("patrols created", str(replay["created"])),
                *latency_rows(replay["latencies"]),
            ],
        )
    rows = []
    for variant in coverage["variants"]:
        rows.append(
            (
                variant["name"],
                f"mean {statistics.fmean(variant['ms']):7.2f} ms  p95 {percentile(variant['ms'], 0.95):7.2f} ms  "
                f"max |diff| {variant['max_difference']:.6f}  mean |diff| {variant['mean_difference']:.6f}  "
                f"verdicts changed {variant['verdict_changes']}",
            )
        )
    print_table(
        f"Coverage of {coverage['count']} of the tracks, buffer {coverage['buffer_m']} m, "
        f"one process; differences against exact, verdicts against min coverage {coverage['threshold']:.2f}",
        rows,
    )


if __name__ == "__main__":
    main()
