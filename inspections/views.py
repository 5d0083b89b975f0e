from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from inspections import compliance, public
from inspections.choices import FindingCategory
from inspections.filtersets import PatrolFilterSet, PublicReportFilterSet
from inspections.models import Patrol, PatrolPhoto, PatrolRuleSet, PublicPhoto, PublicReport
from inspections.models.patrols import RECENT_FIRST
from rivers.maps import segment_features
from rivers.models import ChiefAppointment, Segment
from wushui.generic import PrivateFileView, ScopedDetailView, ScopedKeysetListView, ScopedListView
from wushui.maps import feature
from wushui.scoping import CHANGE


class PatrolListView(ScopedKeysetListView):
    """Patrols newest first, paged by keyset; no track, rules or geometry read for the table."""

    model = Patrol
    filterset_class = PatrolFilterSet
    template_name = "inspections/patrol_list.html"
    keyset_ordering = RECENT_FIRST
    # A street's patrols are a hundredth of the district's: their keys from the covering index patrol_recent.
    keyset_ids_first = True

    def get_base_queryset(self):
        return Patrol.objects.select_related("chief", "segment__water_body", "segment__region").only(*self.LIST_FIELDS)

    # What a row of the table shows; the rest of the patrol and of its chief, segment and regions is not read.
    LIST_FIELDS = (
        "started_at",
        "ended_at",
        "tier",
        "distance_m",
        "coverage",
        "is_valid",
        "invalid_reasons",
        "chief__name",
        "chief__username",
        "segment__name",
        "segment__water_body__name",
        "segment__region__name",
    )


class PatrolPhotoFileView(PrivateFileView):
    """A patrol photo, to those who may see its patrol."""

    model = PatrolPhoto


class PatrolDetailView(ScopedDetailView):
    model = Patrol
    template_name = "inspections/patrol_detail.html"

    def get_base_queryset(self):
        return Patrol.objects.select_related("chief", "segment__water_body", "segment__region").prefetch_related(
            "findings__problem", "photos"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patrol = self.object
        features = segment_features([patrol.segment])
        features["features"].append(feature(patrol.track, name=str(patrol), colour="purple", kind="track"))
        features["features"] += [
            feature(finding.location, name=str(FindingCategory.label(finding.category)), colour="red")
            for finding in patrol.findings.all()
            if finding.location
        ]
        context["map_features"] = features
        return context


# The recorder's copy for offline use: one name, shared by the page and its service worker.
# A new version (a change in what is kept) makes the worker drop the older copies.
OFFLINE_CACHE_PREFIX = "wushui-recorder-"
OFFLINE_CACHE = f"{OFFLINE_CACHE_PREFIX}v2"

# The modules js/patrol-record.js imports, directly or not. They are no <script> of the page, so
# the page names each one (modulepreload) for its offline copy to keep it.
RECORDER_MODULES = [
    "js/field/api.js",
    "js/field/geolocation.js",
    "js/field/outbox.js",
    "js/field/photos.js",
    "js/field/store.js",
    "js/field/texts.js",
    "js/recorder/findings.js",
    "js/recorder/offline-copy.js",
    "js/recorder/outbox-list.js",
    "js/recorder/page.js",
    "js/recorder/patrol-outbox.js",
    "js/recorder/progress.js",
    "js/recorder/recording.js",
    "js/recorder/state.js",
    "js/recorder/track-map.js",
]


class PatrolRecordView(LoginRequiredMixin, TemplateView):
    """The phone page a chief records a patrol on; it talks to the patrol API."""

    template_name = "inspections/patrol_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offline_cache"] = OFFLINE_CACHE
        context["recorder_modules"] = RECORDER_MODULES
        user = self.request.user
        segment_ids = ChiefAppointment.objects.restrict(user).current().filter(chief=user).values("segment_id")
        segments = list(Segment.objects.filter(pk__in=segment_ids).select_related("water_body").order_by("code"))
        rules = PatrolRuleSet.current()
        for segment in segments:
            segment.rules = rules.as_dict(segment_length_m=segment.length_m)
        context["segments"] = segments
        context["map_features"] = segment_features(segments)
        context["finding_categories"] = FindingCategory.choices()
        context["patrols_api"] = reverse("patrol-list")
        return context


class RecorderServiceWorkerView(TemplateView):
    """The service worker that lets the recorder open offline. Code only, the same for everybody;
    never cached by the browser, so that a new version reaches phones at their next visit."""

    template_name = "inspections/recorder-sw.js"
    content_type = "text/javascript; charset=utf-8"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cache_name": OFFLINE_CACHE,
            "cache_prefix": OFFLINE_CACHE_PREFIX,
            "api_prefix": reverse("api-root"),
            # Photos are private files behind the scope check: never kept in the recorder's offline copy.
            "media_url": reverse("inspections:patrol_photo", args=[1]).removesuffix("1/"),
        }

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class ComplianceView(LoginRequiredMixin, TemplateView):
    """Patrol compliance for the period each tier is measured in: the district as a summary per
    street, a street or a village (``?region=``) as its chiefs, a page at a time."""

    template_name = "inspections/compliance.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = compliance.ComplianceForm(self.request.GET or None, user=self.request.user)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            context["report"] = None
            return context
        report = compliance.compliance_report(self.request.user, **form.report_arguments())
        context["report"] = report
        context["subdivisions"], context["total"] = report.summary()
        if not report.shows_subdivisions:
            page = Paginator(report.chief_order(), self.paginate_by).get_page(self.request.GET.get("page"))
            context["page_obj"], context["is_paginated"] = page, page.has_other_pages()
            context["rows"] = report.kept_chief_rows(page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        query.pop("region", None)
        context["query_without_region"] = query.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["report"] is None:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class PublicReportListView(ScopedListView):
    """Reports from the public in the user's scope, newest first, with the satisfaction per street; the
    reporter's contact only on the rows the user handles."""

    model = PublicReport
    filterset_class = PublicReportFilterSet
    template_name = "inspections/publicreport_list.html"

    def get_base_queryset(self):
        return PublicReport.objects.select_related("problem__segment__water_body", "problem__segment__region").defer(
            "problem__location",
            "problem__segment__geometry",
            "problem__segment__water_body__geometry",
            "problem__segment__region__boundary",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = list(context["object_list"])
        handled = set(
            PublicReport.objects.restrict(user, CHANGE)
            .filter(pk__in=[row.pk for row in rows])
            .values_list("pk", flat=True)
        )
        for row in rows:
            row.shows_contact = row.pk in handled
            row.public_status = public.public_status(row.problem.status)
        context["rows"] = rows
        context["satisfaction"] = public.satisfaction_by_street(user)
        return context


class PublicReportDetailView(ScopedDetailView):
    """A public report as its handlers see it: the problem, the photos, the rating, and the reporter's
    contact to those who may change (handle) the problem; for everybody else in scope, without it."""

    model = PublicReport
    template_name = "inspections/publicreport_detail.html"

    def get_base_queryset(self):
        return PublicReport.objects.select_related("problem__segment__water_body", "problem__segment__region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["shows_contact"] = (
            PublicReport.objects.restrict(self.request.user, CHANGE).filter(pk=report.pk).exists()
        )
        context["photos"] = list(report.photos.all())
        context["public_status"] = public.public_status(report.problem.status)
        features = segment_features([report.problem.segment])
        if report.problem.location:
            features["features"].append(feature(report.problem.location, name=str(report), colour="red"))
        context["map_features"] = features
        return context


class PublicPhotoFileView(PrivateFileView):
    """A public report's photo (stored without EXIF), to those who see its problem."""

    model = PublicPhoto
