"""菁智汇 research topics and their defenses (答辩会): topics with one leader and members,
milestones, the report, sessions that judges score, and published results reported to points.

The callers (views, API, demo) decide who may do what through `training.selectors.research`;
these functions guarantee the invariants: a group has exactly one leader, a defense's rubric
is frozen once scored, scoring is open from the session's start until the results are
published, and every publication is a new points source (`results_version`)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import assign_fields, current_with, refuse_unknown_fields
from core.uploads import DOCUMENTS, upload_check
from training.choices import MemberRole, ResearchField
from training.events import versioned_source
from training.models import (
    Defense,
    DefenseCriterion,
    DefenseScore,
    Milestone,
    ResearchMember,
    ResearchTopic,
)
from training.selectors.judging import judged_results, rubric_frozen
from training.selectors.research import judge_choices
from training.services.judging import (
    decimal_or_none,
    events_record,
    events_withdraw,
    results_mark_published,
    results_mark_withdrawn,
    rubric_replace,
    score_card_save,
)

TOPIC_FIELDS = ("title", "field", "unit", "summary", "starts_on", "due_on")
DEFENSE_FIELDS = ("title", "unit", "held_at", "place")
COMPLETED_KIND = "training.research.completed.{role}"
RANK_KIND = "training.research.rank.{rank}"
RANKED = (1, 2, 3)


# --- topics and groups -----------------------------------------------------------------------


def _published(topic: ResearchTopic) -> bool:
    return topic.defense_id is not None and (
        Defense.objects.filter(pk=topic.defense_id, results_published_at__isnull=False).exists()
    )


def _refuse_if_published(topic: ResearchTopic, field: str, message: str) -> None:
    if _published(topic):
        raise ValidationError({field: message})


def _topic_clean(fields: dict) -> dict:
    errors = {}
    fields["title"] = (fields.get("title") or "").strip()
    fields["summary"] = (fields.get("summary") or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写课题名称。")
    if fields.get("field") not in ResearchField.values:
        errors["field"] = _("请选择领域（党建、经济、民生或其他）。")
    if fields.get("unit") is None:
        errors["unit"] = _("请选择组织单位。")
    if fields.get("starts_on") is None:
        errors["starts_on"] = _("请填写立项日期。")
    if fields.get("due_on") is None:
        errors["due_on"] = _("请填写结题期限。")
    elif fields.get("starts_on") and fields["due_on"] < fields["starts_on"]:
        errors["due_on"] = _("结题期限不能早于立项日期。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def topic_create(*, actor, leader, members=(), **fields) -> ResearchTopic:
    """A topic with its group: `leader` (required) as 组长 and `members` as 成员."""
    refuse_unknown_fields(fields, TOPIC_FIELDS)
    fields = _topic_clean(fields)
    if leader is None:
        raise ValidationError({"leader": _("请指定课题组组长。")})
    topic = ResearchTopic.objects.create(created_by=actor, **fields)
    ResearchMember.objects.create(topic=topic, cadre=leader, role=MemberRole.LEADER)
    others = {c.pk: c for c in members if c.pk != leader.pk}
    ResearchMember.objects.bulk_create(
        [ResearchMember(topic=topic, cadre=c, role=MemberRole.MEMBER) for c in others.values()]
    )
    return topic


@transaction.atomic
def topic_update(*, topic: ResearchTopic, actor, **fields) -> ResearchTopic:
    refuse_unknown_fields(fields, TOPIC_FIELDS)
    topic = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
    current = current_with(topic, TOPIC_FIELDS, fields)
    assign_fields(topic, _topic_clean(current))
    topic.save()
    return topic


def _lock_topic(topic: ResearchTopic) -> ResearchTopic:
    return ResearchTopic.objects.select_for_update().get(pk=topic.pk)


def _group_frozen() -> str:
    return _("答辩结果已发布，课题组成员不能再调整；如需调整，请先撤回结果发布。")


@transaction.atomic
def member_add(*, topic: ResearchTopic, cadre, actor) -> ResearchMember:
    """Add a cadre to the group as a member (组员). Refused if already in the group or
    while the topic's defense results are published (the points are per member)."""
    topic = _lock_topic(topic)
    _refuse_if_published(topic, "cadre", _group_frozen())
    if topic.members.filter(cadre=cadre).exists():
        raise ValidationError({"cadre": _("%(name)s已在课题组中。") % {"name": cadre.name}})
    return ResearchMember.objects.create(topic=topic, cadre=cadre, role=MemberRole.MEMBER)


