"""Demo water quality and outlets: for ``seed_demo`` the stations the speech names (瑶溪 and 状元十字河 to
leave 劣V, the city-controlled sections 屿田 and 永中) and the district's others, two years of monthly lab
samples and a week of an automatic station's hours, the outlets, 清三河 and the year's deadlines; for
``grow_district`` (``grow_quality``, a step of ``demo.scale``) stations on the grown waters with three
years of their values.

Every value goes through the product's own rules: ``rivers.samples.new_sample`` classifies it, and the
station's latest class, its alerts and monthly means come from the functions that keep them live.
"""

import datetime
import math
import random

from django.utils import timezone

from rivers.choices import (
    ControlLevel,
    DeadlineSubject,
    OutletStatus,
    SampleInterval,
    SampleSource,
    ThreeRiversKind,
    WaterType,
)
from rivers.models import (
    CampaignDeadline,
    ChiefAppointment,
    Outlet,
    Sample,
    Segment,
    Station,
    ThreeRiversRecord,
)
from rivers.samples import (
    keep_latest,
    months_touched,
    new_sample,
    raise_alerts,
    refresh_months_of,
    store_samples,
)
from wushui.bulk import drawn_ahead, insert_objects
from wushui.choices import Tier

# (code, name, water body code, control level, automatic MN, how polluted: NH3-N level now, trend a year)
STATIONS = (
    ("LW-S001", "瑶溪站位", "LW-R005", ControlLevel.DISTRICT, "LW0000000001", 3.0, -0.18),
    ("LW-S002", "状元十字河站位", "LW-R006", ControlLevel.DISTRICT, "", 2.9, -0.2),
    ("LW-S003", "屿田断面", "LW-R033", ControlLevel.CITY, "", 2.8, -0.22),
    ("LW-S004", "永中断面", "LW-R030", ControlLevel.CITY, "", 2.7, -0.25),
    ("LW-S005", "温瑞塘河龙湾段", "LW-R002", ControlLevel.PROVINCIAL, "LW0000000005", 1.2, -0.12),
    ("LW-S006", "瓯江龙湾段", "LW-R001", ControlLevel.NATIONAL, "", 0.45, -0.05),
    ("LW-S007", "永强主塘河", "LW-R003", ControlLevel.DISTRICT, "", 1.15, -0.15),
    ("LW-S008", "黄石山后河（永中段）", "LW-R004", ControlLevel.DISTRICT, "", 0.9, -0.1),
    ("LW-S009", "中横河", "LW-R007", ControlLevel.STREET, "", 1.1, -0.1),
    ("LW-S010", "天马落河", "LW-R008", ControlLevel.STREET, "", 1.6, -0.15),
    ("LW-S011", "北山河", "LW-R009", ControlLevel.STREET, "", 1.2, -0.12),
    ("LW-S012", "丰台水库", "LW-K001", ControlLevel.DISTRICT, "", 0.15, -0.05),
)
DEMO_MN_PASSWORD = "wushui212"
MONTHS_OF_LAB_SAMPLES = 24
HOURS_OF_AUTOMATIC_DATA = 24 * 7

