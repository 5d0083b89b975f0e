"""Read-side figures of water quality, each from a bounded number of queries: the trend of a station's
indicators against the class bands, the year-over-year change of mean concentrations per station and
for the district, the 劣V tracker with the campaign's deadlines, and the grading of rivers and of the
district's waters by the class-proportion method."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from rivers import gb3838
from rivers.choices import ControlLevel, DeadlineSubject, OutletStatus, SampleInterval, WaterClass
from rivers.filtersets import bad_stations_q
from rivers.models import CampaignDeadline, Sample, Station, StationMonth
from rivers.models.quality import STATION_MONTHS, samples_of
from rivers.samples import value_of
from wushui import periods
from wushui.figures import REGISTRY, remembered_figure, scope_key

# The indicators the pages show, in the standard's order; TN is shown for rivers too.
SHOWN = ("do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "ph")
TREND_PERIODS = {"month": 31, "year": 366, "all": None}
# Points a month's chart draws at most (hourly values of 31 days and the lab's).
MAX_RAW_POINTS = 31 * 24 + 200


def class_counts(stations):
    """``[(class, label, colour, count)]`` of the stations' latest classes, in one query."""
    counts = dict(stations.order_by().values_list("latest_class").annotate(count=Count("pk")))
    rows = [(value, label, WaterClass.colour(value), counts.get(value, 0)) for value, label in WaterClass.choices()]
    rows.append((None, _("No sample yet"), "grey", counts.get(None, 0)))
    return rows


# --- Trend --------------------------------------------------------------------------------------------


def bands(indicator, lake):
    """The class bands of an indicator as ``[(class, low, high)]``; DO's run upwards."""
    limits = indicator.limits_for(lake)
    if not limits:
        return []
    out = []
    if indicator.at_least:
        upper = None
        for water_class, limit in enumerate(limits, start=1):
            out.append((water_class, limit, upper))
            upper = limit
        out.append((WaterClass.WORSE_THAN_V, 0, upper))
    else:
        lower = 0
        for water_class, limit in enumerate(limits, start=1):
            if limit > lower:
                out.append((water_class, lower, limit))
            lower = limit
        out.append((WaterClass.WORSE_THAN_V, lower, None))
    return out


def kept_trend(station, period):
    """:func:`trend`, kept until a sample of the station is written (``samples_of``) or the day ends: a
    year of daily means is read once per new sample, not once per visit."""
    parts = (
        "station-trend",
        station.pk,
        station.code,
        station.target_class,
        station.is_lake,
        period,
        periods.local_date(),
        translation.get_language(),
    )
    return remembered_figure(parts, lambda: trend(station, period), depends_on=(samples_of(station.pk),))


