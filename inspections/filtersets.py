import django_filters
from django.utils.translation import gettext_lazy as _

from inspections.choices import ProblemCategory, ProblemLevel, ProblemSource, ProblemStatus, ProblemUrgency
from inspections.models import Patrol, Problem, PublicReport
from inspections.models.problems import overdue_q
from rivers.filtersets import chiefs_in_scope
from wushui import periods
from wushui.choices import Tier
from wushui.filtersets import CalendarDateField, IdFilter, RegionTreeFilter, StrictBooleanFilter
from wushui.widgets import SearchableChoiceWidget


class LocalDateFilter(django_filters.DateFilter):
    """A local calendar day compared with an aware datetime: ``from`` includes the day, ``until`` too."""

    field_class = CalendarDateField

    def __init__(self, *args, until=False, **kwargs):
        self.until = until
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        start, end = periods.day_bounds(value)
        if self.until:
            return qs.filter(**{f"{self.field_name}__lt": end})
        return qs.filter(**{f"{self.field_name}__gte": start})


class PatrolFilterSet(django_filters.FilterSet):
    chief = django_filters.ModelChoiceFilter(
        queryset=chiefs_in_scope, label=_("Chief"), widget=SearchableChoiceWidget("chief-choices")
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices(), label=_("Tier"))
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))
    segment = IdFilter(field_name="segment_id", label=_("Segment"))
    date_from = LocalDateFilter(field_name="started_at", label=_("From"))
    date_until = LocalDateFilter(field_name="started_at", until=True, label=_("Until"))
    is_valid = StrictBooleanFilter(label=_("Valid"))

    class Meta:
        model = Patrol
        fields = ["region", "tier", "chief", "segment", "date_from", "date_until", "is_valid"]


class ProblemFilterSet(django_filters.FilterSet):
    """The problem list's filters, for the page and the API alike."""

    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices(), label=_("Status"))
    source = django_filters.ChoiceFilter(choices=ProblemSource.choices(), label=_("Source"))
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices(), label=_("Category"))
    urgency = django_filters.ChoiceFilter(choices=ProblemUrgency.choices(), label=_("Urgency"))
    level = django_filters.ChoiceFilter(choices=ProblemLevel.choices(), label=_("Level"))
    region = RegionTreeFilter(field_name="segment__region", label=_("Street / village"))
    segment = IdFilter(field_name="segment_id", label=_("Segment"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))
    date_from = LocalDateFilter(field_name="created_at", label=_("Registered from"))
    date_until = LocalDateFilter(field_name="created_at", until=True, label=_("Registered until"))

    class Meta:
        model = Problem
        fields = [
            "status",
            "source",
            "category",
            "urgency",
            "level",
            "region",
            "segment",
            "overdue",
            "date_from",
            "date_until",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class PublicReportFilterSet(django_filters.FilterSet):
    region = RegionTreeFilter(field_name="problem__segment__region", label=_("Street / village"))
    date_from = LocalDateFilter(field_name="created_at", label=_("From"))
    date_until = LocalDateFilter(field_name="created_at", until=True, label=_("Until"))
    rated = StrictBooleanFilter(field_name="rated_at", lookup_expr="isnull", exclude=True, label=_("Rated"))

    class Meta:
        model = PublicReport
        fields = ["region", "date_from", "date_until", "rated"]
