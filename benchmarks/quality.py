"""Water-quality benchmarks against PostGIS: a sample file imported end to end, and the HJ 212 listener
taking packets from many stations at once.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/wushui_bench \\
        .venv/bin/python benchmarks/quality.py --samples 50000 --packets 20000 --connections 50

Prepares its own database like benchmarks/patrols.py (created with the postgis extension if missing,
migrated, seeded with ``seed_demo``) and ``--stations`` bench stations (codes ``BENCH-S…``, automatic,
each with its MN) on the demo's segments.

- **Import**: a generated file of ``--samples`` lab samples over the bench stations, as CSV and as xlsx,
  each imported by ``rivers.sample_import.import_file`` as the upload page does (read, validate every
  row, classify, store in one transaction, the stations' latest class, alerts, monthly means), then
  imported again (every sample already stored). Times are end to end; samples per second printed.
- **Listener**: ``manage.py hj212_listen``'s listener started for the run on a free local port; a
  separate client process opens ``--connections`` connections, one per station, and sends
  ``--packets`` packets in all (Flag=5: each asks for an answer), as fast as the answers come back
  (at most ``--window`` unanswered per connection). Counts the answers and the samples stored: none
  may be lost. ``--cn 2011`` (default) sends real-time data, ``2061`` hourly data.

Every run uses new times, so it adds rows; the bench database is left in place.
"""

import argparse
import asyncio
import csv
import datetime
import io
import multiprocessing
import os
import random
import sys
import threading
import time
from pathlib import Path

from patrols import DEFAULT_DATABASE_URL, create_database, machine, prepare_database, require_postgis, setup_django

TARGET_IMPORT_PER_S = 5000
TARGET_PACKETS_PER_S = 2000
STATION_PREFIX = "BENCH-S"
PASSWORD = "bench212"
HEADER = ["station_code", "sampled_at", "source", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "ph"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=50_000, help="samples in the imported file (default 50,000)")
    parser.add_argument("--stations", type=int, default=100, help="bench stations (default 100)")
    parser.add_argument("--packets", type=int, default=20_000, help="HJ 212 packets to send (default 20,000)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent station connections (default 50)")
    parser.add_argument("--window", type=int, default=20, help="unanswered packets per connection (default 20)")
    parser.add_argument("--cn", choices=["2011", "2061"], default="2011", help="real-time (2011) or hourly (2061)")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-listener", action="store_true")
    parser.add_argument(
        "--pages",
        type=int,
        default=0,
        help="also time the water-quality pages this many times each, as the district official, on the "
        "database as it is (a grown one: grow_district --scale 1); with --pages only, nothing else runs",
    )
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    require_postgis(os.environ["DATABASE_URL"])
    create_database()
    setup_django()
    print_rows("Machine", machine())
    if args.pages and args.skip_import and args.skip_listener:
        print_rows("Pages", run_pages(args.pages))
        return
    prepare_database()
    stations = bench_stations(max(args.stations, args.connections))
    if not args.skip_import:
        print_rows("Import", run_import(stations[: args.stations], args.samples))
    if not args.skip_listener:
        print_rows("HJ 212 listener", run_listener(stations[: args.connections], args))


# --- Set-up ---------------------------------------------------------------------------------------------


def bench_stations(count):
    """``count`` automatic stations on the demo's segments, made once and kept."""
    from rivers.models import Segment, Station

    existing = {station.code: station for station in Station.objects.filter(code__startswith=STATION_PREFIX)}
    segments = list(Segment.objects.order_by("code").select_related("water_body"))
    stations = []
    for number in range(1, count + 1):
        code = f"{STATION_PREFIX}{number:03d}"
        station = existing.get(code)
        if station is None:
            segment = segments[number % len(segments)]
            station = Station(
                code=code,
                name=f"Bench station {number}",
                control_level="district",
                segment=segment,
                location=segment.geometry.interpolate_normalized(0.5),
                is_automatic=True,
                mn=f"BENCH{number:07d}",
                hj212_password=PASSWORD,
            )
            station.full_clean()
            station.save()
        stations.append(station)
    return stations


# --- Import ---------------------------------------------------------------------------------------------


