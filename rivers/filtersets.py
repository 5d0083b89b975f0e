import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rivers.choices import (
    AlertKind,
    ChiefRole,
    ControlLevel,
    OutletCategory,
    OutletStatus,
    SampleInterval,
    SampleSource,
    ThreeRiversKind,
    WaterBodyKind,
    WaterClass,
)
from rivers.models import (
    Alert,
    ChiefAppointment,
    Outlet,
    Sample,
    Segment,
    Signboard,
    Station,
    ThreeRiversRecord,
    WaterBody,
)
from wushui.choices import Tier
from wushui.filtersets import CalendarDateField, IdFilter, RegionTreeFilter, SearchFilterSet, StrictBooleanFilter
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


# --- Water quality and outlets --------------------------------------------------------------------------


def bad_stations_q(prefix=""):
    """Stations whose latest class is worse than their target, or 劣V."""
    latest = f"{prefix}latest_class"
    return Q(**{f"{latest}__gt": F(f"{prefix}target_class")}) | Q(**{latest: WaterClass.WORSE_THAN_V})


class StationFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "water_body__name")
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))
    water_body = IdFilter(field_name="water_body_id", label=_("Water body"))
    control_level = django_filters.ChoiceFilter(choices=ControlLevel.choices(), label=_("Control level"))
    latest_class = django_filters.TypedChoiceFilter(choices=WaterClass.choices(), coerce=int, label=_("Latest class"))
    bad = StrictBooleanFilter(method="filter_bad", label=_("Worse than target or 劣V"))
    is_automatic = StrictBooleanFilter(label=_("Automatic station"))

    class Meta:
        model = Station
        fields = ["q", "region", "water_body", "control_level", "latest_class", "bad", "is_automatic"]

    def filter_bad(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(bad_stations_q())
            if value
            else queryset.exclude(bad_stations_q()).exclude(latest_class__isnull=True)
        )


class SampleDayFilter(django_filters.DateFilter):
    """A sample's local day, from 2000 to 2099."""

    field_class = CalendarDateField


class SampleFilterSet(django_filters.FilterSet):
    station = IdFilter(field_name="station_id", label=_("Station"))
    source = django_filters.ChoiceFilter(choices=SampleSource.choices(), label=_("Source"))
    interval = django_filters.ChoiceFilter(choices=SampleInterval.choices(), label=_("Interval"))
    since = SampleDayFilter(field_name="sampled_at", lookup_expr="date__gte", label=_("From"))
    until = SampleDayFilter(field_name="sampled_at", lookup_expr="date__lte", label=_("Until"))
    water_class = django_filters.TypedChoiceFilter(choices=WaterClass.choices(), coerce=int, label=_("Class"))

    class Meta:
        model = Sample
        fields = ["station", "source", "interval", "since", "until", "water_class"]


class AlertFilterSet(django_filters.FilterSet):
    station = IdFilter(field_name="station_id", label=_("Station"))
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices(), label=_("Kind"))
    taken = StrictBooleanFilter(field_name="taken_at", lookup_expr="isnull", exclude=True, label=_("Taken up"))

    class Meta:
        model = Alert
        fields = ["station", "kind", "taken"]


class OutletFilterSet(SearchFilterSet):
    search_fields = ("local_code", "national_code", "name", "responsible_entity", "water_body__name")
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))
    status = django_filters.ChoiceFilter(choices=OutletStatus.choices(), label=_("Status"))
    category = django_filters.ChoiceFilter(choices=OutletCategory.choices(), label=_("Category"))
    water_body = IdFilter(field_name="water_body_id", label=_("Water body"))
    sign_installed = StrictBooleanFilter(label=_("Sign installed"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Outlet
        fields = ["q", "region", "status", "category", "water_body", "sign_installed", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=OutletStatus.TO_DEAL_WITH, remediation_deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ThreeRiversFilterSet(SearchFilterSet):
    search_fields = ("water_body__name", "water_body__code", "note")
    kind = django_filters.ChoiceFilter(choices=ThreeRiversKind.choices(), label=_("Kind"))
    open = StrictBooleanFilter(field_name="cleared_on", lookup_expr="isnull", label=_("Not yet cleared"))
    rebound = StrictBooleanFilter(field_name="rebound_of", lookup_expr="isnull", exclude=True, label=_("Rebound"))

    class Meta:
        model = ThreeRiversRecord
        fields = ["q", "kind", "open", "rebound"]
