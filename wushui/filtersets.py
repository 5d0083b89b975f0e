"""Filtersets shared by the HTML lists and the API (one per model)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wushui import periods
from wushui.choices import RegionLevel, UnitKind
from wushui.models import Region, Unit
from wushui.widgets import SearchableChoiceWidget


def regions_in_scope(request):
    """Choices for a region filter: only regions the user may see, so an outsider's id is refused. The
    filter's widget searches the same queryset (``wushui.api.choices.RegionChoiceView``)."""
    if request is None:
        return Region.objects.none()
    return Region.objects.restrict(request.user).defer("boundary")


class RegionTreeFilter(django_filters.ModelChoiceFilter):
    """Filter by a region and everything below it (a street includes its villages).

    ``field_name`` is the path from the filtered model to its region. A district has thousands of
    regions: the widget renders the selected one only and searches the others as the user types.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", regions_in_scope)
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("widget", SearchableChoiceWidget("region-choices"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        subtree = Region.objects.subtree(value).values("pk")
        return qs.filter(**{f"{self.field_name}__in": subtree})


# Row ids are 64-bit: a larger number is refused as a field error, not sent to the database.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A row id: a whole number from 1 to 2⁶³−1, anything else a 400 naming the filter."""

    field_class = IdField


class CalendarDateField(forms.DateField):
    """A calendar day within the days the portal reasons about (``periods.FIRST_DAY`` to ``LAST_DAY``)."""

    def validate(self, value):
        super().validate(value)
        if value and not periods.FIRST_DAY <= value <= periods.LAST_DAY:
            raise ValidationError(
                _("Enter a date from %(first)s to %(last)s.") % {"first": periods.FIRST_DAY, "last": periods.LAST_DAY},
                code="out_of_range",
            )


class StrictBooleanField(forms.Field):
    """A yes/no filter value that refuses anything else instead of ignoring it."""

    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class SearchFilterSet(django_filters.FilterSet):
    """A filterset with a free-text ``q`` over ``search_fields``."""

    search_fields: tuple = ("name",)
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices(), label=_("Level"))
    parent = django_filters.ModelChoiceFilter(
        queryset=regions_in_scope, label=_("Parent"), widget=SearchableChoiceWidget("region-choices")
    )

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]


class RegionLayerFilterSet(RegionFilterSet):
    """The region map layer: the region list's filters, and a region with its subdivisions."""

    region = RegionTreeFilter(field_name="pk", label=_("Region and its subdivisions"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "region"]


class UnitFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices(), label=_("Kind"))
    region = RegionTreeFilter(field_name="region")

    class Meta:
        model = Unit
        fields = ["q", "kind", "region"]
