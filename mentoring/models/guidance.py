"""Guidance logs (帮带记录): what a mentor did with a cadre they are paired with, the tasks
set (布置任务) with their follow-up, and the cadre's response."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class GuidanceMethod(models.TextChoices):  # 帮带方式
    EXCHANGE = "exchange", _("交流提高法")
    ASSIGNED_TOPIC = "assigned_topic", _("自主命题法")
    FRONTLINE = "frontline", _("一线实践法")
    TWO_SENDS = "two_sends", _("两送一答")
    OTHER = "other", _("其他")


class GuidanceFocus(models.TextChoices):  # 帮带重点
    SKILLS = "skills", _("业务能力")
    THINKING = "thinking", _("工作思路")
    METHODS = "methods", _("工作方法")
    COORDINATION = "coordination", _("沟通协调")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待跟进")
    DONE = "done", _("已完成")


class GuidanceLog(TimeStampedModel):  # 帮带记录
    pairing = models.ForeignKey(
        "mentoring.Pairing",
        verbose_name=_("帮带结对"),
        on_delete=models.PROTECT,
        related_name="guidance_logs",
    )
    # The pairing's cadre, kept on the row so that scoping filters without a join.
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="guidance_logs",
    )
    date = models.DateField(_("帮带日期"))
    method = models.CharField(_("帮带方式"), max_length=20, choices=GuidanceMethod.choices)
    # Comma-separated GuidanceFocus values (portable; validated by the service).
    focus = models.CharField(_("帮带重点"), max_length=100)
    content = models.TextField(_("帮带内容"))
    response = models.TextField(_("干部反馈"), blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("帮带记录")
        verbose_name_plural = _("帮带记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "date"], name="guidancelog_cadre_date")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.date}"

    @property
    def focus_list(self) -> list[str]:
        return [f for f in self.focus.split(",") if f]

    @property
    def focus_labels(self) -> list[str]:
        labels = dict(GuidanceFocus.choices)
        return [str(labels.get(f, f)) for f in self.focus_list]


class GuidanceTask(TimeStampedModel):  # 布置任务
    log = models.ForeignKey(
        GuidanceLog, verbose_name=_("帮带记录"), on_delete=models.CASCADE, related_name="tasks"
    )
    text = models.CharField(_("任务内容"), max_length=200)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(
        _("跟进状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    follow_up = models.TextField(_("跟进情况"), blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("布置任务")
        verbose_name_plural = _("布置任务")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text
