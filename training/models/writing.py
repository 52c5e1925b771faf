"""Written output (信息宣传): 政务信息 / 网评 / 新闻报道 a cadre submits with the outlet, the
date, the level that adopted it and evidence; staff verify it, and only verified output
counts for points."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName
from training.choices import AdoptionLevel, Review, WritingKind


class Writing(TimeStampedModel):  # 信息宣传稿件
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="writings"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=WritingKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    outlet = models.CharField(_("采用单位或媒体"), max_length=120)
    published_on = models.DateField(_("采用日期"))
    level = models.CharField(
        _("采用层级"), max_length=10, choices=AdoptionLevel.choices, blank=True, default=""
    )
    evidence = models.FileField(_("佐证材料"), upload_to=RandomName("writing"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Review.choices, default=Review.SUBMITTED
    )
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)
    # Bumped on every verification: each verified version is a distinct points source, so a
    # correction (returned, then verified again at another level) is scored afresh.
    verify_version = models.PositiveIntegerField(default=0, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("信息宣传")
        verbose_name_plural = _("信息宣传")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title
