"""Evaluation rounds (多维评价 / 季评鉴): set up, assign evaluators, collect forms, and turn
the aggregated result into ledger entries by the round's formula."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.records import record_language
from scoring.choices import Dimension, EntryKind, EvaluatorGroup, RoundStatus
from scoring.models import (
    EvaluationAssignment,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    PointEntry,
)
from scoring.models.evaluations import (
    SCORE_MAX,
    default_dimension_weights,
    default_group_weights,
)

CENT = Decimal("0.01")
TRIM_MIN_RATINGS_LEAST = 3
EVENT_KIND = "evaluation.result"

ROUND_FIELDS = (
    "name", "kind", "unit", "cohort", "period_start", "period_end", "opens_on", "closes_on",
    "dimension_weights", "group_weights", "trim_extremes", "trim_min_ratings",
    "points_factor", "points_baseline",
)  # fmt: skip


def _weights_clean(weights, choices, field: str, errors: dict) -> dict[str, int]:
    """Every key known, every weight a whole number ≥ 0, not all zero; missing keys are 0."""
    if not isinstance(weights, dict):
        errors[field] = _("权重格式不正确。")
        return {}
    unknown = set(weights) - set(choices.values)
    if unknown:
        errors[field] = _("未知的权重项：%(keys)s") % {"keys": "、".join(sorted(unknown))}
        return {}
    cleaned = {}
    for key in choices.values:
        value = weights.get(key, 0)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0 or str(value).strip() not in (str(number), f"{number}.0"):
            errors[field] = _("“%(label)s”的权重应为不小于0的整数。") % {
                "label": choices(key).label
            }
            return {}
        cleaned[key] = number
    if not any(cleaned.values()):
        errors[field] = _("权重不能全部为0。")
    return cleaned


def _round_clean(fields: dict) -> dict:
    errors: dict = {}
    fields["name"] = (fields.get("name") or "").strip()
    if not fields["name"]:
        errors["name"] = _("请填写名称。")
    if fields["period_end"] < fields["period_start"]:
        errors["period_end"] = _("考评期结束不能早于开始。")
    if fields["closes_on"] < fields["opens_on"]:
        errors["closes_on"] = _("截止日期不能早于开始填写日期。")
    # Weights not given are the model's defaults (the usual 40/30/20/10 for the groups).
    fields["dimension_weights"] = _weights_clean(
        fields.get("dimension_weights") or default_dimension_weights(),
        Dimension,
        "dimension_weights",
        errors,
    )
    fields["group_weights"] = _weights_clean(
        fields.get("group_weights") or default_group_weights(),
        EvaluatorGroup,
        "group_weights",
        errors,
    )
    if fields.get("trim_min_ratings") is not None:
        # Below 3, dropping the highest and the lowest rating would leave nothing to average.
        try:
            fields["trim_min_ratings"] = int(fields["trim_min_ratings"])
        except (TypeError, ValueError):
            fields["trim_min_ratings"] = 0
        if fields["trim_min_ratings"] < TRIM_MIN_RATINGS_LEAST:
            errors["trim_min_ratings"] = _("去极值最少份数不能少于%(least)s份。") % {
                "least": TRIM_MIN_RATINGS_LEAST
            }
    if fields.get("points_factor") is not None and fields["points_factor"] < 0:
        errors["points_factor"] = _("折算系数不能为负数。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def round_create(*, actor, **fields) -> EvaluationRound:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    cleaned = _round_clean(fields)
    return EvaluationRound.objects.create(created_by=actor, **cleaned)


def _lock(round_: EvaluationRound) -> EvaluationRound:
    return EvaluationRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_update(*, round_: EvaluationRound, actor, **fields) -> EvaluationRound:
    """Weights and formula may change until the round is scored; the population and the
    period only before it opens. The status changes only through open/close/finalise."""
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    round_ = _lock(round_)
    if round_.status == RoundStatus.FINALISED:
        raise ValidationError({"status": _("该轮评价已计分，不能再修改。")})
    fixed_once_open = {"unit", "cohort", "period_start", "period_end"}
    current = {name: getattr(round_, name) for name in ROUND_FIELDS}
    if round_.status != RoundStatus.DRAFT:
        changed = [n for n in fixed_once_open if n in fields and fields[n] != current[n]]
        if changed:
            raise ValidationError({changed[0]: _("评价已开始，评价对象和考评期不能再修改。")})
    current.update(fields)
    cleaned = _round_clean(current)
    for name, value in cleaned.items():
        setattr(round_, name, value)
    round_.save()
    return round_


@transaction.atomic
def round_open(*, round_: EvaluationRound, actor) -> EvaluationRound:
    round_ = _lock(round_)
    if round_.status != RoundStatus.DRAFT:
        raise ValidationError({"status": _("只有准备中的评价可以开始。")})
    if not round_.assignments.exists():
        raise ValidationError({"status": _("请先分配评价人。")})
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status", "updated_at"])
    return round_


@transaction.atomic
def round_close(*, round_: EvaluationRound, actor) -> EvaluationRound:
    round_ = _lock(round_)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError({"status": _("只有评价中的轮次可以截止。")})
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status", "updated_at"])
    return round_


def round_population(round_: EvaluationRound):
    """The cadres a round evaluates: its cohort's active members, or the serving cadres of
    its unit's subtree."""
    from cadres.choices import CadreStatus, EnrolmentStatus
    from cadres.models import Cadre

    cadres = Cadre.objects.filter(round_.unit.subtree_q("unit__"), status=CadreStatus.ACTIVE)
    if round_.cohort_id:
        cadres = cadres.filter(
            enrolments__cohort_id=round_.cohort_id, enrolments__status=EnrolmentStatus.ACTIVE
        ).distinct()
    return cadres


