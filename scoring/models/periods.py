"""Scoring periods and their publication (公示): staff publish a period's standings for a
window of working days, cadres see their own line and may object (异议), staff answer, and the
period closes. Closing freezes the period: afterwards only reversing entries with a reason
change it, and low scorers get a follow-up talk task (约谈).

`PeriodStanding` is the published table: written when the period is published (and again when
an answered objection corrects it during the window), so what a cadre was shown is what is
stored, and reading a published period costs one indexed query.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from scoring.choices import PeriodStatus


class ScoringPeriod(TimeStampedModel):  # 积分周期
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("公示范围"),
        on_delete=models.PROTECT,
        related_name="scoring_periods",
        help_text=_("该单位及下级单位的在职干部一起排名。"),
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PeriodStatus.choices,
        default=PeriodStatus.OPEN,
        db_index=True,
    )
    window_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    window_ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    low_score_threshold = models.DecimalField(
        _("约谈分数线"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("总分低于此分的干部在关闭时生成约谈任务；留空不按分数线。"),
    )
    bottom_percent = models.PositiveSmallIntegerField(
        _("末位比例（%）"),
        default=10,
        help_text=_("排名在末位该比例内的干部生成约谈任务；0表示不按比例。"),
    )
    follow_up_days = models.PositiveSmallIntegerField(_("约谈完成期限（天）"), default=30)

    class Meta:
        verbose_name = _("积分周期")
        verbose_name_plural = _("积分周期")
        ordering = ["-end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="scoring_period_range"),
            models.CheckConstraint(
                condition=Q(bottom_percent__lte=100), name="scoring_period_bottom_percent"
            ),
            models.UniqueConstraint(
                fields=["unit", "start", "end"], name="scoring_period_once_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status in (PeriodStatus.PUBLISHED, PeriodStatus.CLOSED)


class PeriodStanding(models.Model):  # 公示的排名
    period = models.ForeignKey(
        ScoringPeriod,
        verbose_name=_("积分周期"),
        on_delete=models.CASCADE,
        related_name="standings",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.ForeignKey(
        "cadres.Cohort",
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total = models.DecimalField(_("总分"), max_digits=10, decimal_places=2)
    previous_total = models.DecimalField(
        _("上期总分"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("总排名"))
    unit_rank = models.PositiveIntegerField(_("单位内排名"))
    cohort_rank = models.PositiveIntegerField(_("批次内排名"), null=True, blank=True)
    percentile = models.FloatField(_("百分位"))
    population = models.PositiveIntegerField(_("参与排名人数"))
    dimension_scores = models.JSONField(_("六维得分"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示排名")
        verbose_name_plural = _("公示排名")
        ordering = ["period", "rank", "cadre_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre"], name="period_standing_once")
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.cadre_id} #{self.rank}"

    @property
    def trend(self) -> Decimal | None:
        if self.previous_total is None:
            return None
        return self.total - self.previous_total


class Objection(TimeStampedModel):  # 异议
    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    period = models.ForeignKey(
        ScoringPeriod,
        verbose_name=_("积分周期"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        "scoring.PointEntry",
        verbose_name=_("涉及明细"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.CharField(_("异议内容"), max_length=500)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    answer = models.CharField(_("答复"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    correction = models.OneToOneField(
        "scoring.PointEntry",
        verbose_name=_("更正明细"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objection_corrected",
    )

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.period} · {self.cadre}"


class FollowUp(TimeStampedModel):  # 约谈任务
    class Status(models.TextChoices):
        OPEN = "open", _("待约谈")
        DONE = "done", _("已完成")

    period = models.ForeignKey(
        ScoringPeriod,
        verbose_name=_("积分周期"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    reason = models.CharField(_("原因"), max_length=200)
    total = models.DecimalField(_("总分"), max_digits=10, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    improvement_plan = models.TextField(_("改进计划"), blank=True)
    talked_on = models.DateField(_("约谈日期"), null=True, blank=True)
    outcome = models.TextField(_("约谈情况"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("约谈任务")
        verbose_name_plural = _("约谈任务")
        ordering = ["status", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="follow_up_once")]

    def __str__(self) -> str:
        return f"{self.period} · {self.cadre}"
