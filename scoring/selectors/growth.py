"""Scoring's timeline items for the growth record (`core.growth`): evaluation results (the
composite score of each scored round), the points ledger summarised per quarter, and
low-score follow-ups (约谈). A fixed number of queries for any number of cadres. With a
`viewer`, only what they may read: a cadre their points once published (公示), follow-ups
for the office only."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncQuarter
from django.urls import reverse
from django.utils.translation import gettext as _

from core.growth import GrowthItem, GrowthKind
from scoring.choices import RoundStatus
from scoring.models import EvaluationResult, FollowUp, PointEntry
from scoring.selectors.ledger import entries_visible_to
from scoring.selectors.periods import follow_ups_visible_to


def _range(rows, field: str, start, end):
    if start:
        rows = rows.filter(**{f"{field}__gte": start})
    if end:
        rows = rows.filter(**{f"{field}__lte": end})
    return rows


def _evaluations(cadres, start, end) -> list[GrowthItem]:
    results = _range(
        EvaluationResult.objects.filter(
            cadre__in=cadres, round__status=RoundStatus.FINALISED
        ).select_related("round"),
        "round__period_end",
        start,
        end,
    )
    return [
        GrowthItem(
            cadre_id=r.cadre_id,
            date=r.round.period_end,
            kind=GrowthKind.EVALUATION,
            title=r.round.name,
            detail=_("%(kind)s · 综合得分 %(score)s（有效评价 %(n)s 份）")
            % {"kind": r.round.get_kind_display(), "score": r.score, "n": r.ratings},
            extra={"score": str(r.score)},
        )
        for r in results
    ]


def _follow_ups(cadres, start, end, viewer) -> list[GrowthItem]:
    rows = FollowUp.objects if viewer is None else follow_ups_visible_to(viewer)
    rows = _range(rows.filter(cadre__in=cadres).select_related("period"), "due_on", start, end)
    return [
        GrowthItem(
            cadre_id=f.cadre_id,
            date=f.talked_on or f.due_on,
            kind=GrowthKind.EVALUATION,
            title=_("约谈：%(period)s") % {"period": f.period.name},
            detail=_("%(reason)s · 第 %(rank)s 名 · %(status)s")
            % {"reason": f.reason, "rank": f.rank, "status": f.get_status_display()},
            url=reverse("follow_up_detail", args=[f.pk]),
        )
        for f in rows
    ]


def _points(cadres, start, end, viewer) -> list[GrowthItem]:
    """One item per cadre and quarter with entries: the quarter's total and entry count."""
    entries = PointEntry.objects if viewer is None else entries_visible_to(viewer)
    rows = (
        _range(entries.filter(cadre__in=cadres), "occurred_on", start, end)
        .annotate(quarter=TruncQuarter("occurred_on"))
        .values("cadre_id", "quarter")
        .annotate(total=Sum("points"), n=Count("id"))
        .order_by()
    )
    items = []
    for row in rows:
        q = row["quarter"]
        q = q.date() if isinstance(q, datetime.datetime) else q
        label = f"{q.year}Q{(q.month - 1) // 3 + 1}"
        last = (datetime.date(q.year + (q.month + 3 > 12), (q.month + 2) % 12 + 1, 1)) - (
            datetime.timedelta(days=1)
        )
        total = row["total"] or Decimal("0")
        items.append(
            GrowthItem(
                cadre_id=row["cadre_id"],
                date=min(last, end) if end else last,
                kind=GrowthKind.POINTS,
                title=_("%(quarter)s 积分") % {"quarter": label},
                detail=_("共 %(n)s 笔，合计 %(total)s 分") % {"n": row["n"], "total": total},
                points=total,
                url=reverse("cadre_points", args=[row["cadre_id"]]),
                extra={"quarter": label, "entries": row["n"]},
            )
        )
    return items


def growth_items(*, cadres, start=None, end=None, viewer=None) -> list[GrowthItem]:
    """Scoring's items for `cadres` (a queryset or ids) dated within [start, end]."""
    return [
        *_evaluations(cadres, start, end),
        *_points(cadres, start, end, viewer),
        *_follow_ups(cadres, start, end, viewer),
    ]