# (local code, national code, name, water body code, category, sub-type, status, responsible entity)
OUTLETS = (
    ("LW-PK-0001", "", "瑶溪河头村雨污混排口", "LW-R005", "other", "rural_domestic", "illegal", "瑶溪街道河头村"),
    ("LW-PK-0002", "", "瑶溪皇岙工业点排口", "LW-R005", "industrial", "enterprise", "illegal", "温州皇岙五金厂"),
    (
        "LW-PK-0003",
        "91330303MA2CR1AB1XDW001",
        "状元横街污水厂尾水排口",
        "LW-R006",
        "urban_sewage",
        "sewage_plant",
        "over_standard",
        "龙湾区城市污水处理厂",
    ),
    ("LW-PK-0004", "", "状元殿前村排口", "LW-R006", "other", "rural_facility", "remediating", "状元街道殿前村"),
    ("LW-PK-0005", "", "屿田村养殖排口", "LW-R033", "agricultural", "aquaculture", "unreasonable", "屿田水产养殖场"),
    (
        "LW-PK-0006",
        "91330303MA2CR2CD2YDW001",
        "永中特殊钢小微园排口",
        "LW-R030",
        "industrial",
        "park_plant",
        "remediating",
        "特殊钢小微园管理公司",
    ),
    (
        "LW-PK-0007",
        "91330303MA2CR3EF3ZDW001",
        "永中铸造小微园雨水排口",
        "LW-R030",
        "industrial",
        "park_storm",
        "compliant",
        "铸造小微园管理公司",
    ),
    ("LW-PK-0008", "", "温瑞塘河龙湾段雨水排口", "LW-R002", "other", "port", "compliant", "龙湾区港航管理站"),
    ("LW-PK-0009", "", "永强主塘河沙城排口", "LW-R003", "other", "rural_domestic", "sealed", "沙城街道"),
    (
        "LW-PK-0010",
        "91330303MA2CR4GH4ADW001",
        "东片污水处理厂排口",
        "LW-R003",
        "urban_sewage",
        "sewage_plant",
        "compliant",
        "东片污水处理厂",
    ),
    ("LW-PK-0011", "", "天马落河天马村排口", "LW-R008", "other", "small_farming", "illegal", "状元街道天马村"),
    ("LW-PK-0012", "", "北山河北山村排口", "LW-R009", "other", "rural_domestic", "remediating", "瑶溪街道北山村"),
)

# (water body code, kind, identified, cleared, rebound identified)
THREE_RIVERS = (
    ("LW-R005", ThreeRiversKind.BLACK, (2024, 4, 10), (2024, 11, 20), (2025, 7, 3)),
    ("LW-R006", ThreeRiversKind.SMELLY, (2024, 5, 2), (2025, 3, 15), None),
    ("LW-R009", ThreeRiversKind.GARBAGE, (2025, 2, 18), (2025, 4, 1), None),
    ("LW-R033", ThreeRiversKind.BLACK, (2025, 9, 1), None, None),
)

DEADLINE_TEXTS = {
    DeadlineSubject.ILLEGAL_OUTLETS: "违法排污口清零、劣V类站位所在河道入河污染零直排",
    DeadlineSubject.CITY_STATIONS: "市控屿田、永中断面消除劣V类；排污口整治完成",
    DeadlineSubject.OUTLET_REMEDIATION: "入河排污口整治全部完成",
    DeadlineSubject.ALL_STATIONS: "全区站位全面消除劣V类",
}


def _segment_of(body_code):
    return (
        Segment.objects.filter(water_body__code=body_code)
        .select_related("water_body", "region")
        .order_by("code")
        .first()
    )


def _chief_of(segment):
    """The segment's chief of the lowest tier in office: the one who answers for it day to day."""
    order = {Tier.VILLAGE: 0, Tier.STREET: 1, Tier.DISTRICT: 2}
    appointments = list(
        ChiefAppointment.objects.current().filter(segment=segment, role="chief").select_related("chief")
    )
    appointments.sort(key=lambda appointment: order[appointment.tier])
    return appointments[0].chief if appointments else None