def trend(station, period):
    """The chart data of a station: for each indicator shown, its points and class bands. ``month``:
    every assessed value of the last 31 days; ``year``: daily means; ``all``: monthly means. The days
    counted back are whole local days before today's, so that the chart's start is the same all day."""
    days = TREND_PERIODS[period]
    if days is not None:
        first_day = periods.local_date() - datetime.timedelta(days=days)
        since, _end = periods.day_bounds(first_day)
    codes = [code for code in SHOWN if code in gb3838.INDICATORS]
    if period == "all":
        rows = StationMonth.objects.filter(station=station).order_by("month").values("month", "means")
        points = [(row["month"].isoformat(), row["means"]) for row in rows]
    elif period == "year":
        samples = Sample.objects.assessed().filter(station=station, sampled_at__gte=since)
        if samples.filter(interval=SampleInterval.DAY).exists():
            # A station that sends daily means: its hours add nothing to a day's mean but rows to read.
            samples = samples.exclude(interval=SampleInterval.HOUR)
        rows = (
            samples.annotate(day=TruncDate("sampled_at"))
            .values("day")
            .annotate(**{code: Avg(value_of(code)) for code in codes})
            .order_by("day")
            .values_list("day", *codes)
        )
        points = [(row[0].isoformat(), dict(zip(codes, row[1:], strict=True))) for row in rows]
    else:
        # Each value taken out of the JSON by the database, flagged ones left out there too.
        zone = timezone.get_current_timezone()
        rows = (
            Sample.objects.assessed()
            .filter(station=station, sampled_at__gte=since)
            .order_by("sampled_at")
            .annotate(**{f"v_{code}": value_of(code) for code in codes})
            .values_list("sampled_at", *(f"v_{code}" for code in codes))[:MAX_RAW_POINTS]
        )
        points = [
            (
                row[0].astimezone(zone).isoformat(timespec="minutes"),
                {code: value for code, value in zip(codes, row[1:], strict=True) if value is not None},
            )
            for row in rows
        ]
    series = []
    for code in codes:
        indicator = gb3838.INDICATORS[code]
        # One time axis for all the series (it was most of the page when every point carried its time).
        data = [None if (value := values.get(code)) is None else round(value, 4) for _moment, values in points]
        series.append(
            {
                "code": code,
                "label": str(indicator.label),
                "unit": indicator.unit,
                "at_least": indicator.at_least,
                "evaluated": indicator.evaluated(station.is_lake),
                "target_limit": indicator.limit(station.target_class, station.is_lake)
                if indicator.limits and indicator.evaluated(station.is_lake)
                else None,
                "bands": [
                    {"class": water_class, "name": gb3838.CLASS_NAMES[water_class], "low": low, "high": high}
                    for water_class, low, high in bands(indicator, station.is_lake)
                ]
                if indicator.evaluated(station.is_lake)
                else [],
                "range": list(gb3838.PH_RANGE) if code == "ph" else None,
                "values": data,
                "count": sum(value is not None for value in data),
            }
        )
    return {
        "station": station.code,
        "period": period,
        "times": [moment for moment, _values in points],
        "colours": {str(value): WaterClass.colour(value) for value in WaterClass.values()},
        "series": series,
    }


# --- Year over year -----------------------------------------------------------------------------------


@dataclass
class Change:
    current: float | None
    previous: float | None
    at_least: bool = False

    @property
    def percent(self):
        if self.current is None or not self.previous:
            return None
        return round((self.current - self.previous) / self.previous * 100, 1)

    @property
    def improved(self):
        """Lower concentrations are better; more dissolved oxygen is (no change: neither)."""
        if not self.percent:
            return None
        return self.percent > 0 if self.at_least else self.percent < 0

    # Written out here once rather than by template filters in every cell of a big table.
    @property
    def text(self):
        return "—" if self.current is None else f"{self.current:.3f}"

    @property
    def percent_text(self):
        percent = self.percent
        if percent is None:
            return ""
        return "±0.0%" if not percent else f"{percent:+.1f}%"

    @property
    def html(self):
        """The table cell's content: the mean, and the change coloured better or worse. A table has a
        cell per station and indicator; one lookup each keeps the template's work small."""
        return mark_safe(self.markup())

    def markup(self):
        # Numbers written by Python and a fixed class name: nothing here to escape.
        percent_text = self.percent_text
        if not percent_text:
            return self.text
        improved = self.improved
        tone = "muted" if improved is None else "better" if improved else "worse"
        return f'{self.text} <small class="{tone}">{percent_text}</small>'


@dataclass
class YearRow:
    station: object
    changes: dict = field(default_factory=dict)  # code -> Change

    @property
    def cells(self):
        return [self.changes[code] for code in SHOWN]

    @property
    def cells_html(self):
        """The row's cells written out at once: a template loop over a cell per station and indicator
        cost more than the rest of the page."""
        return mark_safe("".join(f'<td class="num">{change.markup()}</td>' for change in self.cells))


