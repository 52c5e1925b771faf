"""Results of judged events (forum speakers, defended research topics): each judge's total
over the rubric, the mean of the judges' totals, and a competition rank (1, 1, 3)."""

from collections import Counter, defaultdict
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


@dataclass
class ResultRow:
    subject: object  # the speaker or topic
    result: JudgedResult
    by_criterion: list  # means in the rubric's order (None where nobody scored)


@dataclass
class JudgeProgress:
    judge: object
    done: int  # complete cards handed in
    total: int  # subjects to score


def _mean(values) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def _complete_cards(*, score_model, subject_field: str, subject_ids, criteria_count: int):
    """(subject id, judge id) → {criterion id: score} for the complete cards only, in one
    query."""
    rows = (
        score_model.objects.filter(**{f"{subject_field}__in": subject_ids})
        .values_list(f"{subject_field}_id", "judge_id", "criterion_id", "score")
        .order_by()
    )
    cards: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for subject_id, judge_id, criterion_id, score in rows:
        cards[(subject_id, judge_id)][criterion_id] = score
    return {key: card for key, card in cards.items() if len(card) == criteria_count}


def _ranked(subject_ids: list[int], cards) -> list[JudgedResult]:
    totals: dict[int, list[Decimal]] = {pk: [] for pk in subject_ids}
    per_criterion: dict[int, dict[int, list[Decimal]]] = {pk: defaultdict(list) for pk in totals}
    for (subject_id, _judge_id), card in cards.items():
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


def judged_results(*, score_model, subject_field: str, subject_ids, criteria_count: int):
    """Results for the subjects with these ids, best first (unscored ones last, unranked),
    in one query whatever the number of subjects, judges and criteria. Only complete cards
    (a score for every criterion) count, in the totals and in the per-criterion means alike,
    so a judge half-way through does not drag either."""
    subject_ids = list(subject_ids)
    cards = _complete_cards(
        score_model=score_model,
        subject_field=subject_field,
        subject_ids=subject_ids,
        criteria_count=criteria_count,
    )
    return _ranked(subject_ids, cards)


def results_table(*, score_model, subject_field: str, subjects, criteria, judges) -> dict:
    """What a results page, its export and the API show, from one query of scores: the rubric,
    the ranked rows (see `judged_results`) and each judge's progress (complete cards handed
    in out of the subjects to score). `judges_done` counts the judges who have finished;
    `complete` says whether all have (and there is something to score)."""
    subjects = {s.pk: s for s in subjects}
    criteria, judges = list(criteria), list(judges)
    cards = _complete_cards(
        score_model=score_model,
        subject_field=subject_field,
        subject_ids=list(subjects),
        criteria_count=len(criteria),
    )
    rows = [
        ResultRow(
            subject=subjects[r.subject_id],
            result=r,
            by_criterion=[r.by_criterion.get(c.pk) for c in criteria],
        )
        for r in _ranked(list(subjects), cards)
    ]
    done = Counter(judge_id for _subject_id, judge_id in cards)
    progress = [JudgeProgress(judge=j, done=done[j.pk], total=len(subjects)) for j in judges]
    finished = sum(1 for p in progress if subjects and p.done == p.total)
    return {
        "criteria": criteria,
        "rows": rows,
        "judges": progress,
        "judges_done": finished,
        "complete": bool(subjects) and finished == len(progress),
    }


def judge_cards(scores, *, subject_field: str) -> dict[int, dict[int, Decimal]]:
    """One judge's saved scores (`scores`: their rows for one event): subject id → criterion
    id → score."""
    cards: dict[int, dict[int, Decimal]] = {}
    for subject_id, criterion_id, score in scores.values_list(
        f"{subject_field}_id", "criterion_id", "score"
    ):
        cards.setdefault(subject_id, {})[criterion_id] = score
    return cards


def rubric_frozen(event) -> bool:
    """Whether any judge has scored `event` (a forum or defense): its rubric is then fixed."""
    return event.criteria.filter(scores__isnull=False).exists()
