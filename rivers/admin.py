from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from rivers.models import ChiefAppointment, Segment, WaterBody


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


@admin.register(ChiefAppointment)
class ChiefAppointmentAdmin(admin.ModelAdmin):
    list_display = ["chief", "segment", "tier", "role", "post", "public_phone", "start_date", "end_date"]
    list_filter = ["tier", "role", "end_date"]
    search_fields = ["chief__name", "segment__name", "post"]
    list_select_related = ["chief", "segment"]
    autocomplete_fields = ["chief", "segment"]
