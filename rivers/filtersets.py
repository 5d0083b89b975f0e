import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rivers.choices import ChiefRole, WaterBodyKind, WaterClass
from rivers.models import ChiefAppointment, Segment, Signboard, WaterBody
from wushui.choices import Tier
from wushui.filtersets import IdFilter, RegionTreeFilter, SearchFilterSet, StrictBooleanFilter
from wushui.models import Region, User


def water_bodies_in_scope(request):
    if request is None:
        return WaterBody.objects.none()
    return WaterBody.objects.restrict(request.user)


def chiefs_in_scope(request):
    """Choices for a chief filter: the people who hold or held an appointment the user may see (a
    street sees the district chief of its segments, who is attached to the district). The filter's
    widget searches the same queryset (``rivers.api.choices.ChiefChoiceView``)."""
    if request is None:
        return User.objects.none()
    appointed = ChiefAppointment.objects.restrict(request.user).values("chief_id")
    return User.objects.filter(pk__in=appointed).order_by("name", "username")


@extend_schema_field(OpenApiTypes.INT)
class WaterBodyRegionFilter(RegionTreeFilter):
    """A water body lies in a region when one of its segments does."""

    def filter(self, qs, value):
        if not value:
            return qs
        segments = Segment.objects.filter(
            water_body=OuterRef("pk"), region__in=Region.objects.subtree(value).values("pk")
        )
        return qs.filter(Exists(segments))


class WaterBodyFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "description")
    region = WaterBodyRegionFilter(label=_("Street / village"))
    tier = django_filters.ChoiceFilter(field_name="responsible_tier", choices=Tier.choices(), label=_("Tier"))
    kind = django_filters.ChoiceFilter(choices=WaterBodyKind.choices(), label=_("Kind"))
    target_class = django_filters.ChoiceFilter(
        choices=WaterClass.target_choices(),
        label=_("Target class"),
    )
    is_provincial_model = StrictBooleanFilter(label=_("Provincial model river"))

    class Meta:
        model = WaterBody
        fields = ["q", "region", "tier", "kind", "target_class", "is_provincial_model"]


class SegmentFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "water_body__name")
    region = RegionTreeFilter(field_name="region", label=_("Street / village"))
    water_body = IdFilter(field_name="water_body_id", label=_("Water body"))

    class Meta:
        model = Segment
        fields = ["q", "region", "water_body"]


class SegmentLayerFilterSet(django_filters.FilterSet):
    """The segment map layer's own filters (the river registry's come on top, see
    ``rivers.maps.SegmentLayer``): segments in a region's subtree, or of one water body."""

    region = RegionTreeFilter(field_name="region", label=_("Street / village"))
    water_body = django_filters.ModelChoiceFilter(
        queryset=water_bodies_in_scope, label=_("Water body"), widget=forms.NumberInput
    )

    class Meta:
        model = Segment
        fields = ["region", "water_body"]


class ChiefAppointmentFilterSet(SearchFilterSet):
    search_fields = ("chief__name", "post", "segment__name", "segment__water_body__name")
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices(), label=_("Tier"))
    role = django_filters.ChoiceFilter(choices=ChiefRole.choices(), label=_("Role"))
    segment = IdFilter(field_name="segment_id", label=_("Segment"))
    current = StrictBooleanFilter(field_name="end_date", lookup_expr="isnull", label=_("Current"))

    class Meta:
        model = ChiefAppointment
        fields = ["q", "region", "tier", "role", "segment", "current"]


class SignboardFilterSet(SearchFilterSet):
    search_fields = ("segment__name", "segment__code", "segment__water_body__name", "public_code")
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))

    class Meta:
        model = Signboard
        fields = ["q", "region"]
