"""One filterset per model, for the pages and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from projects.choices import Industry, ProjectSubtype, RemediationPlan, RemediationStatus, TaskStatus, WaterCategory
from projects.models import Enterprise, Project, ResponsibilityTask
from wushui import periods
from wushui.choices import RegionLevel
from wushui.filtersets import RegionTreeFilter, SearchFilterSet, StrictBooleanFilter
from wushui.models import Region, Unit
from wushui.widgets import SearchableChoiceWidget


def units_in_scope(request):
    if request is None:
        return Unit.objects.none()
    return Unit.objects.restrict(request.user)


@extend_schema_field(OpenApiTypes.INT)
class ProjectStreetFilter(RegionTreeFilter):
    """A project concerns a region when one of its streets lies in the region's subtree or above it."""

    def filter(self, qs, value):
        if not value:
            return qs
        streets = set(Region.objects.subtree(value).values_list("pk", flat=True))
        if value.level == RegionLevel.VILLAGE:
            streets.add(value.parent_id)  # a village's projects are its street's
        through = Project.streets.through.objects.filter(project=OuterRef("pk"), region_id__in=streets)
        return qs.filter(Exists(through))


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "location")
    category = django_filters.ChoiceFilter(choices=WaterCategory.choices(), label=_("Water category"))
    subtype = django_filters.ChoiceFilter(choices=ProjectSubtype.choices(), label=_("Kind of works"))
    owner_unit = django_filters.ModelChoiceFilter(
        queryset=units_in_scope, label=_("Owner unit"), widget=SearchableChoiceWidget("unit-choices")
    )
    lead_department = django_filters.ModelChoiceFilter(
        queryset=units_in_scope, label=_("Lead department"), widget=SearchableChoiceWidget("unit-choices")
    )
    street = ProjectStreetFilter(label=_("Street"))
    is_key = StrictBooleanFilter(label=_("Key project"))
    lagging = StrictBooleanFilter(method="filter_lagging", label=_("Lagging"))

    class Meta:
        model = Project
        fields = ["q", "category", "subtype", "owner_unit", "lead_department", "street", "is_key", "lagging"]

    def filter_lagging(self, queryset, name, value):
        if value is None:
            return queryset
        from projects.selectors import plan_rows

        today = periods.local_date()
        lagging = plan_rows(today.year, today).filter(lagging=True).values("project_id")
        return queryset.filter(pk__in=lagging) if value else queryset.exclude(pk__in=lagging)


class TaskFilterSet(SearchFilterSet):
    search_fields = ("description",)
    year = django_filters.NumberFilter(field_name="letter__year", label=_("Year"), min_value=2000, max_value=2099)
    responsible_unit = django_filters.ModelChoiceFilter(
        queryset=units_in_scope, label=_("Responsible unit"), widget=SearchableChoiceWidget("unit-choices")
    )
    region = RegionTreeFilter(field_name="region", label=_("Street"))
    category = django_filters.ChoiceFilter(choices=WaterCategory.choices(), label=_("Water category"))
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices(), label=_("Status"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = ResponsibilityTask
        fields = ["q", "year", "responsible_unit", "region", "category", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=TaskStatus.OPEN, deadline__lt=periods.local_date())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("name", "credit_code", "address")
    industry = django_filters.ChoiceFilter(choices=Industry.choices(), label=_("Industry"))
    street = RegionTreeFilter(field_name="street", label=_("Street"))
    plan = django_filters.ChoiceFilter(choices=RemediationPlan.choices(), label=_("Plan"))
    status = django_filters.ChoiceFilter(choices=RemediationStatus.choices(), label=_("Status"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "street", "plan", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=RemediationStatus.IN_PROGRESS, deadline__lt=periods.local_date())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
