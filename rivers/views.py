from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from rivers.filtersets import WaterBodyFilterSet
from rivers.forms import ChiefDirectoryForm
from rivers.maps import SegmentLayer, segment_features
from rivers.models import ChiefAppointment, Segment, WaterBody
from rivers.selectors import (
    chief_directory,
    chiefs_by_tier,
    landing_region,
    segments_with_current_chiefs,
)
from wushui.generic import ScopedDetailView, ScopedListView
from wushui.maps import RegionLayer, layer_map, list_map


class WaterBodyListView(ScopedListView):
    model = WaterBody
    filterset_class = WaterBodyFilterSet
    template_name = "rivers/waterbody_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_layers"] = list_map(self.request, self.filterset, SegmentLayer)
        return context


class WaterBodyDetailView(ScopedDetailView):
    model = WaterBody
    template_name = "rivers/waterbody_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        segments = segments_with_current_chiefs(Segment.objects.restrict(user).filter(water_body=self.object), user)
        current = [appointment for segment in segments for appointment in segment.current_chiefs]
        context["segments"] = segments
        context["chiefs_by_tier"] = chiefs_by_tier(current)
        context["past_appointments"] = (
            ChiefAppointment.objects.restrict(user)
            .filter(segment__water_body=self.object, end_date__isnull=False)
            .select_related("chief", "segment")
            .order_by("-end_date")
        )
        context["map_features"] = segment_features(segments)
        return context


class SegmentDetailView(ScopedDetailView):
    model = Segment
    template_name = "rivers/segment_detail.html"

    def get_base_queryset(self):
        return Segment.objects.select_related("water_body", "region__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appointments = list(
            ChiefAppointment.objects.restrict(self.request.user)
            .filter(segment=self.object)
            .select_related("chief")
            .order_by("tier", "role", "-start_date")
        )
        self.object.current_chiefs = [a for a in appointments if a.is_current]
        context["appointments"] = appointments
        context["map_features"] = segment_features([self.object])
        return context


class ChiefDirectoryView(LoginRequiredMixin, TemplateView):
    """The chief directory one region at a time, from the user's own (``?region=`` drills down)."""

    template_name = "rivers/chief_directory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ChiefDirectoryForm(self.request.GET, user=user)
        if not form.is_valid():
            raise BadRequest(_("No such region in your scope."))
        region = form.cleaned_data["region"] or landing_region(user)
        context["directory"] = chief_directory(user, region) if region is not None else None
        context["map_layers"] = layer_map(self.request, (RegionLayer, {}), (SegmentLayer, {}))
        return context
