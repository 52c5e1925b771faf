"""Writes to the points ledger. Other apps report what a cadre did through `event_record`
(and take it back with `event_withdraw`); staff award, deduct and reverse by hand.

Every service locks the cadre's row first, so concurrent awards to one cadre are applied
one after the other and caps and totals stay exact.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core import uploads
from core.records import record_language
from scoring.choices import CapPeriod, EntryKind
from scoring.dates import period_bounds
from scoring.models import PointEntry, PointRule

ZERO = Decimal("0")


def source_key(source) -> str:
    """`training.attendance:42` for a model instance; strings are taken as they are."""
    if isinstance(source, str):
        return source
    meta = source._meta
    return f"{meta.app_label}.{meta.model_name}:{source.pk}"


def _lock(cadre: Cadre) -> Cadre:
    return Cadre.objects.select_for_update().get(pk=cadre.pk)


def closed_period_for(cadre: Cadre, day: datetime.date):
    """The closed scoring period covering `day` for the cadre's unit, if any. A closed
    period's points change only through reversing entries with a reason."""
    from cadres.models import Unit
    from scoring.choices import PeriodStatus
    from scoring.selectors.ledger import periods_covering

    path = Unit.objects.values_list("path", flat=True).get(pk=cadre.unit_id)
    return (
        periods_covering(path, [PeriodStatus.CLOSED])
        .filter(start__lte=day, end__gte=day)
        .order_by("-end")
        .first()
    )


def _refuse_closed(cadre: Cadre, day: datetime.date, field: str = "occurred_on") -> None:
    period = closed_period_for(cadre, day)
    if period is not None:
        raise ValidationError(
            {
                field: _("%(period)s已关闭，不能再记入该期；如需更正，请对原明细冲销并说明理由。")
                % {"period": period.name}
            }
        )


def _rule_sum_in_period(cadre: Cadre, rule: PointRule, day: datetime.date) -> Decimal:
    start, end = period_bounds(rule.cap_period, day)
    # Reversals carry their original's rule, so a reversed award frees its share again.
    total = PointEntry.objects.filter(
        rule=rule, cadre=cadre, occurred_on__range=(start, end)
    ).aggregate(total=Sum("points"))["total"]
    return total or ZERO


def _capped(
    cadre: Cadre, rule: PointRule, points: Decimal, day: datetime.date
) -> tuple[Decimal, str]:
    """Points after the rule's cap for the period containing `day`, and why, if capped."""
    if not rule.cap_period:
        return points, ""
    used = _rule_sum_in_period(cadre, rule, day)
    if points >= 0:
        allowed = max(ZERO, min(points, rule.cap_points - used))
    else:  # a deduction rule: the cap bounds how much can be taken in the period
        allowed = min(ZERO, max(points, -rule.cap_points - used))
    if allowed == points:
        return points, ""
    with record_language():
        return allowed, _("已达%(period)s上限%(cap)s分（原应%(points)s分）") % {
            "period": CapPeriod(rule.cap_period).label,
            "cap": rule.cap_points,
            "points": points,
        }


def rules_for(kind: str, day: datetime.date):
    return PointRule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), event_kind=kind, valid_from__lte=day
    ).order_by("code")


@transaction.atomic
def event_record(
    *, kind: str, cadre: Cadre, occurred_on: datetime.date, source, quantity: int = 1, actor=None
) -> list[PointEntry]:
    """Score something a cadre did (e.g. `training.attendance.present` for an attendance row).

    Applies every rule for `kind` valid on `occurred_on`, each within its period cap, and
    writes one ledger entry per rule. Idempotent on (kind, source): a second call returns the
    entries of the first and writes nothing. Rules needing approval are skipped here (their
    items come in as declarations).
    """
    if quantity < 1:
        raise ValidationError({"quantity": _("数量至少为1。")})
    key = source_key(source)
    cadre = _lock(cadre)
    existing = list(PointEntry.objects.filter(kind=EntryKind.EVENT, event_kind=kind, source=key))
    if existing:
        return existing
    booked_on, late_note = _booking_day(cadre, occurred_on)
    entries = []
    for rule in rules_for(kind, occurred_on).filter(needs_approval=False):
        points, note = _capped(cadre, rule, rule.points * quantity, booked_on)
        entries.append(
            PointEntry.objects.create(
                cadre=cadre,
                points=points,
                kind=EntryKind.EVENT,
                rule=rule,
                event_kind=kind,
                source=key,
                occurred_on=booked_on,
                reason="；".join(filter(None, [note or rule.name, late_note])),
                author=actor,
            )
        )
    return entries


