"""Shared builders for the forum tests (菁才论坛)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from scoring.models import PointEntry, PointRule
from training.services import forums as services

PAST = timezone.now() - datetime.timedelta(days=2)


def make_forum(unit, *, starts_at=None, title="金城青年说第一期", actor=None, **fields):
    starts_at = starts_at or PAST
    values = {
        "title": title,
        "format": "lecture",
        "topic": "乡村振兴",
        "unit": unit,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "place": "镇党校报告厅",
        "hours": Decimal("2.0"),
        **fields,
    }
    return services.forum_create(actor=actor, **values)


def rubric(forum, *maxima):
    return services.criteria_set(
        forum=forum,
        criteria=[
            {"name": f"评分项{i}", "max_score": m, "position": i}
            for i, m in enumerate(maxima or (40, 30, 30), start=1)
        ],
        actor=None,
    )


def card(speaker, judge, *values):
    criteria = list(speaker.forum.criteria.all())
    return services.forum_score_save(
        speaker=speaker,
        judge=judge,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
    )


def rules():
    kinds = {
        "training.forum.speaker": "2",
        "training.forum.rank.1": "5",
        "training.forum.rank.2": "3",
        "training.forum.rank.3": "1",
        "training.forum.attendee": "1",
    }
    for n, (kind, points) in enumerate(kinds.items()):
        PointRule.objects.create(
            code=f"LT-{n}", name=kind, category="compete", event_kind=kind,
            points=Decimal(points), valid_from=datetime.date(2020, 1, 1),
        )  # fmt: skip


def points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))
