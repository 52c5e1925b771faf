"""Generated documents: quarterly reports (季度报告) and batch exports of growth records (成长档案
批量导出). Each is a row with status, progress and error that a Celery task fills in (or the
same code inline without Redis); the files live in media storage behind scoped downloads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(TimeStampedModel):
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        abstract = True


class QuarterlyReport(Job):  # 季度报告
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    # None: the whole jurisdiction (every unit).
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quarterly_reports",
    )
    # A programme's report: the cadres enrolled in its cohorts during the quarter. A report
    # has a unit, a programme or neither (overall), never both.
    programme = models.ForeignKey(
        "cadres.Programme",
        verbose_name=_("培养计划"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quarterly_reports",
    )
    pdf = models.FileField(_("PDF文件"), upload_to=RandomName("quarterly"), blank=True)
    xlsx = models.FileField(_("Excel文件"), upload_to=RandomName("quarterly"), blank=True)

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        ordering = ["-year", "-quarter", "unit__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_report_quarter"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="quarterly_report_progress"
            ),
            # Generating the same report again replaces it: one row per quarter and scope.
            models.UniqueConstraint(
                fields=["year", "quarter", "unit"], name="quarterly_report_once_per_unit"
            ),
            models.UniqueConstraint(
                fields=["year", "quarter", "programme"],
                name="quarterly_report_once_per_programme",
            ),
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=Q(unit__isnull=True, programme__isnull=True),
                name="quarterly_report_once_overall",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(programme__isnull=True),
                name="quarterly_report_one_scope",
            ),
        ]

    @property
    def scope_label(self) -> str:
        if self.unit_id:
            return self.unit.full_name
        if self.programme_id:
            return self.programme.name
        return str(_("全部单位"))

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.scope_label}"


class GrowthExport(Job):  # 成长档案批量导出
    title = models.CharField(_("名称"), max_length=200)
    cadre_ids = models.JSONField(_("干部"), default=list)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    total = models.PositiveIntegerField(_("份数"), default=0)
    file = models.FileField(_("ZIP文件"), upload_to=RandomName("growth-exports"), blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成长档案批量导出")
        verbose_name_plural = _("成长档案批量导出")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="growth_export_progress"),
        ]

    def __str__(self) -> str:
        return self.title
