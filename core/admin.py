from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [*BaseUserAdmin.fieldsets, (_("范围"), {"fields": ["unit"]})]
    list_display = ["username", "last_name", "first_name", "unit", "is_active", "is_superuser"]
    list_filter = [*BaseUserAdmin.list_filter, "unit"]
    autocomplete_fields = ["unit"]
