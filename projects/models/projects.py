"""Five-waters projects (五水共治项目): plans, milestones and the owner units' monthly progress reports."""

import datetime
from decimal import Decimal

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.access import manages_projects
from projects.choices import MeasureUnit, MilestoneKind, ProjectSubtype, WaterCategory
from wushui import periods
from wushui.figures import PROJECTS, VersionedModel, changed
from wushui.files import PrivatePhoto, UnguessableName
from wushui.geo import validate_geometry
from wushui.models import Region, Unit
from wushui.scoping import EVERYTHING, NOTHING, VIEW, ScopedQuerySet, remembered, scope_region_ids

# Money in 万元 with two decimals (100 yuan): up to 9,999,999,999.99 万元.
MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 2}
non_negative = MinValueValidator(Decimal("0"))
YEARS = [MinValueValidator(2000), MaxValueValidator(2099)]


class ProjectData(VersionedModel):
    """A row under the investment figures: writing it moves ``figures.PROJECTS`` on, so that the kept
    summaries (``selectors.scope_investment_summary``) are computed afresh."""

    data_version = PROJECTS


def visible_project_ids(user):
    """Projects a user who is not district-wide sees: those concerning a street of their scope and
    those their unit owns or leads. One query, read once per request."""

    def compute():
        concerning = Project.streets.through.objects.filter(region_id__in=scope_region_ids(user)).values("project_id")
        condition = Q(pk__in=concerning)
        if user.unit_id is not None:
            condition |= Q(owner_unit_id=user.unit_id) | Q(lead_department_id=user.unit_id)
        return list(Project.objects.filter(condition).values_list("pk", flat=True))

    return remembered(user, "project_ids", compute)


def project_change_q(user, path=""):
    """The projects a user may report on: all for those who manage projects, their own unit's for
    everybody else attached to a unit (an owner unit's people)."""
    if manages_projects(user):
        return EVERYTHING
    if user.unit_id is None:
        return NOTHING
    return Q(**{f"{path}owner_unit_id": user.unit_id})


class ProjectQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(pk__in=visible_project_ids(user))
        return project_change_q(user)

    def may_create(self, user):
        return manages_projects(user)

    def create_refusal(self, user):
        return str(_("Only the 治水办 and the projects department plan projects."))


