"""Judges' score cards, shared by forums (a speaker) and research defenses (a topic)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


def score_card_field(criterion) -> str:
    """The form and API field name of one criterion's score."""
    return f"criterion_{criterion.pk}"


def _parsed(raw, criterion) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {
                score_card_field(criterion): _("“%(name)s”的得分须为数字。")
                % {"name": criterion.name}
            }
        ) from None
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ValidationError(
            {
                score_card_field(criterion): _("“%(name)s”的得分须在0到%(max)s之间。")
                % {"name": criterion.name, "max": criterion.max_score}
            }
        )
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def score_card_save(*, score_model, subject_field: str, subject, criteria, judge, scores) -> int:
    """Store `judge`'s complete card for `subject`: one score per criterion, each between 0 and
    the criterion's maximum. A judge may revise their card; it replaces the earlier scores.
    `scores` maps a criterion's id (an int, or a string as JSON keys are, or its field name) to
    a number; other keys are ignored. Returns the rows saved.
    The caller has checked that `judge` sits on the panel and that scoring is still open."""
    criteria = list(criteria)
    if not criteria:
        raise ValidationError(_("尚未设置评分项，无法评分。"))
    errors: dict[str, list[str]] = {}
    values = {}
    for criterion in criteria:
        raw = next(
            (
                scores[key]
                for key in (criterion.pk, str(criterion.pk), score_card_field(criterion))
                if key in scores
            ),
            None,
        )
        if raw in (None, ""):
            errors[score_card_field(criterion)] = [
                _("请为“%(name)s”打分。") % {"name": criterion.name}
            ]
            continue
        try:
            values[criterion.pk] = _parsed(raw, criterion)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rows = [
        score_model(
            **{subject_field: subject},
            criterion=criterion,
            judge=judge,
            score=values[criterion.pk],
            created_at=now,
            updated_at=now,
        )
        for criterion in criteria
    ]
    score_model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=[subject_field, "criterion", "judge"],
        update_fields=["score", "updated_at"],
    )
    return len(rows)