def station_means(station_ids, first_month, last_month):
    """``{(station id, code): mean of the monthly means}`` over the months, averaged by the database."""
    rows = (
        StationMonth.objects.filter(station_id__in=station_ids, month__gte=first_month, month__lte=last_month)
        .values("station_id")
        .annotate(**{code: Avg(Cast(KT(f"means__{code}"), FloatField())) for code in SHOWN})
        .order_by()
    )
    return {(row["station_id"], code): row[code] for row in rows for code in SHOWN if row[code] is not None}


def kept_year_over_year(user, year, through_month):
    """:func:`year_over_year` of the user's stations, kept until a station or a month's means change
    (``STATION_MONTHS``) or the registry does (the scope)."""
    return remembered_figure(
        ("year-over-year", scope_key(user), year, through_month),
        lambda: year_over_year(Station.objects.restrict(user), year, through_month),
        depends_on=(STATION_MONTHS, REGISTRY),
    )


def year_over_year(stations, year, through_month):
    """Mean concentration of each indicator per station over January–``through_month`` of ``year``
    against the same months of the year before (the speech's "氨氮平均浓度下降 x%"), and for the district:
    the mean of the means of the stations that have both. Two grouped queries over the monthly means,
    one for the stations."""
    stations = list(stations.order_by("code").only("pk", "code", "name", "control_level"))
    ids = [station.pk for station in stations]
    current = station_means(ids, datetime.date(year, 1, 1), datetime.date(year, through_month, 1))
    previous = station_means(ids, datetime.date(year - 1, 1, 1), datetime.date(year - 1, through_month, 1))
    rows = []
    district = {}
    for station in stations:
        row = YearRow(station)
        for code in SHOWN:
            now, before = current.get((station.pk, code)), previous.get((station.pk, code))
            row.changes[code] = Change(now, before, gb3838.INDICATORS[code].at_least)
            if now is not None and before is not None:
                totals = district.setdefault(code, [0.0, 0.0, 0])
                totals[0] += now
                totals[1] += before
                totals[2] += 1
        rows.append(row)
    district_changes = {
        code: Change(
            district[code][0] / district[code][2] if code in district else None,
            district[code][1] / district[code][2] if code in district else None,
            gb3838.INDICATORS[code].at_least,
        )
        for code in SHOWN
    }
    return rows, district_changes


# --- The 劣V tracker ----------------------------------------------------------------------------------


@dataclass
class TrackedStation:
    station: object
    deadline: datetime.date
    days_bad: int | None

    @property
    def is_worse_than_v(self):
        return self.station.latest_class == WaterClass.WORSE_THAN_V


@dataclass
class TrackedWater:
    water_body: object
    stations: list
    deadline: datetime.date
    open_illegal_outlets: int
    outlet_deadline: datetime.date


def tracker(stations, outlets, today):
    """Every station in scope that is 劣V or worse than its target, with the deadline that applies
    (8/31 for stations the city or above controls, 12/31 for the others: the speech's dates, as data)
    and how long it has been so; and the water bodies they lie on, with the illegal outlets still open
    against the 5/31 deadline. Three queries."""
    deadlines = CampaignDeadline.for_year(today.year)
    bad = list(
        stations.filter(bad_stations_q())
        .select_related("water_body")
        .defer("location", "water_body__geometry")
        .order_by("-latest_class", "bad_since", "code")
    )
    tracked = []
    for station in bad:
        subject = (
            DeadlineSubject.CITY_STATIONS
            if station.control_level in ControlLevel.CITY_OR_ABOVE
            else DeadlineSubject.ALL_STATIONS
        )
        since = station.bad_since
        days = (today - timezone.localdate(since)).days if since else None
        tracked.append(TrackedStation(station, deadlines[subject], days))
    bodies = {}
    for entry in tracked:
        bodies.setdefault(entry.station.water_body_id, []).append(entry)
    illegal = dict(
        outlets.filter(water_body_id__in=list(bodies), status=OutletStatus.ILLEGAL)
        .order_by()
        .values_list("water_body_id")
        .annotate(count=Count("pk"))
    )
    waters = [
        TrackedWater(
            entries[0].station.water_body,
            entries,
            min(entry.deadline for entry in entries),
            illegal.get(body_id, 0),
            deadlines[DeadlineSubject.ILLEGAL_OUTLETS],
        )
        for body_id, entries in bodies.items()
    ]
    waters.sort(key=lambda water: (water.deadline, water.water_body.code))
    return tracked, waters, deadlines


