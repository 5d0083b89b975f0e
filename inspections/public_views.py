"""The public's pages (no sign-in, made for a phone): a signboard's segment with its report form, the
open problems near a point, a problem to follow, and the reporter's status page with the rating.

They read other rows only through the public querysets (``public()``, published fields only); the
reporter's status page also shows the report's own text and photos, to the holder of its tracking code.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from inspections import public
from inspections.api.public import problem_categories
from inspections.choices import FindingCategory
from inspections.models import Problem, PublicReport
from inspections.models.public import normalise_tracking_code
from rivers.models import Segment
from rivers.signboards import board_content
from wushui.api.errors import error_body
from wushui.files import private_file_response
from wushui.geo import validate_geometry
from wushui.maps import feature, feature_collection

# The modules js/public-report.js imports, named in the page so that they load at once.
PUBLIC_REPORT_MODULES = [
    "js/field/api.js",
    "js/field/outbox.js",
    "js/field/photos.js",
    "js/field/store.js",
    "js/field/texts.js",
]


@method_decorator([never_cache, ensure_csrf_cookie], name="dispatch")
class SegmentPageView(TemplateView):
    """What a signboard's QR code opens: the river, its chiefs, recent activity and the report form.
    Eight queries, whatever the district's size."""

    template_name = "inspections/public/segment.html"

    def get_context_data(self, code, **kwargs):
        context = super().get_context_data(**kwargs)
        content = board_content(code)
        if content is None:
            raise Http404
        segment_id = content.board["segment_id"]
        line = Segment.objects.public_lines().get(pk=segment_id)["geometry"]
        context.update(
            content=content,
            activity=public.segment_activity(segment_id),
            map_features=feature_collection(
                [feature(line, name=f"{content.segment['water_body__name']} · {content.segment['name']}")]
            ),
            categories=problem_categories(),
            report_api=reverse("public:report_create"),
            nearby_url=reverse("public:nearby"),
            track_url=reverse("public:track"),
            modules=PUBLIC_REPORT_MODULES,
            max_photos=settings.PUBLIC_REPORT_MAX_PHOTOS,
            description_max=public.DESCRIPTION_MAX,
        )
        return context


def json_error(status, field, message):
    return JsonResponse(
        error_body(status, "invalid", _("The request has invalid fields."), {field: [message]}), status=status
    )


def point_from_query(params):
    """``lon`` and ``lat`` as a Point in the service area, or ``(field, message)``."""
    values = {}
    for name in ("lon", "lat"):
        try:
            values[name] = float(params.get(name, ""))
        except ValueError:
            return None, (name, _("Give a number of degrees."))
    point = Point(values["lon"], values["lat"], srid=4326)
    error = validate_geometry(point)
    if error:
        return None, ("lon", error)
    return point, None


class NearbyView(View):
    """Open problems near a point (``?lon=&lat=``), for "already reported? follow it instead":
    category, status, when and how far, never their text or reporter."""

    def get(self, request):
        point, error = point_from_query(request.GET)
        if error:
            return json_error(400, *error)
        rows = public.nearby_open_problems(point)
        return JsonResponse(
            {
                "problems": [
                    {
                        "id": row["pk"],
                        "category": str(FindingCategory.label(row["category"])),
                        "status": public.public_status(row["status"]).label,
                        "reported": row["created_at"].date().isoformat(),
                        "distance_m": row["distance_m"],
                        "url": reverse("public:problem", args=[row["pk"]]),
                    }
                    for row in rows
                ],
                "radius_m": public.NEARBY_M,
            }
        )


class PublicProblemView(TemplateView):
    """A problem anyone may follow: its category, river, status and dates (public fields only)."""

    template_name = "inspections/public/problem.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        problem = Problem.objects.public().filter(pk=pk).first()
        if problem is None:
            raise Http404
        context["problem"] = problem
        context["category"] = FindingCategory.label(problem["category"])
        context["segment"] = Segment.objects.public().get(pk=problem["segment_id"])
        context["status"] = public.public_status(problem["status"])
        return context


class TrackLookupView(TemplateView):
    """Type a tracking code, open its status page."""

    template_name = "inspections/public/track.html"

    def get(self, request, *args, **kwargs):
        typed = request.GET.get("code")
        if typed is not None:
            code = normalise_tracking_code(typed)
            if code and PublicReport.objects.filter(tracking_code=code).exists():
                return redirect("public:report_status", code)
            return self.render_to_response(
                self.get_context_data(error=_("No report has this tracking code."), typed=typed[:40]), status=404
            )
        return super().get(request, *args, **kwargs)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Your satisfaction"),
        choices=[(value, str(value)) for value in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        max_length=public.RATING_COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def report_by_code(code):
    normalised = normalise_tracking_code(code)
    report = (
        PublicReport.objects.filter(tracking_code=normalised).select_related("problem").first() if normalised else None
    )
    if report is None:
        raise Http404
    return report


@method_decorator(never_cache, name="dispatch")
class ReportStatusView(TemplateView):
    """The reporter's page, keyed by the tracking code: their report, where it stands, and once it is
    closed their rating. It shows the report's own text and photos; of the problem only public fields."""

    template_name = "inspections/public/status.html"

    def get_context_data(self, code, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = report_by_code(code)
        problem = Problem.objects.public().get(pk=report.problem_id)
        status = public.public_status(problem["status"])
        context.update(
            report=report,
            problem=problem,
            own_description=report.problem.description,
            category=FindingCategory.label(problem["category"]),
            segment=Segment.objects.public().get(pk=problem["segment_id"]),
            status=status,
            photos=list(report.photos.all()),
            may_rate=status.is_closed and report.rated_at is None,
            form=form or RatingForm(),
        )
        return context

    def post(self, request, code):
        report = report_by_code(code)
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                public.rate_report(report, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
            except ValidationError as error:
                for message in error.message_dict.get("rating", []):
                    form.add_error("rating", message)
            else:
                messages.success(request, _("Thank you: your rating is recorded."))
                return redirect("public:report_status", report.tracking_code)
        return self.render_to_response(self.get_context_data(code=code, form=form), status=400)


class ReportPhotoView(View):
    """A photo of one's own report, by its tracking code (re-encoded: no EXIF)."""

    def get(self, request, code, pk):
        report = report_by_code(code)
        photo = report.photos.filter(pk=pk).first()
        if photo is None:
            raise Http404
        return private_file_response(photo.image)
