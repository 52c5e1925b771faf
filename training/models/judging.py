"""What forums (菁才论坛) and research defenses (答辩) share: a rubric of criteria with a
maximum score each, and judges' scores per subject (a speaker, a topic) and criterion."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

POSITION_MAX = 32767  # the largest PositiveSmallIntegerField value on every database


class Criterion(models.Model):  # 评分细则
    name = models.CharField(_("评分项"), max_length=60)
    max_score = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_score}）"


class Score(TimeStampedModel):  # 评委打分
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True
