"""Timeline items (成长档案条目): what each app recorded about cadres, as one small shared
shape, for the growth record page, its PDF and the quarterly report (architecture §3).

Each app exposes `growth_items(*, cadres, start, end, viewer) -> list[GrowthItem]` in its
selectors, built with a bounded number of queries for any number of cadres, and names it in
`SOURCES` (dotted paths, imported when used, so core does not import the apps at load time).
`reports` composes from these and stores no copies. `viewer` is the reader (None: no one in
particular, e.g. a report for the office): a source whose facts only some readers may see
(points before publication, 约谈 tasks) leaves out what `viewer` may not. Items carry only
what a reader of the cadre's record may see (never a talk's confidential note)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class GrowthKind(models.TextChoices):
    """The sections of a growth record, in the order they are shown."""

    CLASS = "class", _("菁学课堂")
    FORUM = "forum", _("菁才论坛")
    POSTING = "posting", _("实践锻炼")
    RESEARCH = "research", _("课题研究")
    WRITING = "writing", _("信息宣传")
    COLLECTIVE = "collective", _("集体活动")
    GUIDANCE = "guidance", _("导师帮带")
    TALK = "talk", _("谈心谈话")
    SELF_REPORT = "self_report", _("思想汇报与月小结")
    EVALUATION = "evaluation", _("多维评价")
    POINTS = "points", _("积分")
    CAREER = "career", _("职务变动与奖惩")


@dataclass(frozen=True)
class GrowthItem:
    cadre_id: int
    date: datetime.date
    kind: str  # GrowthKind
    title: str
    detail: str = ""
    points: Decimal | None = None
    url: str = ""  # a page with more, for readers who may open it
    extra: dict = field(default_factory=dict, compare=False, hash=False)


SOURCES: list[str] = [
    "training.selectors.growth.growth_items",
    "mentoring.selectors.growth.growth_items",
    "scoring.selectors.growth.growth_items",
    "cadres.growth.growth_items",
]


def growth_items(
    *,
    cadres,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    sources: Iterable[str] | None = None,
    viewer=None,
) -> list[GrowthItem]:
    """Every registered source's items for `cadres` (a queryset or ids) dated within
    [start, end] (either open), newest first."""
    items: list[GrowthItem] = []
    for path in SOURCES if sources is None else sources:
        items.extend(import_string(path)(cadres=cadres, start=start, end=end, viewer=viewer))
    return sorted(items, key=lambda i: (i.date, i.kind, i.title), reverse=True)
