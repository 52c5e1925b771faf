"""Excel export of a published period table (公示排名)."""

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes
from scoring.models import PeriodStanding, ScoringPeriod


def _sheet_title(name: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows at most 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet1"


def period_xlsx(period: ScoringPeriod, rows: QuerySet[PeriodStanding]) -> bytes:
    """The published rows (already scoped by the caller), in rank order."""
    headers = [
        _("排名"),
        _("姓名"),
        _("单位"),
        _("单位内排名"),
        _("批次"),
        _("批次内排名"),
        _("总分"),
        _("上期总分"),
        _("变化"),
        _("百分位"),
        _("参与排名人数"),
    ]

    def values(row: PeriodStanding) -> list:
        return [
            row.rank,
            row.cadre.name,
            row.unit.full_name,
            row.unit_rank,
            row.cohort.name if row.cohort_id else "",
            row.cohort_rank,
            row.total,
            row.previous_total,
            row.trend,
            round(row.percentile * 100, 1),
            row.population,
        ]

    return xlsx_bytes(
        title=_sheet_title(period.name),
        headers=headers,
        rows=(values(row) for row in rows.iterator(chunk_size=2000)),
        widths={_("单位"): 28, _("批次"): 16},
    )
