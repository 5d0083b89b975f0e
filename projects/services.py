"""Workflows of the five-waters work that touch several rows: monthly reports and their derived
figures, milestones in order, task progress, enterprise checks.

Every refusal is a ``ValidationError`` naming the field, raised before anything is written; what
is written is written in one transaction, and a photo or document stored by a failed attempt is
deleted again, so that a refusal leaves no row and no file.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from projects.choices import MilestoneKind, RemediationStatus, TaskStatus
from projects.models import (
    AnnualPlan,
    EnterpriseInspection,
    Milestone,
    PlanTarget,
    ProgressReport,
    Project,
    ReportPhoto,
    ReportQuantity,
    TaskUpdate,
)
from wushui import periods
from wushui.choices import RegionLevel
from wushui.images import check_photos

# Photos a single monthly report may carry.
MAX_REPORT_PHOTOS = 10


def month_start(day):
    return day.replace(day=1)


@dataclass
class ReportInput:
    """What an owner unit reports for a month, parsed at the edge."""

    month: datetime.date
    investment: Decimal
    quantities: dict = field(default_factory=dict)  # PlanTarget id -> Decimal done this month
    notes: str = ""
    photos: list = field(default_factory=list)  # uploaded files


def _refuse(field_name, message):
    raise ValidationError({field_name: [message]})


def _plan_for(project, month):
    plan = AnnualPlan.objects.filter(project=project, year=month.year).first()
    if plan is None:
        _refuse(
            "month",
            _("%(project)s has no plan for %(year)s: a report needs the year's plan.")
            % {"project": project, "year": month.year},
        )
    return plan


def _targets(plan, quantities):
    targets = {target.pk: target for target in PlanTarget.objects.filter(plan=plan)}
    for target_id, quantity in quantities.items():
        if target_id not in targets:
            _refuse(
                "quantities",
                _("Target %(id)s is not one of the %(year)s plan's targets.") % {"id": target_id, "year": plan.year},
            )
        if quantity is None or quantity < 0:
            _refuse(
                "quantities",
                _("A quantity done cannot be negative (%(measure)s).") % {"measure": targets[target_id].measure},
            )
    return targets


def _check_report(project, data):
    if data.investment is None or data.investment < 0:
        _refuse("investment", _("The investment completed cannot be negative."))
    if len(data.photos) > MAX_REPORT_PHOTOS:
        _refuse("photos", _("Send at most %(count)s photos with a report.") % {"count": MAX_REPORT_PHOTOS})
    try:
        check_photos(data.photos)
    except ValidationError as error:
        _refuse("photos", " ".join(error.messages))
    month = data.month
    if month.day != 1:
        month = month_start(month)
    report = ProgressReport(project=project, month=month, investment=data.investment, notes=data.notes)
    report.clean_fields(exclude=["project", "reported_by"])
    report.clean()
    return month


@transaction.atomic
def file_report(user, project, data):
    """File the owner unit's report of ``data.month`` for ``project`` and derive the year's figures.

    Refused: a negative amount, a month not yet begun, a month outside the project's years or
    without a plan, a month already reported (the database decides a race: the loser is refused the
    same way), a target of another plan. The caller has checked the user's change scope."""
    month = _check_report(project, data)
    plan = _plan_for(project, month)
    _targets(plan, data.quantities)
    if ProgressReport.objects.filter(project=project, month=month).exists():
        _refuse(
            "month",
            _("%(month)s is already reported for this project; correct that report instead.")
            % {"month": f"{month:%Y-%m}"},
        )
    stored = []
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                project=project, month=month, investment=data.investment, notes=data.notes, reported_by=user
            )
            ReportQuantity.objects.bulk_create(
                ReportQuantity(report=report, target_id=target_id, quantity=quantity)
                for target_id, quantity in data.quantities.items()
            )
            for upload in data.photos:
                photo = ReportPhoto(report=report)
                photo.image.save(upload.name, upload, save=False)
                stored.append(photo.image)
                photo.save()
            plan.refresh_completed()
    except IntegrityError:
        _delete_files(stored)
        _refuse(
            "month",
            _("%(month)s is already reported for this project; correct that report instead.")
            % {"month": f"{month:%Y-%m}"},
        )
    except BaseException:
        _delete_files(stored)
        raise
    return report


