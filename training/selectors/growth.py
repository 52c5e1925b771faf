"""Training's timeline items for the growth record (`core.growth`): classes and study trips
attended, forums spoken at (with the published rank) or attended, postings with their final
grade and accepted monthly reports, research topics with the defense result, writing
verified with the adopting level, and collective activities. A fixed number of queries for
any number of cadres."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.growth import GrowthItem, GrowthKind
from training.choices import Attendance, Review
from training.models import (
    CollectiveParticipation,
    DefenseCriterion,
    DefenseScore,
    ForumAttendee,
    ForumCriterion,
    ForumScore,
    ForumSpeaker,
    MonthlyReport,
    Participant,
    Posting,
    ResearchMember,
    Writing,
)
from training.selectors import judging


def _range(rows, field: str, start, end):
    if start:
        rows = rows.filter(**{f"{field}__gte": start})
    if end:
        rows = rows.filter(**{f"{field}__lte": end})
    return rows


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _ranks(*, score_model, subject_field: str, criteria_model, event_field: str, subjects):
    """Subject id → (rank, mean, ranked count) for subjects of published events, the events'
    other subjects counted too; two queries whatever the number of events."""
    event_ids = {getattr(s, f"{event_field}_id") for s in subjects}
    if not event_ids:
        return {}
    criteria = dict(
        criteria_model.objects.filter(**{f"{event_field}__in": event_ids})
        .values_list(event_field)
        .annotate(n=Count("id"))
        .values_list(event_field, "n")
    )
    rows = (
        score_model.objects.filter(**{f"{subject_field}__{event_field}__in": event_ids})
        .values_list(
            f"{subject_field}__{event_field}",
            f"{subject_field}_id",
            "judge_id",
            "criterion_id",
            "score",
        )
        .order_by()
    )
    cards: dict[int, dict[tuple[int, int], dict[int, object]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    subjects_of: dict[int, set[int]] = defaultdict(set)
    for event_id, subject_id, judge_id, criterion_id, score in rows:
        cards[event_id][(subject_id, judge_id)][criterion_id] = score
        subjects_of[event_id].add(subject_id)
    ranks = {}
    for event_id, event_cards in cards.items():
        complete = {k: c for k, c in event_cards.items() if len(c) == criteria.get(event_id)}
        results = judging._ranked(sorted(subjects_of[event_id]), complete)
        ranked = sum(1 for r in results if r.rank)
        for r in results:
            ranks[r.subject_id] = (r.rank, r.mean, ranked)
    return ranks


def _classes(cadres, start, end) -> list[GrowthItem]:
    rows = _range(
        Participant.objects.filter(cadre__in=cadres)
        .exclude(attendance=Attendance.UNMARKED)
        .select_related("activity"),
        "activity__starts_at__date",
        start,
        end,
    )
    items = []
    for p in rows:
        a = p.activity
        items.append(
            GrowthItem(
                cadre_id=p.cadre_id,
                date=_day(a.starts_at),
                kind=GrowthKind.CLASS,
                title=a.title,
                detail=_("%(type)s · %(hours)s 学时 · %(status)s")
                % {
                    "type": a.get_type_display(),
                    "hours": a.hours,
                    "status": p.get_attendance_display(),
                },
                url=reverse("activity_detail", args=[a.pk]),
                extra={"hours": str(a.hours), "attendance": p.attendance},
            )
        )
    return items


def _forums(cadres, start, end) -> list[GrowthItem]:
    speakers = list(
        _range(
            ForumSpeaker.objects.filter(cadre__in=cadres).select_related("forum"),
            "forum__starts_at__date",
            start,
            end,
        )
    )
    published = [s for s in speakers if s.forum.results_published_at]
    ranks = _ranks(
        score_model=ForumScore,
        subject_field="speaker",
        criteria_model=ForumCriterion,
        event_field="forum",
        subjects=published,
    )
    items = []
    for s in speakers:
        f = s.forum
        rank = ranks.get(s.pk) if f.results_published_at else None
        detail = _("主讲《%(title)s》") % {"title": s.talk_title}
        if rank and rank[0]:
            detail += _(" · 第 %(rank)s 名（共 %(of)s 人）") % {"rank": rank[0], "of": rank[2]}
        items.append(
            GrowthItem(
                cadre_id=s.cadre_id,
                date=_day(f.starts_at),
                kind=GrowthKind.FORUM,
                title=f.title,
                detail=detail,
                url=reverse("forum_detail", args=[f.pk]),
                extra={"role": "speaker", "rank": rank[0] if rank else None},
            )
        )
    attendees = _range(
        ForumAttendee.objects.filter(cadre__in=cadres, attended=True).select_related("forum"),
        "forum__starts_at__date",
        start,
        end,
    )
    for a in attendees:
        f = a.forum
        items.append(
            GrowthItem(
                cadre_id=a.cadre_id,
                date=_day(f.starts_at),
                kind=GrowthKind.FORUM,
                title=f.title,
                detail=_("参加 · %(format)s") % {"format": f.get_format_display()},
                url=reverse("forum_detail", args=[f.pk]),
                extra={"role": "attendee"},
            )
        )
    return items


def _postings(cadres, start, end) -> list[GrowthItem]:
    postings = Posting.objects.filter(cadre__in=cadres).select_related("host_unit")
    if start:
        postings = postings.filter(ends_on__gte=start)
    if end:
        postings = postings.filter(starts_on__lte=end)
    items = []
    for p in postings:
        detail = _("%(unit)s %(role)s · %(start)s 至 %(end)s") % {
            "unit": p.host_unit.name,
            "role": p.role,
            "start": p.starts_on,
            "end": p.ends_on,
        }
        if p.assessment:
            detail += _(" · 期满考核：%(grade)s") % {"grade": p.get_assessment_display()}
        items.append(
            GrowthItem(
                cadre_id=p.cadre_id,
                date=p.starts_on,
                kind=GrowthKind.POSTING,
                title=str(p.get_type_display()),
                detail=detail,
                url=reverse("posting_detail", args=[p.pk]),
                extra={"assessment": p.assessment},
            )
        )
    reports = _range(
        MonthlyReport.objects.filter(posting__cadre__in=cadres, status=Review.ACCEPTED)
        .select_related("posting", "posting__host_unit")
        .only("id", "month", "posting__cadre_id", "posting__host_unit__name", "work_done"),
        "month",
        start,
        end,
    )
    for r in reports:
        items.append(
            GrowthItem(
                cadre_id=r.posting.cadre_id,
                date=r.month,
                kind=GrowthKind.POSTING,
                title=_("挂职月报 %(month)s") % {"month": r.month.strftime("%Y-%m")},
                detail=_("%(unit)s · 已通过") % {"unit": r.posting.host_unit.name},
                url=reverse("monthly_report_detail", args=[r.pk]),
            )
        )
    return items


def _research(cadres, start, end) -> list[GrowthItem]:
    members = list(
        _range(
            ResearchMember.objects.filter(cadre__in=cadres).select_related(
                "topic", "topic__defense"
            ),
            "topic__starts_on",
            start,
            end,
        )
    )
    published = [
        m.topic for m in members if m.topic.defense and m.topic.defense.results_published_at
    ]
    ranks = _ranks(
        score_model=DefenseScore,
        subject_field="topic",
        criteria_model=DefenseCriterion,
        event_field="defense",
        subjects=published,
    )
    items = []
    for m in members:
        t = m.topic
        detail = _("%(field)s · %(role)s") % {
            "field": t.get_field_display(),
            "role": m.get_role_display(),
        }
        rank = ranks.get(t.pk)
        if rank and rank[0]:
            detail += _(" · 答辩第 %(rank)s 名（%(mean)s 分）") % {"rank": rank[0], "mean": rank[1]}
        items.append(
            GrowthItem(
                cadre_id=m.cadre_id,
                date=t.starts_on,
                kind=GrowthKind.RESEARCH,
                title=t.title,
                detail=detail,
                url=reverse("research_topic_detail", args=[t.pk]),
                extra={"rank": rank[0] if rank else None},
            )
        )
    return items


def _writing(cadres, start, end) -> list[GrowthItem]:
    rows = _range(
        Writing.objects.filter(cadre__in=cadres, status=Review.ACCEPTED),
        "published_on",
        start,
        end,
    )
    return [
        GrowthItem(
            cadre_id=w.cadre_id,
            date=w.published_on,
            kind=GrowthKind.WRITING,
            title=w.title,
            detail=_("%(kind)s · %(outlet)s · %(level)s级采用")
            % {"kind": w.get_kind_display(), "outlet": w.outlet, "level": w.get_level_display()}
            if w.level
            else _("%(kind)s · %(outlet)s") % {"kind": w.get_kind_display(), "outlet": w.outlet},
            url=reverse("writing_detail", args=[w.pk]),
            extra={"level": w.level},
        )
        for w in rows
    ]


def _collective(cadres, start, end) -> list[GrowthItem]:
    rows = _range(
        CollectiveParticipation.objects.filter(cadre__in=cadres).select_related("activity"),
        "activity__held_on",
        start,
        end,
    )
    items = []
    for p in rows:
        a = p.activity
        detail = _("%(kind)s · %(hours)s 小时") % {"kind": a.get_kind_display(), "hours": a.hours}
        if p.note:
            detail += f" · {p.note}"
        items.append(
            GrowthItem(
                cadre_id=p.cadre_id,
                date=a.held_on,
                kind=GrowthKind.COLLECTIVE,
                title=a.title,
                detail=detail,
                url=reverse("collective_detail", args=[a.pk]),
                extra={"hours": str(a.hours)},
            )
        )
    return items


def growth_items(*, cadres, start=None, end=None, viewer=None) -> list[GrowthItem]:
    """Training's items for `cadres` (a queryset or ids) dated within [start, end]."""
    return [
        *_classes(cadres, start, end),
        *_forums(cadres, start, end),
        *_postings(cadres, start, end),
        *_research(cadres, start, end),
        *_writing(cadres, start, end),
        *_collective(cadres, start, end),
    ]
