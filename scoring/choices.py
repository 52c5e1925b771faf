from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class Dimension(models.TextChoices):  # 多维评价的六个维度
    THOUGHT = "thought", _("思想境界")
    POLITICAL = "political", _("政治素质")
    ORGANISING = "organising", _("组织协调能力")
    PERFORMANCE = "performance", _("工作实绩")
    POTENTIAL = "potential", _("发展潜力")
    RECOGNITION = "recognition", _("群众公认度")


class EvaluatorGroup(models.TextChoices):
    LEADER = "leader", pgettext_lazy("evaluator group", "领导")
    COLLEAGUE = "colleague", pgettext_lazy("evaluator group", "同事")
    MENTOR = "mentor", pgettext_lazy("evaluator group", "导师")
    PUBLIC = "public", pgettext_lazy("evaluator group", "群众")


class RoundKind(models.TextChoices):
    QUARTER = "quarter", _("季度评鉴")
    YEAR = "year", _("年度评价")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("评价中")
    CLOSED = "closed", _("已截止")
    FINALISED = "finalised", _("已计分")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("计分中")
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("已关闭")