@transaction.atomic
def correct_report(user, report, investment=None, quantities=None, notes=None):
    """Correct a filed report: the month's investment, the quantities done of the year's targets, the
    notes. Figures already reported have been quoted in summaries: a correction may raise them, never
    lower them (the cumulative of this month and every later month would go down). Refused: a
    negative amount, a lower amount, a target of another plan, a report of a month not yet begun.
    Everything is checked before anything is written. The caller has checked the user's change scope."""
    report = ProgressReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    if report.month > month_start(periods.local_date()):
        _refuse(
            "month",
            _("%(month)s has not begun: a month is reported, and corrected, once it is under way.")
            % {"month": f"{report.month:%Y-%m}"},
        )
    plan = _plan_for(report.project, report.month)
    if investment is not None:
        if investment < 0:
            _refuse("investment", _("The investment completed cannot be negative."))
        if investment < report.investment:
            _refuse(
                "investment",
                _(
                    "The cumulative investment would go down (from %(old)s to %(new)s this month); "
                    "figures already reported cannot be lowered."
                )
                % {"old": report.investment, "new": investment},
            )
        report.investment = investment
    existing = {row.target_id: row for row in report.quantities.all()}
    quantities = quantities or {}
    if quantities:
        targets = _targets(plan, quantities)
        for target_id, quantity in quantities.items():
            row = existing.get(target_id)
            if row is not None and quantity < row.quantity:
                _refuse(
                    "quantities",
                    _(
                        "The cumulative %(measure)s would go down (from %(old)s to %(new)s this month); "
                        "figures already reported cannot be lowered."
                    )
                    % {"measure": targets[target_id].measure, "old": row.quantity, "new": quantity},
                )
    if notes is not None:
        report.notes = notes
    report.clean_fields(exclude=["project", "reported_by"])
    report.save()
    for target_id, quantity in quantities.items():
        ReportQuantity.objects.update_or_create(report=report, target_id=target_id, defaults={"quantity": quantity})
    plan.refresh_completed()
    return report


def _delete_files(files):
    for stored in files:
        stored.storage.delete(stored.name)


# --- Projects -------------------------------------------------------------------------------------------


@dataclass
class PlanInput:
    """A year's plan of a project: the investment (万元) and, when given, its physical targets (each a
    ``(measure, unit, quantity)``), which then replace the plan's targets not yet reported on."""

    year: int
    investment: Decimal
    targets: list | None = None


@dataclass
class MilestoneInput:
    kind: str
    planned_date: datetime.date
    actual_date: datetime.date | None = None


def _nested(field_name, prefix, error):
    """A row's ValidationError re-raised under the list's field, each message saying which row."""
    messages = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    raise ValidationError(
        {
            field_name: [
                f"{prefix} {name}: {message}" if name and name != "__all__" else f"{prefix}: {message}"
                for name, ms in messages
                for message in ms
            ]
        }
    )


def _check_plans(project, plans, existing):
    """The plans sent, checked by the models' own rules and against the project: one per year, within
    the project's years, none above the total, all of them together (with the years not sent) not
    above it either; targets one per measure and unit, quantities above zero."""
    seen = set()
    checked = []
    for plan_input in plans:
        if plan_input.year in seen:
            _refuse("plans", _("The plan of %(year)s appears twice.") % {"year": plan_input.year})
        seen.add(plan_input.year)
        plan = AnnualPlan(project=project, year=plan_input.year, investment=plan_input.investment)
        try:
            plan.full_clean(exclude=["project"], validate_unique=False)
        except ValidationError as error:
            _nested("plans", str(plan_input.year), error)
        targets = []
        for measure, unit, quantity in plan_input.targets or []:
            if any(target.measure == measure and target.unit == unit for target in targets):
                _refuse(
                    "plans",
                    _("%(year)s: the target %(measure)s appears twice.")
                    % {"year": plan_input.year, "measure": measure},
                )
            target = PlanTarget(plan=plan, measure=measure, unit=unit, quantity=quantity)
            try:
                target.full_clean(exclude=["plan"], validate_unique=False)
            except ValidationError as error:
                _nested("plans", f"{plan_input.year} {measure}", error)
            targets.append(target)
        checked.append((plan_input, targets))
    for year in existing:
        if year not in seen and not project.start_year <= year <= project.end_year:
            _refuse(
                "end_year" if year > project.end_year else "start_year",
                _("The project has a plan for %(year)s: its years must include it.") % {"year": year},
            )
    total = sum((plan.investment for plan in plans), Decimal(0)) + sum(
        (plan.investment for year, plan in existing.items() if year not in seen), Decimal(0)
    )
    if total > project.total_investment:
        _refuse(
            "plans" if plans else "total_investment",
            _("The annual plans add up to %(plans)s, more than the total investment (%(total)s).")
            % {"plans": total, "total": project.total_investment},
        )
    return checked


