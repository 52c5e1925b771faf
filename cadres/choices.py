from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    MASSES = "masses", _("群众")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY = "secondary", _("中专")
    HIGH_SCHOOL = "high_school", _("高中及以下")


class Degree(models.TextChoices):
    DOCTOR = "doctor", _("博士")
    MASTER = "master", _("硕士")
    BACHELOR = "bachelor", _("学士")
    NONE = "none", _("无")


class EliteUniversity(models.TextChoices):
    NONE = "", _("否")
    U211 = "211", _("211高校")
    U985 = "985", _("985高校")


class CadreCategory(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政")
    INSTITUTION = "institution", _("事业")
    VILLAGE = "village", _("村（社区）")
    SELECTED_GRADUATE = "selected_graduate", _("选调生")


class CadreStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    TRANSFERRED = "transferred", _("调离")
    LEFT = "left", _("离职")


class AgeBand(models.TextChoices):
    UNDER_30 = "le30", _("30岁及以下")
    FROM_31_TO_35 = "31_35", _("31–35岁")
    FROM_36_TO_40 = "36_40", _("36–40岁")
    OVER_40 = "gt40", _("40岁以上")


class UnitKind(models.TextChoices):
    COUNTY = "county", _("县（区）")
    TOWN = "town", _("乡镇（街道）")
    OFFICE = "office", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    OTHER = "other", _("其他")


class RecordKind(models.TextChoices):
    AWARD = "award", _("奖励")
    SANCTION = "sanction", _("处分")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("在培")
    GRADUATED = "graduated", _("结业")
    LEFT = "left", _("离开")
    WITHDRAWN = "withdrawn", _("退出")


class Framework(models.TextChoices):
    LEARN = "learn", _("学为要")
    COMPETE = "compete", _("赛为先")
    VISIT = "visit", _("访为径")
    RESEARCH = "research", _("研为本")