@transaction.atomic
def member_remove(*, member: ResearchMember, actor) -> None:
    """Remove a member; the leader stays until another leader is named."""
    topic = _lock_topic(member.topic)
    member = ResearchMember.objects.select_related("cadre").get(pk=member.pk)
    _refuse_if_published(topic, "member", _group_frozen())
    if member.role == MemberRole.LEADER:
        raise ValidationError(
            {
                "member": _("%(name)s是组长，不能移除；请先指定新的组长。")
                % {"name": member.cadre.name}
            }
        )
    member.delete()


@transaction.atomic
def leader_set(*, topic: ResearchTopic, cadre, actor) -> ResearchMember:
    """Make `cadre` the leader (added to the group if needed); the previous leader stays in
    the group as a member, so the group always has exactly one leader."""
    topic = _lock_topic(topic)
    _refuse_if_published(topic, "cadre", _group_frozen())
    current = topic.members.filter(role=MemberRole.LEADER).first()
    if current is not None and current.cadre_id == cadre.pk:
        return current
    if current is not None:
        # The old leader steps down first: the database allows one leader per topic.
        current.role = MemberRole.MEMBER
        current.save(update_fields=["role", "updated_at"])
    member, _created = ResearchMember.objects.update_or_create(
        topic=topic, cadre=cadre, defaults={"role": MemberRole.LEADER}
    )
    return member


# --- milestones ------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, topic: ResearchTopic, title: str, due_on, actor) -> Milestone:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写节点名称。")
    if due_on is None:
        errors["due_on"] = _("请填写计划完成日期。")
    if errors:
        raise ValidationError(errors)
    return Milestone.objects.create(topic=topic, title=title, due_on=due_on)


