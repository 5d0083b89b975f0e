"""Figures over problems that pages and the coming dashboard share: one selector each."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import ProblemStatus
from inspections.models import Problem
from inspections.models.problems import overdue_q
from wushui.models import Region, Unit

BY_STREET = "street"
BY_UNIT = "unit"
GROUPINGS = {BY_STREET: "street_id", BY_UNIT: "assignee_unit_id"}


@dataclass
class RateRow:
    """The figures of one street or unit (``key`` None: the problems of none) or of the total."""

    key: int | None
    label: str
    registered: int = 0
    ended: int = 0
    handled: int = 0
    on_time: int = 0
    late_open: int = 0
    handling: datetime.timedelta | None = None  # average, registration to completion

    @property
    def closure_rate(self):
        """Share of the problems registered that have ended (archived or closed)."""
        return self.ended / self.registered if self.registered else None

    @property
    def on_time_rate(self):
        """Share completed by their deadline, of those completed and those still open past it."""
        judged = self.handled + self.late_open
        return self.on_time / judged if judged else None

    @property
    def handling_hours(self):
        return self.handling.total_seconds() / 3600 if self.handling is not None else None


@dataclass
class ProblemRates:
    by: str
    start: datetime.datetime
    end: datetime.datetime
    rows: list
    total: RateRow


def problem_rates(user, *, by=BY_STREET, start, end, now=None):
    """Closure rate, on-time rate and average handling time of the problems registered in
    ``[start, end)`` within the user's scope, per street or per assigned unit (``by``), with the total.

    One grouped statement (and one for the names). Problems merged as duplicates are not counted:
    their original is. The dashboard reads the same figures from here.
    """
    key = GROUPINGS[by]
    now = now or timezone.now()
    problems = (
        Problem.objects.restrict(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=ProblemStatus.MERGED)
    )
    handled = Q(completed_at__isnull=False)
    grouped = (
        problems.order_by()
        .values(key)
        .annotate(
            registered=Count("pk"),
            ended=Count("pk", filter=Q(status__in=(ProblemStatus.ARCHIVED, ProblemStatus.CLOSED))),
            handled=Count("pk", filter=handled),
            on_time=Count("pk", filter=handled & Q(completed_at__lte=F("completion_due"))),
            late_open=Count("pk", filter=overdue_q(now)),
            handling=Avg(
                ExpressionWrapper(F("completed_at") - F("created_at"), output_field=DurationField()), filter=handled
            ),
        )
    )
    grouped = list(grouped)
    names = _names(by, [row[key] for row in grouped if row[key] is not None])
    rows = []
    for row in grouped:
        figures = {name: row[name] for name in ("registered", "ended", "handled", "on_time", "late_open")}
        label = names.get(row[key]) or (
            _("District-wide") if by == BY_STREET else _("No unit (chiefs, or not assigned)")
        )
        rows.append(RateRow(key=row[key], label=str(label), handling=_duration(row["handling"]), **figures))
    rows.sort(key=lambda row: (row.key is None, row.label))
    return ProblemRates(by=by, start=start, end=end, rows=rows, total=_total(rows))


def _duration(value):
    # SQLite answers an average of durations as microseconds.
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=value)


def _names(by, keys):
    if not keys:
        return {}
    if by == BY_STREET:
        return dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))


def _total(rows):
    total = RateRow(key=None, label=str(_("Total")))
    weighted = datetime.timedelta()
    for row in rows:
        for name in ("registered", "ended", "handled", "on_time", "late_open"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        if row.handling is not None:
            weighted += row.handling * row.handled
    total.handling = weighted / total.handled if total.handled else None
    return total
