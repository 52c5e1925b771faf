"""Guidance logs (帮带记录): a mentor records guidance for a cadre they are currently paired
with, follows up the tasks set, and may delete a log within 7 days; the cadre answers.
Points follow through `mentoring.guidance.logged` (see mentoring/events_guidance.py)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import assign_fields, current_with, refuse_unknown_fields
from mentoring.events_guidance import GUIDANCE_LOGGED, guidance_source
from mentoring.models import GuidanceLog, GuidanceTask, Pairing
from mentoring.models.guidance import GuidanceFocus, GuidanceMethod, TaskStatus
from scoring.services import event_record, event_withdraw

LOG_FIELDS = ("date", "method", "focus", "content")
DELETE_WITHIN = datetime.timedelta(days=7)
TASKS_MAX = 10


def is_pairing_mentor(pairing: Pairing, user) -> bool:
    mentor = pairing.mentor
    return bool(user and user.pk and mentor.is_active and mentor.user_id == user.pk)


def pairing_is_current(pairing: Pairing, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return pairing.start_date <= day and (pairing.end_date is None or pairing.end_date >= day)


def _refuse_unless_mentor(pairing: Pairing, actor) -> None:
    if not is_pairing_mentor(pairing, actor):
        raise PermissionDenied(_("只有该结对的导师可以记录帮带。"))
    if not pairing_is_current(pairing):
        raise ValidationError({"pairing": _("该帮带结对已结束，不能再记录帮带。")})


def _focus_value(focus) -> str:
    values = focus.split(",") if isinstance(focus, str) else list(focus or [])
    values = [v.strip() for v in values if v and v.strip()]
    return ",".join(v for v in GuidanceFocus.values if v in values), values


def _log_clean(fields: dict, pairing: Pairing) -> dict:
    errors = {}
    today = timezone.localdate()
    day = fields.get("date")
    if day is None:
        errors["date"] = _("请填写帮带日期。")
    elif day > today:
        errors["date"] = _("帮带日期不能晚于今天。")
    elif day < pairing.start_date:
        errors["date"] = _("帮带日期不能早于结对开始日期（%(start)s）。") % {
            "start": pairing.start_date.isoformat()
        }
    if fields.get("method") not in GuidanceMethod.values:
        errors["method"] = _("请选择帮带方式。")
    focus, given = _focus_value(fields.get("focus"))
    if not given:
        errors["focus"] = _("请至少选择一项帮带重点。")
    elif len(focus.split(",")) != len(set(given)):
        errors["focus"] = _("帮带重点不正确。")
    fields["focus"] = focus
    fields["content"] = (fields.get("content") or "").strip()
    if not fields["content"]:
        errors["content"] = _("请填写帮带内容。")
    if errors:
        raise ValidationError(errors)
    return fields


def _tasks_clean(tasks) -> list[GuidanceTask]:
    rows = []
    for task in tasks or []:
        text = (task.get("text") or "").strip()
        due_on = task.get("due_on")
        if not text and due_on is None:
            continue
        if not text:
            raise ValidationError({"tasks": _("布置任务必须填写任务内容。")})
        if len(text) > 200:
            raise ValidationError({"tasks": _("任务内容不能超过200字。")})
        rows.append(GuidanceTask(text=text, due_on=due_on))
    if len(rows) > TASKS_MAX:
        raise ValidationError({"tasks": _("一次最多布置%(n)s项任务。") % {"n": TASKS_MAX}})
    return rows


@transaction.atomic
def guidance_log_create(*, pairing: Pairing, actor, tasks=(), **fields) -> GuidanceLog:
    """Record guidance: only the pairing's (active) mentor, only while the pairing is current,
    dated between the pairing's start and today. `tasks` are dicts of `text` and `due_on`
    (rows left empty are skipped). Reports `mentoring.guidance.logged`."""
    refuse_unknown_fields(fields, LOG_FIELDS)
    pairing = Pairing.objects.select_related("mentor").get(pk=pairing.pk)
    _refuse_unless_mentor(pairing, actor)
    values = _log_clean(dict(fields), pairing)
    rows = _tasks_clean(tasks)
    log = GuidanceLog.objects.create(
        pairing=pairing, cadre_id=pairing.cadre_id, created_by=actor, **values
    )
    for row in rows:
        row.log = log
    GuidanceTask.objects.bulk_create(rows)
    event_record(
        kind=GUIDANCE_LOGGED,
        cadre=log.cadre,
        occurred_on=log.date,
        source=guidance_source(log),
        actor=actor,
    )
    return log


def _locked_own(log: GuidanceLog, actor) -> GuidanceLog:
    log = GuidanceLog.objects.select_for_update().get(pk=log.pk)
    pairing = Pairing.objects.select_related("mentor").get(pk=log.pairing_id)
    _refuse_unless_mentor(pairing, actor)
    log.pairing = pairing
    return log


@transaction.atomic
def guidance_log_update(*, log: GuidanceLog, actor, tasks=None, **fields) -> GuidanceLog:
    """Change a log (same rules as creating it). `tasks`, if given, are added as new tasks.
    The points stay as they were."""
    refuse_unknown_fields(fields, LOG_FIELDS)
    log = _locked_own(log, actor)
    values = current_with(log, LOG_FIELDS, fields)
    if isinstance(values["focus"], str) and "focus" not in fields:
        values["focus"] = log.focus_list
    assign_fields(log, _log_clean(values, log.pairing))
    log.save()
    rows = _tasks_clean(tasks)
    for row in rows:
        row.log = log
    GuidanceTask.objects.bulk_create(rows)
    return log


@transaction.atomic
def guidance_log_delete(*, log: GuidanceLog, actor) -> None:
    """Its author deletes a log within 7 days of recording it; its points are withdrawn."""
    log = GuidanceLog.objects.select_for_update().get(pk=log.pk)
    if log.created_by_id is None or log.created_by_id != actor.pk:
        raise PermissionDenied(_("只有记录人可以删除帮带记录。"))
    if timezone.now() - log.created_at > DELETE_WITHIN:
        raise ValidationError(_("帮带记录只能在记录后7天内删除。"))
    source = guidance_source(log)
    log.delete()
    event_withdraw(kind=GUIDANCE_LOGGED, source=source, actor=actor)


@transaction.atomic
def guidance_task_follow_up(
    *, task: GuidanceTask, actor, status: str, note: str = ""
) -> GuidanceTask:
    """The pairing's mentor records how a task went (open / done) and a note."""
    task = (
        GuidanceTask.objects.select_for_update()
        .select_related("log__pairing__mentor")
        .get(pk=task.pk)
    )
    _refuse_unless_mentor(task.log.pairing, actor)
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("请选择跟进状态。")})
    note = (note or "").strip()
    if status == TaskStatus.DONE and not note and not task.follow_up:
        raise ValidationError({"follow_up": _("标记完成时请填写跟进情况。")})
    task.status = status
    if note:
        task.follow_up = note
    task.followed_up_at = timezone.now()
    task.save(update_fields=["status", "follow_up", "followed_up_at", "updated_at"])
    return task


@transaction.atomic
def guidance_log_respond(*, log: GuidanceLog, actor, response: str) -> GuidanceLog:
    """The cadre themself answers a log (反馈); answering again replaces the answer."""
    log = GuidanceLog.objects.select_for_update().select_related("cadre").get(pk=log.pk)
    if log.cadre.user_id is None or log.cadre.user_id != actor.pk:
        raise PermissionDenied(_("只有干部本人可以反馈。"))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("请填写反馈内容。")})
    if len(response) > 2000:
        raise ValidationError({"response": _("反馈内容不能超过2000字。")})
    log.response = response
    log.responded_at = timezone.now()
    log.save(update_fields=["response", "responded_at", "updated_at"])
    return log
