from django.contrib import admin

from core.admin import ReadOnlyAdmin
from mentoring.models import (
    DutyRecord,
    GuidanceLog,
    GuidanceTask,
    Mentor,
    Pairing,
    SelfReport,
    Talk,
)


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


# Guidance logs, talks, duties and self-reports: read-only here, because their writes report points (and close 约谈
# tasks) through the services.
@admin.register(GuidanceLog)
class GuidanceLogAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "pairing", "date", "method", "created_by"]
    list_filter = ["method"]
    search_fields = ["cadre__name", "pairing__mentor__name", "content"]
    list_select_related = ["cadre", "pairing__mentor", "pairing__cadre", "created_by"]


@admin.register(GuidanceTask)
class GuidanceTaskAdmin(ReadOnlyAdmin):
    list_display = ["text", "log", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["text", "log__cadre__name"]
    list_select_related = ["log__cadre"]


@admin.register(Talk)
class TalkAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "level", "talked_on", "talker", "follow_up"]
    list_filter = ["level"]
    search_fields = ["cadre__name", "talker__username", "topics"]
    list_select_related = ["cadre", "talker", "follow_up"]
    date_hierarchy = "talked_on"


@admin.register(DutyRecord)
class DutyRecordAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "kind", "done_on", "title", "created_by"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "pairing__mentor__name", "title"]
    list_select_related = ["pairing__mentor", "pairing__cadre", "created_by"]
    date_hierarchy = "done_on"


@admin.register(SelfReport)
class SelfReportAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "period_start", "status", "reviewed_by"]
    list_filter = ["kind", "status"]
    search_fields = ["cadre__name", "title"]
    list_select_related = ["cadre", "reviewed_by"]
    date_hierarchy = "period_start"
