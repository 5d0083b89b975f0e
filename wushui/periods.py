"""The one period module: weeks, 旬, months, quarters and years in local time.

A period is a half-open range of aware datetimes ``[start, end)`` in
``settings.TIME_ZONE`` (Asia/Shanghai): a patrol at 23:30 on the last day of a
month belongs to that month, whatever UTC says. 旬 (xun) are days 1–10, 11–20
and 21 to the end of the month.
"""

import datetime
import functools
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEK = "week"
XUN = "xun"
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"

KINDS = [
    (WEEK, _("week")),
    (XUN, _("ten-day period (旬)")),
    (MONTH, _("month")),
    (QUARTER, _("quarter")),
    (YEAR, _("year")),
]


XUN_NAMES = (_("days 1–10"), _("days 11–20"), _("days 21–end"))


@dataclass(frozen=True)
class Period:
    kind: str
    start_date: datetime.date
    end_date: datetime.date  # exclusive

    @property
    def start(self):
        return _local_midnight(self.start_date)

    @property
    def end(self):
        return _local_midnight(self.end_date)

    @property
    def last_day(self):
        return self.end_date - datetime.timedelta(days=1)

    def __contains__(self, moment):
        return self.start <= moment < self.end

    @property
    def label(self):
        first = self.start_date
        if self.kind == WEEK:
            year, week, _weekday = first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == XUN:
            return f"{first:%Y-%m} {XUN_NAMES[(first.day - 1) // 10]}"
        if self.kind == MONTH:
            return f"{first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        return f"{first.year}"

    def next(self):
        return period_containing(self.kind, self.end_date)

    def previous(self):
        return period_containing(self.kind, self.start_date - datetime.timedelta(days=1))


def _zone():
    return timezone.get_default_timezone()


def _local_midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_zone())


# The days the portal reasons about: records begin long after the first and end long before the
# last; a date outside is an input error (and the last keeps "the day after" computable).
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


def day_bounds(day):
    """``[start, end)`` of a local calendar day as aware datetimes."""
    return _local_midnight(day), _local_midnight(day + datetime.timedelta(days=1))


def _first_of_next_month(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_date(moment=None):
    """The local calendar date of an aware datetime (now by default)."""
    return timezone.localdate(moment)


def period_containing(kind, day):
    """The period of ``kind`` that contains the local date (or aware datetime) ``day``."""
    if isinstance(day, datetime.datetime):
        day = local_date(day)
    if kind == WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(kind, start, start + datetime.timedelta(days=7))
    if kind == XUN:
        if day.day <= 20:
            start = day.replace(day=1 + (day.day - 1) // 10 * 10)
            return Period(kind, start, start + datetime.timedelta(days=10))
        return Period(kind, day.replace(day=21), _first_of_next_month(day))
    if kind == MONTH:
        return Period(kind, day.replace(day=1), _first_of_next_month(day))
    if kind == QUARTER:
        start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        end_month = start.month + 3
        end = datetime.date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
        return Period(kind, start, end)
    if kind == YEAR:
        return Period(kind, datetime.date(day.year, 1, 1), datetime.date(day.year + 1, 1, 1))
    raise ValueError(f"unknown period kind {kind!r}")


def elapsed_share(period, day):
    """The share of ``period`` elapsed by the end of the local date ``day``, as an exact ``Decimal``
    ratio of days: 0 before the period starts, 1 from its last day on. The time rate (时间进度) a
    plan's completion is held against: on 31 May 2022, 151 of the year's 365 days."""
    from decimal import Decimal

    if isinstance(day, datetime.datetime):
        day = local_date(day)
    total = (period.end_date - period.start_date).days
    done = min(max((day - period.start_date).days + 1, 0), total)
    return Decimal(done) / Decimal(total)


# --- Working days --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def is_working_day(day):
    """Whether a local calendar day is a working day in mainland China: Monday to Friday, less the
    State Council's public holidays, plus the weekend days worked in their place (调休), as the
    ``chinese_calendar`` package publishes them each year. For a year it has no schedule for yet (it
    is published each November), Monday to Friday."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(moment, days):
    """The end (the next local midnight) of the ``days``-th working day after the day of ``moment``:
    something registered on a Friday with 5 working days is due at the end of the next Friday, or
    later when a holiday falls between."""
    day = local_date(moment) if isinstance(moment, datetime.datetime) else moment
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return _local_midnight(day + datetime.timedelta(days=1))
