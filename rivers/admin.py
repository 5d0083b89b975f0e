from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from rivers.models import (
    Alert,
    CampaignDeadline,
    ChiefAppointment,
    Outlet,
    Sample,
    SampleImport,
    Segment,
    Signboard,
    Station,
    ThreeRiversRecord,
    WaterBody,
)
from rivers.models.quality import samples_of
from rivers.services import create_missing_signboards
from wushui.figures import changed


class SegmentInline(admin.TabularInline):
    model = Segment
    fields = ["code", "name", "region", "length_m"]
    readonly_fields = ["length_m"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Segments need a geometry: they are added on their own page with the map widget.
        return False


@admin.register(WaterBody)
class WaterBodyAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "kind", "responsible_tier", "target_class", "is_provincial_model"]
    list_filter = ["kind", "responsible_tier", "target_class", "is_provincial_model"]
    search_fields = ["code", "name"]
    inlines = [SegmentInline]


class ChiefAppointmentInline(admin.TabularInline):
    model = ChiefAppointment
    fields = ["chief", "tier", "role", "post", "public_phone", "start_date", "end_date"]
    autocomplete_fields = ["chief"]
    extra = 0


@admin.register(Segment)
class SegmentAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "water_body", "region", "length_m"]
    list_filter = ["region__parent", "water_body__kind"]
    search_fields = ["code", "name", "water_body__name"]
    list_select_related = ["water_body", "region"]
    autocomplete_fields = ["water_body", "region"]
    readonly_fields = ["length_m"]
    inlines = [ChiefAppointmentInline]
    actions = ["create_signboards"]

    @admin.action(description=_("Create signboards for the selected segments that have none"))
    def create_signboards(self, request, queryset):
        created = create_missing_signboards(queryset)
        self.message_user(request, gettext("%(count)s signboards created.") % {"count": created})


@admin.register(ChiefAppointment)
class ChiefAppointmentAdmin(admin.ModelAdmin):
    list_display = ["chief", "segment", "tier", "role", "post", "public_phone", "start_date", "end_date"]
    list_filter = ["tier", "role", "end_date"]
    search_fields = ["chief__name", "segment__name", "post"]
    list_select_related = ["chief", "segment"]
    autocomplete_fields = ["chief", "segment"]


@admin.register(Signboard)
class SignboardAdmin(LeafletGeoAdmin):
    """Boards are kept by the registry administrators; the public code is made once and never edited,
    since printed boards carry it."""

    list_display = ["segment", "public_code", "supervision_hotline", "updated_at"]
    search_fields = ["segment__code", "segment__name", "segment__water_body__name", "public_code"]
    list_select_related = ["segment"]
    autocomplete_fields = ["segment"]
    readonly_fields = ["public_code", "created_at", "updated_at"]

    def get_changeform_initial_data(self, request):
        board = Signboard.for_segment(None)
        return {
            **super().get_changeform_initial_data(request),
            "supervision_hotline": board.supervision_hotline,
            "duties": board.duties,
            "goals": board.goals,
        }


# --- Water quality and outlets -------------------------------------------------------------------------


@admin.register(Station)
class StationAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "control_level", "water_body", "target_class", "latest_class", "is_automatic", "mn"]
    list_filter = ["control_level", "is_automatic", "latest_class", "is_active"]
    search_fields = ["code", "name", "mn", "water_body__name"]
    list_select_related = ["water_body"]
    autocomplete_fields = ["segment", "responsible_chief"]
    readonly_fields = ["water_body", "latest_class", "latest_sampled_at", "bad_since"]
    actions = ["issue_push_token"]

    @admin.action(description=_("Issue a new push token (shown once)"))
    def issue_push_token(self, request, queryset):
        for station in queryset:
            token = station.issue_push_token()
            self.message_user(request, f"{station.code}: {token}", messages.WARNING)


@admin.register(Sample)
class SampleAdmin(admin.ModelAdmin):
    list_display = ["station", "sampled_at", "source", "interval", "water_class", "is_bad"]
    list_filter = ["source", "interval", "water_class", "is_bad"]
    search_fields = ["station__code", "station__name"]
    list_select_related = ["station"]
    autocomplete_fields = ["station"]
    readonly_fields = ["water_class", "determining", "exceedances", "ph_out_of_range", "is_bad", "received_at"]
    date_hierarchy = "sampled_at"
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "station" in form.changed_data and form.initial.get("station"):
            # Moved to another station: the one it left shows it no more (the save moved the new one's).
            changed(samples_of(form.initial["station"]))

    def delete_queryset(self, request, queryset):
        # A bulk delete passes by the model's delete: the stations' trends are announced stale here.
        stations = set(queryset.values_list("station_id", flat=True))
        super().delete_queryset(request, queryset)
        changed(*(samples_of(station_id) for station_id in stations))


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["station", "day", "kind", "water_class", "target_class", "chief", "taken_at"]
    list_filter = ["kind", "water_class"]
    search_fields = ["station__code", "station__name"]
    list_select_related = ["station", "chief"]
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SampleImport)
class SampleImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "requested_by", "status", "rows", "created", "updated", "created_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in SampleImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CampaignDeadline)
class CampaignDeadlineAdmin(admin.ModelAdmin):
    list_display = ["year", "subject", "due", "description"]
    list_filter = ["year", "subject"]


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin, LeafletGeoAdmin):
    list_display = ["local_code", "national_code", "name", "category", "status", "water_body", "remediation_deadline"]
    list_filter = ["status", "category", "sign_installed"]
    search_fields = ["local_code", "national_code", "name", "responsible_entity"]
    list_select_related = ["water_body"]
    autocomplete_fields = ["segment"]
    readonly_fields = ["water_body"]

    # simple-history reads the ids as given: an id that is no number ("abc") is a missing one (404), as
    # in the admin's own views, not a database error.
    def history_view(self, request, object_id, extra_context=None):
        _id_or_404(Outlet, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _id_or_404(Outlet, object_id)
        _id_or_404(Outlet.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _id_or_404(model, value):
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError:
        raise Http404 from None


@admin.register(ThreeRiversRecord)
class ThreeRiversRecordAdmin(admin.ModelAdmin):
    list_display = ["water_body", "kind", "identified_on", "cleared_on", "rebound_of"]
    list_filter = ["kind"]
    search_fields = ["water_body__name", "water_body__code"]
    autocomplete_fields = ["water_body", "rebound_of"]
