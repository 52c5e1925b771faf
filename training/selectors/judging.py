"""Results of judged events (forum speakers, defended research topics): each judge's total
over the rubric, the mean of the judges' totals, and a competition rank (1, 1, 3)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass
class JudgedResult:
    subject_id: int
    judges: int  # judges who handed in a complete card
    mean: Decimal | None  # mean of their totals, two decimals; None while nobody has scored
    rank: int | None = None
    by_criterion: dict[int, Decimal] = field(default_factory=dict)  # criterion id → mean


def _mean(values) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def judged_results(*, score_model, subject_field: str, subject_ids, criteria_count: int):
    """Results for the subjects with these ids, best first (unscored ones last, unranked),
    in one query whatever the number of subjects, judges and criteria. Only complete cards
    (a score for every criterion) count, in the totals and in the per-criterion means alike,
    so a judge half-way through does not drag either."""
    subject_ids = list(subject_ids)
    rows = (
        score_model.objects.filter(**{f"{subject_field}__in": subject_ids})
        .values_list(f"{subject_field}_id", "judge_id", "criterion_id", "score")
        .order_by()
    )
    cards: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for subject_id, judge_id, criterion_id, score in rows:
        cards[(subject_id, judge_id)][criterion_id] = score
    totals: dict[int, list[Decimal]] = {pk: [] for pk in subject_ids}
    per_criterion: dict[int, dict[int, list[Decimal]]] = {pk: defaultdict(list) for pk in totals}
    for (subject_id, _judge_id), card in cards.items():
        if len(card) != criteria_count:
            continue
        totals[subject_id].append(sum(card.values(), Decimal(0)))
        for criterion_id, score in card.items():
            per_criterion[subject_id][criterion_id].append(score)
    results = [
        JudgedResult(
            subject_id=pk,
            judges=len(values),
            mean=_mean(values) if values else None,
            by_criterion={c: _mean(s) for c, s in per_criterion[pk].items()},
        )
        for pk, values in totals.items()
    ]
    ordered = sorted(results, key=lambda r: (r.mean is None, -(r.mean or 0), r.subject_id))
    previous, rank = None, 0
    for position, result in enumerate(ordered, start=1):
        if result.mean is None:
            break
        if result.mean != previous:
            rank, previous = position, result.mean
        result.rank = rank
    return ordered
