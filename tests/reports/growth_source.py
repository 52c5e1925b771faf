"""A stand-in timeline source for the PDF tests (the apps' real sources are written in
parallel): three items of every GrowthKind for each cadre asked for, one this year and two
the year before, and an optional failure to test failed exports."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.growth import GrowthItem, GrowthKind

FAIL_FOR: set[int] = set()


def items(*, cadres, start=None, end=None, viewer=None):
    ids = [getattr(c, "pk", c) for c in cadres]
    year = timezone.localdate().year
    out = []
    for cadre_id in ids:
        if cadre_id in FAIL_FOR:
            raise RuntimeError("测试数据源故障")
        for kind in GrowthKind:
            for n, when in enumerate(
                (datetime.date(year, 3, 15), datetime.date(year - 1, 6, 1),
                 datetime.date(year - 1, 9, 20))
            ):  # fmt: skip
                if (start and when < start) or (end and when > end):
                    continue
                out.append(
                    GrowthItem(
                        cadre_id=cadre_id, date=when, kind=kind.value,
                        title=f"{kind.label}记录{n + 1}",
                        detail="参加县委组织部组织的专题学习，撰写心得体会一篇。",
                        points=Decimal("2.5") if n % 2 == 0 else None,
                    )
                )  # fmt: skip
    return out


SOURCE = "tests.reports.growth_source.items"
