from django.contrib import admin

from core.admin import ReadOnlyAdmin
from training.models import (
    Activity,
    Budget,
    CollectiveActivity,
    CollectiveParticipation,
    Defense,
    DefenseCriterion,
    DefenseScore,
    Feedback,
    Forum,
    ForumAttendee,
    ForumCriterion,
    ForumScore,
    ForumSpeaker,
    Milestone,
    MonthlyReport,
    Participant,
    Posting,
    ResearchMember,
    ResearchTopic,
    Spending,
    TaskForce,
    TripReport,
    Writing,
)


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


# The other training records: the same rule, each listed and searchable by what staff look for.
_ADMINS = {
    TripReport: (["participant", "title", "created_at"], ["title", "participant__cadre__name"]),
    Forum: (["title", "format", "unit", "starts_at", "place"], ["title", "topic", "series"]),
    ForumCriterion: (["forum", "name", "max_score"], ["name", "forum__title"]),
    ForumSpeaker: (["forum", "cadre", "talk_title"], ["cadre__name", "talk_title", "forum__title"]),
    ForumAttendee: (["forum", "cadre", "attended"], ["cadre__name", "forum__title"]),
    ForumScore: (["speaker", "criterion", "judge", "score"], ["speaker__cadre__name"]),
    TaskForce: (["name", "unit", "starts_on", "ends_on"], ["name", "goal"]),
    Posting: (
        ["cadre", "type", "host_unit", "starts_on", "ends_on", "assessment"],
        ["cadre__name", "host_unit__name", "role"],
    ),
    MonthlyReport: (["posting", "month", "status", "submitted_at"], ["posting__cadre__name"]),
    Defense: (["title", "unit", "held_at", "place"], ["title", "place"]),
    DefenseCriterion: (["defense", "name", "max_score"], ["name", "defense__title"]),
    ResearchTopic: (["title", "field", "unit", "starts_on", "due_on"], ["title", "summary"]),
    ResearchMember: (["topic", "cadre", "role"], ["cadre__name", "topic__title"]),
    Milestone: (["topic", "title", "due_on", "done_on"], ["title", "topic__title"]),
    DefenseScore: (["topic", "criterion", "judge", "score"], ["topic__title"]),
    Writing: (
        ["title", "cadre", "kind", "level", "published_on", "status"],
        ["title", "outlet", "cadre__name"],
    ),
    CollectiveActivity: (["title", "kind", "unit", "held_on", "hours"], ["title", "place"]),
    CollectiveParticipation: (["activity", "cadre"], ["cadre__name", "activity__title"]),
    Budget: (["year", "unit", "source", "amount"], ["unit__name", "note"]),
    Spending: (["spent_on", "budget", "activity", "amount", "purpose"], ["purpose"]),
}
for _model, (_columns, _search) in _ADMINS.items():
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (ReadOnlyAdmin,),
            {"list_display": _columns, "search_fields": _search},
        ),
    )