@transaction.atomic
def milestone_done(
    *, milestone: Milestone, done_on: datetime.date | None, note: str = "", actor
) -> Milestone:
    """Mark a milestone done on `done_on` with a note (or, with no date, not done again)."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("完成日期不能晚于今天。")})
    milestone.done_on = done_on
    milestone.note = (note or "").strip()[:300]
    milestone.save(update_fields=["done_on", "note", "updated_at"])
    return milestone


# --- the report ------------------------------------------------------------------------------


@transaction.atomic
def report_upload(*, topic: ResearchTopic, upload, actor) -> ResearchTopic:
    """Store the group's report (PDF or Word .docx, at most 10 MB), replacing an earlier one;
    the old file is deleted once the new one is committed."""
    topic = _lock_topic(topic)
    if upload is None:
        raise ValidationError({"report": _("请选择要上传的调研报告。")})
    suffix = upload_check(upload, field="report", allowed=DOCUMENTS)
    _refuse_if_published(
        topic, "report", _("答辩结果已发布，不能再更换调研报告；如需更换，请先撤回结果发布。")
    )
    old = topic.report.name if topic.report else ""
    topic.report.save(f"report{suffix}", upload, save=False)
    topic.report_submitted_at = timezone.now()
    topic.save(update_fields=["report", "report_submitted_at", "updated_at"])
    if old:
        storage = topic.report.storage
        transaction.on_commit(lambda: storage.delete(old))
    return topic


# --- defenses --------------------------------------------------------------------------------


def _defense_clean(fields: dict) -> dict:
    errors = {}
    for name in ("title", "place"):
        fields[name] = (fields.get(name) or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写答辩会名称。")
    if not fields["place"]:
        errors["place"] = _("请填写地点。")
    if fields.get("unit") is None:
        errors["unit"] = _("请选择组织单位。")
    if fields.get("held_at") is None:
        errors["held_at"] = _("请填写答辩时间。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def defense_create(*, actor, **fields) -> Defense:
    refuse_unknown_fields(fields, DEFENSE_FIELDS)
    return Defense.objects.create(created_by=actor, **_defense_clean(fields))


def _lock_defense(defense: Defense) -> Defense:
    return Defense.objects.select_for_update().get(pk=defense.pk)


def _refuse_published(defense: Defense, field: str) -> None:
    if defense.results_published_at is not None:
        raise ValidationError(
            {field: _("答辩结果已发布，不能再修改；如需修改，请先撤回结果发布。")}
        )


@transaction.atomic
def defense_update(*, defense: Defense, actor, **fields) -> Defense:
    refuse_unknown_fields(fields, DEFENSE_FIELDS)
    defense = _lock_defense(defense)
    _refuse_published(defense, "title")
    current = current_with(defense, DEFENSE_FIELDS, fields)
    assign_fields(defense, _defense_clean(current))
    defense.save()
    return defense


@transaction.atomic
def defense_topics_set(*, defense: Defense, topics, actor) -> None:
    """The topics defended at this session: only topics whose report is submitted, not
    already scheduled elsewhere with results published. A topic that judges have scored here
    cannot be taken out (its scores would follow it)."""
    defense = _lock_defense(defense)
    _refuse_published(defense, "topics")
    wanted = {t.pk: t for t in topics}
    rows = {
        t.pk: t
        for t in ResearchTopic.objects.select_for_update(of=("self",))
        .select_related("defense")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    }
    errors = []
    for topic in rows.values():
        if topic.report_submitted_at is None:
            errors.append(
                _("《%(title)s》尚未提交调研报告，不能安排答辩。") % {"title": topic.title}
            )
        elif topic.defense_id not in (None, defense.pk) and (
            topic.defense.results_published_at is not None
            or DefenseScore.objects.filter(topic=topic).exists()
        ):
            errors.append(
                _("《%(title)s》已在“%(defense)s”答辩并评分，不能再安排。")
                % {"title": topic.title, "defense": topic.defense.title}
            )
    leaving = defense.topics.exclude(pk__in=list(rows))
    for topic in leaving.filter(scores__isnull=False).distinct().order_by("pk"):
        errors.append(_("《%(title)s》已有评委评分，不能移出本次答辩会。") % {"title": topic.title})
    if errors:
        raise ValidationError({"topics": errors})
    leaving.update(defense=None, updated_at=timezone.now())
    ResearchTopic.objects.filter(pk__in=list(rows)).update(
        defense=defense, updated_at=timezone.now()
    )


@transaction.atomic
def defense_criteria_set(*, defense: Defense, criteria: list[dict], actor) -> None:
    """Replace the rubric with `criteria` (dicts of `name`, `max_score`, `position`), in
    order. Frozen as soon as any judge has scored, so every card is on the same rubric."""
    defense = _lock_defense(defense)
    if rubric_frozen(defense):
        raise ValidationError({"criteria": _("评委已开始评分，评分项不能再修改。")})
    errors, rows, names = [], [], set()
    for index, item in enumerate(criteria, start=1):
        name = (item.get("name") or "").strip()
        top = decimal_or_none(item.get("max_score", ""))
        if not name:
            errors.append(_("第%(n)s项：请填写评分项名称。") % {"n": index})
            continue
        if name in names:
            errors.append(_("评分项“%(name)s”重复。") % {"name": name})
            continue
        names.add(name)
        if top is None or not 1 <= top <= 1000:
            errors.append(_("“%(name)s”的满分须为1到1000之间的数字。") % {"name": name})
            continue
        try:
            position = int(item.get("position"))
        except (TypeError, ValueError):
            position = index
        rows.append((name[:60], top.quantize(Decimal("0.1")), max(position, 0)))
    if not rows and not errors:
        errors.append(_("请至少设置一个评分项。"))
    if errors:
        raise ValidationError({"criteria": errors})
    rubric_replace(
        event=defense, criterion_model=DefenseCriterion, event_field="defense", rows=rows
    )


@transaction.atomic
def defense_judges_set(*, defense: Defense, judges, actor) -> None:
    """The panel. A judge who has already scored stays (their cards count in the results)."""
    defense = _lock_defense(defense)
    _refuse_published(defense, "judges")
    wanted = {u.pk for u in judges}
    scored = (
        DefenseScore.objects.filter(criterion__defense=defense)
        .exclude(judge__in=wanted)
        .values_list("judge", flat=True)
        .distinct()
    )
    if scored:
        from core.models import User

        names = "、".join(str(u) for u in User.objects.filter(pk__in=list(scored)))
        raise ValidationError(
            {"judges": _("评委%(names)s已评分，不能移出评委名单。") % {"names": names}}
        )
    if not wanted:
        raise ValidationError({"judges": _("请至少选择一名评委。")})
    if len(judge_choices().filter(pk__in=wanted)) != len(wanted):
        raise ValidationError(
            {"judges": _("评委须为组织部门工作人员、领导小组、导师或评价人的在用账号。")}
        )
    defense.judges.set(list(wanted))


def scoring_open(defense: Defense, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    return defense.held_at <= at and defense.results_published_at is None


@transaction.atomic
def defense_score(
    *, defense: Defense, topic: ResearchTopic, judge, scores, at: datetime.datetime | None = None
) -> int:
    """A judge of this session hands in (or revises) their card for one topic: allowed from
    the session's start until its results are published."""
    at = at or timezone.now()
    defense = Defense.objects.select_for_update().get(pk=defense.pk)
    if not defense.judges.filter(pk=judge.pk).exists():
        raise ValidationError({"judge": _("您不是本次答辩会的评委。")})
    if not defense.topics.filter(pk=topic.pk).exists():
        raise ValidationError({"topic": _("该课题不在本次答辩会中。")})
    if at < defense.held_at:
        raise ValidationError(
            {
                "judge": _("答辩会于%(time)s开始，开始后才能评分。")
                % {"time": timezone.localtime(defense.held_at).strftime("%Y-%m-%d %H:%M")}
            }
        )
    if defense.results_published_at is not None:
        raise ValidationError({"judge": _("答辩结果已发布，评分已结束。")})
    return score_card_save(
        score_model=DefenseScore,
        subject_field="topic",
        subject=topic,
        criteria=defense.criteria.all(),
        judge=judge,
        scores=scores,
    )


