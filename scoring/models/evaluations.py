"""Multi-party evaluation (多维评价 / 季评鉴): a round rates each cadre on the six dimensions by
evaluators in four groups; the weighted result becomes a ledger entry by the round's formula.

Evaluators are anonymous toward the cadre: nothing a cadre can open names who rated them or
shows a single evaluator's scores.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from scoring.choices import Dimension, EvaluatorGroup, RoundKind, RoundStatus

SCORE_MAX = 100


def default_dimension_weights() -> dict[str, int]:
    return {d.value: 1 for d in Dimension}


def default_group_weights() -> dict[str, int]:
    # A common county practice: leaders 40 %, colleagues 30 %, mentors 20 %, the public 10 %.
    return {
        EvaluatorGroup.LEADER.value: 40,
        EvaluatorGroup.COLLEAGUE.value: 30,
        EvaluatorGroup.MENTOR.value: 20,
        EvaluatorGroup.PUBLIC.value: 10,
    }


class EvaluationRound(TimeStampedModel):  # 评价轮次
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=RoundKind.choices)
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        help_text=_("评价该单位及下级单位的干部。"),
    )
    cohort = models.ForeignKey(
        "cadres.Cohort",
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        help_text=_("留空则评价单位内全部在职干部。"),
    )
    period_start = models.DateField(_("考评期开始"))
    period_end = models.DateField(_("考评期结束"), help_text=_("评价积分记在这一天。"))
    opens_on = models.DateField(_("开始填写"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    dimension_weights = models.JSONField(_("维度权重"), default=default_dimension_weights)
    group_weights = models.JSONField(_("评价人类别权重"), default=default_group_weights)
    trim_extremes = models.BooleanField(
        _("去掉最高分和最低分"),
        default=True,
        help_text=_("某类评价人的评分达到规定份数时，去掉一个最高分和一个最低分。"),
    )
    trim_min_ratings = models.PositiveSmallIntegerField(
        _("去极值最少份数"), default=5, validators=[MinValueValidator(3)]
    )
    points_factor = models.DecimalField(
        _("折算系数"), max_digits=6, decimal_places=3, default=Decimal("0.200")
    )
    points_baseline = models.DecimalField(
        _("基准分"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("评价轮次")
        verbose_name_plural = _("评价轮次")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="evaluation_round_period"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="evaluation_round_window"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def formula(self) -> str:
        """The rule that turns a composite score into points, as shown to everyone."""
        from django.utils.translation import gettext

        if self.points_baseline:
            return gettext("积分 =（综合得分 − %(base)s）× %(factor)s") % {
                "base": format(self.points_baseline.normalize(), "f"),
                "factor": format(self.points_factor.normalize(), "f"),
            }
        return gettext("积分 = 综合得分 × %(factor)s") % {
            "factor": format(self.points_factor.normalize(), "f")
        }


class EvaluationAssignment(TimeStampedModel):  # 评价任务：某评价人评某干部
    class Status(models.TextChoices):
        PENDING = "pending", _("待填写")
        SUBMITTED = "submitted", _("已提交")

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("评价轮次"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("被评价干部"),
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    group = models.CharField(_("评价人类别"), max_length=10, choices=EvaluatorGroup.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    comment = models.CharField(_("评语"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评价任务")
        verbose_name_plural = _("评价任务")
        ordering = ["round", "cadre", "group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "cadre", "evaluator"], name="evaluation_assignment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.cadre} · {self.get_group_display()}"


class EvaluationScore(models.Model):  # 单项评分
    assignment = models.ForeignKey(
        EvaluationAssignment,
        verbose_name=_("评价任务"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(
        _("得分"), validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)]
    )

    class Meta:
        verbose_name = _("单项评分")
        verbose_name_plural = _("单项评分")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "dimension"], name="evaluation_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=SCORE_MAX), name="evaluation_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.score}"


class EvaluationResult(models.Model):  # 评价结果
    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("评价轮次"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    dimension_scores = models.JSONField(_("各维度得分"))
    ratings = models.PositiveIntegerField(_("有效评价份数"))
    entry = models.OneToOneField(
        "scoring.PointEntry",
        verbose_name=_("积分明细"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_result",
    )
    created_at = models.DateTimeField(_("计分时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["round", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "cadre"], name="evaluation_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.cadre} · {self.score}"