def _check_milestones(project, milestones, existing):
    seen = set()
    merged = dict(existing)
    for milestone_input in milestones:
        label = MilestoneKind.label(milestone_input.kind)
        if milestone_input.kind in seen:
            _refuse("milestones", _("%(milestone)s appears twice.") % {"milestone": label})
        seen.add(milestone_input.kind)
        milestone = copy.copy(existing[milestone_input.kind]) if milestone_input.kind in existing else Milestone()
        milestone.project, milestone.kind = project, milestone_input.kind
        milestone.planned_date, milestone.actual_date = milestone_input.planned_date, milestone_input.actual_date
        try:
            milestone.full_clean(exclude=["project"], validate_unique=False)
        except ValidationError as error:
            _nested("milestones", str(label), error)
        merged[milestone_input.kind] = milestone
    try:
        check_milestone_order(list(merged.values()))
    except ValidationError as error:
        raise ValidationError({"milestones": [m for ms in error.message_dict.values() for m in ms]}) from None
    return [merged[kind] for kind in seen]


@transaction.atomic
def save_project(project, *, streets=None, plans=None, milestones=None):
    """Create or change a project with, when given, its streets, annual plans (by year: those sent are
    created or replaced, the others kept) and milestones (by kind, likewise), checked as the import
    checks them: the models' own rules (category and kind of works, years in order, money not
    negative), the plans within the project's years and together not above its total, the milestones'
    stages in order. Everything is checked before anything is written. The caller has checked that the
    user manages projects."""
    project.full_clean()
    if streets is not None:
        not_streets = [region.name for region in streets if region.level != RegionLevel.STREET]
        if not_streets:
            _refuse("streets", _("Not a street: %(names)s.") % {"names": "、".join(not_streets)})
    stored = project.pk is not None
    if stored:
        # One change of a project's plans at a time: the totals are checked against what is stored.
        list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True))
    existing_plans = {plan.year: plan for plan in AnnualPlan.objects.filter(project=project)} if stored else {}
    checked = _check_plans(project, plans or [], existing_plans)
    existing_milestones = {m.kind: m for m in Milestone.objects.filter(project=project)} if stored else {}
    changed_milestones = _check_milestones(project, milestones or [], existing_milestones)

    project.save()
    if streets is not None:
        project.streets.set(streets)
    for plan_input, targets in checked:
        plan, _created = AnnualPlan.objects.update_or_create(
            project=project, year=plan_input.year, defaults={"investment": plan_input.investment}
        )
        if plan_input.targets is not None:
            # Targets not sent go, unless a report counted them (as the import does).
            replaced = plan.targets.filter(reported__isnull=True)
            for target in targets:
                replaced = replaced.exclude(measure=target.measure, unit=target.unit)
            replaced.delete()
            for target in targets:
                PlanTarget.objects.update_or_create(
                    plan=plan, measure=target.measure, unit=target.unit, defaults={"quantity": target.quantity}
                )
        plan.refresh_completed()
    for milestone in changed_milestones:
        milestone.project = project
        milestone.save()
    if changed_milestones or not stored:
        project.refresh_next_milestone_due()
    return project


# --- Milestones -----------------------------------------------------------------------------------------


