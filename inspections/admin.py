from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from inspections.models import Finding, Patrol, PatrolFrequency, PatrolPhoto, PatrolRuleSet, Problem


@admin.register(PatrolRuleSet)
class PatrolRuleSetAdmin(admin.ModelAdmin):
    """Rules are versioned: a change is a new row, so past verdicts keep their explanation."""

    list_display = [
        "created_at",
        "min_duration_min",
        "min_distance_m",
        "min_coverage",
        "coverage_buffer_m",
        "max_speed_kmh",
        "max_distance_from_segment_m",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PatrolFrequency)
class PatrolFrequencyAdmin(admin.ModelAdmin):
    list_display = ["tier", "period", "count"]


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["category", "note", "problem"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class PatrolPhotoInline(admin.TabularInline):
    model = PatrolPhoto
    fields = ["image", "finding", "width", "height"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Patrol)
class PatrolAdmin(LeafletGeoAdmin):
    """Patrols are evidence: read-only here, changed by nobody."""

    list_display = ["started_at", "chief", "tier", "segment", "distance_m", "coverage", "is_valid"]
    list_filter = ["is_valid", "tier", "source"]
    search_fields = ["chief__name", "segment__name", "client_uuid"]
    list_select_related = ["chief", "segment"]
    date_hierarchy = "started_at"
    inlines = [FindingInline, PatrolPhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Patrol._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(LeafletGeoAdmin):
    list_display = ["created_at", "category", "segment", "source", "status", "reported_by"]
    list_filter = ["status", "source", "category"]
    list_select_related = ["segment", "reported_by"]
