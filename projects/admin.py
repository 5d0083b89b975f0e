"""The admin of the five-waters work. Figures derived from reports (years to date, quantities done,
next milestone due) are shown, never typed; monthly reports come through the reporting service only
(the page and the API), so the admin shows them read-only."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from projects.models import (
    AnnualPlan,
    Enterprise,
    EnterpriseInspection,
    Milestone,
    PlanTarget,
    ProgressReport,
    ProgressRules,
    Project,
    ResponsibilityLetter,
    ResponsibilityTask,
    TaskUpdate,
)


class AnnualPlanInline(admin.TabularInline):
    model = AnnualPlan
    fields = ["year", "investment", "completed_investment"]
    readonly_fields = ["completed_investment"]
    extra = 0
    show_change_link = True


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["kind", "planned_date", "actual_date"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "category", "subtype", "owner_unit", "is_key", "total_investment"]
    list_filter = ["category", "subtype", "is_key"]
    search_fields = ["code", "name"]
    list_select_related = ["owner_unit"]
    filter_horizontal = ["streets"]
    readonly_fields = ["next_milestone_due"]
    inlines = [AnnualPlanInline, MilestoneInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_next_milestone_due()


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    fields = ["measure", "unit", "quantity", "completed_quantity"]
    readonly_fields = ["completed_quantity"]
    extra = 0


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ["project", "year", "investment", "completed_investment"]
    list_filter = ["year"]
    search_fields = ["project__code", "project__name"]
    readonly_fields = ["completed_investment"]
    inlines = [PlanTargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_completed()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "month", "investment", "reported_by", "reported_at"]
    list_filter = ["month"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project", "reported_by"]


@admin.register(ProgressRules)
class ProgressRulesAdmin(admin.ModelAdmin):
    """A new row sets new rules; rows are never changed, so that figures already shown keep their rule."""

    list_display = ["created_at", "lagging_margin"]

    def has_change_permission(self, request, obj=None):
        return False


class TaskInline(admin.StackedInline):
    model = ResponsibilityTask
    fields = ["description", "category", "target_quantity", "target_unit", "deadline", "responsible_unit", "region"]
    extra = 0
    show_change_link = True


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "signed_on"]
    list_filter = ["year"]
    inlines = [TaskInline]


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    fields = ["reported_on", "note", "quantity", "marks_done", "reported_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ResponsibilityTask)
class ResponsibilityTaskAdmin(admin.ModelAdmin):
    list_display = ["description", "responsible_unit", "deadline", "status", "done_quantity"]
    list_filter = ["status", "letter__year", "category"]
    search_fields = ["description"]
    list_select_related = ["responsible_unit"]
    filter_horizontal = ["supporting_units"]
    readonly_fields = ["status", "done_quantity", "completed_on"]
    inlines = [TaskUpdateInline]


class InspectionInline(admin.TabularInline):
    model = EnterpriseInspection
    fields = ["inspected_on", "inspector", "passed", "notes"]
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(LeafletGeoAdmin):
    list_display = ["name", "industry", "street", "plan", "deadline", "status"]
    list_filter = ["industry", "plan", "status"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["street"]
    inlines = [InspectionInline]
