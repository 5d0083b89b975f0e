"""Responsibility letters (责任书): the tasks each unit or street signs for the year, and their progress."""

from decimal import Decimal

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.access import manages_projects
from projects.choices import MeasureUnit, TaskStatus, WaterCategory
from projects.models.projects import QUANTITY, YEARS, non_negative
from wushui import periods
from wushui.files import UnguessableName
from wushui.models import Region, Unit
from wushui.scoping import EVERYTHING, NOTHING, VIEW, ScopedQuerySet, scope_region_ids


def task_view_q(user, path=""):
    """Tasks concerning a region of the user's scope, and those their unit answers for or supports."""
    condition = Q(**{f"{path}region_id__in": scope_region_ids(user)})
    if user.unit_id is not None:
        supported = ResponsibilityTask.supporting_units.through.objects.filter(unit_id=user.unit_id).values(
            "responsibilitytask_id"
        )
        condition |= Q(**{f"{path}responsible_unit_id": user.unit_id}) | Q(**{f"{path}pk__in": supported})
    return condition


def task_change_q(user, path=""):
    if manages_projects(user):
        return EVERYTHING
    if user.unit_id is None:
        return NOTHING
    return Q(**{f"{path}responsible_unit_id": user.unit_id})


class ResponsibilityLetterQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            condition = Q(unit__region_id__in=scope_region_ids(user))
            return condition | Q(unit_id=user.unit_id) if user.unit_id else condition
        return EVERYTHING if manages_projects(user) else NOTHING


class ResponsibilityLetter(models.Model):
    """The letter of tasks (责任书) a unit or street signs for a year at the district's five-waters meeting."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    unit = models.ForeignKey(
        Unit, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="responsibility_letters"
    )
    signed_on = models.DateField(_("signed on"))

    objects = ResponsibilityLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="projects_letter_one_per_unit_year")]

    def __str__(self):
        return _("%(year)s responsibility letter of %(unit)s") % {"year": self.year, "unit": self.unit}

    def clean(self):
        if self.signed_on and self.year and self.signed_on.year not in (self.year - 1, self.year):
            raise ValidationError(
                {
                    "signed_on": _("A letter for %(year)s is signed late in the year before or in it.")
                    % {"year": self.year}
                }
            )


class ResponsibilityTaskQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return task_view_q(user)
        return task_change_q(user)

    def overdue(self, day=None):
        """Open tasks whose deadline has passed by ``day`` (today by default): the index
        ``projects_task_open_deadline`` answers it."""
        return self.filter(status=TaskStatus.OPEN, deadline__lt=day or periods.local_date())


class ResponsibilityTask(models.Model):
    """One task of a letter: what is to be done, how much of it where measurable, by when, by whom."""

    letter = models.ForeignKey(
        ResponsibilityLetter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="tasks"
    )
    description = models.TextField(_("task"))
    category = models.CharField(_("water category"), max_length=16, choices=WaterCategory.choices(), blank=True)
    target_quantity = models.DecimalField(
        _("target quantity"), **QUANTITY, null=True, blank=True, validators=[non_negative]
    )
    target_unit = models.CharField(_("target unit"), max_length=12, choices=MeasureUnit.choices(), blank=True)
    deadline = models.DateField(_("deadline"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="responsible_tasks"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting units"), related_name="supported_tasks", blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibility_tasks",
        help_text=_("The street the task concerns; empty for district-wide tasks."),
    )
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices(), default=TaskStatus.OPEN)
    done_quantity = models.DecimalField(
        _("quantity done"),
        **QUANTITY,
        default=Decimal("0"),
        editable=False,
        help_text=_("The sum of the progress updates; derived, never typed."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    objects = ResponsibilityTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility task")
        verbose_name_plural = _("responsibility tasks")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_quantity__isnull=True) | ~Q(target_unit=""),
                name="projects_task_target_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN) | Q(completed_on__isnull=False),
                name="projects_task_done_has_date",
            ),
        ]
        indexes = [
            # Overdue detection: open tasks by deadline, and every list's order.
            models.Index(fields=["status", "deadline"], name="projects_task_open_deadline"),
            models.Index(fields=["deadline", "id"], name="projects_task_deadline"),
        ]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("projects:task_detail", args=[self.pk])

    def is_overdue(self, day=None):
        return self.status == TaskStatus.OPEN and self.deadline < (day or periods.local_date())

    @property
    def completion_rate(self):
        from projects.progress import completion_rate

        return completion_rate(self.done_quantity, self.target_quantity) if self.target_quantity else None

    def clean(self):
        errors = {}
        if self.target_quantity is not None and not self.target_unit:
            errors["target_unit"] = _("A target quantity needs its unit.")
        if self.letter_id and self.deadline:
            if self.deadline < self.letter.signed_on:
                errors["deadline"] = _("The deadline comes before the letter was signed (%(date)s).") % {
                    "date": self.letter.signed_on
                }
            elif self.deadline.year > self.letter.year + 5:
                errors["deadline"] = _("The deadline lies more than five years after the letter's year.")
        if errors:
            raise ValidationError(errors)


class TaskUpdateQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return task_view_q(user, "task__")
        return task_change_q(user, "task__")


class TaskUpdate(models.Model):
    """Progress on a task, with its evidence (a document or photo, a private file)."""

    task = models.ForeignKey(
        ResponsibilityTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    reported_on = models.DateField(_("reported on"))
    quantity = models.DecimalField(_("quantity done"), **QUANTITY, null=True, blank=True, validators=[non_negative])
    note = models.TextField(_("progress"))
    evidence = models.FileField(_("evidence"), upload_to=UnguessableName("tasks"), blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=120, blank=True)
    marks_done = models.BooleanField(_("task done"), default=False)
    reported_by = models.ForeignKey(
        "wushui.User", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="task_updates"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TaskUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("task progress update")
        verbose_name_plural = _("task progress updates")
        ordering = ["task", "reported_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="projects_update_quantity_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.task} · {self.reported_on}"

    def get_evidence_url(self):
        return reverse("projects:task_evidence", args=[self.pk]) if self.evidence else ""

    def clean(self):
        errors = {}
        if self.reported_on:
            if self.reported_on > periods.local_date():
                errors["reported_on"] = _("The date lies in the future.")
            elif self.task_id and self.reported_on < self.task.letter.signed_on:
                errors["reported_on"] = _("The date comes before the letter was signed (%(date)s).") % {
                    "date": self.task.letter.signed_on
                }
        if self.quantity is not None and self.task_id and self.task.target_quantity is None:
            errors["quantity"] = _("This task has no measurable target.")
        if errors:
            raise ValidationError(errors)
