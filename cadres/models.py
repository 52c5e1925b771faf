"""Units (单位), cadre profiles (干部档案) and training programmes (培养计划).

Writes go through `cadres.services`; these classes hold data and invariants only.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from cadres import choices
from cadres.ages import age_band, age_on, years_between
from cadres.idcard import mask
from core.models import TimeStampedModel


class Unit(MP_Node):  # 单位
    """A node of the unit tree; `path` (materialized path) makes subtree queries one LIKE."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=choices.UnitKind.choices, default=choices.UnitKind.OFFICE
    )
    # Denormalised "金城镇/党政办" so that lists show the path without walking ancestors.
    full_name = models.CharField(_("全称"), max_length=500, editable=False, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)

    # No node_order_by: sorted insertion would rewrite sibling paths, and paths must stay
    # stable because scoping compares them. Siblings keep their creation order.

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.full_name or self.name

    def subtree_q(self, prefix: str = "") -> Q:
        """Filter for rows whose unit (reached by `prefix`) is this unit or below it."""
        return Q(**{f"{prefix}path__startswith": self.path})

    @classmethod
    def lineage_paths(cls, path: str) -> list[str]:
        """The paths of the unit with `path` and of every unit above it (no query)."""
        return [path[:end] for end in range(cls.steplen, len(path) + 1, cls.steplen)]


def photo_upload_to(instance: "Cadre", filename: str) -> str:
    # Random names: a photo's URL must not be guessable from the cadre id.
    return f"photos/{uuid.uuid4().hex}.jpg"


class Cadre(TimeStampedModel):  # 干部档案
    name = models.CharField(_("姓名"), max_length=30)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, editable=False, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=30, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=choices.Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("出生日期"), db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=choices.PoliticalStatus.choices
    )
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=choices.Education.choices)
    degree = models.CharField(
        _("学位"), max_length=20, choices=choices.Degree.choices, blank=True, default=""
    )
    school = models.CharField(_("毕业院校"), max_length=100, blank=True)
    elite_university = models.CharField(
        _("985/211"), max_length=3, choices=choices.EliteUniversity.choices, blank=True, default=""
    )
    major = models.CharField(_("专业"), max_length=100, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    position = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=30, blank=True)
    category = models.CharField(_("干部类别"), max_length=20, choices=choices.CadreCategory.choices)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    is_reserve = models.BooleanField(_("后备干部"), default=False)
    in_talent_pool = models.BooleanField(_("优秀年轻干部库"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=choices.CadreStatus.choices,
        default=choices.CadreStatus.ACTIVE,
        db_index=True,
    )
    photo = models.ImageField(_("照片"), upload_to=photo_upload_to, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )

    history = HistoricalRecords(
        excluded_fields=["name_pinyin", "name_initials", "created_at", "updated_at"],
        verbose_name=_("干部档案变更记录"),
    )

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name_pinyin", "id"]
        permissions = [
            ("view_id_number", _("可查看完整身份证号")),
            ("export_cadre", _("可导出干部名册")),
            ("view_cadre_history", _("可查看干部档案变更记录")),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="cadre_unit_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_join_date__isnull=True)
                | Q(party_join_date__gt=models.F("birth_date")),
                name="cadre_party_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(work_start_date__isnull=True)
                | Q(work_start_date__gt=models.F("birth_date")),
                name="cadre_work_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def age_band(self) -> str:
        return age_band(self.age())

    @property
    def age_band_label(self) -> str:
        return choices.AgeBand(self.age_band).label

    @property
    def years_of_service(self) -> int | None:
        if not self.work_start_date:
            return None
        return years_between(self.work_start_date, timezone.localdate())


class PositionRecord(TimeStampedModel):  # 任职经历（含提拔任用）
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="positions"
    )
    unit_name = models.CharField(_("单位"), max_length=200)
    position = models.CharField(_("职务"), max_length=100)
    rank = models.CharField(_("职级"), max_length=30, blank=True)
    start_date = models.DateField(_("开始时间"))
    end_date = models.DateField(_("结束时间"), null=True, blank=True)
    is_promotion = models.BooleanField(_("提拔任用"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords(verbose_name=_("任职经历变更记录"))

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["cadre", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.position}"


class RewardSanction(TimeStampedModel):  # 奖惩情况
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="rewards_sanctions"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=choices.RecordKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=50, blank=True)
    issuer = models.CharField(_("授予/处理机关"), max_length=100, blank=True)
    date = models.DateField(_("时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords(verbose_name=_("奖惩记录变更记录"))

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩记录")
        ordering = ["cadre", "-date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Programme(TimeStampedModel):  # 培养计划
    name = models.CharField(_("名称"), max_length=100)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="programmes"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    framework = models.JSONField(
        _("培养框架"), default=list, blank=True, help_text=_("学为要、赛为先、访为径、研为本")
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("培养计划")
        verbose_name_plural = _("培养计划")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="programme_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def framework_labels(self) -> list[str]:
        return [str(choices.Framework(v).label) for v in self.framework if v in choices.Framework]


class EligibilityRule(models.Model):  # 培养对象年龄条件
    """Maximum age at enrolment for one cadre category in one programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("培养计划"), on_delete=models.CASCADE, related_name="eligibility"
    )
    category = models.CharField(_("干部类别"), max_length=20, choices=choices.CadreCategory.choices)
    max_age = models.PositiveSmallIntegerField(_("最大年龄（周岁，含）"))

    class Meta:
        verbose_name = _("年龄条件")
        verbose_name_plural = _("年龄条件")
        ordering = ["programme", "category"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "category"], name="eligibility_unique"),
            models.CheckConstraint(
                condition=Q(max_age__gte=16) & Q(max_age__lte=70), name="eligibility_age_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≤ {self.max_age}"


class Cohort(TimeStampedModel):  # 批次
    programme = models.ForeignKey(
        Programme, verbose_name=_("培养计划"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["programme", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cohort_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} · {self.name}"


class Enrolment(TimeStampedModel):  # 入选培养（批次成员）
    """One stay of a cadre in a cohort; leaving and re-joining makes a new row."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="enrolments"
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=choices.EnrolmentStatus.choices,
        default=choices.EnrolmentStatus.ACTIVE,
    )
    age_at_enrolment = models.PositiveSmallIntegerField(_("入选时年龄"))
    exception_reason = models.CharField(
        _("破格理由"),
        max_length=300,
        blank=True,
        help_text=_("不符合年龄条件仍入选时必须填写。"),
    )
    end_reason = models.CharField(_("离开原因"), max_length=300, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("批次成员")
        verbose_name_plural = _("批次成员")
        ordering = ["cohort", "-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "cadre"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="enrolment_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True)
                | (~Q(status="active") & Q(left_on__isnull=False)),
                name="enrolment_left_on_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} @ {self.cohort}"
