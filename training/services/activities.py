"""Business operations of training activities: create, invite, mark attendance, QR sign-in.
Attendance is reported to the points service after the marks are written."""

import datetime
import hashlib
import hmac

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.services import assign_fields, current_with, refuse_unknown_fields
from scoring.services import event_record, event_withdraw
from training.choices import Attendance
from training.events import attendance_kind, attendance_source
from training.models import Activity, Participant

ACTIVITY_FIELDS = (
    "title", "type", "theme", "unit", "starts_at", "ends_at", "place", "speaker", "hours",
    "capacity", "cost", "signin_opens_before", "signin_closes_after", "late_after",
)  # fmt: skip
# A sign-in code lives one step and is accepted one step late: a photo of the screen
# forwarded to a friend stops working within a minute.
CODE_STEP_SECONDS = 30


def _activity_clean(fields: dict) -> dict:
    errors = {}
    fields["title"] = (fields.get("title") or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写名称。")
    if not (fields.get("place") or "").strip():
        errors["place"] = _("请填写地点。")
    if fields["ends_at"] <= fields["starts_at"]:
        errors["ends_at"] = _("结束时间必须晚于开始时间。")
    if fields.get("hours") is None or fields["hours"] <= 0:
        errors["hours"] = _("学时必须大于0。")
    if fields.get("capacity") is not None and fields["capacity"] < 1:
        errors["capacity"] = _("人数上限至少为1。")
    if fields.get("late_after", 5) > fields.get("signin_closes_after", 30):
        errors["late_after"] = _("迟到时间不能晚于停止签到时间。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def activity_create(*, actor, **fields) -> Activity:
    refuse_unknown_fields(fields, ACTIVITY_FIELDS)
    return Activity.objects.create(created_by=actor, **_activity_clean(fields))


@transaction.atomic
def activity_update(*, activity: Activity, actor, **fields) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    current = current_with(activity, ACTIVITY_FIELDS, fields)
    assign_fields(activity, _activity_clean(current))
    activity.save()
    return activity


def conflicts(activity: Activity, cadres) -> dict[int, list[Activity]]:
    """Other activities at overlapping times that these cadres are invited to (a warning)."""
    rows = (
        Participant.objects.filter(
            cadre__in=[c.pk for c in cadres],
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .exclude(activity=activity)
        .select_related("activity")
    )
    found: dict[int, list[Activity]] = {}
    for row in rows:
        found.setdefault(row.cadre_id, []).append(row.activity)
    return found


@transaction.atomic
def participants_invite(*, activity: Activity, cadres, actor) -> int:
    """Invite cadres (by hand, a cohort or a unit subtree: the caller resolves them). Those
    already invited stay as they are; the capacity is never exceeded. Returns how many were
    added."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    cadres = list(cadres)
    if not cadres:
        raise ValidationError({"cadres": _("请选择要邀请的干部。")})
    existing = set(activity.participants.values_list("cadre_id", flat=True))
    new = [c for c in {c.pk: c for c in cadres}.values() if c.pk not in existing]
    if activity.capacity is not None and len(existing) + len(new) > activity.capacity:
        raise ValidationError(
            {
                "cadres": _("人数上限为%(capacity)s人，已邀请%(count)s人，最多还能邀请%(left)s人。")
                % {
                    "capacity": activity.capacity,
                    "count": len(existing),
                    "left": max(activity.capacity - len(existing), 0),
                }
            }
        )
    Participant.objects.bulk_create(
        [Participant(activity=activity, cadre=c, invited_by=actor) for c in new],
        ignore_conflicts=True,
    )
    return len(new)


@transaction.atomic
def participant_remove(*, participant: Participant, actor) -> None:
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.attendance:
        raise ValidationError({"attendance": _("已登记考勤的人员不能移除，请更正考勤。")})
    participant.delete()


def _report(participant: Participant, old: str, old_version: int, actor) -> None:
    day = timezone.localdate(participant.activity.starts_at)
    if old:
        event_withdraw(
            kind=attendance_kind(old),
            source=attendance_source(participant.pk, old_version),
            actor=actor,
        )
    if participant.attendance:
        event_record(
            kind=attendance_kind(participant.attendance),
            cadre=participant.cadre,
            occurred_on=day,
            source=attendance_source(participant.pk, participant.mark_version),
            actor=actor,
        )


@transaction.atomic
def attendance_mark(*, activity: Activity, marks: dict[int, str], actor) -> int:
    """Mark attendance for many participants at once ({participant id: status}); only
    changes are written and reported to points. Returns how many changed."""
    unknown = {s for s in marks.values() if s not in Attendance.values}
    if unknown:
        raise ValidationError({"attendance": _("考勤状态不正确。")})
    rows = list(
        Participant.objects.select_for_update()
        .select_related("cadre", "activity")
        .filter(activity=activity, pk__in=list(marks))
    )
    if len(rows) != len(set(marks)):
        raise ValidationError({"attendance": _("有人员不在本次活动名单中。")})
    now = timezone.now()
    changed = []
    for row in rows:
        status = marks[row.pk]
        if status == row.attendance:
            continue
        old, old_version = row.attendance, row.mark_version
        row.attendance = status
        row.mark_version += 1
        row.marked_at = now
        row.marked_by = actor
        changed.append((row, old, old_version))
    Participant.objects.bulk_update(
        [row for row, _old, _v in changed],
        ["attendance", "mark_version", "marked_at", "marked_by", "updated_at"],
    )
    for row, old, old_version in changed:
        _report(row, old, old_version, actor)
    return len(changed)


def _step(at: datetime.datetime) -> int:
    return int(at.timestamp()) // CODE_STEP_SECONDS


def signin_code(activity: Activity, *, at: datetime.datetime | None = None) -> str:
    """The code the class's QR shows now (it changes every 30 seconds)."""
    step = _step(at or timezone.now())
    message = f"{activity.pk}:{step}".encode()
    return hmac.new(activity.signin_secret.encode(), message, hashlib.sha256).hexdigest()[:12]


def signin_window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        activity.starts_at - datetime.timedelta(minutes=activity.signin_opens_before),
        activity.starts_at + datetime.timedelta(minutes=activity.signin_closes_after),
    )


@transaction.atomic
def signin(
    *, activity: Activity, user, code: str, at: datetime.datetime | None = None
) -> Participant:
    """A logged-in cadre scans the class's QR: marked present (late after `late_after`
    minutes) if the code is current, the time is within the window and they are invited.
    Scanning again changes nothing."""
    at = at or timezone.now()
    valid = {
        signin_code(activity, at=at),
        signin_code(activity, at=at - datetime.timedelta(seconds=CODE_STEP_SECONDS)),
    }
    if not any(hmac.compare_digest(code, candidate) for candidate in valid):
        raise ValidationError({"code": _("二维码已过期，请扫描现场屏幕上的最新二维码。")})
    opens, closes = signin_window(activity)
    if not opens <= at <= closes:
        raise ValidationError(
            {
                "code": _("签到时间为%(start)s至%(end)s。")
                % {
                    "start": timezone.localtime(opens).strftime("%H:%M"),
                    "end": timezone.localtime(closes).strftime("%H:%M"),
                }
            }
        )
    participant = (
        Participant.objects.select_for_update()
        .select_related("cadre", "activity")
        .filter(Q(cadre__user=user), activity=activity)
        .first()
    )
    if participant is None:
        raise ValidationError({"code": _("您不在本次活动的邀请名单中。")})
    if participant.signed_in_at is not None:
        return participant
    late = at > activity.starts_at + datetime.timedelta(minutes=activity.late_after)
    old, old_version = participant.attendance, participant.mark_version
    participant.signed_in_at = at
    status = Attendance.LATE if late else Attendance.PRESENT
    if status != participant.attendance:
        participant.attendance = status
        participant.mark_version += 1
        participant.marked_at = at
        participant.marked_by = user
    participant.save()
    if participant.mark_version != old_version:
        _report(participant, old, old_version, user)
    return participant


def cadres_of(*, cohort=None, unit=None):
    """Serving cadres of a cohort (active members) or of a unit's subtree, for invitations."""
    from cadres.choices import CadreStatus, EnrolmentStatus

    cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE)
    if cohort is not None:
        cadres = cadres.filter(
            enrolments__cohort=cohort, enrolments__status=EnrolmentStatus.ACTIVE
        ).distinct()
    if unit is not None:
        cadres = cadres.filter(unit.subtree_q("unit__"))
    return cadres


@transaction.atomic
def feedback_submit(
    *, activity: Activity, user, rating, comment: str = "", at: datetime.datetime | None = None
):
    """An attendee rates the activity (1–5) with an optional comment, after it has started;
    submitting again revises it."""
    from training.models import Feedback

    at = at or timezone.now()
    participant = (
        Participant.objects.select_for_update().filter(activity=activity, cadre__user=user).first()
    )
    errors = {}
    if participant is None or participant.attendance not in (Attendance.PRESENT, Attendance.LATE):
        errors["rating"] = _("只有出席的人员可以评价本次活动。")
    elif at < activity.starts_at:
        errors["rating"] = _("活动开始后才能评价。")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors.setdefault("rating", _("评分须为1到5的整数。"))
    if errors:
        raise ValidationError(errors)
    feedback, _created = Feedback.objects.update_or_create(
        participant=participant, defaults={"rating": rating, "comment": comment.strip()[:500]}
    )
    return feedback
