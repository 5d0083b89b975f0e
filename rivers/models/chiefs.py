"""River chiefs (河长, 警长, 督察长) appointed to segments at a tier, with their history."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rivers.choices import ChiefRole
from rivers.models.registry import Segment, visible_segment_ids
from wushui.choices import RegionLevel, Tier
from wushui.figures import VersionedModel
from wushui.scoping import RegistryQuerySet


class ChiefAppointmentQuerySet(RegistryQuerySet):
    # What a signboard shows of a chief (浙江省河长制规定 Art. 12): name, post and public phone; never
    # the user's own phone, username or region.
    PUBLIC_FIELDS = ("segment_id", "tier", "role", "chief__name", "post", "public_phone", "start_date")

    def visible_q(self, user):
        return Q(segment_id__in=visible_segment_ids(user))

    def public_q(self):
        return Q(end_date__isnull=True)

    def current(self):
        return self.filter(end_date__isnull=True)


class ChiefAppointment(VersionedModel, models.Model):
    """A person's appointment as chief (河长, 警长 or 督察长) of a segment at one tier; history is kept."""

    chief = models.ForeignKey(
        "wushui.User", verbose_name=_("chief"), on_delete=models.PROTECT, related_name="appointments"
    )
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="appointments"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices())
    role = models.CharField(_("role"), max_length=16, choices=ChiefRole.choices(), default=ChiefRole.CHIEF)
    post = models.CharField(_("post"), max_length=100, help_text=_("The chief's office, as on the signboard."))
    public_phone = models.CharField(
        _("public phone"),
        max_length=30,
        validators=[RegexValidator(r"^[0-9+\-() ]{5,30}$", _("Enter a phone number."))],
        help_text=_("Shown on the signboard."),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty while current."))

    objects = ChiefAppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("chief appointment")
        verbose_name_plural = _("chief appointments")
        ordering = ["segment__code", "tier", "role", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "tier", "role"],
                condition=Q(end_date__isnull=True),
                name="rivers_one_current_chief_per_segment_tier_role",
                violation_error_message=_("This segment already has a current chief at this tier and role."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="rivers_appointment_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.chief} · {self.segment} · {Tier.label(self.tier)}"

    @property
    def is_current(self):
        return self.end_date is None

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.tier == Tier.VILLAGE and self.segment_id and self.segment.region.level != RegionLevel.VILLAGE:
            raise ValidationError({"tier": _("A village-tier chief answers for a segment lying in a village.")})
        complete = self.segment_id and self.tier and self.role and self.start_date
        if complete and self.overlapping().exists():
            raise ValidationError(
                {"start_date": _("This period overlaps another appointment of the same tier and role.")}
            )

    def overlapping(self):
        """Other appointments to the same post whose period meets this one's."""
        others = ChiefAppointment.objects.filter(segment_id=self.segment_id, tier=self.tier, role=self.role)
        if self.pk:
            others = others.exclude(pk=self.pk)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date:
            others = others.filter(start_date__lte=self.end_date)
        return others
