from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from rivers.models import ChiefAppointment, Segment, Signboard, WaterBody
from rivers.services import create_missing_signboards


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
