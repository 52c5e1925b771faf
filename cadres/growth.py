"""The cadres app's timeline items for the growth record (`core.growth`): positions held
(任职经历, promotions marked) and rewards and sanctions (奖惩). Two queries for any number of
cadres."""

from django.utils.translation import gettext as _

from cadres.models import PositionRecord, RewardSanction
from core.growth import GrowthItem, GrowthKind


def _range(rows, field: str, start, end):
    if start:
        rows = rows.filter(**{f"{field}__gte": start})
    if end:
        rows = rows.filter(**{f"{field}__lte": end})
    return rows


def growth_items(*, cadres, start=None, end=None, viewer=None) -> list[GrowthItem]:
    """Positions taken up and rewards/sanctions of `cadres` (a queryset or ids) dated within
    [start, end]."""
    items = []
    for p in _range(PositionRecord.objects.filter(cadre__in=cadres), "start_date", start, end):
        title = _("提拔任用") if p.is_promotion else _("任职")
        detail = f"{p.unit_name} {p.position}"
        if p.rank:
            detail += f"（{p.rank}）"
        if p.note:
            detail += f" · {p.note}"
        items.append(
            GrowthItem(
                cadre_id=p.cadre_id,
                date=p.start_date,
                kind=GrowthKind.CAREER,
                title=str(title),
                detail=detail,
                extra={"promotion": p.is_promotion},
            )
        )
    for r in _range(RewardSanction.objects.filter(cadre__in=cadres), "date", start, end):
        detail = " · ".join(x for x in [r.level, r.issuer, r.note] if x)
        items.append(
            GrowthItem(
                cadre_id=r.cadre_id,
                date=r.date,
                kind=GrowthKind.CAREER,
                title=f"{r.get_kind_display()}：{r.title}",
                detail=detail,
                extra={"record_kind": r.kind},
            )
        )
    return items
