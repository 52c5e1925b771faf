"""Business operations of 菁才论坛 (forums such as "金城青年说"): the forum itself, its speakers
and attendees, the rubric and the judges, judges' score cards, and publishing the results.

Points (see `training/events.py`):
- `training.forum.attendee` (source `training.forumattendee:<id>`) when a cadre is recorded as
  having attended: at once if they are added at or after the forum's start, otherwise when
  staff confirm the attendance after the start; removing an attendee withdraws it.
- `training.forum.speaker` for each speaker and `training.forum.rank.1` / `.2` / `.3` for the
  speakers ranked first to third (source `training.forumspeaker:<id>#<results version>`) when
  the results are published; withdrawing the publication withdraws that version's events and
  publishing again scores a new version.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import assign_fields, current_with, refuse_unknown_fields
from scoring.services import event_record, event_withdraw
from training.choices import ForumFormat
from training.events import versioned_source
from training.models import Forum, ForumAttendee, ForumCriterion, ForumScore, ForumSpeaker
from training.models.judging import POSITION_MAX
from training.selectors.judging import judged_results, rubric_frozen
from training.services.judging import (
    decimal_or_none,
    events_record,
    events_withdraw,
    results_mark_published,
    results_mark_withdrawn,
    rubric_replace,
    score_card_save,
)

FORUM_FIELDS = (
    "series", "title", "format", "topic", "unit", "starts_at", "ends_at", "place", "hours",
)  # fmt: skip
SPEAKER_KIND = "training.forum.speaker"
ATTENDEE_KIND = "training.forum.attendee"
RANKED = 3  # ranks 1–3 earn `training.forum.rank.<n>`
MAX_CRITERION_SCORE = Decimal("100")


def rank_kind(rank: int) -> str:
    return f"training.forum.rank.{rank}"


def _day(forum: Forum) -> datetime.date:
    return timezone.localdate(forum.starts_at)


def _locked(forum: Forum) -> Forum:
    return Forum.objects.select_for_update().get(pk=forum.pk)


def _not_published(forum: Forum, field: str) -> None:
    if forum.results_published_at is not None:
        raise ValidationError({field: _("结果已发布，如需修改请先撤回发布。")})


# --- the forum ------------------------------------------------------------------------------


def _forum_clean(fields: dict) -> dict:
    errors = {}
    for name, message in (
        ("title", _("请填写名称。")),
        ("topic", _("请填写主题。")),
        ("place", _("请填写地点。")),
    ):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            errors[name] = message
    fields["series"] = (fields.get("series") or "").strip() or "金城青年说"
    if fields.get("format") not in ForumFormat.values:
        errors["format"] = _("请选择论坛形式。")
    if fields.get("unit") is None:
        errors["unit"] = _("请选择组织单位。")
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at is None:
        errors["starts_at"] = _("请填写开始时间。")
    if ends_at is None:
        errors["ends_at"] = _("请填写结束时间。")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间必须晚于开始时间。")
    if fields.get("hours") is None or fields["hours"] < 0:
        errors["hours"] = _("学时不能为负数。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def forum_create(*, actor, **fields) -> Forum:
    """A new forum (one event of the series). The caller offers only units in the actor's
    subtree."""
    refuse_unknown_fields(fields, FORUM_FIELDS)
    fields.setdefault("hours", Decimal(0))
    return Forum.objects.create(created_by=actor, **_forum_clean(fields))


@transaction.atomic
def forum_update(*, forum: Forum, actor, **fields) -> Forum:
    """Change a forum's details. Once results are published the date is part of the points
    booked, so the start may not move until the publication is withdrawn."""
    forum = _locked(forum)
    current = current_with(forum, FORUM_FIELDS, fields)
    cleaned = _forum_clean(current)
    if forum.results_published_at is not None and cleaned["starts_at"] != forum.starts_at:
        raise ValidationError({"starts_at": _("结果已发布，如需修改时间请先撤回发布。")})
    assign_fields(forum, cleaned)
    forum.save()
    return forum


@transaction.atomic
def forum_delete(*, forum: Forum, actor) -> None:
    """Delete a forum that has earned nobody points yet (never published, nobody recorded as
    attending); otherwise refuse."""
    forum = _locked(forum)
    if forum.results_version or forum.attendees.filter(attended=True).exists():
        raise ValidationError({"forum": _("论坛已发布过结果或已登记参加人员，不能删除。")})
    forum.delete()


# --- speakers and attendees -----------------------------------------------------------------


@transaction.atomic
def speaker_add(*, forum: Forum, cadre, talk_title: str, position: int | None = None, actor):
    """Add a speaker (主讲人) with their talk title. A cadre speaks once per forum and cannot
    also be an attendee; the order defaults to after the last speaker."""
    forum = _locked(forum)
    _not_published(forum, "cadre")
    errors = {}
    talk_title = (talk_title or "").strip()
    if not talk_title:
        errors["talk_title"] = _("请填写发言题目。")
    if cadre is None:
        errors["cadre"] = _("请选择主讲人。")
    elif forum.speakers.filter(cadre=cadre).exists():
        errors["cadre"] = _("%(name)s已是本期主讲人。") % {"name": cadre.name}
    elif forum.attendees.filter(cadre=cadre).exists():
        errors["cadre"] = _(
            "%(name)s已在参加人员名单中，同一人不能既是主讲人又是参加人员，请先移出参加人员。"
        ) % {"name": cadre.name}
    if position is not None and not 0 <= position <= POSITION_MAX:
        errors["position"] = _("顺序须在0到%(max)d之间。") % {"max": POSITION_MAX}
    if errors:
        raise ValidationError(errors)
    if position is None:
        last = forum.speakers.order_by("-position").values_list("position", flat=True).first()
        position = 1 if last is None else last + 1
    return ForumSpeaker.objects.create(
        forum=forum, cadre=cadre, talk_title=talk_title, position=position
    )


@transaction.atomic
def speaker_update(*, speaker: ForumSpeaker, talk_title: str, position: int, actor):
    forum = _locked(speaker.forum)
    _not_published(forum, "talk_title")
    talk_title = (talk_title or "").strip()
    if not talk_title:
        raise ValidationError({"talk_title": _("请填写发言题目。")})
    speaker.talk_title, speaker.position = talk_title, min(max(position, 0), POSITION_MAX)
    speaker.save(update_fields=["talk_title", "position", "updated_at"])
    return speaker


@transaction.atomic
def speaker_remove(*, speaker: ForumSpeaker, actor) -> None:
    """Remove a speaker (and the judges' scores of their talk) while results are unpublished."""
    forum = _locked(speaker.forum)
    _not_published(forum, "speaker")
    speaker.delete()


@transaction.atomic
def attendees_add(*, forum: Forum, cadres, actor, at: datetime.datetime | None = None) -> dict:
    """Add attendees (by hand, a cohort or a unit subtree: the caller resolves them). Those
    already listed stay as they are; the forum's speakers are skipped (a cadre is either a
    speaker or an attendee) and, when only speakers were chosen, refused with a message.
    Added at or after the start, attendance is recorded at once (points); added before, they
    are registered and recorded when staff confirm attendance. Returns counts."""
    forum = _locked(forum)
    cadres = list({c.pk: c for c in cadres}.values())
    if not cadres:
        raise ValidationError({"cadres": _("请选择参加人员。")})
    speakers = set(forum.speakers.values_list("cadre_id", flat=True))
    existing = set(forum.attendees.values_list("cadre_id", flat=True))
    skipped = [c for c in cadres if c.pk in speakers]
    new = [c for c in cadres if c.pk not in speakers and c.pk not in existing]
    if skipped and len(skipped) == len(cadres):
        raise ValidationError(
            {
                "cadres": _("%(names)s是本期主讲人，同一人不能既是主讲人又是参加人员。")
                % {"names": "、".join(c.name for c in skipped)}
            }
        )
    started = (at or timezone.now()) >= forum.starts_at
    rows = ForumAttendee.objects.bulk_create(
        [ForumAttendee(forum=forum, cadre=c, attended=started) for c in new]
    )
    if started:
        for row in rows:
            _attendee_record(row, forum, actor)
    return {"added": len(rows), "skipped_speakers": len(skipped), "recorded": started}


def _attendee_record(row: ForumAttendee, forum: Forum, actor) -> None:
    event_record(
        kind=ATTENDEE_KIND,
        cadre=row.cadre,
        occurred_on=_day(forum),
        source=versioned_source(row),
        actor=actor,
    )


@transaction.atomic
def attendees_confirm(*, forum: Forum, actor, at: datetime.datetime | None = None) -> int:
    """After the forum has started: record every registered attendee as having attended
    (points). Returns how many were confirmed; confirming again changes nothing."""
    forum = _locked(forum)
    if (at or timezone.now()) < forum.starts_at:
        raise ValidationError({"attended": _("论坛开始后才能确认参加情况。")})
    rows = list(forum.attendees.filter(attended=False).select_related("cadre"))
    ForumAttendee.objects.filter(pk__in=[r.pk for r in rows]).update(
        attended=True, updated_at=timezone.now()
    )
    for row in rows:
        _attendee_record(row, forum, actor)
    return len(rows)


@transaction.atomic
def attendee_remove(*, attendee: ForumAttendee, actor) -> None:
    """Remove an attendee; if their attendance was recorded its points are withdrawn."""
    attendee = ForumAttendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.attended:
        event_withdraw(kind=ATTENDEE_KIND, source=versioned_source(attendee), actor=actor)
    attendee.delete()


# --- rubric and judges ----------------------------------------------------------------------


@transaction.atomic
def criteria_set(*, forum: Forum, criteria: list[dict], actor) -> list[ForumCriterion]:
    """Replace the rubric (评分细则): `criteria` is a list of {name, max_score, position}. At
    least one; names unique; each maximum between 1 and 100. Once any judge has scored the
    rubric is fixed, so every card is scored on the same criteria."""
    forum = _locked(forum)
    if rubric_frozen(forum):
        raise ValidationError({"criteria": _("已有评委打分，评分项不能再修改。")})
    _not_published(forum, "criteria")
    errors: list[str] = []
    cleaned, seen = [], set()
    for number, row in enumerate(criteria, start=1):
        name = (row.get("name") or "").strip()
        max_score = decimal_or_none(row.get("max_score"))
        if not name:
            errors.append(_("第%(n)s项：请填写评分项名称。") % {"n": number})
        elif name in seen:
            errors.append(_("第%(n)s项：评分项“%(name)s”重复。") % {"n": number, "name": name})
        if max_score is None or not Decimal(1) <= max_score <= MAX_CRITERION_SCORE:
            errors.append(
                _("第%(n)s项：满分须为1到%(max)s之间的数字。")
                % {"n": number, "max": MAX_CRITERION_SCORE}
            )
        else:
            max_score = max_score.quantize(Decimal("0.1"))
        seen.add(name)
        try:
            position = int(row.get("position") or number)
        except (TypeError, ValueError):
            position = number
        cleaned.append((name, max_score, max(position, 0)))
    if not cleaned:
        errors.append(_("至少设置一个评分项。"))
    if errors:
        raise ValidationError({"criteria": errors})
    return rubric_replace(
        event=forum, criterion_model=ForumCriterion, event_field="forum", rows=cleaned
    )


@transaction.atomic
def judges_set(*, forum: Forum, judges, allowed, actor) -> None:
    """Set the panel (评委) to exactly `judges`, who must be active users among `allowed` (the
    caller's candidates: users of the actor's subtree). A judge taken off the panel before
    publication takes their cards with them, so results count only the sitting panel."""
    forum = _locked(forum)
    _not_published(forum, "judges")
    judges = list({u.pk: u for u in judges}.values())
    allowed_ids = set(allowed.filter(pk__in=[u.pk for u in judges]).values_list("pk", flat=True))
    refused = [u for u in judges if u.pk not in allowed_ids or not u.is_active]
    if refused:
        raise ValidationError(
            {
                "judges": _("以下用户不能担任评委（不在您的范围内或已停用）：%(names)s")
                % {"names": "、".join(str(u) for u in refused)}
            }
        )
    leaving = set(forum.judges.values_list("pk", flat=True)) - {u.pk for u in judges}
    if leaving:
        ForumScore.objects.filter(speaker__forum=forum, judge_id__in=leaving).delete()
    forum.judges.set(judges)


def judge_candidates(actor):
    """Active users who may sit on a panel the actor sets: administrators any; staff the
    users of their subtree (by account unit or, for mentors, by the mentor's unit)."""
    from django.db.models import Q

    from cadres.selectors import units_visible_to
    from core.roles import is_admin

    users = get_user_model().objects.filter(is_active=True)
    if is_admin(actor):
        return users
    units = units_visible_to(actor)
    return users.filter(Q(unit__in=units) | Q(mentor__unit__in=units)).distinct()


# --- scoring and results --------------------------------------------------------------------


def scoring_open(forum: Forum, *, at: datetime.datetime | None = None) -> bool:
    return forum.results_published_at is None and (at or timezone.now()) >= forum.starts_at


@transaction.atomic
def forum_score_save(
    *, speaker: ForumSpeaker, judge, scores: dict, at: datetime.datetime | None = None
) -> int:
    """A judge's complete card for one speaker (every criterion, each 0 to its maximum), once
    the forum has started and until the results are published; saving again revises it."""
    forum = Forum.objects.select_for_update().get(pk=speaker.forum_id)
    if not forum.judges.filter(pk=judge.pk).exists():
        raise ValidationError({"judge": _("您不是本期论坛的评委。")})
    if forum.results_published_at is not None:
        raise ValidationError({"judge": _("结果已发布，评分已截止。")})
    if (at or timezone.now()) < forum.starts_at:
        raise ValidationError({"judge": _("论坛开始后才能评分。")})
    return score_card_save(
        score_model=ForumScore,
        subject_field="speaker",
        subject=speaker,
        criteria=forum.criteria.all(),
        judge=judge,
        scores=scores,
    )


def forum_results(forum: Forum):
    """judged_results for the forum's speakers (best first, ties share a rank)."""
    return judged_results(
        score_model=ForumScore,
        subject_field="speaker",
        subject_ids=forum.speakers.values_list("pk", flat=True),
        criteria_count=forum.criteria.count(),
    )


@transaction.atomic
def forum_results_publish(*, forum: Forum, actor) -> Forum:
    """Publish the ranking: every speaker must have at least one complete card. Each speaker
    earns `training.forum.speaker`, ranks 1–3 `training.forum.rank.<n>`, under a new results
    version (so a publication after a withdrawal is scored afresh)."""
    forum = _locked(forum)
    _not_published(forum, "forum")
    speakers = {s.pk: s for s in forum.speakers.select_related("cadre")}
    if not speakers:
        raise ValidationError({"forum": _("本期论坛还没有主讲人，不能发布结果。")})
    results = forum_results(forum)
    missing = [speakers[r.subject_id].cadre.name for r in results if r.mean is None]
    if missing:
        raise ValidationError(
            {"forum": _("以下主讲人还没有评委完成评分：%(names)s") % {"names": "、".join(missing)}}
        )
    version = results_mark_published(forum)
    for result in results:
        speaker = speakers[result.subject_id]
        kinds = [SPEAKER_KIND, *([rank_kind(result.rank)] if result.rank <= RANKED else [])]
        events_record(
            kinds=kinds,
            cadre=speaker.cadre,
            occurred_on=_day(forum),
            source=versioned_source(speaker, version),
            actor=actor,
        )
    return forum


@transaction.atomic
def forum_results_withdraw(*, forum: Forum, actor, reason: str = "") -> Forum:
    """Withdraw the publication (a correction): the points of this results version are
    reversed and scoring reopens; publishing again scores a new version."""
    forum = _locked(forum)
    if forum.results_published_at is None:
        raise ValidationError({"forum": _("结果尚未发布。")})
    kinds = (SPEAKER_KIND, *(rank_kind(r) for r in range(1, RANKED + 1)))
    for speaker in forum.speakers.all():
        source = versioned_source(speaker, forum.results_version)
        events_withdraw(kinds=kinds, source=source, actor=actor, reason=reason)
    results_mark_withdrawn(forum)
    return forum
