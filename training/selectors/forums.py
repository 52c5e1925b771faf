"""Scoped reads of 菁才论坛 for pages, the API and exports."""

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from training.models import Forum, ForumAttendee, ForumScore, ForumSpeaker
from training.selectors import judging


def forums_visible_to(user) -> QuerySet[Forum]:
    """Administrators all; staff and leaders the forums organised in their subtree; anyone
    the forums where a cadre they may see speaks or attends (a cadre: their own). Judging
    alone gives the scoring page, not this (see `forums_judged_by`)."""
    if is_admin(user):
        return Forum.objects.all()
    cadres = cadres_visible_to(user)
    allowed = Q(pk__in=ForumSpeaker.objects.filter(cadre__in=cadres).values("forum_id")) | Q(
        pk__in=ForumAttendee.objects.filter(cadre__in=cadres).values("forum_id")
    )
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    return Forum.objects.filter(allowed)


def forums_managed_by(user) -> QuerySet[Forum]:
    """Forums whose speakers, attendees, rubric, panel and results `user` may change."""
    if not user.has_perm("training.change_forum"):
        return Forum.objects.none()
    if is_admin(user):
        return Forum.objects.all()
    return Forum.objects.filter(unit__in=units_visible_to(user))


def forums_judged_by(user) -> QuerySet[Forum]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Forum.objects.none()
    return Forum.objects.filter(judges=user)


def sees_full_results(user, forum: Forum) -> bool:
    """The ranking with every speaker's scores: administrators, and staff and leaders of the
    organising unit's subtree. (Speakers see their own rank after publication.)"""
    if is_admin(user):
        return True
    return (
        has_role(user, Role.STAFF, Role.LEADER)
        and units_visible_to(user).filter(pk=forum.unit_id).exists()
    )


def _counted(rows):
    return Coalesce(Subquery(rows.values("forum").annotate(n=Count("pk")).values("n")[:1]), 0)


def with_counts(forums: QuerySet[Forum]) -> QuerySet[Forum]:
    speakers = ForumSpeaker.objects.filter(forum=OuterRef("pk")).order_by()
    attendees = ForumAttendee.objects.filter(forum=OuterRef("pk")).order_by()
    return forums.select_related("unit").annotate(
        speaker_count=_counted(speakers), attendee_count=_counted(attendees)
    )


def forum_list(user) -> QuerySet[Forum]:
    """Visible forums with speaker and attendee counts (correlated subqueries: constant
    queries per page)."""
    return with_counts(forums_visible_to(user)).order_by("-starts_at", "-id")


def quarter_bounds(year: int, quarter: int | None) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware local datetimes bounding a year or one of its quarters [start, end)."""
    first_month = 1 if quarter is None else (quarter - 1) * 3 + 1
    last_month = 12 if quarter is None else first_month + 2
    start = datetime.datetime(year, first_month, 1)  # noqa: DTZ001 (made aware below)
    end = (
        datetime.datetime(year + 1, 1, 1)  # noqa: DTZ001
        if last_month == 12
        else datetime.datetime(year, last_month + 1, 1)  # noqa: DTZ001
    )
    return timezone.make_aware(start), timezone.make_aware(end)


def forums_filter(forums, *, year=None, quarter=None, format="", unit=None):
    if year:
        start, end = quarter_bounds(int(year), int(quarter) if quarter else None)
        forums = forums.filter(starts_at__gte=start, starts_at__lt=end)
    if format:
        forums = forums.filter(format=format)
    if unit is not None:
        forums = forums.filter(unit.subtree_q("unit__"))
    return forums


def speakers_of(forum: Forum) -> QuerySet[ForumSpeaker]:
    """The programme: speakers in order with their units. A forum's programme is public to
    everyone who may see the forum (or judges it)."""
    return forum.speakers.select_related("cadre", "cadre__unit").order_by("position", "id")


def attendees_of(forum: Forum, user) -> QuerySet[ForumAttendee]:
    """Attendees `user` may see (staff: all in their subtree; a cadre: only themself)."""
    return (
        forum.attendees.filter(cadre__in=cadres_visible_to(user))
        .select_related("cadre", "cadre__unit")
        .order_by("cadre__name_pinyin", "id")
    )


def results_table(forum: Forum) -> dict:
    """Everything the results page, export and API show (`judging.results_table` over the
    forum's speakers), in a fixed number of queries."""
    return judging.results_table(
        score_model=ForumScore,
        subject_field="speaker",
        subjects=speakers_of(forum),
        criteria=forum.criteria.all(),
        judges=forum.judges.order_by("username"),
    )


def own_ranks(forum: Forum, user) -> list[judging.ResultRow]:
    """After publication, the ranks of the speakers `user` may see as cadres (a cadre their
    own, a mentor their mentees'); nothing before."""
    if forum.results_published_at is None:
        return []
    visible = set(
        forum.speakers.filter(cadre__in=cadres_visible_to(user)).values_list("pk", flat=True)
    )
    if not visible:
        return []
    return [row for row in results_table(forum)["rows"] if row.subject.pk in visible]


def judge_cards(forum: Forum, judge) -> dict[int, dict[int, object]]:
    """The judge's own scores: speaker id → criterion id → score."""
    scores = ForumScore.objects.filter(speaker__forum=forum, judge=judge)
    return judging.judge_cards(scores, subject_field="speaker")


def scoring_tasks(user) -> QuerySet[Forum]:
    """我的评分任务: forums the user judges, newest first, with speaker counts."""
    return with_counts(forums_judged_by(user)).order_by("-starts_at", "-id")
