from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reports.models import GrowthExport, QuarterlyReport


# Generated documents: read-only here; they are requested and regenerated through the pages.
@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "quarter", "unit", "status", "progress", "finished_at"]
    list_filter = ["status", "year", "quarter"]
    search_fields = ["unit__full_name", "error"]
    list_select_related = ["unit"]


@admin.register(GrowthExport)
class GrowthExportAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "progress", "total", "requested_by", "expires_at"]
    list_filter = ["status"]
    search_fields = ["title", "error"]
    list_select_related = ["requested_by"]
