from django.contrib import admin

from scoring.models import Declaration, PointEntry, PointRule


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "event_kind", "points", "cap_period", "cap_points"]
    list_filter = ["category", "cap_period", "needs_approval"]
    search_fields = ["code", "name", "event_kind"]


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only; corrections are reversing entries (services)."""

    list_display = ["cadre", "points", "kind", "rule", "occurred_on", "author", "created_at"]
    list_filter = ["kind", "rule"]
    search_fields = ["cadre__name", "source", "reason"]
    list_select_related = ["cadre", "rule", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["cadre", "rule", "description", "occurred_on", "status", "decided_by"]
    list_filter = ["status", "rule"]
    search_fields = ["cadre__name", "description"]
    list_select_related = ["cadre", "rule", "decided_by"]
    readonly_fields = ["entry", "decided_by", "decided_at"]
