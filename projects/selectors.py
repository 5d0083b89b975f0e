"""Read-side figures of the five-waters work, each from a bounded number of queries.

:func:`investment_summary` is the one source of the figures the speech quotes (plan, completed, rate,
lagging projects) by water category, by owner unit, by street and for the district: the project list,
the summary page, and the coming dashboard and quarterly report all read it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
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
from wushui.figures import PROJECTS, remembered_figure, scope_key
from wushui.models import Region, Unit

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


def plan_table(year, as_of=None, projects=None):
    """:func:`_plan_table`, or ``None`` when no plan can match (a scope without projects)."""
    try:
        return _plan_table(year, as_of, projects)
    except EmptyResultSet:
        return None


def _plan_table(year, as_of=None, projects=None):
    """The plans of ``year`` for ``projects`` as one row each, for the summaries to add up in SQL:
    ``(sql, params)`` of a query whose columns are ``r_project``, ``r_category``, ``r_unit``,
    ``r_key`` (a key project), ``r_plan`` (the year's plan), ``r_done`` (completed by ``as_of``) and
    ``r_due`` (1 when a milestone is past due on ``as_of``).

    For a day in the current month (or the year's end) the stored figures answer; for an earlier day
    the months' reports up to it are summed in one aggregate over the reports, joined to the plans
    (not a subquery per plan), and the milestones past due are read in one pass too."""
    as_of = reporting_day(year, as_of)
    plans = AnnualPlan.objects.filter(year=year)
    if projects is not None:
        plans = plans.filter(project__in=projects.values("pk"))
    columns = {
        "r_project": F("project_id"),
        "r_category": F("project__category"),
        "r_unit": F("project__owner_unit_id"),
        "r_key": F("project__is_key"),
        "r_plan": F("investment"),
    }
    if _reads_stored_figures(year, as_of):
        due = Q(project__next_milestone_due__lt=as_of)
        plans = plans.annotate(
            **columns,
            r_done=F("completed_investment"),
            r_due=Case(When(due, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        return plans.values(*columns, "r_done", "r_due").order_by().query.sql_with_params()
    pending = Milestone.objects.filter(project=OuterRef("project_id"), planned_date__lt=as_of).filter(
        Q(actual_date__isnull=True) | Q(actual_date__gt=as_of)
    )
    plans = plans.annotate(
        **columns, r_due=Case(When(Exists(pending), then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    plans_sql, plans_params = plans.values(*columns, "r_due").order_by().query.sql_with_params()
    reports = ProgressReport.objects.filter(month__gte=datetime.date(year, 1, 1), month__lte=as_of.replace(day=1))
    if projects is not None:
        reports = reports.filter(project__in=projects.values("pk"))
    reports_sql, reports_params = (
        reports.values("project_id").annotate(total=Sum("investment")).order_by().query.sql_with_params()
    )
    quote = connection.ops.quote_name
    sql = (
        f"SELECT p.*, COALESCE(m.{quote('total')}, 0) AS r_done FROM ({plans_sql}) p "
        f"LEFT OUTER JOIN ({reports_sql}) m ON m.{quote('project_id')} = p.r_project"
    )
    return sql, (*plans_params, *reports_params)


def _decimal(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _figures(row, label=None):
    key, name, projects, key_projects, plan, done, behind = row
    return Figures(
        key=key,
        label=name if label is None else label,
        projects=projects,
        key_projects=key_projects or 0,
        plan=_decimal(plan),
        completed=_decimal(done),
        lagging=behind or 0,
    )


def _group_sql(table, group, threshold):
    """``(select, from, group by)`` adding up the plan rows of :func:`plan_table` by ``group``; ``table``
    is the plan rows' SQL, or ``None`` when they are the common table ``r`` of the statement."""
    quote = connection.ops.quote_name
    streets = Project.streets.through._meta
    if threshold is None:
        lagging = "r.r_due = 1"
    else:
        lagging = f"r.r_due = 1 OR (r.r_plan > 0 AND r.r_done < r.r_plan * {format(Decimal(threshold), 'f')})"
    measures = (
        "COUNT(*) AS g_projects, SUM(CASE WHEN r.r_key THEN 1 ELSE 0 END) AS g_key_projects, "
        f"SUM(r.r_plan) AS g_plan, SUM(r.r_done) AS g_done, SUM(CASE WHEN {lagging} THEN 1 ELSE 0 END) AS g_behind"
    )
    source = f"({table}) r" if table is not None else "r"
    if group == "category":
        return f"r.r_category AS g_key, r.r_category AS g_name, {measures}", source, "r.r_category"
    if group == "unit":
        units = quote(Unit._meta.db_table)
        return (
            f"r.r_unit AS g_key, u.{quote('name')} AS g_name, {measures}",
            f"{source} INNER JOIN {units} u ON u.{quote('id')} = r.r_unit",
            f"r.r_unit, u.{quote('name')}",
        )
    region = quote(streets.get_field("region").column)
    return (
        f"s.{region} AS g_key, g.{quote('name')} AS g_name, {measures}",
        f"{source} INNER JOIN {quote(streets.db_table)} s ON s.{quote(streets.get_field('project').column)} = "
        f"r.r_project INNER JOIN {quote(Region._meta.db_table)} g ON g.{quote('id')} = s.{region}",
        f"s.{region}, g.{quote('name')}",
    )


class GroupTable:
    """The figures of the plans of :func:`plan_table` by ``group`` (``"category"``, ``"unit"`` or
    ``"street"``; a project counts in each of its streets), largest plan first, read a slice at a time:
    ``len()`` counts the groups (one query), a slice reads only its rows (one query, ordered and
    limited by the database). A Django ``Paginator`` pages it."""

    def __init__(self, table, group, threshold):
        self.empty = table is None
        self.sql, self.params = table or ("", ())
        self.select, self.source, self.group_by = _group_sql(self.sql, group, threshold)

    def _rows(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, *params])
            return cursor.fetchall()

    def count(self):
        if self.empty:
            return 0
        sql = f"SELECT COUNT(*) FROM (SELECT 1 AS g_one FROM {self.source} GROUP BY {self.group_by}) c"
        return self._rows(sql)[0][0]

    def __len__(self):
        return self.count()

    def all(self):
        return self[:]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.empty:
            return []
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
            raise ValueError("GroupTable slices run forwards from a non-negative start.")
        sql = f"SELECT {self.select} FROM {self.source} GROUP BY {self.group_by} ORDER BY g_plan DESC, g_name, g_key"
        start = index.start or 0
        if index.stop is not None:
            sql += f" LIMIT {max(index.stop - start, 0):d} OFFSET {start:d}"
        elif start:
            sql += f" LIMIT -1 OFFSET {start:d}" if connection.vendor == "sqlite" else f" OFFSET {start:d}"
        return [_figures(row) for row in self._rows(sql)]


def _all_projects(projects):
    """Whether ``projects`` is every project (a district-wide scope, no filter): the plans need no
    condition on their projects then."""
    return projects is not None and not projects.query.where and projects.model is Project


def scope_investment_summary(user, year=None, as_of=None, **options):
    """:func:`investment_summary` of every project in the user's scope (no filter), kept until a
    project, plan, target, milestone, report or the rules are written (``figures.PROJECTS``): the
    project list, the summary pages and the dashboard show the same figures to every visit."""
    as_of = as_of or periods.local_date()
    parts = ("investment-summary", scope_key(user), year, as_of.isoformat(), sorted(options.items()))
    return remembered_figure(
        parts,
        lambda: investment_summary(year, as_of, Project.objects.restrict(user), **options),
        depends_on=(PROJECTS,),
    )


def investment_summary(year=None, as_of=None, projects=None, *, by_unit=True, by_street=True, rows=None):
    """The year's plan, completed investment, completion rate and lagging projects, for the district
    total, each water category, each owner unit and each street concerned (a project counts in each
    of its streets), for ``projects`` (a scoped, perhaps filtered, queryset of ``Project``).

    ``rows`` bounds the unit and street tables to the largest plans (``more_units`` and ``more_streets``
    say whether others were left out; :class:`GroupTable` pages through all of them); the total and
    the categories always cover every project.

    Two queries (the rules, and one statement for the categories, units and streets with their
    names), whatever the number of projects, units, streets and reports."""
    as_of = as_of or periods.local_date()
    year = year or as_of.year
    day = reporting_day(year, as_of)
    rules = ProgressRules.current()
    table = plan_table(year, day, None if _all_projects(projects) else projects)
    time = progress.time_rate(year, day)
    threshold = progress.lagging_threshold(time, rules.lagging_margin)
    found = _summary_tables(table, threshold, rows, by_unit, by_street)
    total = Figures(label="")
    by_category = {value: Figures(key=value, label=label) for value, label in WaterCategory.choices()}
    for figures in found.get("category", []):
        figures.label = WaterCategory.label(figures.key)
        by_category[figures.key] = figures
        total.add(figures)
    summary = InvestmentSummary(
        year=year,
        as_of=day,
        time_rate=time,
        margin=rules.lagging_margin,
        total=total,
        by_category=list(by_category.values()),
    )
    for group, attribute in (("unit", "by_unit"), ("street", "by_street")):
        figures = found.get(group, [])
        setattr(summary, attribute, figures[:rows] if rows is not None else figures)
        setattr(summary, f"more_{group}s", rows is not None and len(figures) > rows)
    return summary


def _summary_tables(table, threshold, rows, by_unit, by_street):
    """The categories' figures and the largest ``rows + 1`` units' and streets' (all of them when
    ``rows`` is None) in one statement: the plan rows are read once, as a common table, for the three."""
    if table is None:
        return {}
    sql, params = table
    parts = []
    for group, wanted in (("category", True), ("unit", by_unit), ("street", by_street)):
        if not wanted:
            continue
        select, source, group_by = _group_sql(None, group, threshold)
        select = select.replace(" AS g_key,", " AS g_key_value,", 1)
        part = (
            f"SELECT '{group}' AS g_group, CAST(g_key_value AS VARCHAR(40)) AS g_key, g_name, g_projects, "
            f"g_key_projects, g_plan, g_done, g_behind FROM (SELECT {select} FROM {source} GROUP BY {group_by}"
        )
        if group != "category" and rows is not None:
            part += f" ORDER BY g_plan DESC, g_name, g_key_value LIMIT {rows + 1:d}"
        parts.append(part + f") t_{group}")
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH r AS ({sql}) " + " UNION ALL ".join(parts), params)
        for group, *row in cursor.fetchall():
            if group != "category":
                row[0] = int(row[0])
            found.setdefault(group, []).append(_figures(row))
    for figures in found.values():
        figures.sort(key=lambda f: (-f.plan, f.label, f.key))
    return found


def group_table(year=None, as_of=None, projects=None, group="unit"):
    """Every owner unit's (``group="unit"``) or street's (``"street"``) figures of the year, to be paged
    (:class:`GroupTable`): the same rows :func:`investment_summary` adds up."""
    as_of = as_of or periods.local_date()
    year = year or as_of.year
    day = reporting_day(year, as_of)
    threshold = progress.lagging_threshold(progress.time_rate(year, day), ProgressRules.current().lagging_margin)
    return GroupTable(plan_table(year, day, None if _all_projects(projects) else projects), group, threshold)


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
