"""Scoped reads of 菁智汇 research topics and defenses.

- Topics: administrators all; staff and leaders the topics of units in their subtree; anyone
  (staff, leaders, mentors, cadres) the topics a cadre they may see belongs to.
- Defenses: staff and leaders with the permission those organised in their subtree;
  judges the sessions they sit on. Members see their topic's result once it is published.
- Reports: whoever sees the topic, and the judges of the session defending it.
"""

from django.db import models
from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.selectors import cadres_visible_to, units_visible_to
from core.models import User
from core.roles import GROUP_NAMES, Role, has_role, is_admin
from training.choices import MemberRole
from training.models import Defense, DefenseScore, Milestone, ResearchMember, ResearchTopic
from training.selectors import judging


class TopicStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("研究中")
    SUBMITTED = "submitted", _("已提交报告")
    DEFENDED = "defended", _("已答辩")


def topics_visible_to(user) -> QuerySet[ResearchTopic]:
    if is_admin(user):
        return ResearchTopic.objects.all()
    allowed = Q(
        pk__in=ResearchMember.objects.filter(cadre__in=cadres_visible_to(user)).values("topic_id")
    )
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    return ResearchTopic.objects.filter(allowed)


def topics_managed_by(user) -> QuerySet[ResearchTopic]:
    """Topics whose details and group `user` may change (staff of the organising subtree)."""
    if not user.has_perm("training.change_researchtopic"):
        return ResearchTopic.objects.none()
    if is_admin(user):
        return ResearchTopic.objects.all()
    return ResearchTopic.objects.filter(unit__in=units_visible_to(user))


def topics_with_report_for(user) -> QuerySet[ResearchTopic]:
    """Topics whose report `user` may download: those they may see, and those defended at
    a session they judge."""
    if is_admin(user):
        return ResearchTopic.objects.all()
    return ResearchTopic.objects.filter(
        Q(pk__in=topics_visible_to(user).values("pk"))
        | Q(defense__in=Defense.objects.filter(judges=user).values("pk"))
    )


def membership(user, topic: ResearchTopic) -> ResearchMember | None:
    """The user's own place in the topic's group (through their cadre profile), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return topic.members.filter(cadre__user=user).first()


def may_manage(user, topic: ResearchTopic) -> bool:
    return topics_managed_by(user).filter(pk=topic.pk).exists()


def may_manage_milestones(user, topic: ResearchTopic) -> bool:
    """Staff managing the topic, or the topic's leader (组长)."""
    if may_manage(user, topic):
        return True
    member = membership(user, topic)
    return member is not None and member.role == MemberRole.LEADER


def topic_status():
    return Case(
        When(defense__results_published_at__isnull=False, then=Value(TopicStatus.DEFENDED)),
        When(report_submitted_at__isnull=False, then=Value(TopicStatus.SUBMITTED)),
        default=Value(TopicStatus.IN_PROGRESS),
        output_field=models.CharField(),
    )


def _counted(rows):
    return Coalesce(
        Subquery(rows.order_by().values("topic").annotate(n=Count("pk")).values("n")[:1]), 0
    )


def topic_list(user, *, today=None) -> QuerySet[ResearchTopic]:
    """Topics `user` may see with the leader's name, group size, milestone counts (all and
    overdue: past due and not done) and status, as correlated subqueries: a page of 50 costs
    the same whatever the table holds."""
    today = today or timezone.localdate()
    milestones = Milestone.objects.filter(topic=OuterRef("pk"))
    leader = ResearchMember.objects.filter(topic=OuterRef("pk"), role=MemberRole.LEADER)
    return (
        topics_visible_to(user)
        .select_related("unit", "defense")
        .annotate(
            leader_name=Subquery(leader.values("cadre__name")[:1]),
            member_count=_counted(ResearchMember.objects.filter(topic=OuterRef("pk"))),
            milestone_count=_counted(milestones),
            overdue_count=_counted(milestones.filter(done_on__isnull=True, due_on__lt=today)),
            status=topic_status(),
        )
        .order_by("-starts_on", "-id")
    )


def topic_members(topic: ResearchTopic) -> QuerySet[ResearchMember]:
    return topic.members.select_related("cadre", "cadre__unit").order_by("role", "id")


def topic_milestones(topic: ResearchTopic, *, today=None) -> list[Milestone]:
    today = today or timezone.localdate()
    rows = list(topic.milestones.order_by("due_on", "id"))
    for row in rows:
        row.overdue = row.done_on is None and row.due_on < today
    return rows


