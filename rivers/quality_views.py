"""Pages of water quality and pollution outlets: stations and their trends, the file import, the
year-over-year figures, the 劣V tracker, grading, the outlet registry with its ID cards, 清三河."""

import datetime

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from rivers import gb3838, quality_reports, sample_import
from rivers.choices import OutletStatus, WaterClass
from rivers.filtersets import OutletFilterSet, StationFilterSet, ThreeRiversFilterSet
from rivers.jobs import SAMPLE_IMPORT
from rivers.maps import OutletLayer, StationLayer
from rivers.models import Alert, Outlet, Sample, SampleImport, Station, StationMonth, ThreeRiversRecord
from wushui.generic import PrivateFileView, ScopedDetailView, ScopedListView, ScopedMixin, SignedInMixin
from wushui.images import check_photo
from wushui.jobs import start_job
from wushui.maps import feature, feature_collection, list_map
from wushui.scoping import CHANGE, get_in_scope


class StationListView(ScopedListView):
    """Stations with their latest class as a badge and on the map; a summary of the classes."""

    model = Station
    filterset_class = StationFilterSet
    template_name = "rivers/station_list.html"

    def get_base_queryset(self):
        return Station.objects.select_related("water_body", "segment__region").defer(
            "location", "water_body__geometry", "segment__geometry", "segment__region__boundary"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_layers"] = list_map(self.request, self.filterset, StationLayer)
        context["class_counts"] = quality_reports.class_counts(Station.objects.restrict(self.request.user))
        context["may_import"] = Station.objects.may_change_any(self.request.user)
        return context


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=[
            ("month", gettext_lazy("Last month (every value)")),
            ("year", gettext_lazy("Last year (daily means)")),
            ("all", gettext_lazy("All months (monthly means)")),
        ],
        required=False,
    )


class StationDetailView(ScopedDetailView):
    model = Station
    template_name = "rivers/station_detail.html"

    def get_base_queryset(self):
        return Station.objects.select_related("water_body", "segment__region", "responsible_chief")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm(self.request.GET)
        if not form.is_valid():
            raise BadRequest(_("Choose a period: month, year or all."))
        period = form.cleaned_data["period"] or "year"
        station = self.object
        context["period_form"] = form
        context["period"] = period
        context["trend"] = quality_reports.kept_trend(station, period)
        recent = Sample.objects.filter(station=station).assessed().order_by("-sampled_at", "-pk")[:20]
        # The cells written out here: a template filter per cell cost more than the rest of the page.
        context["recent"] = [
            (sample, [_cell(sample.values.get(code), sample.exceedances.get(code)) for code in quality_reports.SHOWN])
            for sample in recent
        ]
        context["months"] = list(StationMonth.objects.filter(station=station).order_by("-month")[:12])
        context["alerts"] = list(Alert.objects.filter(station=station).order_by("-day", "-pk")[:10])
        context["indicators"] = [gb3838.INDICATORS[code] for code in quality_reports.SHOWN]
        context["map_features"] = feature_collection(
            [feature(station.location, name=str(station), colour=WaterClass.colour(station.latest_class))]
        )
        return context


def _cell(value, multiple):
    """A recent sample's value and its multiple of the target's limit, as written in the table (as the
    lab sent it, not localised: a template filter per cell cost more than the rest of the page)."""
    return ("" if value is None else str(value)), (str(multiple) if multiple else "")


# --- Import -----------------------------------------------------------------------------------------------


class SampleFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Sample file (xlsx or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(sample_import.EXTENSIONS):
            raise forms.ValidationError(_("Upload an .xlsx or a .csv file."))
        if upload.size > settings.SAMPLE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.SAMPLE_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class SampleImportView(SignedInMixin, FormView):
    """Upload a file of lab samples: imported whole or not at all; a large file by a worker."""

    template_name = "rivers/sample_import.html"
    form_class = SampleFileForm

    def check_access(self, request, *args, **kwargs):
        if not Station.objects.may_change_any(request.user):
            raise PermissionDenied(_("Only the water-quality department imports samples."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = SampleImport.objects.restrict(self.request.user).order_by("-created_at")[:10]
        context["columns"] = sample_import.COLUMNS
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        record = SampleImport(requested_by=self.request.user, original_name=upload.name[:200])
        record.file.save(upload.name, upload, save=False)
        record.save()
        if sample_import.is_large(upload):
            record.job = start_job(self.request.user, SAMPLE_IMPORT)
            record.save(update_fields=["job"])
            messages.info(self.request, _("The file is being imported; this page shows when it is done."))
        else:
            sample_import.import_file(record)
        return redirect(record.get_absolute_url())


class SampleImportDetailView(ScopedDetailView):
    model = SampleImport
    template_name = "rivers/sample_import_detail.html"

    def render_to_response(self, context, **response_kwargs):
        if self.object.status == "refused":
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class SampleTemplateView(LoginRequiredMixin, View):
    """The template to fill in, as xlsx (with a sheet of the indicators and their limits) or CSV."""

    def get(self, request):
        if request.GET.get("format") == "csv":
            response = HttpResponse(sample_import.template_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="samples-template.csv"'
        else:
            response = HttpResponse(
                sample_import.template_workbook(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="samples-template.xlsx"'
        return response


# --- Figures -------------------------------------------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2001, max_value=2099, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False, label=gettext_lazy("through month"))


def _year_and_month(request):
    form = YearForm(request.GET)
    if not form.is_valid():
        raise BadRequest(_("Enter a year from 2001 to 2099 and a month from 1 to 12."))
    today = timezone.localdate()
    year = form.cleaned_data["year"] or today.year
    month = form.cleaned_data["month"] or (today.month if year == today.year else 12)
    # The form shows what the figures are for, chosen or not.
    return YearForm(initial={"year": year, "month": month}), year, month


class YearOverYearView(LoginRequiredMixin, TemplateView):
    """Mean concentrations per station and for the district against the same months a year before."""

    template_name = "rivers/quality_yoy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, year, month = _year_and_month(self.request)
        rows, district = quality_reports.kept_year_over_year(self.request.user, year, month)
        context.update(
            form=form,
            year=year,
            month=month,
            rows=rows,
            district=district,
            indicators=[gb3838.INDICATORS[code] for code in quality_reports.SHOWN],
        )
        return context


class TrackerView(LoginRequiredMixin, TemplateView):
    """The 劣V tracker: every station and water body worse than its target or 劣V, with its deadline."""

    template_name = "rivers/quality_tracker.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        stations, waters, deadlines = quality_reports.tracker(
            Station.objects.restrict(user), Outlet.objects.restrict(user), today
        )
        context.update(
            today=today,
            stations=stations,
            waters=waters,
            deadlines=sorted(deadlines.items(), key=lambda item: item[1]),
            share=quality_reports.district_share(Station.objects.restrict(user)),
        )
        return context


class GradingView(LoginRequiredMixin, TemplateView):
    """Rivers and the district's waters graded from their stations over months of a year."""

    template_name = "rivers/quality_grading.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, year, month = _year_and_month(self.request)
        graded, district = quality_reports.grading(
            Station.objects.restrict(self.request.user), datetime.date(year, 1, 1), datetime.date(year, month, 1)
        )
        context.update(form=form, year=year, month=month, graded=graded, district=district)
        return context


# --- Outlets -------------------------------------------------------------------------------------------------


class OutletListView(ScopedListView):
    model = Outlet
    filterset_class = OutletFilterSet
    template_name = "rivers/outlet_list.html"

    def get_base_queryset(self):
        return Outlet.objects.select_related("water_body", "segment__region").defer(
            "location", "water_body__geometry", "segment__geometry", "segment__region__boundary"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_layers"] = list_map(self.request, self.filterset, OutletLayer)
        context["counts"] = quality_reports.outlet_counts(
            Outlet.objects.restrict(self.request.user), timezone.localdate()
        )
        return context


def history_entries(outlet, limit=50):
    """The outlet's changes, newest first: who, when, and what changed from what."""
    records = list(outlet.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = Outlet._meta.get_field(change.field)
                changes.append((field.verbose_name, _display(field, change.old), _display(field, change.new)))
        entries.append({"record": record, "changes": changes, "created": previous is None})
    return entries


def _display(field, value):
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


class OutletDetailView(ScopedDetailView):
    model = Outlet
    template_name = "rivers/outlet_detail.html"

    def get_base_queryset(self):
        return Outlet.objects.select_related("water_body", "segment__region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outlet = self.object
        context["history"] = history_entries(outlet)
        context["may_change"] = Outlet.objects.restrict(self.request.user, CHANGE).filter(pk=outlet.pk).exists()
        context["map_features"] = feature_collection(
            [feature(outlet.location, name=str(outlet), colour=OutletStatus.colour(outlet.status))]
        )
        return context


class OutletForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = [
            "national_code",
            "name",
            "responsible_entity",
            "contact_name",
            "contact_phone",
            "sign_installed",
            "sign_photo",
            "status",
            "remediation_plan",
            "remediation_deadline",
            "remediation_completed_on",
        ]
        widgets = {
            "remediation_deadline": forms.DateInput(attrs={"type": "date"}),
            "remediation_completed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_sign_photo(self):
        # The same check as a patrol photo's: a sign needs no more. A kept photo is not checked again.
        photo = self.cleaned_data.get("sign_photo")
        if photo and hasattr(photo, "content_type"):
            check_photo(photo)
        return photo


class OutletUpdateView(ScopedMixin, UpdateView):
    """The outlet's status, sign and remediation, changed by the outlet department; the history keeps
    who changed what."""

    model = Outlet
    form_class = OutletForm
    template_name = "rivers/outlet_form.html"

    def get_object(self, queryset=None):
        return get_in_scope(
            Outlet.objects.select_related("water_body"), self.request.user, CHANGE, pk=self.kwargs["pk"]
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OutletSignPhotoView(PrivateFileView):
    """The photo of an outlet's sign, to those who may see the outlet."""

    model = Outlet
    file_field = "sign_photo"


class OutletCardView(ScopedDetailView):
    """The outlet's printable ID card (身份证) with a QR code of its codes and its page."""

    model = Outlet
    template_name = "rivers/outlet_card.html"

    def get_base_queryset(self):
        return Outlet.objects.select_related("water_body", "segment__region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outlet = self.object
        text = "\n".join(
            part
            for part in (
                outlet.national_code,
                outlet.local_code,
                outlet.name,
                self.request.build_absolute_uri(outlet.get_absolute_url()),
            )
            if part
        )
        qr = segno.make(text, error="m")
        # segno writes the SVG itself (no user text in it): safe to embed.
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=4, dark="#000", light="#fff"))
        context["printed_on"] = timezone.localdate()
        return context


class ThreeRiversListView(ScopedListView):
    """清三河: every episode, open ones first."""

    model = ThreeRiversRecord
    filterset_class = ThreeRiversFilterSet
    template_name = "rivers/three_rivers.html"

    def get_base_queryset(self):
        return ThreeRiversRecord.objects.select_related("water_body", "rebound_of").defer("water_body__geometry")

    def get_queryset(self):
        return super().get_queryset().order_by(F("cleared_on").asc(nulls_first=True), "-identified_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = ThreeRiversRecord.objects.restrict(self.request.user)
        context["open_count"] = records.open().count()
        context["rebound_count"] = records.filter(rebound_of__isnull=False).count()
        return context
