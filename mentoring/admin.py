from django.contrib import admin

from mentoring.models import Mentor, Pairing, Talk


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


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    """Read-only: talks are recorded and corrected through `mentoring.services.talks` (points
    and 约谈 tasks follow)."""

    list_display = ["cadre", "level", "talked_on", "talker", "follow_up"]
    list_filter = ["level"]
    search_fields = ["cadre__name", "talker__username", "topics"]
    list_select_related = ["cadre", "talker", "follow_up"]
    date_hierarchy = "talked_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
