"""Read side of evaluations: aggregation (set-based SQL), progress, and who sees which round."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, Value, When

from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import is_admin
from scoring.choices import Dimension, EvaluatorGroup, RoundStatus
from scoring.models import EvaluationAssignment, EvaluationResult, EvaluationRound

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RoundResult:
    score: Decimal
    dimensions: dict[str, Decimal]
    ratings: int


def _group_sums(round_: EvaluationRound) -> dict[int, dict[tuple[str, str], tuple[int, int]]]:
    """Sum and count of the scores per cadre, evaluator group and dimension over the
    submitted forms, in SQL.

    When the round trims and a group has at least `trim_min_ratings` ratings of a cadre on a
    dimension, the single highest and lowest are dropped first (ROW_NUMBER from each end,
    so with ties exactly one of each goes). Whole numbers come back, so the means stay exact.
    """
    sql = """
        WITH rated AS (
            SELECT a.cadre_id, a."group" AS grp, s.dimension, s.score,
                   ROW_NUMBER() OVER w_up AS from_low,
                   ROW_NUMBER() OVER w_down AS from_high,
                   COUNT(*) OVER w_all AS ratings
            FROM scoring_evaluationscore s
            JOIN scoring_evaluationassignment a ON a.id = s.assignment_id
            WHERE a.round_id = %s AND a.status = 'submitted'
            WINDOW w_all AS (PARTITION BY a.cadre_id, a."group", s.dimension),
                   w_up AS (PARTITION BY a.cadre_id, a."group", s.dimension ORDER BY s.score, a.id),
                   w_down AS (PARTITION BY a.cadre_id, a."group", s.dimension
                              ORDER BY s.score DESC, a.id DESC)
        )
        SELECT cadre_id, grp, dimension, SUM(score), COUNT(*)
        FROM rated
        WHERE NOT (%s AND ratings >= %s AND (from_low = 1 OR from_high = 1))
        GROUP BY cadre_id, grp, dimension
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, round_.trim_extremes, round_.trim_min_ratings])
        rows = cursor.fetchall()
    sums: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    for cadre_id, group, dimension, total, count in rows:
        sums.setdefault(cadre_id, {})[(group, dimension)] = (int(total), int(count))
    return sums


def group_means(round_: EvaluationRound) -> dict[int, dict[tuple[str, str], Decimal]]:
    """Mean score per cadre, evaluator group and dimension over the submitted forms, after
    trimming (see `_group_sums`)."""
    return {
        cadre_id: {key: Decimal(total) / count for key, (total, count) in by_key.items()}
        for cadre_id, by_key in _group_sums(round_).items()
    }


def _weighted(values: dict[str, Fraction], weights: dict[str, int]) -> Fraction | None:
    """Weighted mean over the keys present; absent keys' weights are left out (a cadre
    nobody from the public rated is scored on the other groups alone)."""
    total_weight = sum(weights.get(k, 0) for k in values)
    if not total_weight:
        return None
    return sum(v * weights.get(k, 0) for k, v in values.items()) / total_weight


def _to_cent(value: Fraction) -> Decimal:
    """Round an exact value to 0.01, half away from zero (as ROUND_HALF_UP does)."""
    hundredths = abs(value) * 100
    cents = math.floor(hundredths + Fraction(1, 2))
    return (Decimal(cents if value >= 0 else -cents) / 100).quantize(CENT, ROUND_HALF_UP)


def round_results(round_: EvaluationRound) -> dict[int, RoundResult]:
    """Per cadre: each dimension's score (group means weighted by the group weights), the
    composite score (dimension scores weighted by the dimension weights) and the number of
    forms counted. Computed with exact fractions and rounded to 0.01 at the end only (a mean
    such as 241/3 cut to a few decimals could tip a half-cent the wrong way)."""
    sums = _group_sums(round_)
    ratings = dict(
        round_.assignments.filter(status=EvaluationAssignment.Status.SUBMITTED)
        .values_list("cadre_id")
        .annotate(n=Count("id"))
        .values_list("cadre_id", "n")
    )
    results = {}
    for cadre_id, by_key in sums.items():
        dimensions = {}
        for dimension in Dimension.values:
            per_group = {
                g: Fraction(total, count)
                for (g, d), (total, count) in by_key.items()
                if d == dimension
            }
            value = _weighted(per_group, round_.group_weights)
            if value is not None:
                dimensions[dimension] = value
        composite = _weighted(dimensions, round_.dimension_weights)
        if composite is None:
            continue
        results[cadre_id] = RoundResult(
            score=_to_cent(composite),
            dimensions={k: _to_cent(v) for k, v in dimensions.items()},
            ratings=ratings.get(cadre_id, 0),
        )
    return results


