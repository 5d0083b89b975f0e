from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from wushui.models import Job, Region, Unit, User


@admin.register(Region)
class RegionAdmin(LeafletGeoAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "role", "region", "unit", "is_active"]
    list_filter = ["role", "is_active", "region__level"]
    search_fields = ["username", "name", "phone"]
    list_select_related = ["region", "unit"]
    autocomplete_fields = ["region", "unit"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ["name", "role", "region", "unit", "domain", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ["name", "role", "region", "unit", "domain", "phone"]}),
    ]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
    readonly_fields = ["kind", "status", "progress", "requested_by", "file", "error", "started_at", "finished_at"]

    def has_add_permission(self, request):
        # A job is recorded by the page that starts it, with its requester; never typed in here.
        return False
