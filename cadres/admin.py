from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from cadres.models import (
    Cadre,
    Cohort,
    EligibilityRule,
    Enrolment,
    PositionRecord,
    Programme,
    RewardSanction,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["full_name"])
    list_display = ["name", "kind", "full_name", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "full_name"]


class PositionInline(admin.TabularInline):
    model = PositionRecord
    extra = 0


class RewardInline(admin.TabularInline):
    model = RewardSanction
    extra = 0


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gender", "birth_date", "unit", "category", "is_reserve", "status"]
    list_filter = [
        "category",
        "status",
        "political_status",
        "education",
        "is_reserve",
        "in_talent_pool",
    ]
    search_fields = ["name", "name_pinyin", "name_initials", "id_number", "unit__full_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "user"]
    readonly_fields = ["name_pinyin", "name_initials", "created_at", "updated_at"]
    inlines = [PositionInline, RewardInline]


@admin.register(PositionRecord)
class PositionRecordAdmin(admin.ModelAdmin):
    list_display = ["cadre", "unit_name", "position", "start_date", "end_date", "is_promotion"]
    list_filter = ["is_promotion"]
    search_fields = ["cadre__name", "unit_name", "position"]
    list_select_related = ["cadre"]


@admin.register(RewardSanction)
class RewardSanctionAdmin(admin.ModelAdmin):
    list_display = ["cadre", "kind", "title", "level", "date"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "title"]
    list_select_related = ["cadre"]


class EligibilityInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_unit", "start_date", "end_date"]
    search_fields = ["name"]
    list_filter = ["start_date"]
    inlines = [EligibilityInline]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "category", "max_age"]
    list_filter = ["category"]
    search_fields = ["programme__name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "start_date", "end_date"]
    list_filter = ["programme"]
    search_fields = ["name", "programme__name"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["cadre", "cohort", "joined_on", "left_on", "status", "age_at_enrolment"]
    list_filter = ["status", "cohort"]
    search_fields = ["cadre__name", "cadre__name_pinyin"]
    list_select_related = ["cadre", "cohort__programme"]
    autocomplete_fields = ["cadre"]
