"""Registry pages of the core's regions and units: each with the segments and units that lie in it."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from rivers.jobs import REGISTRY_EXPORT
from rivers.maps import SegmentLayer
from rivers.models import Segment
from rivers.selectors import segment_page
from wushui import keyset
from wushui.filtersets import RegionFilterSet, UnitFilterSet
from wushui.generic import ScopedDetailView, ScopedListView
from wushui.jobs import start_job
from wushui.maps import RegionLayer, UnitRegionLayer, layer_map, list_map, region_features
from wushui.models import Region, Unit


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    template_name = "rivers/region_list.html"
    paginate_by = 100

    def get_base_queryset(self):
        return Region.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_layers"] = list_map(self.request, self.filterset, RegionLayer)
        return context


class RegionDetailView(ScopedDetailView):
    """A region with its subdivisions and units (the first ones, linked to their full lists) and the
    segments lying in it, a page at a time."""

    model = Region
    template_name = "rivers/region_detail.html"
    paginate_by = 50
    subdivisions_shown = 100
    units_shown = 20

    def get_base_queryset(self):
        return Region.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        children = Region.objects.restrict(user).filter(parent=self.object).defer("boundary")
        context["children"], context["more_children"] = _first(children, self.subdivisions_shown)
        units = Unit.objects.restrict(user).filter(region=self.object).only("name")
        context["units"], context["more_units"] = _first(units, self.units_shown)
        in_region = Segment.objects.restrict(user).filter(region__in=Region.objects.subtree(self.object).values("pk"))
        try:
            context["page_obj"] = segment_page(in_region, user, self.request.GET.get("cursor"), self.paginate_by)
        except keyset.InvalidCursor:
            raise BadRequest(_("This page link is not valid; start again from the first page.")) from None
        context["query_without_cursor"] = ""
        subtree = {"region": self.object.pk}
        bounds = list(self.object.boundary.extent) if self.object.boundary else None
        context["map_layers"] = layer_map(self.request, (RegionLayer, subtree), (SegmentLayer, subtree), bounds=bounds)
        return context


def _first(queryset, count):
    """The first ``count`` rows, and whether there are more (one query, no COUNT)."""
    rows = list(queryset[: count + 1])
    return rows[:count], len(rows) > count


class UnitListView(ScopedListView):
    model = Unit
    filterset_class = UnitFilterSet
    template_name = "rivers/unit_list.html"

    def get_base_queryset(self):
        return Unit.objects.select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_layers"] = list_map(self.request, self.filterset, UnitRegionLayer)
        return context


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "rivers/unit_detail.html"

    def get_base_queryset(self):
        return Unit.objects.select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_features"] = region_features([self.object.region] if self.object.region else [])
        return context


class RegistryExportView(LoginRequiredMixin, View):
    """Starts an Excel export of the registry in the user's scope; the worker produces the file."""

    http_method_names = ["post"]

    def post(self, request):
        job = start_job(request.user, REGISTRY_EXPORT)
        return redirect(job)