@transaction.atomic
def assignments_add(*, round_: EvaluationRound, cadres, evaluators, group: str, actor) -> int:
    """Assign each evaluator to rate each cadre, in one evaluator group. Pairs already
    assigned are kept as they are; nobody rates themself. Returns how many were added."""
    round_ = _lock(round_)
    errors = {}
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        errors["status"] = _("评价已截止，不能再分配评价人。")
    if group not in EvaluatorGroup.values:
        errors["group"] = _("请选择评价人类别。")
    cadres = list(cadres)
    evaluators = list(evaluators)
    if not cadres:
        errors["cadres"] = _("请选择被评价干部。")
    if not evaluators:
        errors["evaluators"] = _("请选择评价人。")
    unable = [e for e in evaluators if not _may_evaluate(e)]
    if unable:
        errors["evaluators"] = _("%(names)s 的账号已停用或只有干部角色，无法填写评价表。") % {
            "names": "、".join(str(e) for e in unable)
        }
    outside = {c.pk for c in cadres} - set(
        round_population(round_).filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True)
    )
    if outside:
        errors["cadres"] = _("有%(count)s名干部不在本轮评价范围内。") % {"count": len(outside)}
    if errors:
        raise ValidationError(errors)
    rows = [
        EvaluationAssignment(round=round_, cadre=cadre, evaluator=evaluator, group=group)
        for cadre in cadres
        for evaluator in evaluators
        if cadre.user_id != evaluator.pk
    ]
    before = round_.assignments.count()
    EvaluationAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return round_.assignments.count() - before


def _may_evaluate(user) -> bool:
    """Evaluation forms open for active accounts with a role other than cadre alone."""
    from core.roles import roles_of

    return user.is_active and bool(roles_of(user) - {"cadre"})


@transaction.atomic
def assignment_remove(*, assignment: EvaluationAssignment, actor) -> None:
    assignment = EvaluationAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != EvaluationAssignment.Status.PENDING:
        raise ValidationError({"status": _("已提交的评价不能撤销分配。")})
    if assignment.round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError({"status": _("评价已截止，不能再调整评价人。")})
    assignment.delete()


