"""Registry pages of the core's regions and units: each with the segments and units that lie in it."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from rivers.jobs import REGISTRY_EXPORT
from rivers.maps import SegmentLayer
from rivers.models import Segment
from rivers.selectors import SEGMENT_ORDER, segment_page
from wushui import keyset
from wushui.figures import FIGURE_TIMEOUT, REGISTRY, fragment_key
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
        cursor = self.request.GET.get("cursor")
        try:
            keyset.check_cursor(cursor, Segment, SEGMENT_ORDER)
        except keyset.InvalidCursor:
            raise BadRequest(_("This page link is not valid; start again from the first page.")) from None
        context["contents"] = RegionContents(self, user, self.object, cursor)
        context["query_without_cursor"] = ""
        subtree = {"region": self.object.pk}
        bounds = list(self.object.boundary.extent) if self.object.boundary else None
        context["map_layers"] = layer_map(self.request, (RegionLayer, subtree), (SegmentLayer, subtree), bounds=bounds)
        return context


@dataclass
class RegionContents:
    """What a region's page lists: its subdivisions, units and a page of its segments with their chiefs.
    The page keeps them rendered under ``key`` (who sees them, the region, the page, the language and
    the registry's version) for ``kept_for`` seconds; the rows are read only when that key is new."""

    view: RegionDetailView
    user: object
    region: Region
    cursor: str | None
    kept_for = FIGURE_TIMEOUT

    @cached_property
    def key(self):
        return fragment_key(self.user, ("region-detail", self.region.pk, self.cursor), depends_on=(REGISTRY,))

    @cached_property
    def subdivisions(self):
        children = Region.objects.restrict(self.user).filter(parent=self.region).defer("boundary")
        return _first(children, self.view.subdivisions_shown)

    @cached_property
    def units(self):
        return _first(Unit.objects.restrict(self.user).filter(region=self.region).only("name"), self.view.units_shown)

    @cached_property
    def segments(self):
        in_region = Segment.objects.restrict(self.user).filter(
            region__in=Region.objects.subtree(self.region).values("pk")
        )
        return segment_page(in_region, self.user, self.cursor, self.view.paginate_by)


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
