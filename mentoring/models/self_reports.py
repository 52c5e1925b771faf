"""Self-reports by cadres: the yearly thought report (思想汇报) and the monthly summary
(月小结), each for one period, reviewed by a current mentor or by staff. Their rhythm comes
from `settings.QINGMIAO_SELF_REPORTS`; a returned report counts as not filed until revised."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName


class SelfReportKind(models.TextChoices):
    THOUGHT = "thought", _("思想汇报")
    MONTHLY = "monthly", _("月小结")


class SelfReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审阅")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class SelfReport(TimeStampedModel):  # 思想汇报 / 月小结
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="self_reports",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=SelfReportKind.choices)
    # The first day of the period reported on: 1 January for a thought report, the 1st of the
    # month for a monthly summary.
    period_start = models.DateField(_("所属期间"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("正文"))
    attachment = models.FileField(_("附件"), upload_to=RandomName("self-reports"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SelfReportStatus.choices,
        default=SelfReportStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    review_note = models.TextField(_("审阅意见"), blank=True)
    # Bumped on every review: an acceptance after a return is scored as a new fact.
    review_version = models.PositiveIntegerField(default=0, editable=False)
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审阅人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("个人报告")
        verbose_name_plural = _("个人报告")
        ordering = ["-period_start", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "kind", "period_start"], name="self_report_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="self_report_period_first_day"
            ),
            models.CheckConstraint(
                condition=~Q(kind="thought") | Q(period_start__month=1),
                name="self_report_thought_yearly",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="selfreport_status_kind")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.period_start:%Y-%m}"
