"""Mentor duties "四个一" (导师履职): the pairing's mentor records a duty done while the pairing
is in force (staff and administrators may also record, correct or delete for a pairing of a
cadre in their scope). Points follow through `mentoring.duty.done` (see
mentoring/events_duties.py): a corrected date or duty is scored anew under the next version."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.selectors import cadres_visible_to
from core.roles import Role, has_role
from core.uploads import DOCUMENTS, EVIDENCE, file_replace, upload_check
from mentoring import events_duties as events
from mentoring.choices import PairingStatus
from mentoring.models import DutyKind, DutyRecord, Pairing
from scoring.services import event_record, event_withdraw

DUTY_FIELDS = ("kind", "done_on", "title", "summary", "attachment")
ATTACHMENT_TYPES = tuple(dict.fromkeys((*DOCUMENTS, *EVIDENCE)))
DELETE_WITHIN = datetime.timedelta(days=7)


def is_duty_mentor(pairing: Pairing, user, today: datetime.date | None = None) -> bool:
    """The pairing's (active) mentor, while the pairing is in force."""
    today = today or timezone.localdate()
    mentor = pairing.mentor
    return bool(
        user
        and user.pk
        and mentor.is_active
        and mentor.user_id == user.pk
        and pairing.status == PairingStatus.ACTIVE
        and pairing.start_date <= today
        and (pairing.end_date is None or pairing.end_date >= today)
    )


def is_duty_staff(pairing: Pairing, user) -> bool:
    """Administrators, and staff with the pairing's cadre in their scope."""
    return has_role(user, Role.ADMIN, Role.STAFF) and (
        cadres_visible_to(user).filter(pk=pairing.cadre_id).exists()
    )


def may_record(pairing: Pairing, user, today: datetime.date | None = None) -> bool:
    return is_duty_mentor(pairing, user, today) or is_duty_staff(pairing, user)


def may_delete(record: DutyRecord, user, now=None, *, staff: bool | None = None) -> bool:
    """Its author within 7 days, or staff (`staff`: `is_duty_staff` of the record's pairing,
    when the caller already knows it, e.g. for every record of one pairing)."""
    now = now or timezone.now()
    own = record.created_by_id is not None and record.created_by_id == user.pk
    if own and now - record.created_at <= DELETE_WITHIN:
        return True
    return is_duty_staff(record.pairing, user) if staff is None else staff


def _refuse(pairing: Pairing, actor, today: datetime.date) -> None:
    if may_record(pairing, actor, today):
        return
    if pairing.mentor.user_id == getattr(actor, "pk", None) and pairing.mentor.user_id:
        raise ValidationError({"pairing": _("该帮带结对已结束，不能再记录履职。")})
    raise PermissionDenied(_("只有该结对的导师或组织部门工作人员可以记录履职。"))


