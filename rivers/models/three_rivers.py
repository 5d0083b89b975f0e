"""清三河 (clean the three rivers): garbage, black and smelly waters, when each was identified and
cleared, and any rebound (回潮) after clearing."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rivers.choices import ThreeRiversKind
from rivers.models.quality import domain_scope
from rivers.models.registry import Segment, WaterBody, visible_segment_ids
from wushui.choices import Domain
from wushui.scoping import ScopedQuerySet


class ThreeRiversQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        def seen():
            segments = Segment.objects.filter(water_body=OuterRef("water_body_id"), pk__in=visible_segment_ids(user))
            return Q(Exists(segments))

        return domain_scope(user, action, seen, Domain.WATER_QUALITY)

    def open(self):
        return self.filter(cleared_on__isnull=True)


class ThreeRiversRecord(models.Model):
    """One episode of a water body being a garbage, black or smelly river: identified, cleared; a
    rebound is a new episode pointing at the one it follows."""

    water_body = models.ForeignKey(
        WaterBody, verbose_name=_("water body"), on_delete=models.PROTECT, related_name="three_rivers_records"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ThreeRiversKind.choices())
    identified_on = models.DateField(_("identified on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    rebound_of = models.OneToOneField(
        "self",
        verbose_name=_("rebound of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rebound",
        help_text=_("The cleared episode this one came back after (回潮)."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ThreeRiversQuerySet.as_manager()

    class Meta:
        verbose_name = _("清三河 record")
        verbose_name_plural = _("清三河 records")
        ordering = ["water_body__code", "kind", "identified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["water_body", "kind"],
                condition=Q(cleared_on__isnull=True),
                name="rivers_three_rivers_one_open_per_kind",
                violation_error_message=_("This water body already has an open record of this kind."),
            ),
            models.CheckConstraint(
                condition=Q(cleared_on__isnull=True) | Q(cleared_on__gte=models.F("identified_on")),
                name="rivers_three_rivers_cleared_after_identified",
                violation_error_message=_("Cleared before it was identified."),
            ),
        ]

    def __str__(self):
        return f"{self.water_body} · {ThreeRiversKind.label(self.kind)} · {self.identified_on}"

    @property
    def is_rebound(self):
        return self.rebound_of_id is not None

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.identified_on and self.identified_on > today:
            errors["identified_on"] = _("A date in the future.")
        if self.cleared_on and self.cleared_on > today:
            errors["cleared_on"] = _("A date in the future.")
        if self.cleared_on and self.identified_on and self.cleared_on < self.identified_on:
            errors["cleared_on"] = _("Cleared before it was identified.")
        if self.rebound_of_id:
            earlier = self.rebound_of
            if earlier.water_body_id != self.water_body_id or earlier.kind != self.kind:
                errors["rebound_of"] = _("A rebound follows an episode of the same water body and kind.")
            elif earlier.cleared_on is None:
                errors["rebound_of"] = _("Only a cleared episode can rebound.")
            elif self.identified_on and self.identified_on < earlier.cleared_on:
                errors["identified_on"] = _("A rebound comes after the clearing.")
        if errors:
            raise ValidationError(errors)
