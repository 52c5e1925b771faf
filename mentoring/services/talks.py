"""Recording and correcting talks (谈心谈话); a talk may close a 约谈 task (scoring FollowUp)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from core.roles import Role, has_role
from mentoring import events_talks as events
from mentoring.choices import TalkLevel
from mentoring.models import Talk
from scoring.models import FollowUp

TALK_FIELDS = ("level", "talked_on", "topics", "concerns", "actions", "confidential_note")
# follow_up_complete's field names → ours, so its errors show beside the talk's fields.
_FOLLOW_UP_ERRORS = {
    "status": "follow_up",
    "outcome": "topics",
    "improvement_plan": "actions",
    "talked_on": "talked_on",
}


def is_current_mentor(user, cadre: Cadre) -> bool:
    from mentoring.selectors import mentee_ids_of_user

    return Cadre.objects.filter(pk=cadre.pk, pk__in=mentee_ids_of_user(user)).exists()


def may_record_level(user, cadre: Cadre, level: str) -> bool:
    """导师 talks only by a current mentor of the cadre; the other levels by staff and
    administrators."""
    if level == TalkLevel.MENTOR:
        return is_current_mentor(user, cadre)
    return has_role(user, Role.ADMIN, Role.STAFF)


def _check(errors: dict, *, actor, cadre, level, talked_on, topics, today, level_changed=True):
    if level not in TalkLevel.values:
        errors["level"] = _("请选择谈话层级。")
    elif level_changed and not may_record_level(actor, cadre, level):
        errors["level"] = (
            _("只有该干部的现任导师可以登记导师谈话。")
            if level == TalkLevel.MENTOR
            else _("只有组织部门工作人员可以登记该层级的谈话。")
        )
    if talked_on is None:
        errors["talked_on"] = _("请填写谈话日期。")
    elif talked_on > today:
        errors["talked_on"] = _("谈话日期不能晚于今天。")
    if not (topics or "").strip():
        errors["topics"] = _("请填写谈话主题。")


def _close(talk: Talk, follow_up: FollowUp, *, actor, today) -> None:
    from scoring.services import follow_up_complete

    errors = {}
    if follow_up.cadre_id != talk.cadre_id:
        errors["follow_up"] = _("约谈任务不属于该干部。")
    elif not actor.has_perm("scoring.change_followup"):
        errors["follow_up"] = _("您无权办结约谈任务。")
    if errors:
        raise ValidationError(errors)
    try:
        follow_up_complete(
            follow_up=follow_up,
            actor=actor,
            talked_on=talk.talked_on,
            outcome=talk.topics if not talk.concerns else f"{talk.topics}\n{talk.concerns}",
            improvement_plan=talk.actions,
            today=today,
        )
    except ValidationError as exc:
        raise ValidationError(
            {_FOLLOW_UP_ERRORS.get(k, "follow_up"): v for k, v in exc.message_dict.items()}
        ) from exc
    talk.follow_up = follow_up
    talk.save(update_fields=["follow_up", "updated_at"])


@transaction.atomic
def talk_record(
    *,
    cadre: Cadre,
    level: str,
    talked_on: datetime.date | None,
    topics: str,
    actor,
    concerns: str = "",
    actions: str = "",
    confidential_note: str = "",
    follow_up: FollowUp | None = None,
    today: datetime.date | None = None,
) -> Talk:
    """Record a talk held by `actor` (the talker) with a cadre in their scope, report
    `mentoring.talk.recorded`, and close the 约谈 task `follow_up` if given (through
    `scoring.services.follow_up_complete`: its outcome is the topics and concerns, its
    improvement plan the follow-up actions). All or nothing; errors are keyed by field."""
    today = today or timezone.localdate()
    errors: dict = {}
    if cadre is None or not cadres_visible_to(actor).filter(pk=cadre.pk).exists():
        raise ValidationError({"cadre": _("请选择您有权谈话的干部。")})
    _check(
        errors, actor=actor, cadre=cadre, level=level, talked_on=talked_on, topics=topics,
        today=today,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    talk = Talk.objects.create(
        cadre=cadre,
        level=level,
        talked_on=talked_on,
        talker=actor,
        topics=topics.strip(),
        concerns=concerns.strip(),
        actions=actions.strip(),
        confidential_note=confidential_note.strip(),
    )
    if follow_up is not None:
        _close(talk, follow_up, actor=actor, today=today)
    _score(talk, actor=actor)
    return talk


def may_change(user, talk: Talk) -> bool:
    """The talker, or staff and administrators with the cadre in scope."""
    if not user.has_perm("mentoring.change_talk"):
        return False
    if talk.talker_id == user.pk:
        return True
    return (
        has_role(user, Role.ADMIN, Role.STAFF)
        and cadres_visible_to(user).filter(pk=talk.cadre_id).exists()
    )


@transaction.atomic
def talk_update(
    *, talk: Talk, actor, follow_up: FollowUp | None = None, today=None, **fields
) -> Talk:
    """Correct a talk (the talker, or staff with the cadre in scope). A new date withdraws the
    points of the old one and scores the talk again; a 约谈 task may be closed by a talk that
    has not closed one yet."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(TALK_FIELDS)
    if unknown:
        raise TypeError(f"unknown talk fields: {sorted(unknown)}")
    talk = Talk.objects.select_for_update().get(pk=talk.pk)
    if not may_change(actor, talk):
        raise ValidationError(_("您无权修改这条谈话记录。"))
    values = {name: fields.get(name, getattr(talk, name)) for name in TALK_FIELDS}
    errors: dict = {}
    _check(
        errors, actor=actor, cadre=talk.cadre, level=values["level"],
        talked_on=values["talked_on"], topics=values["topics"], today=today,
        level_changed=values["level"] != talk.level,
    )  # fmt: skip
    if follow_up is not None and talk.follow_up_id is not None:
        errors["follow_up"] = _("这条谈话记录已办结过约谈任务。")
    if errors:
        raise ValidationError(errors)
    moved = values["talked_on"] != talk.talked_on
    if moved:
        _withdraw(talk, actor=actor)
        talk.version += 1
    for name, value in values.items():
        setattr(talk, name, value.strip() if isinstance(value, str) else value)
    talk.save()
    if follow_up is not None:
        _close(talk, follow_up, actor=actor, today=today)
    if moved:
        _score(talk, actor=actor)
    return talk


def _score(talk: Talk, *, actor) -> None:
    from scoring.services import event_record

    event_record(
        kind=events.RECORDED,
        cadre=talk.cadre,
        occurred_on=talk.talked_on,
        source=events.recorded_source(talk),
        actor=actor,
    )


def _withdraw(talk: Talk, *, actor) -> None:
    from scoring.services import event_withdraw

    event_withdraw(kind=events.RECORDED, source=events.recorded_source(talk), actor=actor)