def indicator_values(rng, nh3n, lake=False, season=0.0):
    """A plausible sample around an NH3-N level: the other indicators follow the same pollution."""
    level = max(0.05, nh3n * (1 + season) * rng.uniform(0.85, 1.15))
    pollution = min(1.0, level / 2.0)
    values = {
        "nh3n": level,
        "do": max(1.0, 8.0 - 5.5 * pollution + rng.uniform(-0.6, 0.6)),
        "codmn": 2.5 + 9 * pollution + rng.uniform(-0.8, 0.8),
        "cod": 12 + 26 * pollution + rng.uniform(-3, 3),
        "bod5": 2.0 + 5 * pollution + rng.uniform(-0.4, 0.4),
        "tp": (0.012 + 0.12 * pollution if lake else 0.05 + 0.33 * pollution) * rng.uniform(0.85, 1.15),
        "tn": (0.3 if lake else 0.6) + 3.2 * pollution + rng.uniform(-0.1, 0.1),
        "ph": rng.uniform(6.8, 7.9),
        "temperature": 18 + 9 * season * 4 + rng.uniform(-1, 1),
    }
    digits = {"nh3n": 3, "tp": 3, "tn": 2, "do": 2, "codmn": 1, "cod": 1, "bod5": 1, "ph": 2, "temperature": 1}
    return {code: round(max(0.0, value), digits[code]) for code, value in values.items()}


def _season(moment):
    # Summer rains dilute, winter low water concentrates: ±10 % over the year.
    return 0.1 * math.cos((moment.month - 1) / 12 * 2 * math.pi)


def seed_quality(seed, today=None):
    """The Longwan demo's water quality, outlets and 清三河; rerunning changes nothing. Returns counts."""
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:quality")
    stations = []
    for code, name, body_code, level, mn, nh3n, trend in STATIONS:
        segment = _segment_of(body_code)
        if segment is None:
            continue
        station = Station.objects.filter(code=code).first() or Station(code=code)
        station.name, station.control_level, station.segment = name, level, segment
        station.location = segment.geometry.interpolate_normalized(0.5)
        station.responsible_chief = _chief_of(segment)
        station.is_automatic, station.mn = bool(mn), mn
        station.hj212_password = DEMO_MN_PASSWORD if mn else ""
        station.full_clean()
        station.save()
        stations.append((station, nh3n, trend))
    samples = []
    for station, nh3n, trend in stations:
        station_rng = random.Random(f"{seed}:{station.code}")
        for back in range(MONTHS_OF_LAB_SAMPLES, 0, -1):
            first = (today.replace(day=1) - datetime.timedelta(days=30 * back)).replace(day=5)
            moment = timezone.make_aware(datetime.datetime.combine(first, datetime.time(10)))
            years_back = back / 12
            # Worse in the past: the trend is this year's change.
            level = nh3n / (1 + trend) ** years_back
            values = indicator_values(station_rng, level, station.is_lake, _season(moment))
            samples.append(new_sample(station, moment, SampleSource.LAB, values=values))
        if station.is_automatic:
            # The week before today: a second run on the same day writes nothing new.
            start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
            for hour in range(HOURS_OF_AUTOMATIC_DATA, 0, -1):
                moment = start - datetime.timedelta(hours=hour)
                values = indicator_values(station_rng, nh3n, station.is_lake, _season(moment))
                flags = {code: "N" for code in values}
                if station_rng.random() < 0.02:
                    flags["nh3n"] = station_rng.choice("MDC")
                samples.append(new_sample(station, moment, SampleSource.AUTOMATIC, SampleInterval.HOUR, values, flags))
    result = store_samples(samples)
    outlets = _seed_outlets(rng, today)
    records = _seed_three_rivers()
    for subject, (month, day) in CampaignDeadline.DEFAULTS.items():
        CampaignDeadline.objects.update_or_create(
            year=today.year,
            subject=subject,
            defaults={"due": datetime.date(today.year, month, day), "description": DEADLINE_TEXTS[subject]},
        )
    return {"stations": len(stations), "samples": result.created, "outlets": outlets, "three_rivers": records}