# --- results and points ----------------------------------------------------------------------


def completed_kind(role: str) -> str:
    return COMPLETED_KIND.format(role=role)


def rank_kind(rank: int) -> str:
    return RANK_KIND.format(rank=rank)


def _ranks(defense: Defense) -> dict[int, int | None]:
    results = judged_results(
        score_model=DefenseScore,
        subject_field="topic",
        subject_ids=defense.topics.values_list("pk", flat=True),
        criteria_count=defense.criteria.count(),
    )
    return {r.subject_id: r.rank for r in results}


@transaction.atomic
def results_publish(*, defense: Defense, actor) -> Defense:
    """Publish the ranking: scoring closes, the version is bumped and each member of each
    topic is reported (`training.research.completed.leader` / `.member`), plus
    `training.research.rank.<n>` for the members of the topics ranked first to third (ties
    share a rank). Sources carry the version, so a publication after a withdrawal is scored
    afresh."""
    defense = _lock_defense(defense)
    if defense.results_published_at is not None:
        raise ValidationError({"publish": _("答辩结果已发布。")})
    ranks = _ranks(defense)
    if not any(rank is not None for rank in ranks.values()):
        raise ValidationError({"publish": _("还没有课题获得完整评分，不能发布结果。")})
    version = results_mark_published(defense)
    members = ResearchMember.objects.filter(topic__defense=defense).select_related("cadre")
    for member in members.order_by("topic_id", "id"):
        rank = ranks.get(member.topic_id)
        events_record(
            kinds=[completed_kind(member.role), *([rank_kind(rank)] if rank in RANKED else [])],
            cadre=member.cadre,
            occurred_on=timezone.localdate(defense.held_at),
            source=versioned_source(member, version),
            actor=actor,
        )
    return defense


@transaction.atomic
def results_withdraw(*, defense: Defense, actor) -> Defense:
    """Take the publication back: the points of this version are withdrawn (reversing
    entries) and scoring reopens; publishing again bumps the version."""
    defense = _lock_defense(defense)
    if defense.results_published_at is None:
        raise ValidationError({"publish": _("答辩结果尚未发布。")})
    members = ResearchMember.objects.filter(topic__defense=defense).order_by("topic_id", "id")
    kinds = [completed_kind(r) for r in MemberRole.values] + [rank_kind(r) for r in RANKED]
    for member in members:
        events_withdraw(
            kinds=kinds, source=versioned_source(member, defense.results_version), actor=actor
        )
    results_mark_withdrawn(defense)
    return defense
