from django.db import models
from django.utils.translation import gettext_lazy as _


class MentorType(models.TextChoices):
    TOWN_SECRETARY = "town_secretary", _("镇党委书记")
    VILLAGE_SECRETARY = "village_secretary", _("村（社区）书记")
    MIDDLE_LEVEL = "middle_level", _("中层干部")
    SENIOR_PEER = "senior_peer", _("资深干部")


class PairingRole(models.TextChoices):
    TOWN_SECRETARY = "town_secretary", _("镇党委书记导师")
    VILLAGE_SECRETARY = "village_secretary", _("村（社区）书记导师")
    PEER = "peer", _("同伴导师")
    OTHER = "other", _("成长导师")


class TalkLevel(models.TextChoices):  # 谈心谈话层级
    ORG = "org", _("组织部门")
    TOWN = "town", _("镇（街道）")
    VILLAGE = "village", _("村（社区）")
    MENTOR = "mentor", _("导师")


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("帮带中")
    ENDED = "ended", _("已结束")