def events_record_new(*, kind: str, items, actor=None) -> int:
    """`event_record` for many facts at once, for daily jobs reporting e.g. overdue talks:
    `items` are (cadre_id, occurred_on, source) triples. Nothing is read beyond one query when
    no rule scores `kind`; otherwise the sources already recorded are skipped (one query) and
    each new one is recorded in its own transaction. Returns how many items were recorded."""
    items = list(items)
    if not items or not PointRule.objects.filter(event_kind=kind).exists():
        return 0
    keys = {source_key(source) for _, _, source in items}
    seen = set(
        PointEntry.objects.filter(
            kind=EntryKind.EVENT, event_kind=kind, source__in=keys
        ).values_list("source", flat=True)
    )
    recorded = 0
    for cadre_id, occurred_on, source in items:
        key = source_key(source)
        if key in seen:
            continue
        seen.add(key)
        if event_record(
            kind=kind, cadre=Cadre(pk=cadre_id), occurred_on=occurred_on, source=key, actor=actor
        ):
            recorded += 1
    return recorded


def _booking_day(cadre: Cadre, occurred_on: datetime.date) -> tuple[datetime.date, str]:
    """Where an event is booked: on its day, or, when that day's period is already closed
    (e.g. attendance recorded late), today, with a note of when it happened."""
    from django.utils import timezone

    if closed_period_for(cadre, occurred_on) is None:
        return occurred_on, ""
    today = timezone.localdate()
    _refuse_closed(cadre, today)
    return today, _late_note(occurred_on)


def _withdrawn() -> str:
    with record_language():
        return _("来源记录已撤销")


def _late_note(day: datetime.date) -> str:
    with record_language():
        return _("补记：发生于%(day)s，该期已关闭") % {"day": day.isoformat()}


def late_booking(day: datetime.date):
    """`_booking_day` for many cadres at once: one query for the closed periods covering
    `day`, then a function from a cadre's unit path to (booking day, note)."""
    from django.utils import timezone

    from scoring.choices import PeriodStatus
    from scoring.models import ScoringPeriod

    closed = list(
        ScoringPeriod.objects.filter(
            status=PeriodStatus.CLOSED, start__lte=day, end__gte=day
        ).values_list("unit__path", flat=True)
    )
    today = timezone.localdate()

    def booking(path: str) -> tuple[datetime.date, str]:
        if any(path.startswith(prefix) for prefix in closed):
            return today, _late_note(day)
        return day, ""

    return booking


@transaction.atomic
def event_withdraw(*, kind: str, source, actor=None, reason: str = "") -> list[PointEntry]:
    """Take back what `event_record(kind, source)` awarded (e.g. attendance corrected to
    absent): a reversing entry for each entry not yet reversed. Idempotent."""
    key = source_key(source)
    reversals = []
    entries = PointEntry.objects.filter(kind=EntryKind.EVENT, event_kind=kind, source=key)
    for entry in entries.filter(reversed_by__isnull=True).select_related("cadre"):
        reversals.append(entry_reverse(entry=entry, actor=actor, reason=reason or _withdrawn()))
    return reversals


