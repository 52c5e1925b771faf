from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.models import ImportJob, Notification, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their pages and services (which enforce their
    rules and write the ledger): administrators look and search, nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [*BaseUserAdmin.fieldsets, (_("范围"), {"fields": ["unit"]})]
    list_display = ["username", "last_name", "first_name", "unit", "is_active", "is_superuser"]
    list_filter = [*BaseUserAdmin.list_filter, "unit"]
    autocomplete_fields = ["unit"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are created and run by the import pages, the CLI and the worker."""

    list_display = ["original_name", "kind", "status", "row_count", "uploaded_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["original_name", "uploaded_by__username"]
    list_select_related = ["uploaded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the reminder job and the services."""

    list_display = ["title", "user", "level", "created_at", "read_at"]
    list_filter = ["level", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key", "user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
