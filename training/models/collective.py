"""Collective activities (集体活动): volunteer work, 义务劳动, 素质拓展 and the like, with the
cadres who took part."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from training.choices import CollectiveKind


class CollectiveActivity(TimeStampedModel):  # 集体活动
    title = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=20, choices=CollectiveKind.choices)
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="collective_activities",
    )
    held_on = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    hours = models.DecimalField(
        _("时长（小时）"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_("活动内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("集体活动")
        verbose_name_plural = _("集体活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class CollectiveParticipation(TimeStampedModel):  # 参加记录
    activity = models.ForeignKey(
        CollectiveActivity,
        verbose_name=_("集体活动"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="collective_participations",
    )
    note = models.CharField(_("表现"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("集体活动参加记录")
        verbose_name_plural = _("集体活动参加记录")
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "cadre"], name="collective_participation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.cadre}"
