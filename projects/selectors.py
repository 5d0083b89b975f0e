"""Read-side figures of the five-waters work, each from a bounded number of queries.

:func:`investment_summary` is the one source of the figures the speech quotes (plan, completed, rate,
lagging projects) by water category, by owner unit, by street and for the district: the project list,
the summary page, and the coming dashboard and quarterly report all read it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from projects import progress
from projects.choices import Industry, RemediationPlan, RemediationStatus, TaskStatus, WaterCategory
from projects.models import (
    AnnualPlan,
    Milestone,
    ProgressReport,
    ProgressRules,
    Project,
)
from projects.models.projects import MONEY
from wushui import periods
from wushui.models import Region

ZERO = Decimal("0.00")


@dataclass
class Figures:
    """Plan and completion of a group of projects for a year."""

    key: object = None
    label: str = ""
    projects: int = 0
    key_projects: int = 0
    plan: Decimal = ZERO
    completed: Decimal = ZERO
    lagging: int = 0

    @property
    def rate(self):
        return progress.completion_rate(self.completed, self.plan)

    @property
    def percent(self):
        return progress.percent(self.rate)

    def add(self, other):
        self.projects += other.projects
        self.key_projects += other.key_projects
        self.plan += other.plan
        self.completed += other.completed
        self.lagging += other.lagging


@dataclass
class InvestmentSummary:
    """The year's investment as of a day: the district total, by water category, owner unit and street."""

    year: int
    as_of: datetime.date
    time_rate: Decimal
    margin: Decimal
    total: Figures
    by_category: list = field(default_factory=list)
    by_unit: list = field(default_factory=list)
    by_street: list = field(default_factory=list)
    more_units: bool = False
    more_streets: bool = False

    @property
    def time_percent(self):
        return progress.percent(self.time_rate)

    @property
    def margin_points(self):
        return progress.percent(self.margin)


def reporting_day(year, as_of=None):
    """The day figures of ``year`` are read on: ``as_of`` (today by default), no later than the year's end."""
    as_of = as_of or periods.local_date()
    return min(as_of, datetime.date(year, 12, 31))


def _reads_stored_figures(year, as_of):
    """Whether every report counted by ``as_of`` is in the stored year-to-date figures: a day in the
    current month or later (no report of a later month exists), or the year's last day."""
    today = periods.local_date()
    return as_of >= today.replace(day=1) or as_of == datetime.date(year, 12, 31)


