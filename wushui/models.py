"""Users and roles, the administrative region tree, and units."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wushui.choices import Domain, JobStatus, RegionLevel, Role, UnitKind
from wushui.figures import VersionedModel
from wushui.files import UnguessableName
from wushui.geo import validate_geometry
from wushui.scoping import RegistryQuerySet, ScopedQuerySet, scope_region_ids


class RegionQuerySet(RegistryQuerySet):
    def subtree(self, region):
        """The region and its descendants: the tree is district → street → village, three levels."""
        region_id = getattr(region, "pk", region)
        if region_id is None:
            return self.none()
        return self.filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id))

    def visible_q(self, user):
        return Q(pk__in=scope_region_ids(user))


class Region(VersionedModel, models.Model):
    """An administrative region: the district (区), a street (街道) or a village / community (村 / 社区)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Official statistical division code, 12 digits (e.g. 330303001000)."),
    )
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices())
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"),
                name="region_code_twelve_digits",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("region_detail", args=[self.pk])

    @property
    def depth(self):
        return RegionLevel.DEPTH[self.level]

    def clean(self):
        errors = {}
        expected_parent_level = {
            RegionLevel.DISTRICT: None,
            RegionLevel.STREET: RegionLevel.DISTRICT,
            RegionLevel.VILLAGE: RegionLevel.STREET,
        }.get(self.level)
        parent_level = self.parent.level if self.parent_id else None
        if self.level and parent_level != expected_parent_level:
            errors["parent"] = (
                _("A district has no parent region.")
                if expected_parent_level is None
                else _("The parent of a %(level)s must be a %(parent)s.")
                % {"level": RegionLevel.label(self.level), "parent": RegionLevel.label(expected_parent_level)}
            )
        boundary_error = validate_geometry(self.boundary)
        if boundary_error:
            errors["boundary"] = boundary_error
        if errors:
            raise ValidationError(errors)


class UnitQuerySet(RegistryQuerySet):
    def visible_q(self, user):
        # District departments serve everybody; street units belong to their street.
        return Q(region__isnull=True) | Q(region__in=scope_region_ids(user))


class Unit(VersionedModel, models.Model):
    """A government unit: the river-chief office (河长办), a department (部门), a street office
    or an owner unit (业主单位)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices())
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("Leave empty for a district-wide unit."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    duties = models.TextField(_("duties"), blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("unit_detail", args=[self.pk])


class UserQuerySet(RegistryQuerySet):
    def visible_q(self, user):
        return Q(region__in=scope_region_ids(user))


class WushuiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(VersionedModel, AbstractUser):
    """A person who signs in: an official, a chief, a department user or an administrator.

    The role says what they do; the region (and for a chief, their appointments)
    says what they see. The public never signs in. Their names stand in the kept chief directory,
    so a change moves the registry's version on; signing in (its stamp) or a new password does not.
    """

    unversioned_fields = frozenset({"last_login", "password"})

    name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices(), default=Role.CHIEF)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The region whose subtree the user sees."),
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices(), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = WushuiUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    @cached_property
    def sees_whole_district(self):
        if self.is_superuser or self.role in (Role.DISTRICT_ADMIN, Role.DISTRICT_OFFICIAL):
            return True
        if self.region_id is None:
            return False
        from wushui.scoping import remembered_from_registry

        level = remembered_from_registry(
            self,
            "region_level",
            lambda: Region.objects.filter(pk=self.region_id).values_list("level", flat=True).first(),
        )
        return level == RegionLevel.DISTRICT

    @property
    def domains(self):
        """The domains a department user works on; part of their scope where a model's rule names one."""
        return frozenset([self.domain]) if self.role == Role.DEPARTMENT and self.domain else frozenset()

    def clean(self):
        super().clean()
        if self.role in (Role.STREET_OFFICIAL, Role.CHIEF, Role.DEPARTMENT) and self.region_id is None:
            raise ValidationError({"region": _("This role needs a region.")})
        if self.role == Role.STREET_OFFICIAL and self.region and self.region.level != RegionLevel.STREET:
            raise ValidationError({"region": _("A street official is attached to a street.")})
        if self.role == Role.DEPARTMENT and not self.domain:
            raise ValidationError({"domain": _("A department user needs a domain.")})


class JobQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # A job's file holds the requester's scope: only they (and, for VIEW, district roles) open it.
        return Q(requested_by=user)


class Job(models.Model):
    """A background job (an export, a report) recorded as a row, so the page can follow it."""

    kind = models.CharField(_("kind"), max_length=30, help_text=_("A kind registered by the app that runs it."))
    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices(), default=JobStatus.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="jobs"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=UnguessableName("jobs"), blank=True)
    download_name = models.CharField(
        _("download name"), max_length=120, blank=True, help_text=_("The file's name as the requester downloads it.")
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="wushui_job_status_created")]

    def __str__(self):
        return f"{self.kind_label} #{self.pk}"

    def get_absolute_url(self):
        return reverse("job_detail", args=[self.pk])

    @property
    def kind_label(self):
        from wushui.jobs import kind_label

        return kind_label(self.kind)

    @property
    def is_finished(self):
        return self.status in JobStatus.FINISHED


def attach_users(rows, *fields):
    """Set the users that the foreign keys ``fields`` of ``rows`` point at, read in one query: a
    page showing a reporter, an assignee and an assigner joins the user table once instead of three
    times, joins the planner pays for with every other one."""
    rows = list(rows)
    ids = {getattr(row, f"{name}_id") for row in rows for name in fields} - {None}
    users = User.objects.in_bulk(ids) if ids else {}
    for row in rows:
        for name in fields:
            user_id = getattr(row, f"{name}_id")
            setattr(row, name, users.get(user_id) if user_id is not None else None)
    return rows
