"""Dynamic points (动态积分): rules and the append-only ledger.

A ledger entry is never edited or deleted: a correction is a reversing entry pointing at
the original. PostgreSQL refuses UPDATE and DELETE on the table (trigger, migration 0002);
the model and its queryset refuse them in Python on every database.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from scoring.choices import CapPeriod, EntryKind, RuleCategory


class PointRule(TimeStampedModel):  # 积分规则
    code = models.CharField(_("编号"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=RuleCategory.choices)
    event_kind = models.CharField(
        _("记分事件"), max_length=100, db_index=True, help_text=_("如 training.attendance.present")
    )
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    cap_period = models.CharField(
        _("上限周期"), max_length=10, choices=CapPeriod.choices, blank=True, default=""
    )
    cap_points = models.DecimalField(
        _("周期上限"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    needs_evidence = models.BooleanField(_("需要佐证材料"), default=False)
    needs_approval = models.BooleanField(_("需要审核"), default=False)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_period="", cap_points__isnull=True)
                # NULL > 0 is not false in SQL: say "not null" so a period without points fails.
                | (~Q(cap_period="") & Q(cap_points__isnull=False, cap_points__gt=0)),
                name="point_rule_cap_pairs",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="point_rule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


NO_EDIT = _("积分明细只能追加，不能修改；请使用冲销更正。")
NO_DELETE = _("积分明细只能追加，不能删除；请使用冲销更正。")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(NO_EDIT)

    def delete(self):
        raise ValidationError(NO_DELETE)


class PointEntry(models.Model):  # 积分明细
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="point_entries",
    )
    points = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    kind = models.CharField(_("来源类型"), max_length=20, choices=EntryKind.choices)
    rule = models.ForeignKey(
        PointRule,
        verbose_name=_("规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    event_kind = models.CharField(_("记分事件"), max_length=100, blank=True, db_index=True)
    source = models.CharField(
        _("来源"), max_length=120, blank=True, help_text=_("如 training.attendance:42")
    )
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的明细"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # Covering: a cadre's points over a period come from the index alone (standings).
            models.Index(
                fields=["cadre", "occurred_on"],
                include=["points"],
                name="point_entry_cadre_day_pts",
            )
        ]
        constraints = [
            # One award per (event kind, source, rule): reporting an event twice awards once.
            models.UniqueConstraint(
                fields=["event_kind", "source", "rule"],
                condition=Q(kind="event"),
                name="point_entry_event_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="point_entry_reversal_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.points:+} {self.occurred_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(NO_EDIT)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(NO_DELETE)


def evidence_upload_to(instance: "Declaration", filename: str) -> str:
    import uuid
    from pathlib import Path

    # Random names: evidence is served only through a scoped download view.
    return f"evidence/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


class Declaration(TimeStampedModel):  # 个人申报
    """An item a cadre declares (e.g. an article adopted by the city) with evidence; staff
    approve it (a ledger entry is written) or reject it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    rule = models.ForeignKey(
        PointRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="declarations"
    )
    occurred_on = models.DateField(_("发生日期"))
    description = models.CharField(_("事项"), max_length=300)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_upload_to, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    entry = models.OneToOneField(
        PointEntry,
        verbose_name=_("积分明细"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declaration",
    )

    class Meta:
        verbose_name = _("个人申报")
        verbose_name_plural = _("个人申报")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.description}"
