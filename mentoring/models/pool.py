"""Mentor pool (导师库) and pairings (导师帮带结对)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from mentoring.choices import MentorType, PairingRole, PairingStatus


class Mentor(TimeStampedModel):  # 成长导师
    name = models.CharField(_("姓名"), max_length=30)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, default="")
    mentor_type = models.CharField(_("导师类型"), max_length=30, choices=MentorType.choices)
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="mentors"
    )
    position = models.CharField(_("职务"), max_length=100, blank=True)
    expertise = models.CharField(_("擅长领域"), max_length=200, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    capacity = models.PositiveSmallIntegerField(_("最多带教人数"), default=3)
    is_active = models.BooleanField(_("在库"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor",
    )
    cadre = models.OneToOneField(
        "cadres.Cadre",
        verbose_name=_("对应干部档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profile",
    )

    class Meta:
        verbose_name = _("导师")
        verbose_name_plural = _("导师")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="mentor_id_number_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Pairing(TimeStampedModel):  # 帮带结对
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("导师"), on_delete=models.PROTECT, related_name="pairings"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="pairings"
    )
    role = models.CharField(
        _("角色"), max_length=30, choices=PairingRole.choices, default=PairingRole.OTHER
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    goals = models.TextField(_("帮带目标"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE
    )
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    # Who paired, changed or ended, and when: `history_user` is the acting user (set by the
    # services from `actor`, or by the request middleware).
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("帮带结对变更记录")
    )

    class Meta:
        verbose_name = _("帮带结对")
        verbose_name_plural = _("帮带结对")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["mentor", "status"], name="pairing_mentor_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pairing_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(end_date__isnull=False),
                name="pairing_ended_has_end_date",
            ),
            # The services check first (for a clear message); this holds under races.
            models.UniqueConstraint(
                fields=["mentor", "cadre"],
                condition=Q(status="active"),
                name="pairing_one_active_per_mentor_cadre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.cadre}"
