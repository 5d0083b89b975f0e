"""Storing samples, whatever brought them (a file, an HJ 212 packet, a JSON push, a form): classified by
the station's rules, stored once per station, source, interval and time, the station's latest class
kept, and an alert recorded for a sample worse than its target or 劣V.

The problems side (``inspections``, a layer above) turns alerts into problems: it reads
:func:`untaken_alerts` and marks what it took with :func:`mark_alerts_taken`; nothing here imports it.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Avg, Case, Count, F, FloatField, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from rivers import gb3838
from rivers.choices import AlertKind, SampleInterval, SampleSource, WaterClass
from rivers.models import Alert, Sample, Station, StationMonth
from rivers.models.quality import STATION_MONTHS, samples_of
from wushui.figures import changed

# Rows per INSERT: a few thousand keep a statement's parameters well within every database's limits.
WRITE_BATCH = 1000
# A clock a few minutes fast still sends "now".
FUTURE_SLACK = datetime.timedelta(minutes=5)

UPDATED_FIELDS = ["values", "flags", "water_class", "determining", "exceedances", "ph_out_of_range", "is_bad"]
UNIQUE_FIELDS = ["station", "source", "interval", "sampled_at"]


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    alerts: int = 0
    samples: list = field(default_factory=list)

    def add(self, other):
        self.created += other.created
        self.updated += other.updated
        self.alerts += other.alerts
        self.samples += other.samples


def is_assessed(source, interval):
    """Lab, typed-in, hourly and daily values assess a station; real-time readings do not."""
    return not (source == SampleSource.AUTOMATIC and interval == SampleInterval.INSTANT)


def new_sample(station, sampled_at, source, interval=SampleInterval.INSTANT, values=None, flags=None):
    """An unsaved, classified sample of ``station`` (whose target and water type must be loaded)."""
    sample = Sample(
        station=station,
        sampled_at=sampled_at,
        source=source,
        interval=interval,
        values=values or {},
        flags=flags or {},
    )
    sample.classify(station)
    return sample


def store_samples(samples: Iterable[Sample], *, refresh_months=True) -> StoreResult:
    """Store classified ``samples`` (from :func:`new_sample`) in one transaction: a sample already stored
    for its station, source, interval and time is updated, not repeated. The months they fall in are
    summarised anew (:func:`refresh_months`) unless the caller does it later (``months_touched``)."""
    samples = list(samples)
    result = StoreResult()
    if not samples:
        return result
    with transaction.atomic():
        for start in range(0, len(samples), WRITE_BATCH):
            result.add(_store_batch(_unique(samples[start : start + WRITE_BATCH])))
        keep_latest(result.samples)
        if refresh_months:
            refresh_months_of(months_touched(result.samples))
        # Written in bulk, past the model's save: the stations' trends are announced stale here, at commit.
        changed(*{samples_of(sample.station_id) for sample in samples}, within=False)
    return result


def months_touched(samples):
    """The (station id, month) pairs assessed samples fall in."""
    zone = timezone.get_current_timezone()  # once: each lookup of it costs as much as the rest
    return {
        (sample.station_id, sample.sampled_at.astimezone(zone).date().replace(day=1))
        for sample in samples
        if is_assessed(sample.source, sample.interval)
    }


def value_of(code):
    """The value of one indicator in SQL, where it is fit to classify (no flag, or flag N)."""
    normal = Q(**{f"flags__{code}__isnull": True}) | Q(**{f"flags__{code}": "N"})
    return Case(
        When(normal, then=Cast(KT(f"values__{code}"), FloatField())), default=Value(None), output_field=FloatField()
    )


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def refresh_months_of(keys):
    """Recompute the monthly means of ``keys`` ((station id, first day of month)) from the samples: one
    grouped query per station set, one upsert. Returns the number of months written."""
    keys = set(keys)
    if not keys:
        return 0
    station_ids = {station_id for station_id, _month in keys}
    first, last = min(month for _id, month in keys), max(month for _id, month in keys)
    rows = (
        Sample.objects.assessed()
        .filter(
            station_id__in=station_ids,
            sampled_at__gte=_local_midnight(first),
            sampled_at__lt=_local_midnight(_next_month(last)),
        )
        .annotate(month=TruncMonth("sampled_at"))
        .values("station_id", "month")
        .annotate(count=Count("pk"), **{code: Avg(value_of(code)) for code in gb3838.AVERAGED})
        .order_by()
    )
    stations = Station.objects.in_bulk(station_ids)
    months = []
    for row in rows:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
        if (row["station_id"], month) not in keys:
            continue
        station = stations[row["station_id"]]
        means = {code: round(row[code], 4) for code in gb3838.AVERAGED if row[code] is not None}
        evaluation = gb3838.classify(means, lake=station.is_lake, target=station.target_class)
        months.append(
            StationMonth(
                station_id=row["station_id"],
                month=month,
                samples=row["count"],
                means=means,
                water_class=evaluation.water_class,
            )
        )
    for start in range(0, len(months), WRITE_BATCH):
        StationMonth.objects.bulk_create(
            months[start : start + WRITE_BATCH],
            update_conflicts=True,
            unique_fields=["station", "month"],
            update_fields=["samples", "means", "water_class"],
        )
    # The months are read by the stations' trends: kept figures move with them (at commit).
    changed(STATION_MONTHS, *{samples_of(station_id) for station_id in station_ids}, within=False)
    return len(months)


def _key(sample):
    return (sample.station_id, sample.source, sample.interval, sample.sampled_at)


def _unique(samples):
    """The last of each key: a station repeating itself within one batch is one sample."""
    return list({_key(sample): sample for sample in samples}.values())


def _store_batch(samples):
    if connection.vendor == "postgresql":
        updated = _upsert_postgresql(samples)
    else:
        stored = set(
            Sample.objects.filter(
                station_id__in={sample.station_id for sample in samples},
                sampled_at__in={sample.sampled_at for sample in samples},
            ).values_list("station_id", "source", "interval", "sampled_at")
        )
        updated = sum(1 for sample in samples if _key(sample) in stored)
        Sample.objects.bulk_create(
            samples, update_conflicts=True, unique_fields=UNIQUE_FIELDS, update_fields=UPDATED_FIELDS
        )
    alerts = raise_alerts(samples)
    return StoreResult(created=len(samples) - updated, updated=updated, alerts=alerts, samples=samples)


# The upsert bulk_create(update_conflicts=True) writes, in one statement per batch without the ORM's
# per-value preparation (half the time of an import), and which tells new rows from updated ones
# (xmax is 0 for a row this statement inserted). The same columns and conflict target as the model.
_UPSERT = (
    'INSERT INTO "rivers_sample" ("station_id", "sampled_at", "source", "interval", "values", "flags", '
    '"water_class", "determining", "exceedances", "ph_out_of_range", "is_bad", "received_at") VALUES %s '
    'ON CONFLICT ("station_id", "source", "interval", "sampled_at") DO UPDATE SET '
    + ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in UPDATED_FIELDS)
    + ' RETURNING "id", "station_id", "source", "interval", "sampled_at", (xmax = 0)'
)


def _upsert_postgresql(samples):
    from psycopg2.extras import execute_values

    now = timezone.now()
    dumps = json.dumps
    rows = [
        (
            sample.station_id,
            sample.sampled_at,
            sample.source,
            sample.interval,
            dumps(sample.values),
            dumps(sample.flags),
            sample.water_class,
            dumps(sample.determining),
            dumps(sample.exceedances),
            sample.ph_out_of_range,
            sample.is_bad,
            now,
        )
        for sample in samples
    ]
    by_key = {_key(sample): sample for sample in samples}
    updated = 0
    with connection.cursor() as cursor:
        returned = execute_values(cursor.cursor, _UPSERT, rows, page_size=len(rows), fetch=True)
    for pk, station_id, source, interval, sampled_at, inserted in returned:
        sample = by_key[(station_id, source, interval, sampled_at)]
        sample.pk = pk
        sample._state.adding = False
        updated += not inserted
    return updated


def keep_latest(samples):
    """The station's latest assessed sample, its class on lists and maps, and when its bad run began:
    conditional updates, so that a late sample never replaces a newer one. A batch's own samples show
    where a run began (the first bad one after its last good one); a batch bad throughout continues
    the run the station was already in."""
    by_station = {}
    for sample in samples:
        if is_assessed(sample.source, sample.interval) and sample.pk is not None:
            by_station.setdefault(sample.station_id, []).append(sample)
    for station_id, own in by_station.items():
        own.sort(key=lambda sample: sample.sampled_at)
        latest = own[-1]
        if latest.is_bad:
            first_bad = len(own) - 1
            while first_bad > 0 and own[first_bad - 1].is_bad:
                first_bad -= 1
            run_start = own[first_bad].sampled_at
            if first_bad == 0:
                # Bad from the batch's first sample on: the run may have begun before it.
                bad_since = Case(
                    When(bad_since__isnull=False, bad_since__lt=run_start, then=F("bad_since")),
                    default=Value(run_start),
                )
            else:
                bad_since = Value(run_start)
        else:
            bad_since = None
        Station.objects.filter(
            Q(latest_sampled_at__isnull=True) | Q(latest_sampled_at__lte=latest.sampled_at), pk=station_id
        ).update(
            latest_class=latest.water_class,
            latest_sampled_at=latest.sampled_at,
            latest_sample=latest.pk,
            bad_since=bad_since,
        )


def alert_kind(sample):
    if sample.water_class == WaterClass.WORSE_THAN_V:
        return AlertKind.WORSE_THAN_V
    return AlertKind.WORSE_THAN_TARGET


def raise_alerts(samples):
    """One alert per station, kind and local day: the day's first bad assessed sample raises it."""
    zone = timezone.get_current_timezone()
    alerts = {}
    for sample in samples:
        if not (sample.is_bad and is_assessed(sample.source, sample.interval) and sample.pk is not None):
            continue
        station = sample.station
        day = sample.sampled_at.astimezone(zone).date()
        key = (station.pk, alert_kind(sample), day)
        if key not in alerts:
            alerts[key] = (sample, station)
    if not alerts:
        return 0
    rows = [
        (
            station.pk,
            sample.pk,
            kind,
            day,
            sample.water_class,
            station.target_class,
            sample.determining,
            station.responsible_chief_id,
        )
        for (_station_id, kind, day), (sample, station) in alerts.items()
    ]
    if connection.vendor == "postgresql":
        return _insert_alerts_postgresql(rows)
    before = Alert.objects.filter(station_id__in={key[0] for key in alerts}, day__in={key[2] for key in alerts})
    existing = set(before.values_list("station_id", "kind", "day"))
    fields = ("station_id", "sample_id", "kind", "day", "water_class", "target_class", "determining", "chief_id")
    Alert.objects.bulk_create([Alert(**dict(zip(fields, row, strict=True))) for row in rows], ignore_conflicts=True)
    return len(set(alerts) - existing)