# --- Grading ------------------------------------------------------------------------------------------


@dataclass
class GradedWater:
    name: str
    url: str
    grade: gb3838.Grade
    classes: list  # the sections' classes


def grading(stations, first_month, last_month):
    """Each water body's status from its stations' classes over the months (the class of each
    station's mean concentrations), and the district's from all of them; five sections or fewer by
    the mean concentrations, more by the class proportions (``rivers.gb3838.grade``). One query over
    the monthly means and one for the stations."""
    stations = {
        station.pk: station
        for station in stations.select_related("water_body").only(
            "pk", "code", "target_class", "water_type", "water_body__name", "water_body__code", "water_body__kind"
        )
    }
    means = station_means(list(stations), first_month, last_month)
    by_station = {}
    for (station_id, code), value in means.items():
        by_station.setdefault(station_id, {})[code] = value
    sections = {}
    for station_id, station_means_ in by_station.items():
        station = stations[station_id]
        water_class = gb3838.classify(station_means_, lake=station.is_lake).water_class
        sections.setdefault(station.water_body, []).append((water_class, station_means_, station.is_lake))
    graded = []
    everything = []
    for body, entries in sorted(sections.items(), key=lambda item: item[0].code):
        lake = all(is_lake for _class, _means, is_lake in entries)
        pairs = [(water_class, means) for water_class, means, _lake in entries]
        everything += pairs
        graded.append(
            GradedWater(
                body.name,
                body.get_absolute_url(),
                gb3838.grade(pairs, lake=lake),
                sorted(c for c, _m in pairs if c is not None),
            )
        )
    district = gb3838.grade(everything)
    return graded, district


def district_share(stations):
    """Share of stations whose latest class is I–III, and of 劣V ones: one query."""
    figures = stations.aggregate(
        total=Count("pk", filter=Q(latest_class__isnull=False)),
        good=Count("pk", filter=Q(latest_class__lte=WaterClass.III)),
        worst=Count("pk", filter=Q(latest_class=WaterClass.WORSE_THAN_V)),
    )
    return figures


def outlet_counts(outlets, today):
    """Outlets in scope by status, and against the campaign's deadlines: illegal ones still open
    (5/31), others still to remediate (8/31), and those past their own deadline. One query."""
    deadlines = CampaignDeadline.for_year(today.year)
    figures = outlets.aggregate(
        total=Count("pk"),
        illegal=Count("pk", filter=Q(status=OutletStatus.ILLEGAL)),
        to_remediate=Count(
            "pk",
            filter=Q(
                status__in=[OutletStatus.UNREASONABLE, OutletStatus.OVER_STANDARD, OutletStatus.UNDER_REMEDIATION]
            ),
        ),
        overdue=Count("pk", filter=Q(status__in=OutletStatus.TO_DEAL_WITH, remediation_deadline__lt=today)),
        unsigned=Count("pk", filter=Q(sign_installed=False) & ~Q(status=OutletStatus.SEALED)),
        **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in OutletStatus.values()},
    )
    figures["illegal_deadline"] = deadlines[DeadlineSubject.ILLEGAL_OUTLETS]
    figures["remediation_deadline"] = deadlines[DeadlineSubject.OUTLET_REMEDIATION]
    figures["by_status"] = [
        (value, label, OutletStatus.colour(value), figures[f"status_{value}"])
        for value, label in OutletStatus.choices()
    ]
    return figures
