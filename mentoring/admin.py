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