_INSERT_ALERTS = (
    'INSERT INTO "rivers_alert" ("station_id", "sample_id", "kind", "day", "water_class", "target_class", '
    '"determining", "chief_id", "raised_at", "taken_at") VALUES %s '
    'ON CONFLICT ("station_id", "kind", "day") DO NOTHING RETURNING "id"'
)


def _insert_alerts_postgresql(alerts):
    """What ``bulk_create(ignore_conflicts=True)`` does, counting the alerts it added; ``alerts`` are rows
    of (station, sample, kind, day, class, target, determining, chief)."""
    from psycopg2.extras import execute_values

    now = timezone.now()
    rows = [(*row[:6], json.dumps(row[6]), row[7], now, None) for row in alerts]
    with connection.cursor() as cursor:
        return len(execute_values(cursor.cursor, _INSERT_ALERTS, rows, page_size=len(rows), fetch=True))


# --- For the problems side ------------------------------------------------------------------------------


def untaken_alerts(after_id=0, limit=500):
    """Alerts no problem has been made of yet, oldest first, after ``after_id``: what the problems
    side's sweep reads (it lives above this layer and imports this function)."""
    return (
        Alert.objects.untaken()
        .filter(pk__gt=after_id)
        .select_related("station__segment", "chief", "sample")
        .order_by("pk")[:limit]
    )


def mark_alerts_taken(alert_ids):
    """Mark alerts as turned into problems; an alert already taken stays as it was. Returns how many."""
    return Alert.objects.untaken().filter(pk__in=list(alert_ids)).update(taken_at=timezone.now())