class Project(ProjectData, models.Model):
    """A five-waters project (五水共治项目): what is built, by whom, for how much, and by when."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("water category"), max_length=16, choices=WaterCategory.choices())
    subtype = models.CharField(_("kind of works"), max_length=24, choices=ProjectSubtype.choices())
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit (业主单位)"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
        help_text=_("The unit that builds the project and reports its progress every month."),
    )
    lead_department = models.ForeignKey(
        Unit, verbose_name=_("lead department (牵头部门)"), on_delete=models.PROTECT, related_name="led_projects"
    )
    streets = models.ManyToManyField(Region, verbose_name=_("streets concerned"), related_name="projects", blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    geometry = models.GeometryField(
        _("geometry"), srid=4326, null=True, blank=True, help_text=_("A point, the line of the works or their area.")
    )
    is_key = models.BooleanField(_("key project"), default=False)
    total_investment = models.DecimalField(_("total investment (10,000 yuan)"), **MONEY, validators=[non_negative])
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEARS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEARS)
    description = models.TextField(_("description"), blank=True)
    next_milestone_due = models.DateField(
        _("next milestone due"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The earliest planned date of a milestone not yet reached; derived from the milestones."),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="projects_project_total_investment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="projects_project_ends_after_it_starts"
            ),
        ]
        indexes = [
            models.Index(fields=["category", "code"], name="projects_project_category"),
            models.Index(fields=["owner_unit", "code"], name="projects_project_owner"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.subtype and self.category and not ProjectSubtype.serves(self.subtype, self.category):
            errors["subtype"] = _("%(subtype)s works do not serve %(category)s.") % {
                "subtype": ProjectSubtype.label(self.subtype),
                "category": WaterCategory.label(self.category),
            }
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year comes before the first year.")
        geometry_error = validate_geometry(self.geometry)
        if geometry_error:
            errors["geometry"] = geometry_error
        if errors:
            raise ValidationError(errors)

    def refresh_next_milestone_due(self):
        """Derive ``next_milestone_due`` from the milestones (one query) and store it."""
        pending = self.milestones.filter(actual_date__isnull=True).order_by("planned_date").first()
        self.next_milestone_due = pending.planned_date if pending else None
        Project.objects.filter(pk=self.pk).update(next_milestone_due=self.next_milestone_due)
        changed(PROJECTS)  # the update bypasses save()


class AnnualPlanQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(project_id__in=visible_project_ids(user))
        return EVERYTHING if manages_projects(user) else NOTHING


class AnnualPlan(ProjectData, models.Model):
    """A project's plan for one year (年度计划): the investment to complete, and its physical targets.

    ``completed_investment`` is the sum of the year's monthly reports, kept by the reporting service
    in the report's transaction (``refresh_completed``): the summaries read it instead of adding
    every report again."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    investment = models.DecimalField(_("planned investment (10,000 yuan)"), **MONEY, validators=[non_negative])
    completed_investment = models.DecimalField(
        _("investment completed (10,000 yuan)"),
        **MONEY,
        default=Decimal("0"),
        editable=False,
        help_text=_("The sum of the year's monthly reports; derived, never typed."),
    )

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="projects_plan_one_per_year"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="projects_plan_investment_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "project"], name="projects_plan_year")]

    def __str__(self):
        return f"{self.project} · {self.year}"

    def clean(self):
        errors = {}
        # A plan being imported may belong to a project not saved yet.
        project = self.project if self.project_id or AnnualPlan.project.is_cached(self) else None
        if project and self.year and not project.start_year <= self.year <= project.end_year:
            errors["year"] = _("The project runs from %(first)s to %(last)s.") % {
                "first": project.start_year,
                "last": project.end_year,
            }
        if project and self.investment is not None and self.investment > project.total_investment:
            errors["investment"] = _("The year's plan exceeds the project's total investment (%(total)s).") % {
                "total": project.total_investment
            }
        if errors:
            raise ValidationError(errors)

    @property
    def period(self):
        return periods.period_containing(periods.YEAR, datetime.date(self.year, 1, 1))

    def reports(self):
        period = self.period
        return self.project.reports.filter(month__gte=period.start_date, month__lt=period.end_date)

    def refresh_completed(self):
        """Derive ``completed_investment`` and each target's ``completed_quantity`` from the reports."""
        self.completed_investment = self.reports().aggregate(total=Sum("investment"))["total"] or Decimal("0")
        AnnualPlan.objects.filter(pk=self.pk).update(completed_investment=self.completed_investment)
        done = dict(
            ReportQuantity.objects.filter(target__plan=self)
            .values_list("target_id")
            .annotate(total=Sum("quantity"))
            .order_by()
        )
        for target in self.targets.all():
            completed = done.get(target.pk) or Decimal("0")
            if target.completed_quantity != completed:
                target.completed_quantity = completed
                PlanTarget.objects.filter(pk=target.pk).update(completed_quantity=completed)
        changed(PROJECTS)  # the updates bypass save()


class PlanTarget(ProjectData, models.Model):
    """A physical target of a year's plan: km of pipe, 万方 of sludge, km dredged, 亩 of land, a count."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("annual plan"), on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(_("measure"), max_length=60, help_text=_("What is counted, e.g. 新建污水管网."))
    unit = models.CharField(_("unit"), max_length=12, choices=MeasureUnit.choices())
    quantity = models.DecimalField(_("target quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.01"))])
    completed_quantity = models.DecimalField(
        _("quantity done"),
        **QUANTITY,
        default=Decimal("0"),
        editable=False,
        help_text=_("The sum of the year's monthly reports; derived, never typed."),
    )

    class Meta:
        verbose_name = _("physical target")
        verbose_name_plural = _("physical targets")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "measure", "unit"], name="projects_target_one_per_measure"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="projects_target_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.measure} {self.quantity} {MeasureUnit.label(self.unit)}"

    @property
    def completion_rate(self):
        from projects.progress import completion_rate

        return completion_rate(self.completed_quantity, self.quantity)


class MilestoneQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(project_id__in=visible_project_ids(user))
        return project_change_q(user, "project__")


class Milestone(ProjectData, models.Model):
    """A step of a project (前期 work, start, completion, acceptance) with its planned and actual dates."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=32, choices=MilestoneKind.choices())
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="projects_milestone_one_per_kind")]

    def __str__(self):
        return f"{self.project} · {MilestoneKind.label(self.kind)}"

    @property
    def stage(self):
        return MilestoneKind.STAGE[self.kind]

    def is_past_due(self, day):
        """Planned before ``day`` and not reached by then."""
        return self.planned_date < day and (self.actual_date is None or self.actual_date > day)

    def clean(self):
        errors = {}
        today = periods.local_date()
        if self.actual_date and self.actual_date > today:
            errors["actual_date"] = _("The actual date lies in the future.")
        for name in ("planned_date", "actual_date"):
            value = getattr(self, name)
            if value and not periods.FIRST_DAY <= value <= periods.LAST_DAY:
                errors[name] = _("Enter a date from %(first)s to %(last)s.") % {
                    "first": periods.FIRST_DAY,
                    "last": periods.LAST_DAY,
                }
        if errors:
            raise ValidationError(errors)


class ProgressReportQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(project_id__in=visible_project_ids(user))
        return project_change_q(user, "project__")


class ProgressReport(ProjectData, models.Model):
    """An owner unit's monthly progress report (月报): the investment completed in the month, the
    quantities done, notes and photos. Year-to-date and cumulative figures are derived from these."""

    # No index of its own: the unique (project, month) constraint serves the foreign key.
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    investment = models.DecimalField(
        _("investment completed this month (10,000 yuan)"), **MONEY, validators=[non_negative]
    )
    notes = models.TextField(_("notes"), blank=True)
    reported_by = models.ForeignKey(
        "wushui.User", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly progress report")
        verbose_name_plural = _("monthly progress reports")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_report_one_per_month"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="projects_report_investment_not_negative"),
        ]
        # The investment of the months up to a day (a quarterly summary), summed per project in one pass
        # over the index alone: the months in range, not every month of every project.
        indexes = [models.Index(fields=["month", "project", "investment"], name="projects_report_cumulative")]

    def __str__(self):
        return f"{self.project} · {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + f"#report-{self.month:%Y-%m}"

    def clean(self):
        errors = {}
        if self.month:
            if self.month.day != 1:
                errors["month"] = _("Give the month as its first day.")
            elif self.month > periods.local_date().replace(day=1):
                errors["month"] = _("%(month)s has not begun: a month is reported once it is under way.") % {
                    "month": f"{self.month:%Y-%m}"
                }
            elif self.project_id and not self.project.start_year <= self.month.year <= self.project.end_year:
                errors["month"] = _("The project runs from %(first)s to %(last)s.") % {
                    "first": self.project.start_year,
                    "last": self.project.end_year,
                }
        if errors:
            raise ValidationError(errors)


class ReportQuantity(ProjectData, models.Model):
    """The quantity of one physical target done in a reported month."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="quantities"
    )
    target = models.ForeignKey(PlanTarget, verbose_name=_("target"), on_delete=models.PROTECT, related_name="reported")
    quantity = models.DecimalField(_("quantity done this month"), **QUANTITY, validators=[non_negative])

    class Meta:
        verbose_name = _("reported quantity")
        verbose_name_plural = _("reported quantities")
        ordering = ["report", "target"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="projects_quantity_one_per_target"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="projects_quantity_not_negative"),
        ]

    def __str__(self):
        return f"{self.target.measure}: {self.quantity}"


class ReportPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(report__project_id__in=visible_project_ids(user))
        return project_change_q(user, "report__project__")


class ReportPhoto(PrivatePhoto):
    """A photo of the works sent with a monthly report; a private file."""

    file_route = "projects:report_photo"

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("image"), upload_to=UnguessableName("projects"), width_field="width", height_field="height"
    )

    objects = ReportPhotoQuerySet.as_manager()

    class Meta(PrivatePhoto.Meta):
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")


class ProgressRules(ProjectData, models.Model):
    """How far behind the time rate a project may fall before it counts as lagging. The newest row
    applies; the default margin is 10 percentage points (completion 30 % on the day the year is
    41 % gone is lagging, 35 % is not)."""

    lagging_margin = models.DecimalField(
        _("lagging margin"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A project is lagging when its completion rate is more than this share behind the time rate."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress rules")
        verbose_name_plural = _("progress rules")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Progress rules of %(date)s") % {"date": f"{self.created_at:%Y-%m-%d}" if self.created_at else "—"}

    @classmethod
    def current(cls):
        return cls.objects.first() or cls()


__all__ = [
    "AnnualPlan",
    "Milestone",
    "PlanTarget",
    "ProgressReport",
    "ProgressRules",
    "Project",
    "ReportPhoto",
    "ReportQuantity",
]