@transaction.atomic
def points_award(
    *,
    cadre: Cadre,
    points: Decimal,
    reason: str,
    actor,
    occurred_on: datetime.date,
    rule: PointRule | None = None,
) -> PointEntry:
    """A manual award (positive) or deduction (negative) by staff, with a reason."""
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = _("手工加减分必须填写理由。")
    if points == 0:
        errors["points"] = _("分值不能为0。")
    if errors:
        raise ValidationError(errors)
    cadre = _lock(cadre)
    _refuse_closed(cadre, occurred_on)
    return PointEntry.objects.create(
        cadre=cadre,
        points=points,
        kind=EntryKind.MANUAL,
        rule=rule,
        event_kind=rule.event_kind if rule else "",
        occurred_on=occurred_on,
        reason=reason,
        author=actor,
    )


@transaction.atomic
def entry_reverse(*, entry: PointEntry, actor, reason: str) -> PointEntry:
    """Correct an entry by adding its opposite, dated like the original so that the period's
    total changes where the mistake was made. An entry is reversed at most once, and a
    reversal itself is not reversed (record a new entry instead)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("冲销必须填写理由。")})
    _lock(entry.cadre)
    entry = PointEntry.objects.select_related("rule").get(pk=entry.pk)
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": _("冲销记录不能再冲销，请另行记录一笔。")})
    if PointEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("该明细已被冲销。")})
    return PointEntry.objects.create(
        cadre_id=entry.cadre_id,
        points=-entry.points,
        kind=EntryKind.REVERSAL,
        rule=entry.rule,
        event_kind=entry.event_kind,
        source=entry.source,
        occurred_on=entry.occurred_on,
        reason=reason,
        reverses=entry,
        author=actor,
    )


EVIDENCE_MAX_BYTES = uploads.MAX_BYTES


@transaction.atomic
def declaration_submit(
    *,
    cadre: Cadre,
    rule: PointRule,
    occurred_on: datetime.date,
    description: str,
    evidence=None,
    actor,
):
    """A cadre declares an item under a rule; evidence is required when the rule says so."""
    from scoring.models import Declaration

    description = description.strip()
    errors = {}
    if not description:
        errors["description"] = _("请填写申报事项。")
    if rule.valid_from > occurred_on or (rule.valid_to and rule.valid_to < occurred_on):
        errors["rule"] = _("该规则在发生日期不适用。")
    if rule.needs_evidence and evidence is None:
        errors["evidence"] = _("该规则需要上传佐证材料。")
    if errors:
        raise ValidationError(errors)
    _refuse_closed(cadre, occurred_on)
    suffix = uploads.upload_check(evidence, field="evidence") if evidence is not None else ""
    declaration = Declaration(
        cadre=cadre, rule=rule, occurred_on=occurred_on, description=description
    )
    if evidence is not None:
        declaration.evidence.save(f"evidence{suffix}", evidence, save=False)
    declaration.save()
    return declaration


@transaction.atomic
def declaration_decide(*, declaration, approve: bool, actor, reason: str = ""):
    """Approve (writes the ledger entry, within the rule's cap) or reject (reason required).
    A declaration is decided once."""
    from django.utils import timezone

    from scoring.models import Declaration

    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != Declaration.Status.PENDING:
        raise ValidationError({"status": _("该申报已审核。")})
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"decision_reason": _("退回申报必须填写理由。")})
    if approve:
        cadre = _lock(declaration.cadre)
        _refuse_closed(cadre, declaration.occurred_on)
        rule = declaration.rule
        points, note = _capped(cadre, rule, rule.points, declaration.occurred_on)
        declaration.entry = PointEntry.objects.create(
            cadre=cadre,
            points=points,
            kind=EntryKind.DECLARATION,
            rule=rule,
            event_kind=rule.event_kind,
            source=source_key(declaration),
            occurred_on=declaration.occurred_on,
            reason=note or declaration.description,
            author=actor,
        )
    declaration.status = Declaration.Status.APPROVED if approve else Declaration.Status.REJECTED
    declaration.decided_by = actor
    declaration.decided_at = timezone.now()
    declaration.decision_reason = reason
    declaration.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "entry",
            "updated_at",
        ]
    )
    return declaration
