"""Registry pages of the core's regions and units: each with the segments and units that lie in it."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View

from rivers.jobs import REGISTRY_EXPORT
from rivers.maps import SegmentLayer
from rivers.models import Segment
from rivers.selectors import segments_with_current_chiefs
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
    model = Region
    template_name = "rivers/region_detail.html"

    def get_base_queryset(self):
        return Region.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["children"] = Region.objects.restrict(user).filter(parent=self.object)
        segments = segments_with_current_chiefs(
            Segment.objects.restrict(user).filter(region__in=Region.objects.subtree(self.object).values("pk")), user
        )
        context["segments"] = segments
        context["units"] = Unit.objects.restrict(user).filter(region=self.object)
        subtree = {"region": self.object.pk}
        bounds = list(self.object.boundary.extent) if self.object.boundary else None
        context["map_layers"] = layer_map(self.request, (RegionLayer, subtree), (SegmentLayer, subtree), bounds=bounds)
        return context


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