def rounds_visible_to(user) -> QuerySet[EvaluationRound]:
    """Administrators all; staff and leaders the rounds of units in their subtree."""
    if is_admin(user):
        return EvaluationRound.objects.all()
    if not user.has_perm("scoring.view_evaluationround"):
        return EvaluationRound.objects.none()
    return EvaluationRound.objects.filter(unit__in=units_visible_to(user))


def rounds_managed_by(user) -> QuerySet[EvaluationRound]:
    if not user.has_perm("scoring.change_evaluationround"):
        return EvaluationRound.objects.none()
    return rounds_visible_to(user)


def round_list(user) -> QuerySet[EvaluationRound]:
    """Rounds with their progress counts, in one query."""
    submitted = Q(assignments__status=EvaluationAssignment.Status.SUBMITTED)
    return (
        rounds_visible_to(user)
        .select_related("unit", "cohort")
        .annotate(
            assigned=Count("assignments"),
            submitted=Count("assignments", filter=submitted),
            rated_cadres=Count("assignments__cadre", distinct=True),
        )
        .order_by("-period_end", "-id")
    )


@dataclass(frozen=True)
class GroupProgress:
    group: str
    label: str
    submitted: int
    assigned: int


def round_progress(round_: EvaluationRound) -> list[GroupProgress]:
    counts = {
        row["group"]: row
        for row in round_.assignments.values("group").annotate(
            assigned=Count("id"),
            submitted=Count("id", filter=Q(status=EvaluationAssignment.Status.SUBMITTED)),
        )
    }
    return [
        GroupProgress(
            group=g.value,
            label=str(g.label),
            submitted=counts.get(g.value, {}).get("submitted", 0),
            assigned=counts.get(g.value, {}).get("assigned", 0),
        )
        for g in EvaluatorGroup
    ]


def round_cadre_progress(round_: EvaluationRound, user):
    """Per cadre in the user's scope: forms assigned and submitted (staff see who is behind;
    evaluators' names are not part of it)."""
    return (
        cadres_visible_to(user)
        .filter(evaluation_assignments__round=round_)
        .select_related("unit")
        .annotate(
            assigned=Count(
                "evaluation_assignments", filter=Q(evaluation_assignments__round=round_)
            ),
            submitted=Count(
                "evaluation_assignments",
                filter=Q(
                    evaluation_assignments__round=round_,
                    evaluation_assignments__status=EvaluationAssignment.Status.SUBMITTED,
                ),
            ),
        )
        .order_by("name_pinyin", "pk")
    )


def assignments_of(user) -> QuerySet[EvaluationAssignment]:
    """An evaluator's own forms, open rounds first."""
    return (
        EvaluationAssignment.objects.filter(evaluator=user)
        .exclude(round__status=RoundStatus.DRAFT)
        .select_related("round", "cadre", "cadre__unit")
        .order_by(
            Case(When(round__status=RoundStatus.OPEN, then=Value(0)), default=Value(1)),
            Case(When(status=EvaluationAssignment.Status.PENDING, then=Value(0)), default=Value(1)),
            "round__closes_on",
            "round_id",
            "cadre__name_pinyin",
            "pk",
        )
    )


def results_visible_to(user) -> QuerySet[EvaluationResult]:
    """Scored results of the cadres `user` may see: composite and dimension scores only,
    never who rated or a single form (anonymity toward the cadre)."""
    return EvaluationResult.objects.filter(
        cadre__in=cadres_visible_to(user), round__status=RoundStatus.FINALISED
    ).select_related("round")
