"""Results of judged events (forum speakers, defended research topics): each judge's total
over the rubric, the mean of the judges' totals, and a competition rank (1, 1, 3)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Sum


@dataclass
class JudgedResult:
    subject_id: int
    judges: int  # judges who handed in a complete card
    mean: Decimal | None  # mean of their totals, two decimals; None while nobody has scored
    rank: int | None = None
    by_criterion: dict[int, Decimal] = field(default_factory=dict)  # criterion id → mean


def judged_results(*, score_model, subject_field: str, subject_ids, criteria_count: int):
    """Results for the subjects with these ids, best first (unscored ones last, unranked),
    in two queries whatever the number of subjects, judges and criteria. Only complete cards
    (a score for every criterion) count, so a judge half-way through does not drag a mean."""
    subject_ids = list(subject_ids)
    cards = (
        score_model.objects.filter(**{f"{subject_field}__in": subject_ids})
        .values(subject_field, "judge")
        .annotate(total=Sum("score"), n=Count("criterion"))
        .order_by()
    )
    totals: dict[int, list[Decimal]] = {pk: [] for pk in subject_ids}
    for card in cards:
        if card["n"] == criteria_count:
            totals[card[subject_field]].append(card["total"])
    per_criterion = (
        score_model.objects.filter(**{f"{subject_field}__in": subject_ids})
        .values(subject_field, "criterion")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    results = {
        pk: JudgedResult(
            subject_id=pk,
            judges=len(values),
            mean=(
                (sum(values) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if values
                else None
            ),
        )
        for pk, values in totals.items()
    }
    for row in per_criterion:
        results[row[subject_field]].by_criterion[row["criterion"]] = Decimal(row["mean"]).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    ordered = sorted(results.values(), key=lambda r: (r.mean is None, -(r.mean or 0), r.subject_id))
    previous, rank = None, 0
    for position, result in enumerate(ordered, start=1):
        if result.mean is None:
            break
        if result.mean != previous:
            rank, previous = position, result.mean
        result.rank = rank
    return ordered
