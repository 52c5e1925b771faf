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
    return _cap(rule, points, _rule_sum_in_period(cadre, rule, day))


def _cap(rule: PointRule, points: Decimal, used: Decimal) -> tuple[Decimal, str]:
    """`points` within what is left of the rule's cap after `used` in the period."""
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
    `items` are (cadre_id, occurred_on, source) triples. The same rules, caps, closed-period
    bookings and idempotence per (kind, source) as one call per item, in a bounded number of
    queries: the rules, the sources already recorded, the cadres (locked, as `event_record`
    locks one), the closed periods per distinct day, the points already used under capped
    rules, and one bulk insert. Returns how many items were recorded (scored by a rule)."""
    rules = list(PointRule.objects.filter(event_kind=kind, needs_approval=False).order_by("code"))
    items = list(items)
    if not items or not rules:
        return 0  # nothing scores it: no transaction, no further reads
    return _events_record_new(kind, rules, items, actor)


@transaction.atomic
def _events_record_new(kind: str, rules: list[PointRule], items: list, actor) -> int:
    pending: dict[str, tuple[int, datetime.date]] = {}
    for cadre_id, occurred_on, source in items:
        pending.setdefault(source_key(source), (cadre_id, occurred_on))
    recorded = set(
        PointEntry.objects.filter(
            kind=EntryKind.EVENT, event_kind=kind, source__in=list(pending)
        ).values_list("source", flat=True)
    )
    new = [(key, *pending[key]) for key in pending if key not in recorded]
    if not new:
        return 0
    cadre_ids = sorted({cadre_id for _, cadre_id, _ in new})
    list(Cadre.objects.select_for_update().filter(pk__in=cadre_ids).order_by("pk").values("pk"))
    paths = dict(Cadre.objects.filter(pk__in=cadre_ids).values_list("pk", "unit__path"))
    bookings = {day: late_booking(day) for day in {day for _, _, day in new}}
    booked = [(key, cadre_id, day, *bookings[day](paths[cadre_id])) for key, cadre_id, day in new]
    used = _used_under_caps([r for r in rules if r.cap_period], booked)
    entries, scored = [], 0
    for key, cadre_id, day, booked_on, late_note in sorted(booked, key=lambda b: (b[3], b[0])):
        valid = [
            r for r in rules
            if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)
        ]  # fmt: skip
        for rule in valid:
            points, note = rule.points, ""
            if rule.cap_period:
                bucket = (cadre_id, rule.pk, period_bounds(rule.cap_period, booked_on))
                points, note = _cap(rule, points, used.get(bucket, ZERO))
                used[bucket] = used.get(bucket, ZERO) + points
            entries.append(
                PointEntry(
                    cadre_id=cadre_id, points=points, kind=EntryKind.EVENT, rule=rule,
                    event_kind=kind, source=key, occurred_on=booked_on,
                    reason="；".join(filter(None, [note or rule.name, late_note])), author=actor,
                )
            )  # fmt: skip
        scored += bool(valid)
    PointEntry.objects.bulk_create(entries, batch_size=2_000)
    return scored


def _used_under_caps(rules: list[PointRule], booked) -> dict:
    """Points already booked per (cadre, capped rule, cap period) for the periods the new
    bookings fall in: one query."""
    if not rules or not booked:
        return {}
    days = [b[3] for b in booked]
    starts, ends = [], []
    for rule in rules:
        starts.append(period_bounds(rule.cap_period, min(days))[0])
        ends.append(period_bounds(rule.cap_period, max(days))[1])
    used: dict = {}
    rows = (
        PointEntry.objects.filter(
            rule__in=rules, cadre__in={b[1] for b in booked},
            occurred_on__range=(min(starts), max(ends)),
        )
        .values("cadre_id", "rule_id", "occurred_on")
        .annotate(total=Sum("points"))
        .order_by()
    )  # fmt: skip
    caps = {rule.pk: rule.cap_period for rule in rules}
    for row in rows:
        bucket = (
            row["cadre_id"],
            row["rule_id"],
            period_bounds(caps[row["rule_id"]], row["occurred_on"]),
        )
        used[bucket] = used.get(bucket, ZERO) + row["total"]
    return used


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