def with_members(topics: QuerySet[ResearchTopic]) -> QuerySet[ResearchTopic]:
    """For exports and the API: the group in one more query."""
    return topics.prefetch_related(
        Prefetch(
            "members",
            queryset=ResearchMember.objects.select_related("cadre").order_by("role", "id"),
        )
    )


# --- defenses --------------------------------------------------------------------------------


def may_use_defenses(user) -> bool:
    """Defense pages are for staff and leaders (the permission) and for judges."""
    return user.has_perm("training.view_defense") or Defense.objects.filter(judges=user).exists()


def defenses_visible_to(user) -> QuerySet[Defense]:
    if is_admin(user):
        return Defense.objects.all()
    allowed = Q(pk__in=Defense.objects.filter(judges=user).values("pk"))
    if user.has_perm("training.view_defense"):
        allowed |= Q(unit__in=units_visible_to(user))
    return Defense.objects.filter(allowed)


def defenses_managed_by(user) -> QuerySet[Defense]:
    if not user.has_perm("training.change_defense"):
        return Defense.objects.none()
    if is_admin(user):
        return Defense.objects.all()
    return Defense.objects.filter(unit__in=units_visible_to(user))


def defenses_with_results_for(user) -> QuerySet[Defense]:
    """Whose ranked results `user` may see before publication: staff and leaders in scope."""
    if not user.has_perm("training.view_defense"):
        return Defense.objects.none()
    if is_admin(user):
        return Defense.objects.all()
    return Defense.objects.filter(unit__in=units_visible_to(user))


def defense_list(user) -> QuerySet[Defense]:
    topics = ResearchTopic.objects.filter(defense=OuterRef("pk")).order_by()
    judges = Defense.judges.through.objects.filter(defense=OuterRef("pk")).order_by()
    return (
        defenses_visible_to(user)
        .select_related("unit")
        .annotate(
            topic_count=Coalesce(
                Subquery(topics.values("defense").annotate(n=Count("pk")).values("n")[:1]), 0
            ),
            judge_count=Coalesce(
                Subquery(judges.values("defense").annotate(n=Count("pk")).values("n")[:1]), 0
            ),
        )
        .order_by("-held_at", "-id")
    )


def is_judge(user, defense: Defense) -> bool:
    return defense.judges.filter(pk=user.pk).exists()


def eligible_topics(defense: Defense, user) -> QuerySet[ResearchTopic]:
    """Topics staff may schedule at this session: theirs, report submitted, and not
    defended elsewhere."""
    return (
        topics_managed_by(user)
        .filter(report_submitted_at__isnull=False)
        .filter(Q(defense__isnull=True) | Q(defense=defense))
        .select_related("unit")
        .order_by("title", "id")
    )


def defense_results(defense: Defense) -> dict:
    """The ranked topics with their groups, the rubric and each judge's progress
    (`judging.results_table`, rows and progress as dicts), in a fixed number of queries."""
    topics = defense.topics.select_related("unit").prefetch_related(
        Prefetch(
            "members",
            queryset=ResearchMember.objects.select_related("cadre").order_by("role", "id"),
        )
    )
    table = judging.results_table(
        score_model=DefenseScore,
        subject_field="topic",
        subjects=topics,
        criteria=defense.criteria.order_by("position", "id"),
        judges=defense.judges.order_by("username"),
    )
    table["rows"] = [
        {"topic": r.subject, "result": r.result, "by_criterion": r.by_criterion}
        for r in table["rows"]
    ]
    table["judges"] = [vars(progress) for progress in table["judges"]]
    return table


def judge_cards(defense: Defense, judge) -> dict[int, dict[int, object]]:
    """A judge's saved scores: topic id → criterion id → score."""
    scores = DefenseScore.objects.filter(criterion__defense=defense, judge=judge)
    return judging.judge_cards(scores, subject_field="topic")


def topic_result(topic: ResearchTopic):
    """The topic's published result (rank and mean) or None before publication."""
    defense = topic.defense
    if defense is None or defense.results_published_at is None:
        return None
    results = judging.judged_results(
        score_model=DefenseScore,
        subject_field="topic",
        subject_ids=defense.topics.values_list("pk", flat=True),
        criteria_count=defense.criteria.count(),
    )
    return next((r for r in results if r.subject_id == topic.pk), None)


def judge_choices():
    """Who may sit on a panel: active accounts of staff, leaders, mentors and evaluators (a
    cadre's own account never: judging opens the topics' reports)."""
    names = [GROUP_NAMES[r] for r in (Role.STAFF, Role.LEADER, Role.MENTOR, Role.EVALUATOR)]
    return User.objects.filter(
        is_active=True, pk__in=User.objects.filter(groups__name__in=names).values("pk")
    ).order_by("username")
