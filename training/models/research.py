"""菁智汇: research topics by field, a group with one leader and members, milestones, a report,
and a defense (答辩) session where judges score several topics on criteria and rank them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName
from training.choices import MemberRole, ResearchField
from training.models.judging import Criterion, Score


class Defense(TimeStampedModel):  # 课题答辩会
    title = models.CharField(_("名称"), max_length=120)
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(_("答辩时间"))
    place = models.CharField(_("地点"), max_length=120)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评委"),
        blank=True,
        related_name="judged_defenses",
    )
    results_published_at = models.DateTimeField(_("结果发布时间"), null=True, blank=True)
    # Bumped whenever the results are published again after a correction: each publication
    # is a distinct points source, so the earlier ranks are withdrawn and the new ones scored.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("课题答辩会")
        verbose_name_plural = _("课题答辩会")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DefenseCriterion(Criterion):
    defense = models.ForeignKey(
        Defense, verbose_name=_("答辩会"), on_delete=models.CASCADE, related_name="criteria"
    )

    class Meta(Criterion.Meta):
        verbose_name = _("答辩评分项")
        verbose_name_plural = _("答辩评分项")
        constraints = [
            models.UniqueConstraint(fields=["defense", "name"], name="defense_criterion_once")
        ]


class ResearchTopic(TimeStampedModel):  # 调研课题
    title = models.CharField(_("课题名称"), max_length=200)
    field = models.CharField(_("领域"), max_length=20, choices=ResearchField.choices)
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    summary = models.TextField(_("研究内容"), blank=True)
    starts_on = models.DateField(_("立项日期"))
    due_on = models.DateField(_("结题期限"))
    report = models.FileField(_("调研报告"), upload_to=RandomName("research"), blank=True)
    report_submitted_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    defense = models.ForeignKey(
        Defense,
        verbose_name=_("答辩会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调研课题")
        verbose_name_plural = _("调研课题")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ResearchMember(TimeStampedModel):  # 课题组成员
    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="members"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="research_memberships",
    )
    role = models.CharField(
        _("角色"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = _("课题组成员")
        verbose_name_plural = _("课题组成员")
        ordering = ["topic", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "cadre"], name="research_member_once"),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(role=MemberRole.LEADER), name="research_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.cadre}"


class Milestone(TimeStampedModel):  # 课题节点
    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=120)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("课题节点")
        verbose_name_plural = _("课题节点")
        ordering = ["topic", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.topic} · {self.title}"


class DefenseScore(Score):
    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        DefenseCriterion, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="scores"
    )

    class Meta:
        verbose_name = _("答辩评分")
        verbose_name_plural = _("答辩评分")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "criterion", "judge"], name="defense_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.criterion.name} {self.score}"
