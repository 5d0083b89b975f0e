"""Pollution outlets (入河排污口): each with its ID ("身份证": a national and a local code), sign (标识),
status and remediation, and the history of every change (django-simple-history: who, when, what)."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rivers.choices import DeadlineSubject, OutletCategory, OutletStatus, OutletSubtype
from rivers.models.quality import CampaignDeadline, domain_scope
from rivers.models.registry import Segment, WaterBody, visible_segment_ids
from wushui.choices import Domain
from wushui.files import UnguessableName
from wushui.scoping import ScopedQuerySet

outlet_code_validator = RegexValidator(r"^[0-9A-Z][0-9A-Z-]{2,39}$", _("Use 3–40 capital letters, digits and hyphens."))
phone_validator = RegexValidator(r"^[0-9+\-() ]{5,30}$", _("Enter a phone number."))


class OutletQuerySet(ScopedQuerySet):
    PUBLIC_FIELDS = ("pk", "national_code", "local_code", "name", "category", "water_body__name", "status")

    def scope_q(self, user, action):
        return domain_scope(user, action, lambda: Q(segment_id__in=visible_segment_ids(user)), Domain.OUTLETS)

    def to_deal_with(self):
        return self.filter(status__in=OutletStatus.TO_DEAL_WITH)

    def overdue(self, today=None):
        """Outlets still to deal with whose remediation deadline has passed."""
        return self.to_deal_with().filter(remediation_deadline__lt=today or timezone.localdate())


class Outlet(models.Model):
    """A pollution outlet into a river (入河排污口), its category after HJ 1312-2023, its receiving
    segment, who answers for it, its sign, status and remediation."""

    national_code = models.CharField(
        _("national code"),
        max_length=40,
        blank=True,
        validators=[outlet_code_validator],
        help_text=_("The code assigned nationally, once there is one."),
    )
    local_code = models.CharField(
        _("local code"),
        max_length=40,
        unique=True,
        validators=[outlet_code_validator],
        help_text=_("The district's code."),
    )
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=OutletCategory.choices())
    subtype = models.CharField(_("sub-type"), max_length=20, choices=OutletSubtype.choices())
    water_body = models.ForeignKey(
        WaterBody,
        verbose_name=_("receiving water body"),
        on_delete=models.PROTECT,
        related_name="outlets",
        editable=False,
    )
    segment = models.ForeignKey(
        Segment, verbose_name=_("receiving segment"), on_delete=models.PROTECT, related_name="outlets"
    )
    location = models.PointField(_("location"), srid=4326)
    responsible_entity = models.CharField(_("responsible entity"), max_length=100)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[phone_validator])
    sign_installed = models.BooleanField(_("sign installed"), default=False)
    sign_photo = models.ImageField(_("sign photo"), upload_to=UnguessableName("outlet-signs"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OutletStatus.choices())
    remediation_plan = models.TextField(_("remediation plan"), blank=True)
    remediation_deadline = models.DateField(
        _("remediation deadline"),
        null=True,
        blank=True,
        help_text=_("Empty takes the campaign's: 5/31 for an illegal outlet, 8/31 for the others to remediate."),
    )
    remediation_completed_on = models.DateField(_("remediation completed on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)

    objects = OutletQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("outlet change"), verbose_name_plural=_("outlet changes"))

    class Meta:
        verbose_name = _("pollution outlet")
        verbose_name_plural = _("pollution outlets")
        ordering = ["local_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~Q(national_code=""),
                name="rivers_outlet_one_per_national_code",
                violation_error_message=_("Another outlet has this national code."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "remediation_deadline"], name="rivers_outlet_status_deadline"),
            models.Index(fields=["segment", "local_code"], name="rivers_outlet_segment"),
        ]

    def __str__(self):
        return f"{self.name} ({self.local_code})"

    def get_absolute_url(self):
        return reverse("rivers:outlet_detail", args=[self.pk])

    @property
    def is_overdue(self):
        return (
            self.status in OutletStatus.TO_DEAL_WITH
            and self.remediation_deadline is not None
            and self.remediation_deadline < timezone.localdate()
        )

    def default_deadline(self):
        subject = (
            DeadlineSubject.ILLEGAL_OUTLETS
            if self.status == OutletStatus.ILLEGAL
            else DeadlineSubject.OUTLET_REMEDIATION
        )
        today = timezone.localdate()
        due = CampaignDeadline.for_year(today.year)[subject]
        # Registered after this year's date: the same date next year.
        return due if due >= today else CampaignDeadline.for_year(today.year + 1)[subject]

    def clean(self):
        errors = {}
        if self.subtype and self.category and OutletSubtype.CATEGORY.get(self.subtype) != self.category:
            errors["subtype"] = _("This sub-type belongs to the category %(category)s.") % {
                "category": OutletCategory.label(OutletSubtype.CATEGORY.get(self.subtype))
            }
        if self.remediation_completed_on:
            if self.remediation_completed_on > timezone.localdate():
                errors["remediation_completed_on"] = _("Remediation cannot be completed in the future.")
            elif self.status not in (OutletStatus.COMPLIANT, OutletStatus.SEALED):
                errors["status"] = _("A remediated outlet is compliant or sealed.")
        if self.sign_photo and not self.sign_installed:
            errors["sign_installed"] = _("A sign photo shows an installed sign.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.segment_id:
            self.water_body_id = self.segment.water_body_id
        if self.status in OutletStatus.TO_DEAL_WITH and self.remediation_deadline is None:
            self.remediation_deadline = self.default_deadline()
        super().save(*args, **kwargs)