def _seed_outlets(rng, today):
    written = 0
    for number, (local, national, name, body_code, category, subtype, status, entity) in enumerate(OUTLETS):
        segment = _segment_of(body_code)
        if segment is None:
            continue
        wanted = {
            "national_code": national,
            "name": name,
            "category": category,
            "subtype": subtype,
            "segment": segment,
            "location": segment.geometry.interpolate_normalized(0.2 + 0.6 * ((number * 37) % 10) / 10),
            "responsible_entity": entity,
            "contact_name": entity[:2] + "主任",
            "contact_phone": f"0577-8688{number:04d}",
            "sign_installed": status in (OutletStatus.COMPLIANT, OutletStatus.UNDER_REMEDIATION),
            "status": status,
            "remediation_plan": "" if status == OutletStatus.COMPLIANT else "截污纳管，雨污分流，限期整改。",
            "remediation_completed_on": datetime.date(today.year, 1, 20) if status == OutletStatus.SEALED else None,
            "registered_on": datetime.date(today.year - 1, 3 + number % 9, 1 + number),
        }
        outlet = Outlet.objects.filter(local_code=local).first()
        if outlet is not None and all(
            getattr(outlet, key) == value for key, value in wanted.items() if key != "location"
        ):
            continue
        outlet = outlet or Outlet(local_code=local)
        for key, value in wanted.items():
            setattr(outlet, key, value)
        outlet.full_clean()
        outlet.save()
        written += 1
    return written


def _seed_three_rivers():
    written = 0
    for body_code, kind, identified, cleared, rebound in THREE_RIVERS:
        segment = _segment_of(body_code)
        if segment is None:
            continue
        body = segment.water_body
        first, created = ThreeRiversRecord.objects.get_or_create(
            water_body=body,
            kind=kind,
            identified_on=datetime.date(*identified),
            defaults={"cleared_on": datetime.date(*cleared) if cleared else None, "note": "清三河整治"},
        )
        written += created
        if rebound:
            _record, created = ThreeRiversRecord.objects.get_or_create(
                water_body=body,
                kind=kind,
                identified_on=datetime.date(*rebound),
                defaults={"rebound_of": first, "note": "汛后回潮，复查发现黑臭"},
            )
            written += created
    return written


# --- At scale, for ``manage.py grow_district`` -----------------------------------------------------------

STATIONS_PER_SCALE = 100
MONTHS = 36
# Automatic data: daily means for the whole 36 months and hourly values for the last days only. Hourly
# values for 36 months would be 100 × 26,300 = 2.6 million rows, several minutes of writing alone; the
# whole of grow_district has five (docs/benchmarks.md).
HOURLY_DAYS = 30
AUTOMATIC_SHARE = 0.6
WRITE_BATCH = 5000
STATION_CODE_PREFIX = "WZ-S"