def check_milestone_order(milestones):
    """Planned and actual dates never run backwards across stages: no step is planned (or done)
    before a step of an earlier stage (前期 work before the start, the start before completion,
    completion before acceptance). Raises a ValidationError naming the later milestone."""
    for attribute in ("planned_date", "actual_date"):
        dated = [m for m in milestones if getattr(m, attribute)]
        for later in dated:
            for earlier in dated:
                if earlier.stage < later.stage and getattr(earlier, attribute) > getattr(later, attribute):
                    _refuse(
                        attribute,
                        _("%(later)s (%(later_date)s) comes before %(earlier)s (%(earlier_date)s).")
                        % {
                            "later": MilestoneKind.label(later.kind),
                            "later_date": getattr(later, attribute),
                            "earlier": MilestoneKind.label(earlier.kind),
                            "earlier_date": getattr(earlier, attribute),
                        },
                    )


@transaction.atomic
def set_milestone(project, kind, *, planned_date=None, actual_date=None, clear_actual=False):
    """Plan a milestone or record the day it was reached, keeping the stages in order and the
    project's next due date derived."""
    milestones = {m.kind: m for m in Milestone.objects.select_for_update().filter(project=project)}
    milestone = milestones.get(kind) or Milestone(project=project, kind=kind)
    if planned_date is not None:
        milestone.planned_date = planned_date
    if actual_date is not None:
        milestone.actual_date = actual_date
    if clear_actual:
        milestone.actual_date = None
    if milestone.planned_date is None:
        _refuse("planned_date", _("Plan the milestone first."))
    milestone.full_clean(exclude=["project"], validate_unique=False)
    milestones[kind] = milestone
    check_milestone_order(list(milestones.values()))
    milestone.save()
    project.refresh_next_milestone_due()
    return milestone


# --- Responsibility tasks -------------------------------------------------------------------------------


@transaction.atomic
def add_task_update(user, task, *, reported_on, note, quantity=None, marks_done=False, evidence=None):
    """Record progress on a task; the quantity done and the status are derived from the updates."""
    from projects.models import ResponsibilityTask

    task = ResponsibilityTask.objects.select_for_update().select_related("letter").get(pk=task.pk)
    if task.status == TaskStatus.DONE:
        _refuse("marks_done", _("This task is done; it takes no more updates."))
    update = TaskUpdate(
        task=task, reported_on=reported_on, note=note, quantity=quantity, marks_done=marks_done, reported_by=user
    )
    update.full_clean(exclude=["evidence", "reported_by"])
    last = task.updates.order_by("-reported_on").values_list("reported_on", flat=True).first()
    if last and reported_on < last:
        _refuse(
            "reported_on", _("An update of %(date)s is already recorded: updates come in date order.") % {"date": last}
        )
    stored = []
    try:
        if evidence is not None:
            update.evidence_name = evidence.name[:120]
            update.evidence.save(evidence.name, evidence, save=False)
            stored.append(update.evidence)
        update.save()
    except BaseException:
        _delete_files(stored)
        raise
    if quantity:
        task.done_quantity += quantity
    if marks_done:
        task.status, task.completed_on = TaskStatus.DONE, reported_on
    task.save(update_fields=["done_quantity", "status", "completed_on"])
    return update


# --- Enterprises ----------------------------------------------------------------------------------------


@transaction.atomic
def record_inspection(user, enterprise, *, inspected_on, passed, notes="", resolution=None):
    """Record a check of an enterprise; ``resolution`` (remediated or closed) closes its case on the
    day of the check."""
    inspection = EnterpriseInspection(
        enterprise=enterprise, inspected_on=inspected_on, inspector=user, passed=passed, notes=notes
    )
    inspection.full_clean(exclude=["inspector"])
    if resolution:
        if enterprise.status != RemediationStatus.IN_PROGRESS:
            _refuse("resolution", _("This enterprise's case is already closed."))
        if resolution == RemediationStatus.REMEDIATED and not passed:
            _refuse("resolution", _("An enterprise that failed its check is not remediated."))
        resolved = copy.copy(enterprise)
        resolved.status, resolved.resolved_on = resolution, inspected_on
        resolved.full_clean()
        resolved.save(update_fields=["status", "resolved_on"])
        enterprise.status, enterprise.resolved_on = resolution, inspected_on
    inspection.save()
    return inspection
