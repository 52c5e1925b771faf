"""What a cadre's points page shows, read through the viewer's scope: a cadre viewing their
own page sees only what has been published to them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncQuarter

from cadres.models import Cadre
from scoring.choices import CapPeriod, Dimension
from scoring.dates import period_bounds
from scoring.models import Declaration, EvaluationResult, PointEntry
from scoring.selectors.evaluations import results_visible_to
from scoring.selectors.ledger import entries_visible_to


def cadre_entries(viewer, cadre: Cadre) -> QuerySet[PointEntry]:
    reversal = PointEntry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    return (
        entries_visible_to(viewer)
        .filter(cadre=cadre)
        .select_related("rule", "author")
        .annotate(reversal_id=Subquery(reversal))
        .order_by("-occurred_on", "-id")
    )


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarterly_totals(
    viewer, cadre: Cadre, *, today: datetime.date, quarters: int = 8
) -> list[tuple[str, Decimal]]:
    """Totals of the last `quarters` quarters up to `today`'s, oldest first (one query);
    quarters without entries count 0 once the first entry has appeared."""
    starts = [period_bounds(CapPeriod.QUARTER, today)[0]]
    for _ in range(quarters - 1):
        starts.append(period_bounds(CapPeriod.QUARTER, starts[-1] - datetime.timedelta(days=1))[0])
    starts.reverse()
    sums = dict(
        entries_visible_to(viewer)
        .filter(cadre=cadre, occurred_on__gte=starts[0], occurred_on__lte=today)
        .annotate(quarter=TruncQuarter("occurred_on"))
        .values_list("quarter")
        .annotate(total=Sum("points"))
        .values_list("quarter", "total")
    )
    sums = {
        (q.date() if isinstance(q, datetime.datetime) else q): total for q, total in sums.items()
    }
    series = [(quarter_label(start), sums.get(start, Decimal("0"))) for start in starts]
    # Quarters before the first entry and after the last one carry no information (for a
    # cadre, the current quarter is not published yet): show the span that has entries.
    while series and starts[0] not in sums:
        series.pop(0)
        starts.pop(0)
    while series and starts[-1] not in sums:
        series.pop()
        starts.pop()
    return series


@dataclass(frozen=True)
class Profile:
    result: EvaluationResult
    axes: list[tuple[str, Decimal | None]]


def latest_profile(viewer, cadre: Cadre) -> Profile | None:
    """The six-dimension scores of the cadre's latest scored evaluation (no evaluator named)."""
    result = (
        results_visible_to(viewer)
        .filter(cadre=cadre)
        .order_by("-round__period_end", "-round_id")
        .first()
    )
    if result is None:
        return None
    scores = result.dimension_scores or {}
    axes = [
        (str(d.label), Decimal(scores[d.value]) if d.value in scores else None) for d in Dimension
    ]
    return Profile(result=result, axes=axes)


def cadre_declarations(cadre: Cadre) -> QuerySet[Declaration]:
    return Declaration.objects.filter(cadre=cadre).select_related("rule").order_by("-created_at")