@transaction.atomic
def evaluation_submit(
    *,
    assignment: EvaluationAssignment,
    scores: dict[str, int],
    actor,
    comment: str = "",
    today: datetime.date | None = None,
) -> EvaluationAssignment:
    """An evaluator fills in (or, until the deadline, revises) their form: a whole score from
    0 to 100 on each of the six dimensions."""
    today = today or timezone.localdate()
    assignment = (
        EvaluationAssignment.objects.select_for_update()
        .select_related("round")
        .get(pk=assignment.pk)
    )
    round_ = assignment.round
    if assignment.evaluator_id != getattr(actor, "pk", None):
        raise ValidationError({"evaluator": _("只能填写分配给自己的评价。")})
    if round_.status != RoundStatus.OPEN or not round_.opens_on <= today <= round_.closes_on:
        raise ValidationError(
            {
                "status": _("评价填写时间为%(start)s至%(end)s。")
                % {"start": round_.opens_on.isoformat(), "end": round_.closes_on.isoformat()}
            }
        )
    errors = {}
    cleaned = {}
    for dimension in Dimension:
        value = scores.get(dimension.value)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or str(value).strip() != str(number) or not 0 <= number <= SCORE_MAX:
            errors[dimension.value] = _("“%(label)s”请填写0到%(max)s的整数。") % {
                "label": dimension.label,
                "max": SCORE_MAX,
            }
        else:
            cleaned[dimension.value] = number
    unknown = set(scores) - set(Dimension.values)
    if unknown:
        errors["scores"] = _("未知的评价维度：%(keys)s") % {"keys": "、".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    assignment.scores.all().delete()
    EvaluationScore.objects.bulk_create(
        EvaluationScore(assignment=assignment, dimension=key, score=value)
        for key, value in cleaned.items()
    )
    assignment.status = EvaluationAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.comment = comment.strip()[:500]
    assignment.save(update_fields=["status", "submitted_at", "comment", "updated_at"])
    return assignment


def points_for(round_: EvaluationRound, score: Decimal) -> Decimal:
    return ((score - round_.points_baseline) * round_.points_factor).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def round_finalise(*, round_: EvaluationRound, actor) -> list[EvaluationResult]:
    """Score a closed round: aggregate the submitted forms (see `round_results`) and write one
    ledger entry per cadre rated, by the round's formula, dated on the period's last day
    (or today, with a note, when that period is already closed). Done once."""
    from cadres.models import Cadre
    from scoring.selectors.evaluations import round_results
    from scoring.services.ledger import late_booking

    round_ = _lock(round_)
    if round_.status != RoundStatus.CLOSED:
        raise ValidationError({"status": _("请先截止评价，再计分。")})
    results = round_results(round_)
    if not results:
        raise ValidationError({"status": _("本轮没有已提交的评价，无法计分。")})
    # Lock the rated cadres like every other ledger write, in one statement.
    cadres = {
        c.pk: c
        for c in Cadre.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=list(results))
    }
    # Dated on the period's last day, or today when a round is scored before its period ends
    # (entries are never dated in the future).
    booking = late_booking(min(round_.period_end, timezone.localdate()))
    with record_language():
        formula = round_.formula()
        composite = _("综合得分")
    entries = []
    for cadre_id, result in results.items():
        booked_on, late = booking(cadres[cadre_id].unit.path)
        entries.append(
            PointEntry(
                cadre_id=cadre_id,
                points=points_for(round_, result.score),
                kind=EntryKind.EVALUATION,
                event_kind=EVENT_KIND,
                source=f"scoring.evaluationround:{round_.pk}",
                occurred_on=booked_on,
                reason="；".join(
                    filter(None, [f"{round_.name}：{composite}{result.score}，{formula}", late])
                )[:300],
                author=actor,
            )
        )
    entries = PointEntry.objects.bulk_create(entries)
    stored = [
        EvaluationResult(
            round=round_,
            cadre_id=entry.cadre_id,
            score=results[entry.cadre_id].score,
            dimension_scores={k: str(v) for k, v in results[entry.cadre_id].dimensions.items()},
            ratings=results[entry.cadre_id].ratings,
            entry=entry,
        )
        for entry in entries
    ]
    EvaluationResult.objects.bulk_create(stored)
    round_.status = RoundStatus.FINALISED
    round_.save(update_fields=["status", "updated_at"])
    return stored