def _clean(values: dict, pairing: Pairing, today: datetime.date) -> dict:
    errors = {}
    kind = values.get("kind")
    if kind not in DutyKind.values or kind not in settings.QINGMIAO_MENTOR_DUTIES:
        errors["kind"] = _("请选择履职事项。")
    day = values.get("done_on")
    if day is None:
        errors["done_on"] = _("请填写完成日期。")
    elif day > today:
        errors["done_on"] = _("完成日期不能晚于今天。")
    elif day < pairing.start_date:
        errors["done_on"] = _("完成日期不能早于结对开始日期（%(day)s）。") % {
            "day": pairing.start_date.isoformat()
        }
    elif pairing.end_date is not None and day > pairing.end_date:
        errors["done_on"] = _("完成日期不能晚于结对结束日期（%(day)s）。") % {
            "day": pairing.end_date.isoformat()
        }
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        errors["title"] = _("请填写标题。")
    elif len(values["title"]) > 200:
        errors["title"] = _("标题不能超过200字。")
    values["summary"] = (values.get("summary") or "").strip()
    if len(values["summary"]) > 5000:
        errors["summary"] = _("情况说明不能超过5000字。")
    upload = values.get("attachment")
    if upload:
        try:
            values["_suffix"] = upload_check(upload, field="attachment", allowed=ATTACHMENT_TYPES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _score(record: DutyRecord, *, actor) -> None:
    event_record(
        kind=events.DONE,
        cadre=record.cadre,
        occurred_on=record.done_on,
        source=events.done_source(record),
        actor=actor,
    )


def _withdraw(record: DutyRecord, *, actor) -> None:
    event_withdraw(kind=events.DONE, source=events.done_source(record), actor=actor)


@transaction.atomic
def duty_record(
    *,
    pairing: Pairing,
    kind: str,
    done_on: datetime.date | None,
    title: str,
    summary: str = "",
    attachment=None,
    actor,
    today: datetime.date | None = None,
) -> DutyRecord:
    """Record duty `kind` done on `done_on` for `pairing`: by its mentor while the pairing is in
    force, or by staff / administrators with the cadre in scope. The duty must be configured;
    the day not in the future and within the pairing. An attachment must be a PDF, JPEG, PNG or
    .docx. Reports `mentoring.duty.done` for the pairing's cadre. All or nothing."""
    today = today or timezone.localdate()
    pairing = Pairing.objects.select_related("mentor", "cadre").get(pk=pairing.pk)
    _refuse(pairing, actor, today)
    values = _clean(
        {"kind": kind, "done_on": done_on, "title": title, "summary": summary,
         "attachment": attachment},
        pairing, today,
    )  # fmt: skip
    record = DutyRecord(
        pairing=pairing,
        cadre=pairing.cadre,
        kind=values["kind"],
        done_on=values["done_on"],
        title=values["title"],
        summary=values["summary"],
        created_by=actor,
    )
    if attachment:
        record.attachment.save(f"duty{values['_suffix']}", attachment, save=False)
    record.save()
    _score(record, actor=actor)
    return record


@transaction.atomic
def duty_update(
    *, record: DutyRecord, actor, today: datetime.date | None = None, **fields
) -> DutyRecord:
    """Correct a record (same permission and checks as recording). A changed date or duty
    withdraws the points of the earlier fact and scores the record again under the next
    version; an attachment given replaces the stored one."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(DUTY_FIELDS)
    if unknown:
        raise TypeError(f"unknown duty record fields: {sorted(unknown)}")
    record = DutyRecord.objects.select_for_update().get(pk=record.pk)
    pairing = Pairing.objects.select_related("mentor", "cadre").get(pk=record.pairing_id)
    _refuse(pairing, actor, today)
    values = {name: fields.get(name, getattr(record, name)) for name in DUTY_FIELDS[:4]}
    values["attachment"] = fields.get("attachment") or None
    values = _clean(values, pairing, today)
    moved = values["kind"] != record.kind or values["done_on"] != record.done_on
    if moved:
        _withdraw(record, actor=actor)
        record.version += 1
    for name in DUTY_FIELDS[:4]:
        setattr(record, name, values[name])
    if values["attachment"]:
        file_replace(record.attachment, values["attachment"], stem="duty", suffix=values["_suffix"])
    record.save()
    record.pairing = pairing
    if moved:
        _score(record, actor=actor)
    return record


@transaction.atomic
def duty_delete(*, record: DutyRecord, actor) -> None:
    """Its author deletes a record within 7 days of recording it, or staff / administrators
    with the cadre in scope at any time; its points are withdrawn."""
    record = DutyRecord.objects.select_for_update().select_related("pairing").get(pk=record.pk)
    if not may_delete(record, actor):
        if record.created_by_id == actor.pk:
            raise ValidationError(_("履职记录只能在记录后7天内删除。"))
        raise PermissionDenied(_("只有记录人或组织部门工作人员可以删除履职记录。"))
    _withdraw(record, actor=actor)
    name = record.attachment.name if record.attachment else ""
    storage = record.attachment.storage
    record.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
