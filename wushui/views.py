from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from rivers.maps import segment_features
from rivers.models import ChiefAppointment, Segment, WaterBody
from rivers.selectors import segments_with_current_chiefs
from wushui.choices import JobKind, JobStatus, RegionLevel
from wushui.filtersets import RegionFilterSet, UnitFilterSet
from wushui.generic import ScopedDetailView, ScopedListView
from wushui.jobs import start_job
from wushui.maps import feature, feature_collection
from wushui.models import Job, Region, Unit


def region_features(regions):
    return feature_collection(
        feature(
            region.boundary, name=region.name, url=region.get_absolute_url(), colour=RegionLevel.colour(region.level)
        )
        for region in regions
        if region.boundary is not None
    )


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's overview of their scope."""

    template_name = "wushui/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        segments = segments_with_current_chiefs(Segment.objects.restrict(user), user)
        context["counts"] = {
            "water_bodies": WaterBody.objects.restrict(user).count(),
            "segments": len(segments),
            "chiefs": ChiefAppointment.objects.restrict(user).current().values("chief").distinct().count(),
            "villages": Region.objects.restrict(user).filter(level=RegionLevel.VILLAGE).count(),
        }
        context["length_km"] = round(sum(segment.length_m for segment in segments) / 1000, 1)
        context["map_features"] = segment_features(segments)
        return context


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    template_name = "wushui/region_list.html"
    paginate_by = 100

    def get_base_queryset(self):
        return Region.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_features"] = region_features(context["object_list"])
        return context


class RegionDetailView(ScopedDetailView):
    model = Region
    template_name = "wushui/region_detail.html"

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
        features = region_features([self.object])
        features["features"] += segment_features(segments)["features"]
        context["map_features"] = features
        return context


class UnitListView(ScopedListView):
    model = Unit
    filterset_class = UnitFilterSet
    template_name = "wushui/unit_list.html"

    def get_base_queryset(self):
        return Unit.objects.select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_features"] = region_features({unit.region for unit in context["object_list"] if unit.region})
        return context


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "wushui/unit_detail.html"

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
        job = start_job(request.user, JobKind.REGISTRY_EXPORT)
        return redirect(job)


class JobDetailView(ScopedDetailView):
    model = Job
    template_name = "wushui/job_detail.html"

    def get_template_names(self):
        # htmx polls the status fragment alone while the job runs.
        if self.request.headers.get("HX-Request"):
            return ["wushui/_job_status.html"]
        return [self.template_name]


class JobDownloadView(ScopedDetailView):
    model = Job

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != JobStatus.COMPLETED or not job.file:
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
