"""菁才论坛 (e.g. "金城青年说"): quarterly events where cadres speak in one of six formats;
judges score the speakers on the forum's rubric and the results are ranked per event."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from training.choices import ForumFormat
from training.models.judging import Criterion, Score


class Forum(TimeStampedModel):  # 菁才论坛（一期）
    series = models.CharField(_("论坛品牌"), max_length=40, default="金城青年说")
    title = models.CharField(_("名称"), max_length=120)
    format = models.CharField(_("形式"), max_length=20, choices=ForumFormat.choices)
    topic = models.CharField(_("主题"), max_length=200)
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="forums"
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120)
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), blank=True, related_name="judged_forums"
    )
    # Set when staff publish the results: speakers' ranks are then final and reported.
    results_published_at = models.DateTimeField(_("结果发布时间"), null=True, blank=True)
    # Bumped whenever the results are published again after a correction: each publication
    # is a distinct points source, so the earlier ranks are withdrawn and the new ones scored.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("菁才论坛")
        verbose_name_plural = _("菁才论坛")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="forum_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ForumCriterion(Criterion):
    forum = models.ForeignKey(
        Forum, verbose_name=_("论坛"), on_delete=models.CASCADE, related_name="criteria"
    )

    class Meta(Criterion.Meta):
        verbose_name = _("论坛评分项")
        verbose_name_plural = _("论坛评分项")
        constraints = [
            models.UniqueConstraint(fields=["forum", "name"], name="forum_criterion_once")
        ]


class ForumSpeaker(TimeStampedModel):  # 主讲人
    forum = models.ForeignKey(
        Forum, verbose_name=_("论坛"), on_delete=models.CASCADE, related_name="speakers"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="forum_talks",
    )
    talk_title = models.CharField(_("发言题目"), max_length=200)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("论坛主讲人")
        verbose_name_plural = _("论坛主讲人")
        ordering = ["forum", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "cadre"], name="forum_speaker_once")
        ]

    def __str__(self) -> str:
        return f"{self.forum} · {self.cadre}"


class ForumAttendee(TimeStampedModel):  # 参加人员（非主讲）
    forum = models.ForeignKey(
        Forum, verbose_name=_("论坛"), on_delete=models.CASCADE, related_name="attendees"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="forum_attendances",
    )
    attended = models.BooleanField(_("已参加"), default=True)

    class Meta:
        verbose_name = _("论坛参加人员")
        verbose_name_plural = _("论坛参加人员")
        ordering = ["forum", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "cadre"], name="forum_attendee_once")
        ]

    def __str__(self) -> str:
        return f"{self.forum} · {self.cadre}"


class ForumScore(Score):
    speaker = models.ForeignKey(
        ForumSpeaker, verbose_name=_("主讲人"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ForumCriterion, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="scores"
    )

    class Meta:
        verbose_name = _("论坛评分")
        verbose_name_plural = _("论坛评分")
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "criterion", "judge"], name="forum_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker} {self.criterion.name} {self.score}"
