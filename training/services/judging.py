"""What judged events share (forums score speakers, research defenses score topics): parsing
a rubric's numbers, replacing the rubric, judges' score cards, and the mechanics of publishing
results under a new version and withdrawing them with their points."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.services import event_record, event_withdraw
from training.models.judging import POSITION_MAX


def decimal_or_none(raw) -> Decimal | None:
    """`raw` as a finite Decimal, or None when it is not a number."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def rubric_replace(*, event, criterion_model, event_field: str, rows) -> list:
    """Replace `event`'s rubric by `rows` of (name, max score, position), already checked
    (positions are clamped to what the column holds).
    The caller holds the event's lock and has refused once any judge has scored."""
    event.criteria.all().delete()
    return criterion_model.objects.bulk_create(
        [
            criterion_model(
                **{event_field: event},
                name=name,
                max_score=top,
                position=min(max(position, 0), POSITION_MAX),
            )
            for name, top, position in rows
        ]
    )


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


def results_mark_published(event) -> int:
    """Stamp `event`'s results as published under a new version (so a publication after a
    withdrawal is a new points source); returns that version. The caller holds the lock."""
    event.results_version += 1
    event.results_published_at = timezone.now()
    event.save(update_fields=["results_version", "results_published_at", "updated_at"])
    return event.results_version


def results_mark_withdrawn(event) -> None:
    """Take `event`'s publication back: scoring reopens; the version stays for the withdrawal
    of its points."""
    event.results_published_at = None
    event.save(update_fields=["results_published_at", "updated_at"])


def events_record(*, kinds, cadre, occurred_on, source, actor) -> None:
    """`event_record` of each of `kinds` for one cadre under one source."""
    for kind in kinds:
        event_record(kind=kind, cadre=cadre, occurred_on=occurred_on, source=source, actor=actor)


def events_withdraw(*, kinds, source, actor, reason: str = "") -> None:
    """`event_withdraw` of each of `kinds` (those never recorded are no-ops) under a source."""
    for kind in kinds:
        event_withdraw(kind=kind, source=source, actor=actor, reason=reason)
