"""Talks (谈心谈话) with a cadre, by level, and the confidential note only the talker and staff
in scope may read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from mentoring.choices import TalkLevel


class Talk(TimeStampedModel):  # 谈心谈话
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="talks"
    )
    level = models.CharField(_("谈话层级"), max_length=10, choices=TalkLevel.choices)
    talked_on = models.DateField(_("谈话日期"), db_index=True)
    talker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("谈话人"),
        on_delete=models.PROTECT,
        related_name="talks_held",
    )
    topics = models.TextField(_("谈话主题"))
    concerns = models.TextField(_("反映的问题"), blank=True)
    actions = models.TextField(_("后续措施"), blank=True)
    confidential_note = models.TextField(_("保密记录"), blank=True)
    follow_up = models.OneToOneField(
        "scoring.FollowUp",
        verbose_name=_("办结的约谈任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="talk",
    )
    # Numbers the dates a talk has been scored on (`mentoring.talk:<id>#<version>`).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-talked_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "level", "talked_on"], name="talk_cadre_level_day"),
            # The compliance board reads each level's talks of a few periods for all cadres.
            models.Index(
                fields=["level", "talked_on"], include=["cadre"], name="talk_level_day_cadre"
            ),
        ]
        permissions = [("view_talk_note", _("可查看谈话保密记录"))]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_level_display()} · {self.talked_on}"
