from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):  # 菁学课堂的类型
    THEORY = "theory", _("理论政策")
    SCARCE_SKILLS = "scarce_skills", _("紧缺技能")
    BUSINESS = "business", _("业务知识")
    PARTY_SPIRIT = "party_spirit", _("党性教育")
    STUDY_TRIP = "study_trip", _("外出参观调研")


class Theme(models.TextChoices):  # 六个主题
    NONE = "", _("不限")
    PARTY_BUILDING = "party_building", _("党建引领")
    AGRICULTURE = "agriculture", _("农业农村")
    LIVELIHOOD = "livelihood", _("民生保障")
    GOVERNANCE = "governance", _("社会治理")
    URBAN_ECONOMY = "urban_economy", _("城市经济")
    URBAN_RENEWAL = "urban_renewal", _("城市更新")


class Attendance(models.TextChoices):
    UNMARKED = "", _("未登记")
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")
