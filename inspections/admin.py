from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from inspections.models import (
    Finding,
    Open311Client,
    Patrol,
    PatrolFrequency,
    PatrolPhoto,
    PatrolRuleSet,
    Problem,
    ProblemDeadlineRule,
    ProblemEvent,
    PublicReport,
)


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


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    fields = ["at", "transition", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(LeafletGeoAdmin):
    """Problems move only through the workflow (its services): read-only here, their timeline too."""

    list_display = ["created_at", "category", "segment", "source", "urgency", "status", "level", "completion_due"]
    list_filter = ["status", "source", "category", "urgency", "level"]
    list_select_related = ["segment"]
    search_fields = ["description", "segment__name"]
    date_hierarchy = "created_at"
    inlines = [ProblemEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Problem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicReport)
class PublicReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tracking_code", "problem", "via", "rating"]
    list_filter = ["via", "rating"]
    search_fields = ["tracking_code"]
    list_select_related = ["problem__segment"]
    readonly_fields = ["problem", "tracking_code", "client_token", "via", "open311_client", "rated_at", "created_at"]

    def has_add_permission(self, request):
        # A report comes from the public (the signboard pages, Open311) with its problem, never from here.
        return False


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Keys for Open311 clients: a key is shown once, when it is issued; only its digest is kept."""

    list_display = ["name", "key_prefix", "is_active", "created_at", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    fields = ["name", "is_active", "key_prefix", "created_at", "last_used_at"]
    actions = ["issue_new_keys"]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.issue_key()
        super().save_model(request, obj, form, change)
        if key:
            self.show_key(request, obj, key)

    def show_key(self, request, client, key):
        self.message_user(
            request,
            gettext("The api_key of %(client)s is %(key)s — copy it now: it is not shown again.")
            % {"client": client, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Issue new keys (the old ones stop working)"))
    def issue_new_keys(self, request, queryset):
        for client in queryset:
            key = client.issue_key()
            client.save(update_fields=["key_prefix", "key_digest"])
            self.show_key(request, client, key)


@admin.register(ProblemDeadlineRule)
class ProblemDeadlineRuleAdmin(admin.ModelAdmin):
    """The deadlines per source and urgency; with no rows, the defaults of the model apply."""

    list_display = ["source", "urgency", "response_days", "completion_days", "working_days"]
