from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from rivers import signboards
from rivers.filtersets import SignboardFilterSet, WaterBodyFilterSet
from rivers.forms import ChiefDirectoryForm
from rivers.maps import SegmentLayer, segment_features
from rivers.models import ChiefAppointment, Segment, Signboard, WaterBody
from rivers.selectors import (
    chief_directory,
    chiefs_by_tier,
    landing_region,
    segments_with_current_chiefs,
)
from wushui.generic import ScopedDetailView, ScopedListView, ScopedMixin
from wushui.maps import RegionLayer, layer_map, list_map
from wushui.scoping import VIEW, get_in_scope


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


class SignboardListView(ScopedListView):
    """The signboards of the user's scope, with their QR codes and print sheets to download."""

    model = Signboard
    filterset_class = SignboardFilterSet
    template_name = "rivers/signboard_list.html"

    def get_base_queryset(self):
        return Signboard.objects.select_related("segment__water_body", "segment__region").defer(
            "location", "segment__geometry", "segment__water_body__geometry", "segment__region__boundary"
        )


class SignboardDetailView(ScopedDetailView):
    """A board as printed (its published content), its QR code and the address the code opens."""

    model = Signboard
    template_name = "rivers/signboard_detail.html"

    def get_base_queryset(self):
        return Signboard.objects.select_related("segment__water_body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["content"] = signboards.board_content(self.object.public_code)
        context["public_url"] = signboards.public_url(self.object.public_code, self.request)
        return context


class SignboardPrintView(SignboardDetailView):
    """The A4 board sheet: print it (the browser's print, print CSS) or save it as PDF."""

    template_name = "rivers/signboard_print.html"


class SignboardQRView(ScopedMixin, View):
    """The board's QR code as PNG or SVG, to those who see its segment."""

    def get(self, request, pk, kind):
        board = get_in_scope(Signboard.objects.select_related("segment"), request.user, VIEW, pk=pk)
        content = signboards.qr_bytes(signboards.public_url(board.public_code, request), kind)
        response = HttpResponse(content, content_type=signboards.QR_FORMATS[kind])
        response["Content-Disposition"] = f'attachment; filename="signboard-{board.segment.code}.{kind}"'
        return response