def sample_rows(stations, count, rng):
    """Lab rows at distinct times, new on every run (a random minute offset)."""
    start = datetime.datetime.now() - datetime.timedelta(days=700) + datetime.timedelta(minutes=rng.randint(0, 59))
    per_station = -(-count // len(stations))
    rows = []
    for index in range(count):
        station = stations[index % len(stations)]
        moment = start + datetime.timedelta(hours=index // len(stations) * (24 * 600 // per_station or 1))
        nh3n = rng.lognormvariate(0, 0.5)
        rows.append(
            [
                station.code,
                moment.strftime("%Y-%m-%d %H:%M"),
                "lab",
                round(rng.uniform(2, 8), 2),
                round(rng.uniform(2, 12), 1),
                round(rng.uniform(10, 40), 1),
                round(rng.uniform(2, 8), 1),
                round(nh3n, 3),
                round(rng.uniform(0.05, 0.4), 3),
                round(rng.uniform(0.5, 4), 2),
                round(rng.uniform(6.5, 8.5), 2),
            ]
        )
    return rows


def as_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("samples")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed_import(name, content, user):
    from django.core.files.base import ContentFile

    from rivers.models import SampleImport
    from rivers.sample_import import import_file

    record = SampleImport(requested_by=user, original_name=name)
    record.file.save(name, ContentFile(content), save=False)
    record.save()
    started = time.perf_counter()
    import_file(record)
    seconds = time.perf_counter() - started
    if record.status != "imported":
        sys.exit(f"The bench file was refused: {record.errors[:3]}")
    return seconds, record


def run_import(stations, count):
    from wushui.models import User

    user = User.objects.get(username="admin")
    rng = random.Random()
    out = []
    for kind, make in (("CSV", as_csv), ("xlsx", as_xlsx)):
        rows = sample_rows(stations, count, rng)
        content = make(rows)
        name = f"bench.{kind.lower()}"
        seconds, record = timed_import(name, content, user)
        again, repeat = timed_import(name, content, user)
        out += [
            (f"{kind}: {count:,} new samples", f"{seconds:.2f} s  {count / seconds:,.0f} samples/s"),
            (f"{kind}: the same file again", f"{again:.2f} s  {count / again:,.0f} samples/s"),
            (f"{kind}: stored new / updated", f"{record.created:,} / {repeat.updated:,}"),
        ]
    out.append(("Target", f"≥ {TARGET_IMPORT_PER_S:,} samples/s end to end"))
    return out


# --- Listener -------------------------------------------------------------------------------------------


def packets_for(stations, total, cn):
    from rivers import hj212

    rng = random.Random()
    per_station = -(-total // len(stations))
    step = datetime.timedelta(minutes=1) if cn == hj212.REALTIME else datetime.timedelta(hours=1)
    start = datetime.datetime.now() - step * (per_station + 2) - datetime.timedelta(seconds=rng.randint(0, 59))
    kind = []
    for station in stations:
        own = []
        for index in range(per_station):
            when = start + step * index
            factors = {
                "w21003": (round(rng.lognormvariate(0, 0.5), 3), "N"),
                "w01009": (round(rng.uniform(2, 8), 2), "N"),
                "w21011": (round(rng.uniform(0.05, 0.4), 3), "N"),
                "w01019": (round(rng.uniform(2, 12), 1), "N"),
                "w01001": (round(rng.uniform(6.5, 8.5), 2), "N"),
                "w01010": (round(rng.uniform(10, 30), 1), "N"),
            }
            segment = hj212.data_segment(mn=station.mn, pw=PASSWORD, cn=cn, data_time=when, factors=factors, flag=5)
            own.append(hj212.frame(segment))
        kind.append(own)
    # Exactly ``total``: the last stations send one fewer where it does not divide.
    excess = per_station * len(stations) - total
    for own in kind[len(kind) - excess :]:
        own.pop()
    return kind


def client_process(port, packets, window, results):
    """Each station's connection sends its packets, at most ``window`` unanswered, and counts answers."""

    async def station(own):
        from rivers import hj212

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        decoder = hj212.StreamDecoder()
        answered = sent = 0
        stored = 0
        while answered < len(own):
            while sent < len(own) and sent - answered < window:
                writer.write(own[sent])
                sent += 1
            await writer.drain()
            data = await asyncio.wait_for(reader.read(65536), 60)
            if not data:
                break
            for item in decoder.feed(data):
                answered += 1
                stored += getattr(item, "cn", "") == hj212.DATA_RESPONSE
        writer.close()
        return answered, stored

    async def everyone():
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(station(own) for own in packets))
        return time.perf_counter() - started, outcomes

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    seconds, outcomes = asyncio.run(everyone())
    results.put((seconds, sum(a for a, _s in outcomes), sum(s for _a, s in outcomes)))


def run_listener(stations, args):
    from rivers.hj212_listener import Listener
    from rivers.models import Sample

    packets = packets_for(stations, args.packets, args.cn)
    total = sum(len(own) for own in packets)
    before = Sample.objects.filter(station__in=stations).count()
    listener = Listener("127.0.0.1", 0)
    ready = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(listener.serve(ready)), daemon=True)
    thread.start()
    ready.wait(30)
    results = multiprocessing.get_context("spawn").Queue()
    client = multiprocessing.get_context("spawn").Process(
        target=client_process, args=(listener.port, packets, args.window, results)
    )
    client.start()
    seconds, answered, acknowledged = results.get(timeout=600)
    client.join()
    listener.stop_from_another_thread()
    thread.join(60)
    stored = Sample.objects.filter(station__in=stations).count() - before
    stats = dict(listener.stats)
    return [
        ("Packets", f"{total:,} ({'real-time 2011' if args.cn == '2011' else 'hourly 2061'}, Flag=5)"),
        ("Connections", f"{len(stations)} (one per station), window {args.window}"),
        ("Time, first send to last answer", f"{seconds:.2f} s"),
        ("Throughput", f"{total / seconds:,.0f} packets/s"),
        ("Answers (9014 data responses)", f"{answered:,} ({acknowledged:,})"),
        ("New samples stored", f"{stored:,}"),
        ("Lost", f"{total - stored:,}"),
        ("Batches written", f"{stats.get('batches', 0):,}, {total / max(1, stats.get('batches', 1)):.0f} packets each"),
        ("Target", f"≥ {TARGET_PACKETS_PER_S:,} packets/s from {args.connections} connections, none lost"),
    ]


# --- Pages ----------------------------------------------------------------------------------------------


def run_pages(repeat):
    """p50 and p95 of each water-quality page and layer, after one warm-up request each."""
    from django.test import Client
    from django.urls import reverse
    from patrols import checked_host, percentile

    from rivers.models import Outlet, Sample, Station
    from wushui.models import User

    host = checked_host(None)
    client = Client(HTTP_HOST=host)
    client.force_login(User.objects.get(username="official"))
    station_id = Station.objects.filter(is_automatic=True).order_by("-code").values_list("pk", flat=True).first()
    district = {"bbox": "120.5,27.7,121.3,28.3", "zoom": "11"}
    pages = [
        ("river registry (an ordinary page)", reverse("rivers:waterbody_list"), {}),
        ("home (an ordinary page)", reverse("home"), {}),
        ("station list", reverse("rivers:station_list"), {}),
        ("station list, bad only", reverse("rivers:station_list"), {"bad": "true"}),
        ("station detail, last month", reverse("rivers:station_detail", args=[station_id]), {"period": "month"}),
        ("station detail, last year", reverse("rivers:station_detail", args=[station_id]), {"period": "year"}),
        ("station detail, all months", reverse("rivers:station_detail", args=[station_id]), {"period": "all"}),
        ("劣V tracker", reverse("rivers:quality_tracker"), {}),
        ("year over year", reverse("rivers:quality_yoy"), {}),
        ("grading", reverse("rivers:quality_grading"), {}),
        ("outlet list", reverse("rivers:outlet_list"), {}),
        ("station layer, district view", reverse("station-layer"), district),
        ("outlet layer, district view", reverse("outlet-layer"), district),
    ]
    counts = (Station.objects.count(), Sample.objects.count(), Outlet.objects.count())
    rows = [("Rows", "{:,} stations, {:,} samples, {:,} outlets".format(*counts))]
    for label, url, params in pages:
        client.get(url, params)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{label}: {response.status_code}")
        rows.append((label, f"p50 {percentile(times, 0.5):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"))
    return rows


def print_rows(title, rows):
    width = max(len(label) for label, _value in rows)
    print(f"\n{title}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
