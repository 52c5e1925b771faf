"""Writes for pairings (帮带结对): pair, change, end, and the "2+1" template (one township
secretary + one village secretary + one experienced peer). Every change is kept in the
pairing's history (django-simple-history) with the acting user."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.records import record_language
from mentoring.choices import MentorType, PairingRole, PairingStatus
from mentoring.models import Mentor, Pairing

# The mentor types a role accepts; roles not listed accept any type.
ROLE_MENTOR_TYPES: dict[str, tuple[str, ...]] = {
    PairingRole.TOWN_SECRETARY: (MentorType.TOWN_SECRETARY,),
    PairingRole.VILLAGE_SECRETARY: (MentorType.VILLAGE_SECRETARY,),
    PairingRole.PEER: (MentorType.SENIOR_PEER, MentorType.MIDDLE_LEVEL),
}
TWO_PLUS_ONE = {
    "town_secretary": PairingRole.TOWN_SECRETARY,
    "village_secretary": PairingRole.VILLAGE_SECRETARY,
    "peer": PairingRole.PEER,
}
GOALS_MAX = 2000


def _type_labels(types) -> str:
    return "、".join(str(MentorType(t).label) for t in types)


def _role_check(mentor: Mentor, role: str) -> None:
    if role not in PairingRole.values:
        raise ValidationError({"role": _("未知的帮带角色。")})
    wanted = ROLE_MENTOR_TYPES.get(role)
    if wanted and mentor.mentor_type not in wanted:
        raise ValidationError(
            {
                "mentor": _("%(role)s应由%(types)s担任，%(name)s是%(actual)s。")
                % {
                    "role": PairingRole(role).label,
                    "types": _type_labels(wanted),
                    "name": mentor.name,
                    "actual": mentor.get_mentor_type_display(),
                }
            }
        )


def _save(pairing: Pairing, actor, **kwargs) -> None:
    pairing._history_user = actor if getattr(actor, "is_authenticated", False) else None
    pairing.save(**kwargs)


@transaction.atomic
def pairing_create(
    *,
    actor,
    mentor: Mentor,
    cadre: Cadre,
    role: str = PairingRole.OTHER,
    start_date: datetime.date | None = None,
    goals: str = "",
) -> Pairing:
    """Pair `mentor` with `cadre` (a cadre may have several mentors, each with a role).
    Guarantees: the mentor is in the pool and of the type the role needs; the cadre is serving;
    no second active pairing of the same mentor and cadre; the mentor's active pairings stay
    within their capacity (the mentor row is locked, so concurrent pairings cannot overshoot)."""
    locked = Mentor.objects.select_for_update().get(pk=mentor.pk)
    # Pairings past their end date free their place before capacity and duplicates are checked.
    _end_expired(Pairing.objects.filter(mentor=locked), timezone.localdate())
    start_date = start_date or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not locked.is_active:
        errors.setdefault("mentor", []).append(
            _("%(name)s已不在导师库中，不能结对。") % {"name": locked.name}
        )
    try:
        _role_check(locked, role)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if cadre.status != CadreStatus.ACTIVE:
        errors.setdefault("cadre", []).append(
            _("%(name)s不是在职干部，不能结对。") % {"name": cadre.name}
        )
    if len(goals or "") > GOALS_MAX:
        errors.setdefault("goals", []).append(
            _("帮带目标不能超过%(max)d个字。") % {"max": GOALS_MAX}
        )
    if errors:
        raise ValidationError(errors)
    active = Pairing.objects.filter(mentor=locked, status=PairingStatus.ACTIVE)
    if active.filter(cadre=cadre).exists():
        raise ValidationError(
            {
                "mentor": _("%(mentor)s与%(cadre)s已有进行中的结对。")
                % {"mentor": locked.name, "cadre": cadre.name}
            }
        )
    count = active.count()
    if count >= locked.capacity:
        raise ValidationError(
            {
                "mentor": _("%(name)s最多带教%(capacity)d人，目前已带教%(count)d人，没有空余名额。")
                % {"name": locked.name, "capacity": locked.capacity, "count": count}
            }
        )
    pairing = Pairing(
        mentor=locked, cadre=cadre, role=role, start_date=start_date, goals=goals or ""
    )
    _save(pairing, actor)
    return pairing


@transaction.atomic
def pairing_update(*, actor, pairing: Pairing, **changes: Any) -> Pairing:
    """Change an active pairing's role, goals or start date (the role's type rule holds);
    writes only what changed, recorded in the history with `actor`."""
    allowed = {"role", "goals", "start_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown pairing fields: {sorted(unknown)}")
    current = Pairing.objects.select_for_update().select_related("mentor").get(pk=pairing.pk)
    if current.status != PairingStatus.ACTIVE:
        raise ValidationError({"status": _("结对已结束，不能修改。")})
    if "role" in changes:
        _role_check(current.mentor, changes["role"])
    if len(changes.get("goals") or "") > GOALS_MAX:
        raise ValidationError({"goals": _("帮带目标不能超过%(max)d个字。") % {"max": GOALS_MAX}})
    if "start_date" in changes and changes["start_date"] is None:
        raise ValidationError({"start_date": _("请填写开始日期。")})
    changed = [f for f, v in changes.items() if getattr(current, f) != v]
    for field in changed:
        setattr(current, field, changes[field])
    if changed:
        _save(current, actor, update_fields=[*changed, "updated_at"])
    return current


@transaction.atomic
def pairing_end(
    *, actor, pairing: Pairing, reason: str, end_date: datetime.date | None = None
) -> Pairing:
    """End an active pairing with a reason; the mentor's place frees up and the mentor no
    longer sees the cadre. Ending an ended pairing is refused."""
    current = Pairing.objects.select_for_update().get(pk=pairing.pk)
    end_date = end_date or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if current.status != PairingStatus.ACTIVE:
        errors.setdefault("status", []).append(_("结对已经结束。"))
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("请填写结束原因。"))
    elif len(reason) > 200:
        errors.setdefault("reason", []).append(_("结束原因不能超过200个字。"))
    if end_date < current.start_date:
        errors.setdefault("end_date", []).append(
            _("结束日期不能早于开始日期%(start)s。") % {"start": current.start_date}
        )
    if errors:
        raise ValidationError(errors)
    current.status = PairingStatus.ENDED
    current.end_date = end_date
    current.end_reason = reason
    _save(current, actor, update_fields=["status", "end_date", "end_reason", "updated_at"])
    return current


@transaction.atomic
def pairings_apply_2plus1(
    *,
    actor,
    cadre: Cadre,
    town_secretary: Mentor | None,
    village_secretary: Mentor | None,
    peer: Mentor | None,
    start_date: datetime.date | None = None,
    goals: str = "",
) -> list[Pairing]:
    """The "2+1" template: one 镇党委书记, one 村（社区）书记 and one 资深干部 or 中层干部 as
    peer, each checked against its role. All three pairings are created, or none (any error
    rolls everything back); errors are keyed by the template's field names."""
    chosen = {
        "town_secretary": town_secretary,
        "village_secretary": village_secretary,
        "peer": peer,
    }
    errors: dict[str, list[str]] = {}
    for field, mentor in chosen.items():
        if mentor is None:
            errors.setdefault(field, []).append(_("请选择导师。"))
            continue
        try:
            _role_check(mentor, TWO_PLUS_ONE[field])
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.message_dict["mentor"])
    ids = [m.pk for m in chosen.values() if m is not None]
    if len(ids) != len(set(ids)):
        errors.setdefault("peer", []).append(_("三位导师不能是同一人。"))
    if errors:
        raise ValidationError(errors)
    created = []
    # Lock in a stable order so two concurrent templates cannot deadlock.
    for field, mentor in sorted(chosen.items(), key=lambda item: item[1].pk):
        try:
            created.append(
                pairing_create(
                    actor=actor,
                    mentor=mentor,
                    cadre=cadre,
                    role=TWO_PLUS_ONE[field],
                    start_date=start_date,
                    goals=goals,
                )
            )
        except ValidationError as exc:
            errors.setdefault(field, []).extend(
                m for messages in exc.message_dict.values() for m in messages
            )
    if errors:
        raise ValidationError(errors)  # leaving the atomic block undoes those created above
    return created


def expired_reason() -> str:
    with record_language():
        return _("到期结束")


def _end_expired(pairings, today: datetime.date) -> int:
    expired = list(
        pairings.select_for_update().filter(status=PairingStatus.ACTIVE, end_date__lt=today)
    )
    if not expired:
        return 0
    reason, now = expired_reason(), timezone.now()
    for pairing in expired:
        pairing.status = PairingStatus.ENDED
        pairing.end_reason = reason
        pairing.updated_at = now
    bulk_update_with_history(
        expired, Pairing, ["status", "end_reason", "updated_at"], batch_size=1000
    )
    return len(expired)


@transaction.atomic
def pairings_end_expired(today: datetime.date | None = None) -> int:
    """Daily upkeep (a `core.reminders.EVENT_SOURCES` entry): end the active pairings whose end
    date (set in advance) has passed, with the reason "到期结束" and a history row each (no
    acting user: the system did it). Their mentors' places free up and the mentors no longer
    see the cadres. Idempotent; returns how many were ended. Three queries whatever the count
    (the locked rows, the update, the history rows), batched by 1000."""
    return _end_expired(Pairing.objects.all(), today or timezone.localdate())
