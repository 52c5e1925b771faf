from django.contrib import admin

from core.admin import ReadOnlyAdmin
from scoring.models import (
    Declaration,
    EvaluationAssignment,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    FollowUp,
    Objection,
    PeriodStanding,
    PointEntry,
    PointRule,
    ScoringPeriod,
)


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "event_kind", "points", "cap_period", "cap_points"]
    list_filter = ["category", "cap_period", "needs_approval"]
    search_fields = ["code", "name", "event_kind"]


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    """Read-only: the ledger is append-only; corrections are reversing entries (services)."""

    list_display = ["cadre", "points", "kind", "rule", "occurred_on", "author", "created_at"]
    list_filter = ["kind", "rule"]
    search_fields = ["cadre__name", "source", "reason"]
    list_select_related = ["cadre", "rule", "author"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["cadre", "rule", "description", "occurred_on", "status", "decided_by"]
    list_filter = ["status", "rule"]
    search_fields = ["cadre__name", "description"]
    list_select_related = ["cadre", "rule", "decided_by"]
    readonly_fields = ["entry", "decided_by", "decided_at"]


# Evaluations and publication change only through their pages and services, which enforce
# the windows and write the ledger.


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "unit", "cohort", "period_start", "period_end", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    list_select_related = ["unit", "cohort"]


@admin.register(EvaluationAssignment)
class EvaluationAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "cadre", "evaluator", "group", "status", "submitted_at"]
    list_filter = ["group", "status", "round"]
    search_fields = ["cadre__name", "evaluator__username"]
    list_select_related = ["round", "cadre", "evaluator"]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdmin):
    list_display = ["round", "cadre", "score", "ratings", "entry"]
    list_filter = ["round"]
    search_fields = ["cadre__name"]
    list_select_related = ["round", "cadre", "entry"]


@admin.register(ScoringPeriod)
class ScoringPeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "start", "end", "status", "window_ends_on"]
    list_filter = ["status"]
    search_fields = ["name"]
    list_select_related = ["unit"]


@admin.register(PeriodStanding)
class PeriodStandingAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "total", "rank", "unit_rank", "cohort_rank"]
    list_filter = ["period"]
    search_fields = ["cadre__name"]
    list_select_related = ["period", "cadre"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "status", "created_at", "answered_by"]
    list_filter = ["status", "period"]
    search_fields = ["cadre__name", "text", "answer"]
    list_select_related = ["period", "cadre", "answered_by"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "reason", "due_on", "status", "talked_on"]
    list_filter = ["status", "period"]
    search_fields = ["cadre__name"]
    list_select_related = ["period", "cadre"]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "dimension", "score"]
    list_filter = ["dimension"]
    search_fields = ["assignment__cadre__name"]
    list_select_related = ["assignment__round", "assignment__cadre"]
