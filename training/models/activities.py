"""Training activities. So far: classes and study trips (菁学课堂) with invitations, attendance
and QR sign-in. Every attendance mark is reported to the points service as
`training.attendance.<status>` (see `training/events.py`)."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.uploads import RandomName
from training.choices import ActivityType, Attendance, Theme


def new_secret() -> str:
    return secrets.token_hex(16)


class Activity(TimeStampedModel):  # 菁学课堂：课程与外出参观调研
    title = models.CharField(_("名称"), max_length=120)
    type = models.CharField(_("类型"), max_length=20, choices=ActivityType.choices)
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices, blank=True)
    unit = models.ForeignKey(
        "cadres.Unit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120)
    speaker = models.CharField(_("主讲人"), max_length=60, blank=True)
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    cost = models.DecimalField(
        _("费用（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    signin_opens_before = models.PositiveSmallIntegerField(_("开始前多少分钟可签到"), default=30)
    signin_closes_after = models.PositiveSmallIntegerField(_("开始后多少分钟停止签到"), default=30)
    late_after = models.PositiveSmallIntegerField(_("开始后多少分钟签到算迟到"), default=5)
    signin_secret = models.CharField(max_length=32, default=new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训活动")
        verbose_name_plural = _("培训活动")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(late_after__lte=F("signin_closes_after")),
                name="activity_late_within_signin",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Participant(TimeStampedModel):  # 参训人员（邀请与考勤）
    activity = models.ForeignKey(
        Activity, verbose_name=_("培训活动"), on_delete=models.CASCADE, related_name="participants"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    attendance = models.CharField(
        _("考勤"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    # Bumped on every change of attendance: the points source of each mark is distinct, so
    # a correction back to an earlier status is scored again after its withdrawal.
    mark_version = models.PositiveIntegerField(default=0, editable=False)
    marked_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_in_at = models.DateTimeField(_("扫码签到时间"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("参训人员")
        verbose_name_plural = _("参训人员")
        ordering = ["activity", "cadre__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "cadre"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.cadre}"


class Feedback(TimeStampedModel):  # 课程评价（参训人员）
    participant = models.OneToOneField(
        Participant, verbose_name=_("参训人员"), on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("评分（1–5）"))
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("课程评价")
        verbose_name_plural = _("课程评价")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.rating}"


class TripReport(TimeStampedModel):  # 参观调研报告（参训人员上传）
    participant = models.OneToOneField(
        Participant,
        verbose_name=_("参训人员"),
        on_delete=models.CASCADE,
        related_name="trip_report",
    )
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("报告文件"), upload_to=RandomName("trip-reports"))

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.participant} · {self.title}"