def grow_quality(growth):
    """Stations on the grown waters (``STATIONS_PER_SCALE × scale``), each with monthly lab samples for
    36 months and, for the automatic ones, daily means for 36 months and hourly values for the last
    ``HOURLY_DAYS`` days; then their latest class, alerts and monthly means, as the product keeps them."""
    count = growth.count(STATIONS_PER_SCALE)
    segments = list(
        growth.grown_segments()
        .select_related("water_body")
        .order_by("code")
        .only("pk", "code", "geometry", "water_body__kind", "water_body__target_class", "water_body__code")
    )
    if not segments:
        return {}
    step = max(1, len(segments) // count)
    chosen = segments[::step][:count]
    levels = list(ControlLevel.values())
    stations = []
    for number, segment in enumerate(chosen, start=1):
        rng = growth.rng("station", segment.code)
        automatic = rng.random() < AUTOMATIC_SHARE
        station = Station(
            code=f"{STATION_CODE_PREFIX}{number:04d}",
            name=f"{segment.code} 监测断面",
            control_level=rng.choices(levels, weights=(1, 2, 4, 8, 6))[0],
            segment=segment,
            water_body_id=segment.water_body_id,
            location=segment.geometry.interpolate_normalized(0.5),
            target_class=segment.water_body.target_class,
            water_type=WaterType.of_kind(segment.water_body.kind),
            is_automatic=automatic,
            mn=f"WZ{number:010d}" if automatic else "",
            hj212_password=DEMO_MN_PASSWORD if automatic else "",
        )
        station.clean_fields(exclude=["segment", "water_body", "responsible_chief", "latest_sample"])
        stations.append(station)
    Station.objects.bulk_create(stations, batch_size=WRITE_BATCH)
    ticker_total = count * (MONTHS + (MONTHS * 30 + HOURLY_DAYS * 24) * AUTOMATIC_SHARE)
    ticker = growth.progress.start("quality", int(ticker_total))
    written, latest = 0, {}
    keys = set()
    alerts = 0
    # The next stations' samples are drawn while PostgreSQL writes a batch.
    for samples in drawn_ahead(_drawn_samples(growth, stations)):
        written, alerts = _write(samples, written, alerts, keys, latest, ticker)
    keep_latest(list(latest.values()))
    months = refresh_months_of(keys)
    ticker.finish()
    return {"stations": len(stations), "samples": written, "alerts": alerts, "station months": months}


def _drawn_samples(growth, stations):
    """The stations' samples, classified (``new_sample``), in batches of at least ``WRITE_BATCH``: a
    station's samples in one batch. Drawing only, no database (see ``wushui.bulk.drawn_ahead``)."""
    first_day = (growth.today.replace(day=1) - datetime.timedelta(days=MONTHS * 31)).replace(day=1)
    pending = []
    for station in stations:
        rng = growth.rng("samples", station.code)
        nh3n = rng.lognormvariate(math.log(1.1), 0.5)
        trend = rng.uniform(0.05, 0.25)  # improving by this share a year
        lab_day = first_day.replace(day=rng.randint(3, 12))
        while lab_day < growth.today:
            moment = timezone.make_aware(datetime.datetime.combine(lab_day, datetime.time(10)))
            level = nh3n * (1 + trend) ** ((growth.today - lab_day).days / 365)
            pending.append(
                new_sample(
                    station,
                    moment,
                    SampleSource.LAB,
                    values=indicator_values(rng, level, station.is_lake, _season(moment)),
                )
            )
            lab_day = (lab_day.replace(day=28) + datetime.timedelta(days=7)).replace(day=lab_day.day)
        if station.is_automatic:
            day = first_day
            hourly_from = growth.today - datetime.timedelta(days=HOURLY_DAYS)
            while day < growth.today:
                level = nh3n * (1 + trend) ** ((growth.today - day).days / 365)
                moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
                values = indicator_values(rng, level, station.is_lake, _season(moment))
                pending.append(
                    new_sample(station, moment, SampleSource.AUTOMATIC, SampleInterval.DAY, values, _flags(rng, values))
                )
                if day >= hourly_from:
                    for hour in range(24):
                        at = moment + datetime.timedelta(hours=hour)
                        hourly = indicator_values(rng, level, station.is_lake, _season(at))
                        pending.append(
                            new_sample(
                                station, at, SampleSource.AUTOMATIC, SampleInterval.HOUR, hourly, _flags(rng, hourly)
                            )
                        )
                day += datetime.timedelta(days=1)
        if len(pending) >= WRITE_BATCH:
            yield pending
            pending = []
    if pending:
        yield pending


def _flags(rng, values):
    flags = {code: "N" for code in values}
    if rng.random() < 0.01:
        flags[rng.choice(list(values))] = rng.choice("MDCF")
    return flags


def _write(samples, written, alerts, keys, latest, ticker):
    insert_objects(Sample, samples)
    alerts += raise_alerts(samples)
    keys |= months_touched(samples)
    for sample in samples:
        if sample.interval != SampleInterval.INSTANT:
            current = latest.get(sample.station_id)
            if current is None or sample.sampled_at >= current.sampled_at:
                latest[sample.station_id] = sample
    ticker.advance(len(samples))
    return written + len(samples), alerts
