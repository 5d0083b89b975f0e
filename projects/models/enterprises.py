"""Enterprise remediation (重污染行业整治): enterprises of the polluting industries, their plan and its checks."""

import datetime

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.access import manages_projects
from projects.choices import Industry, RemediationPlan, RemediationStatus
from wushui import periods
from wushui.choices import Domain, RegionLevel, Role
from wushui.models import Region
from wushui.scoping import EVERYTHING, NOTHING, VIEW, ScopedQuerySet, scope_region_ids


def enterprise_change_q(user, path=""):
    """The 治水办, the projects and enforcement departments everywhere; a street official in their street
    (属地: streets remediate their enterprises and "four-no" workshops)."""
    if manages_projects(user) or Domain.ENFORCEMENT in user.domains:
        return EVERYTHING
    if user.role == Role.STREET_OFFICIAL:
        return Q(**{f"{path}street_id__in": scope_region_ids(user)})
    return NOTHING


class EnterpriseQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(street_id__in=scope_region_ids(user))
        return enterprise_change_q(user)

    def overdue(self, day=None):
        return self.filter(status=RemediationStatus.IN_PROGRESS, deadline__lt=day or periods.local_date())


def default_deadline(plan, year):
    """The speech's deadlines: in-place remediation and "four-no" workshops by 30 June, closures by 31 December."""
    return datetime.date(year, 6, 30) if plan == RemediationPlan.IN_PLACE else datetime.date(year, 12, 31)


class Enterprise(models.Model):
    """An enterprise (or workshop, or farm) of a polluting industry on the remediation list, with its
    plan (remediate in place, or close), deadline and where it stands."""

    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, help_text=_("Empty for an unregistered workshop.")
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices())
    street = models.ForeignKey(Region, verbose_name=_("street"), on_delete=models.PROTECT, related_name="enterprises")
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    plan = models.CharField(_("plan"), max_length=10, choices=RemediationPlan.choices())
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=RemediationStatus.choices(), default=RemediationStatus.IN_PROGRESS
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise under remediation")
        verbose_name_plural = _("enterprises under remediation")
        ordering = ["street", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RemediationStatus.IN_PROGRESS, resolved_on__isnull=True)
                | (~Q(status=RemediationStatus.IN_PROGRESS) & Q(resolved_on__isnull=False)),
                name="projects_enterprise_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(plan=RemediationPlan.CLOSE, status=RemediationStatus.REMEDIATED),
                name="projects_enterprise_closure_not_remediated",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="projects_enterprise_deadline"),
            models.Index(fields=["street", "industry"], name="projects_enterprise_street"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:enterprise_detail", args=[self.pk])

    def is_overdue(self, day=None):
        return self.status == RemediationStatus.IN_PROGRESS and self.deadline < (day or periods.local_date())

    def clean(self):
        errors = {}
        if self.street_id and self.street.level != RegionLevel.STREET:
            errors["street"] = _("Choose a street.")
        if self.plan == RemediationPlan.CLOSE and self.status == RemediationStatus.REMEDIATED:
            errors["status"] = _("An enterprise on the closure list is closed, not remediated.")
        if self.status == RemediationStatus.IN_PROGRESS and self.resolved_on:
            errors["resolved_on"] = _("An enterprise still in progress has no resolution date.")
        if self.status in RemediationStatus.RESOLVED and not self.resolved_on:
            errors["resolved_on"] = _("Give the date it was remediated or closed.")
        if self.resolved_on and self.resolved_on > periods.local_date():
            errors["resolved_on"] = _("The date lies in the future.")
        for name in ("deadline", "resolved_on"):
            value = getattr(self, name)
            if value and not periods.FIRST_DAY <= value <= periods.LAST_DAY and name not in errors:
                errors[name] = _("Enter a date from %(first)s to %(last)s.") % {
                    "first": periods.FIRST_DAY,
                    "last": periods.LAST_DAY,
                }
        if errors:
            raise ValidationError(errors)


class EnterpriseInspectionQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(enterprise__street_id__in=scope_region_ids(user))
        return enterprise_change_q(user, "enterprise__")


class EnterpriseInspection(models.Model):
    """A check of an enterprise's remediation on site (现场检查)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        "wushui.User", verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="enterprise_inspections"
    )
    passed = models.BooleanField(_("up to the requirements"))
    notes = models.TextField(_("notes"), blank=True)

    objects = EnterpriseInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise inspection")
        verbose_name_plural = _("enterprise inspections")
        ordering = ["enterprise", "-inspected_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "inspected_on"], name="projects_inspection_enterprise")]

    def __str__(self):
        return f"{self.enterprise} · {self.inspected_on}"

    def clean(self):
        if self.inspected_on and self.inspected_on > periods.local_date():
            raise ValidationError({"inspected_on": _("The date lies in the future.")})
