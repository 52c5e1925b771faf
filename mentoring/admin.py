from django.contrib import admin

from mentoring.models import Mentor, Pairing


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "mentor_type", "unit", "capacity", "is_active"]
    list_filter = ["mentor_type", "is_active"]
    search_fields = ["name", "unit__full_name", "expertise"]
    autocomplete_fields = ["unit", "user", "cadre"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["mentor", "cadre", "role", "start_date", "end_date"]
    list_filter = ["role"]
    search_fields = ["mentor__name", "cadre__name"]
    list_select_related = ["mentor", "cadre"]
    autocomplete_fields = ["mentor", "cadre"]


# Guidance logs (帮带记录): read-only here, because writes report points through the services.
from mentoring.models import GuidanceLog, GuidanceTask  # noqa: E402


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuidanceLog)
class GuidanceLogAdmin(_ReadOnly):
    list_display = ["cadre", "pairing", "date", "method", "created_by"]
    list_filter = ["method"]
    search_fields = ["cadre__name", "pairing__mentor__name", "content"]
    list_select_related = ["cadre", "pairing__mentor", "pairing__cadre", "created_by"]


@admin.register(GuidanceTask)
class GuidanceTaskAdmin(_ReadOnly):
    list_display = ["text", "log", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["text", "log__cadre__name"]
    list_select_related = ["log__cadre"]
