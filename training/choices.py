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


class ForumFormat(models.TextChoices):  # 菁才论坛的形式
    LECTURE = "lecture", _("登台讲课")
    READING = "reading", _("读书分享")
    EXPERIENCE = "experience", _("经验交流")
    SKILLS = "skills", _("技能展示")
    DEBATE = "debate", _("主题辩论")
    GROUP = "group", _("小组讨论")


class PostingType(models.TextChoices):  # 菁岗练兵 / 挂职锻炼
    VILLAGE = "village", _("挂村锻炼")
    ROTATION = "rotation", _("岗位轮换")
    TASK_FORCE = "task_force", _("攻坚专班")
    SHADOWING = "shadowing", _("跟班学习")
    SECONDMENT = "secondment", _("挂职")


class Assessment(models.TextChoices):  # 锻炼期满考核
    NONE = "", _("未考核")
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    BASIC = "basic", _("基本合格")
    FAIL = "fail", _("不合格")


class Review(models.TextChoices):  # 报送材料的审核状态
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class ResearchField(models.TextChoices):  # 菁智汇课题领域
    PARTY_BUILDING = "party_building", _("党建")
    ECONOMY = "economy", _("经济")
    LIVELIHOOD = "livelihood", _("民生")
    OTHER = "other", _("其他")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("成员")


class WritingKind(models.TextChoices):  # 信息宣传
    GOV_INFO = "gov_info", _("政务信息")
    ONLINE_COMMENT = "online_comment", _("网评")
    NEWS = "news", _("新闻报道")


class AdoptionLevel(models.TextChoices):  # 采用层级，由低到高
    NONE = "", _("未采用")
    TOWN = "town", _("镇")
    DISTRICT = "district", _("区")
    CITY = "city", _("市")
    PROVINCE = "province", _("省")
    NATIONAL = "national", _("国家")


class CollectiveKind(models.TextChoices):  # 集体活动
    VOLUNTEER = "volunteer", _("志愿服务")
    LABOUR = "labour", _("义务劳动")
    OUTWARD = "outward", _("素质拓展")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):  # 培训基金来源
    PARTY_DUES = "party_dues", _("党费")
    FINANCE = "finance", _("财政")