def plan_rows(year, as_of=None, projects=None, rules=None):
    """The annual plans of ``year`` for ``projects`` (a queryset, e.g. ``Project.objects.restrict(user)``),
    annotated with ``completed`` (investment reported for the months up to ``as_of``), ``past_due`` (a
    milestone planned before ``as_of`` and not reached by then) and ``lagging`` (past due, or the
    completion rate more than the rules' margin behind the time rate). No query until evaluated.

    For a day in the current month (or the year's end) the figures kept with each plan and project
    answer (``AnnualPlan.completed_investment``, ``Project.next_milestone_due``); for an earlier day
    (a quarterly report) the reports and milestones themselves are read."""
    as_of = reporting_day(year, as_of)
    rules = rules or ProgressRules.current()
    plans = AnnualPlan.objects.filter(year=year)
    if projects is not None:
        plans = plans.filter(project__in=projects.values("pk"))
    if _reads_stored_figures(year, as_of):
        completed = F("completed_investment")
        past_due = Q(project__next_milestone_due__lt=as_of)
    else:
        reported = (
            ProgressReport.objects.filter(
                project=OuterRef("project_id"), month__gte=datetime.date(year, 1, 1), month__lte=as_of.replace(day=1)
            )
            .order_by()
            .values("project")
            .annotate(total=Sum("investment"))
            .values("total")
        )
        completed = Coalesce(Subquery(reported), Value(ZERO), output_field=DecimalField(**MONEY))
        pending = Milestone.objects.filter(project=OuterRef("project_id"), planned_date__lt=as_of).filter(
            Q(actual_date__isnull=True) | Q(actual_date__gt=as_of)
        )
        past_due = Q(Exists(pending))
    threshold = progress.lagging_threshold(progress.time_rate(year, as_of), rules.lagging_margin)
    behind = Q(investment__gt=0, completed__lt=F("investment") * Value(threshold)) if threshold else Q(pk__in=[])
    return plans.annotate(
        completed=completed,
        past_due=Case(When(past_due, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).annotate(
        lagging=Case(
            When(Q(past_due=True) | behind, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def _grouped(rows, key):
    return (
        rows.values(key)
        .annotate(
            projects=Count("pk"),
            key_projects=Count("pk", filter=Q(project__is_key=True)),
            plan=Sum("investment"),
            done=Sum("completed"),
            behind=Count("pk", filter=Q(lagging=True)),
        )
        .order_by()
    )


def _figures(row, key, label):
    return Figures(
        key=key,
        label=label,
        projects=row["projects"],
        key_projects=row["key_projects"],
        plan=Decimal(row["plan"] or 0).quantize(Decimal("0.01")),
        completed=Decimal(row["done"] or 0).quantize(Decimal("0.01")),
        lagging=row["behind"],
    )


# The tables of figures by group: the key, its name, and the rows the group takes (a project counts in
# each of its streets).
GROUPS = {
    "unit": ("project__owner_unit", "project__owner_unit__name", None),
    "street": ("project__streets", "project__streets__name", Q(project__streets__isnull=False)),
}


class GroupTable:
    """The figures of one group (``"unit"`` or ``"street"``) of plan rows, largest plan first, read a slice
    at a time: ``len()`` counts the groups (one query), a slice reads only its rows (one query, ordered
    and limited by the database). A Django ``Paginator`` pages it."""

    def __init__(self, rows, group):
        key, name, condition = GROUPS[group]
        if condition is not None:
            rows = rows.filter(condition)
        self.key, self.name = key, name
        self.queryset = (
            _grouped(rows, key)
            .values(key, name, "projects", "key_projects", "plan", "done", "behind")
            .order_by(F("plan").desc(nulls_last=True), name, key)
        )

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        return [_figures(row, row[self.key], row[self.name]) for row in self.queryset[index]]


def _all_projects(projects):
    """Whether ``projects`` is every project (a district-wide scope, no filter): the plans need no
    condition on their projects then."""
    return projects is not None and not projects.query.where and projects.model is Project


def investment_summary(year=None, as_of=None, projects=None, *, by_unit=True, by_street=True, rows=None):
    """The year's plan, completed investment, completion rate and lagging projects, for the district
    total, each water category, each owner unit and each street concerned (a project counts in each
    of its streets), for ``projects`` (a scoped, perhaps filtered, queryset of ``Project``).

    ``rows`` bounds the unit and street tables to the largest plans (``more_units`` and ``more_streets``
    say whether others were left out; :class:`GroupTable` pages through all of them); the total and
    the categories always cover every project.

    Four queries (the rules, by category, by unit with its names, by street with its names), whatever
    the number of projects and reports; two without the unit and street tables."""
    as_of = as_of or periods.local_date()
    year = year or as_of.year
    day = reporting_day(year, as_of)
    rules = ProgressRules.current()
    plans = plan_rows(year, day, None if _all_projects(projects) else projects, rules)
    time = progress.time_rate(year, day)
    total = Figures(label="")
    by_category = {value: Figures(key=value, label=label) for value, label in WaterCategory.choices()}
    for row in _grouped(plans, "project__category"):
        figures = _figures(row, row["project__category"], WaterCategory.label(row["project__category"]))
        by_category[row["project__category"]] = figures
        total.add(figures)
    summary = InvestmentSummary(
        year=year,
        as_of=day,
        time_rate=time,
        margin=rules.lagging_margin,
        total=total,
        by_category=list(by_category.values()),
    )
    for group, wanted, attribute in (("unit", by_unit, "by_unit"), ("street", by_street, "by_street")):
        if not wanted:
            continue
        table = GroupTable(plans, group)
        figures = table[: rows + 1] if rows is not None else table[:]
        setattr(summary, attribute, figures[:rows] if rows is not None else figures)
        setattr(summary, f"more_{group}s", rows is not None and len(figures) > rows)
    return summary


def group_table(year=None, as_of=None, projects=None, group="unit"):
    """Every owner unit's (``group="unit"``) or street's (``"street"``) figures of the year, to be paged
    (:class:`GroupTable`): the same rows :func:`investment_summary` adds up."""
    as_of = as_of or periods.local_date()
    day = reporting_day(year or as_of.year, as_of)
    return GroupTable(plan_rows(year or as_of.year, day, None if _all_projects(projects) else projects), group)


@dataclass
class MonthFigures:
    month: datetime.date
    investment: Decimal | None  # reported this month, None when not reported
    cumulative: Decimal  # the year to date
    report: ProgressReport | None = None


@dataclass
class ProjectProgress:
    """A project's year: the plan, each month's report and the year to date, the rates and the verdict."""

    project: Project
    plan: AnnualPlan | None
    as_of: datetime.date
    months: list
    targets: list
    time_rate: Decimal
    margin: Decimal
    past_due: list  # milestones past due on ``as_of``

    @property
    def completed(self):
        return self.months[-1].cumulative if self.months else ZERO

    @property
    def rate(self):
        return progress.completion_rate(self.completed, self.plan.investment if self.plan else None)

    @property
    def percent(self):
        return progress.percent(self.rate)

    @property
    def time_percent(self):
        return progress.percent(self.time_rate)

    @property
    def is_lagging(self):
        return progress.is_lagging(self.rate, self.time_rate, self.margin, bool(self.past_due))

    def chart(self):
        """What the progress chart draws (json_script data)."""
        return {
            "months": [f"{figures.month:%Y-%m}" for figures in self.months],
            "investment": [
                str(figures.investment) if figures.investment is not None else None for figures in self.months
            ],
            "cumulative": [str(figures.cumulative) for figures in self.months],
            "plan": str(self.plan.investment) if self.plan else None,
        }


def project_progress(project, year, as_of=None):
    """One project's year month by month up to ``as_of`` (the year-to-date as the reports add up), its
    targets and milestones past due: four queries (plan, reports with their quantities, milestones, rules)."""
    day = reporting_day(year, as_of)
    plan = project.plans.filter(year=year).prefetch_related("targets").first()
    reports = {
        report.month: report
        for report in project.reports.filter(month__year=year, month__lte=day).prefetch_related("photos")
    }
    months, cumulative = [], ZERO
    last_month = day.month if day.year == year else 0
    for number in range(1, last_month + 1):
        month = datetime.date(year, number, 1)
        report = reports.get(month)
        if report:
            cumulative += report.investment
        months.append(MonthFigures(month, report.investment if report else None, cumulative, report))
    milestones = list(project.milestones.all())
    rules = ProgressRules.current()
    return ProjectProgress(
        project=project,
        plan=plan,
        as_of=day,
        months=months,
        targets=list(plan.targets.all()) if plan else [],
        time_rate=progress.time_rate(year, day),
        margin=rules.lagging_margin,
        past_due=[milestone for milestone in milestones if milestone.is_past_due(day)],
    )


def attach_year_figures(projects, year, as_of=None):
    """Sets ``plan``, ``completed``, ``rate`` and ``lagging`` of ``year`` on each project of a page
    (already loaded): one query for their plans."""
    by_project = {row.project_id: row for row in plan_rows(year, as_of).filter(project__in=[p.pk for p in projects])}
    for project in projects:
        row = by_project.get(project.pk)
        project.year_plan = row.investment if row else None
        project.year_completed = row.completed if row else None
        project.year_rate = progress.percent(progress.completion_rate(row.completed, row.investment)) if row else None
        project.year_lagging = row.lagging if row else False
    return projects


# --- Tasks and enterprises ------------------------------------------------------------------------------


@dataclass
class TaskFigures:
    total: int
    done: int
    open: int
    overdue: int


def task_figures(tasks, day=None):
    """Tasks done, open and overdue among ``tasks`` (a scoped queryset): one query."""
    day = day or periods.local_date()
    row = tasks.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, deadline__lt=day)),
    )
    return TaskFigures(row["total"], row["done"], row["total"] - row["done"], row["overdue"])


@dataclass
class EnterpriseCounts:
    """Enterprises by industry and by street: on the list, remediated, closed, still in progress, overdue."""

    by_industry: list
    by_street: list
    total: dict


def enterprise_counts(enterprises, day=None):
    """Counts of ``enterprises`` (a scoped queryset) per industry and per street: two queries and one
    for the streets' names."""
    day = day or periods.local_date()
    measures = {
        "listed": Count("pk"),
        "in_place": Count("pk", filter=Q(plan=RemediationPlan.IN_PLACE)),
        "closure": Count("pk", filter=Q(plan=RemediationPlan.CLOSE)),
        "remediated": Count("pk", filter=Q(status=RemediationStatus.REMEDIATED)),
        "closed": Count("pk", filter=Q(status=RemediationStatus.CLOSED)),
        "in_progress": Count("pk", filter=Q(status=RemediationStatus.IN_PROGRESS)),
        "overdue": Count("pk", filter=Q(status=RemediationStatus.IN_PROGRESS, deadline__lt=day)),
    }
    total = dict.fromkeys(measures, 0)
    by_industry = []
    rows = {row["industry"]: row for row in enterprises.values("industry").annotate(**measures).order_by()}
    for value, label in Industry.choices():
        row = rows.get(value, dict.fromkeys(measures, 0))
        by_industry.append({"key": value, "label": label, **{name: row[name] for name in measures}})
        for name in measures:
            total[name] += row[name]
    street_rows = list(enterprises.values("street").annotate(**measures).order_by())
    names = dict(Region.objects.filter(pk__in=[row["street"] for row in street_rows]).values_list("pk", "name"))
    by_street = sorted(
        ({"key": row["street"], "label": names.get(row["street"], ""), **row} for row in street_rows),
        key=lambda row: (-row["listed"], row["label"]),
    )
    return EnterpriseCounts(by_industry=by_industry, by_street=by_street, total=total)
