"""The river registry (一河一档): water bodies and their segments."""

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rivers.choices import WaterBodyKind, WaterClass
from wushui.choices import Tier
from wushui.figures import VersionedModel
from wushui.geo import length_m, to_metric, validate_geometry
from wushui.models import Region
from wushui.scoping import RegistryQuerySet, remembered_from_registry, scope_region_ids

# A segment may stray this far outside its region's boundary: boundaries are
# digitised coarsely and rivers often are the boundary.
REGION_BOUNDARY_TOLERANCE_M = 30

code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9-]{2,29}$", _("Use 3–30 capital letters, digits and hyphens."))


def visible_segment_ids(user):
    """The ids of the segments a user who is not district-wide sees: those lying in their region's subtree
    and, for a chief, those of their current appointments. One query, kept while the registry is unchanged; the scope
    predicates of segments, appointments, patrols and problems are ``segment_id IN (…)`` over it, which
    the database serves from its indexes (a street has some fifty segments)."""
    from rivers.models.chiefs import ChiefAppointment

    def compute():
        appointed = ChiefAppointment.objects.current().filter(chief=user).values("segment_id")
        in_region = Q(region__in=scope_region_ids(user))
        return list(Segment.objects.filter(in_region | Q(pk__in=appointed)).values_list("pk", flat=True))

    return remembered_from_registry(user, "segment_ids", compute)


class SegmentQuerySet(RegistryQuerySet):
    # What a signboard and its public page show of a segment.
    PUBLIC_FIELDS = (
        "pk",
        "code",
        "name",
        "water_body__name",
        "water_body__kind",
        "water_body__target_class",
        "region__name",
        "start_description",
        "end_description",
        "length_m",
    )

    def visible_q(self, user):
        return Q(pk__in=visible_segment_ids(user))

    def public_lines(self):
        """The published segments' lines (``pk``, ``geometry``), for a public page's map and for placing a
        public report on its segment. Kept out of ``PUBLIC_FIELDS`` so that public lists stay light."""
        return self.filter(self.public_q()).values("pk", "geometry")


class WaterBodyQuerySet(RegistryQuerySet):
    def visible_q(self, user):
        # A water body is seen where one of its segments is.
        segments = Segment.objects.filter(water_body=OuterRef("pk"), pk__in=visible_segment_ids(user))
        return Q(Exists(segments))


class WaterBody(VersionedModel, models.Model):
    """A river, canal, lake, reservoir or pond of the district: one file per river (一河一档)."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=WaterBodyKind.choices())
    responsible_tier = models.CharField(
        _("responsible tier"),
        max_length=16,
        choices=Tier.choices(),
        help_text=_("The highest tier of chief answering for the water body."),
    )
    target_class = models.PositiveSmallIntegerField(
        _("target water class"),
        choices=WaterClass.target_choices(),
        help_text=_("Water class of GB 3838-2002 the water body must reach."),
    )
    length_km = models.DecimalField(
        _("length (km)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    start_description = models.CharField(_("starts at"), max_length=100, blank=True)
    end_description = models.CharField(_("ends at"), max_length=100, blank=True)
    is_provincial_model = models.BooleanField(
        _("provincial model river"), default=False, help_text=_("Awarded as a provincial model of river ecology.")
    )
    description = models.TextField(_("description"), blank=True)
    geometry = models.GeometryField(
        _("geometry"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Centre line of a river or canal, outline of a lake, reservoir or pond."),
    )

    objects = WaterBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("water body")
        verbose_name_plural = _("water bodies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_class__gte=WaterClass.I) & Q(target_class__lte=WaterClass.V),
                name="rivers_waterbody_target_class_i_to_v",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rivers:waterbody_detail", args=[self.pk])

    @property
    def is_linear(self):
        return self.kind in WaterBodyKind.LINEAR

    def clean(self):
        errors = {}
        if self.kind in WaterBodyKind.LINEAR and self.length_km is None:
            errors["length_km"] = _("A river or canal needs its length.")
        if self.kind and self.kind not in WaterBodyKind.LINEAR and self.area_km2 is None:
            errors["area_km2"] = _("A lake, reservoir or pond needs its area.")
        geometry_error = validate_geometry(self.geometry)
        if geometry_error:
            errors["geometry"] = geometry_error
        if errors:
            raise ValidationError(errors)


class Segment(VersionedModel, models.Model):
    """A segment (河段) of a water body lying in one region, the unit chiefs are appointed to."""

    water_body = models.ForeignKey(
        WaterBody, verbose_name=_("water body"), on_delete=models.PROTECT, related_name="segments"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="segments")
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    start_description = models.CharField(_("starts at"), max_length=100, blank=True)
    end_description = models.CharField(_("ends at"), max_length=100, blank=True)
    geometry = models.LineStringField(_("geometry"), srid=4326)
    length_m = models.FloatField(
        _("length (m)"), editable=False, default=0, help_text=_("Computed from the geometry in the metric CRS.")
    )

    objects = SegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["code"]
        indexes = [models.Index(fields=["water_body", "region"], name="rivers_segment_body_region")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rivers:segment_detail", args=[self.pk])

    def clean(self):
        geometry_error = validate_geometry(self.geometry)
        if geometry_error:
            raise ValidationError({"geometry": geometry_error})
        if self.geometry is not None and self.region_id and self.region.boundary:
            boundary = to_metric(self.region.boundary).buffer(REGION_BOUNDARY_TOLERANCE_M)
            if not boundary.covers(to_metric(self.geometry)):
                raise ValidationError(
                    {"geometry": _("The segment leaves its region %(region)s.") % {"region": self.region.name}}
                )

    def save(self, *args, **kwargs):
        self.length_m = round(length_m(self.geometry), 1)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "geometry" in update_fields:
            kwargs["update_fields"] = {*update_fields, "length_m"}
        super().save(*args, **kwargs)
