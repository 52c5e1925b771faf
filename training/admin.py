from django.contrib import admin

from core.admin import ReadOnlyAdmin
from training.models import Activity, Feedback, Participant


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    """Read-only here: activities are organised on the training pages, whose services report
    attendance to the points ledger."""

    list_display = ["title", "type", "theme", "unit", "starts_at", "place", "hours"]
    list_filter = ["type", "theme"]
    search_fields = ["title", "place", "speaker"]
    list_select_related = ["unit"]
    readonly_fields = ["signin_secret"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["activity", "cadre", "attendance", "signed_in_at", "marked_by"]
    list_filter = ["attendance"]
    search_fields = ["cadre__name", "activity__title"]
    list_select_related = ["activity", "cadre", "marked_by"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["participant", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["participant__cadre__name", "participant__activity__title", "comment"]
    list_select_related = ["participant__activity", "participant__cadre"]
