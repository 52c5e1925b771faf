"""菁岗练兵 / 挂职锻炼: practice postings (village secondment, rotation, task force,
shadowing, secondment) with goals, a local supervisor, monthly reports (挂职月报) reviewed by
the supervisor, and a final assessment. Task forces (攻坚专班) group postings under a goal."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName
from training.choices import Assessment, PostingType, Review


class TaskForce(TimeStampedModel):  # 攻坚专班
    name = models.CharField(_("专班名称"), max_length=120)
    goal = models.TextField(_("工作目标"))
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="task_forces",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("攻坚专班")
        verbose_name_plural = _("攻坚专班")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="task_force_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Posting(TimeStampedModel):  # 实践锻炼（一次挂职或轮岗）
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="postings"
    )
    type = models.CharField(_("锻炼方式"), max_length=20, choices=PostingType.choices)
    host_unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("锻炼单位"),
        on_delete=models.PROTECT,
        related_name="hosted_postings",
    )
    role = models.CharField(_("锻炼岗位"), max_length=60, blank=True)
    task_force = models.ForeignKey(
        TaskForce,
        verbose_name=_("攻坚专班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("锻炼单位指导人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_postings",
    )
    goals = models.TextField(_("锻炼目标"))
    needs_monthly_reports = models.BooleanField(_("须报送月报"), default=True)
    assessment = models.CharField(
        _("期满考核"), max_length=10, choices=Assessment.choices, blank=True, default=""
    )
    assessment_comment = models.TextField(_("考核评语"), blank=True)
    # Bumped on every (re)assessment: each grade given is a distinct points source.
    assessment_version = models.PositiveIntegerField(default=0, editable=False)
    assessed_at = models.DateTimeField(_("考核时间"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("实践锻炼")
        verbose_name_plural = _("实践锻炼")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="posting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(type=PostingType.TASK_FORCE) | Q(task_force__isnull=False),
                name="posting_task_force_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_type_display()} · {self.host_unit}"


class MonthlyReport(TimeStampedModel):  # 挂职月报
    posting = models.ForeignKey(
        Posting, verbose_name=_("实践锻炼"), on_delete=models.CASCADE, related_name="reports"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    work_done = models.TextField(_("本月工作"))
    lessons = models.TextField(_("收获体会"), blank=True)
    next_plan = models.TextField(_("下月计划"), blank=True)
    attachment = models.FileField(_("附件"), upload_to=RandomName("posting-reports"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Review.choices, default=Review.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    review_comment = models.TextField(_("审核意见"), blank=True)
    # Bumped on every review: an acceptance after a return is scored as a new fact.
    review_version = models.PositiveIntegerField(default=0, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("挂职月报")
        verbose_name_plural = _("挂职月报")
        ordering = ["posting", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "month"], name="monthly_report_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_report_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.month:%Y-%m}"
