"""Mentor duties "四个一" (导师履职): per pairing, a guided work-information article every
month, grassroots research every quarter, special guidance every half-year and a seminar
every year. Which duties exist and their rhythm come from `settings.QINGMIAO_MENTOR_DUTIES`;
a `DutyRecord` is one duty done, and the cadence engine (`core.cadence`) turns the records of
a pairing into done / due / overdue periods."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName


class DutyKind(models.TextChoices):  # 导师"四个一"
    ARTICLE = "article", _("指导撰写工作信息")
    RESEARCH = "research", _("基层调研")
    SPECIAL_GUIDANCE = "special_guidance", _("专题辅导")
    SEMINAR = "seminar", _("座谈交流")


class DutyRecord(TimeStampedModel):  # 导师履职记录
    pairing = models.ForeignKey(
        "mentoring.Pairing",
        verbose_name=_("帮带结对"),
        on_delete=models.PROTECT,
        related_name="duty_records",
    )
    # The pairing's cadre, kept on the row so that scoping filters without a join.
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("履职事项"), max_length=20, choices=DutyKind.choices)
    done_on = models.DateField(_("完成日期"))
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("情况说明"), blank=True)
    attachment = models.FileField(_("附件"), upload_to=RandomName("mentor-duties"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped when the date or kind is corrected: the corrected fact is scored as a new one.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("导师履职记录")
        verbose_name_plural = _("导师履职记录")
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["pairing", "kind", "done_on"], name="dutyrecord_pairing_kind_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"
