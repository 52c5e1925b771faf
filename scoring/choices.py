from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCategory(models.TextChoices):
    LEARN = "learn", _("学")
    COMPETE = "compete", _("赛")
    VISIT = "visit", _("访")
    RESEARCH = "research", _("研")
    OTHER = "other", _("其他")


class CapPeriod(models.TextChoices):
    NONE = "", _("不设上限")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class EntryKind(models.TextChoices):
    EVENT = "event", _("活动记分")
    MANUAL = "manual", _("手工加减分")
    DECLARATION = "declaration", _("个人申报")
    EVALUATION = "evaluation", _("多维评价")
    REVERSAL = "reversal", _("冲销更正")
