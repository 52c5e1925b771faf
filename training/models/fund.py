"""培训基金: a yearly budget per unit and source (党费 / 财政), and spending against it, linked
to the activity it paid for where there is one."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from training.choices import FundSource


class Budget(TimeStampedModel):  # 年度培训基金预算
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        "cadres.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="budgets"
    )
    source = models.CharField(_("经费来源"), max_length=20, choices=FundSource.choices)
    amount = models.DecimalField(
        _("预算金额（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训基金预算")
        verbose_name_plural = _("培训基金预算")
        ordering = ["-year", "unit", "source"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "source"], name="budget_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.get_source_display()}"


class Spending(TimeStampedModel):  # 培训基金支出
    budget = models.ForeignKey(
        Budget, verbose_name=_("预算"), on_delete=models.PROTECT, related_name="spendings"
    )
    activity = models.ForeignKey(
        "training.Activity",
        verbose_name=_("培训活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spendings",
    )
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    purpose = models.CharField(_("用途"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训基金支出")
        verbose_name_plural = _("培训基金支出")
        ordering = ["-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.amount}"
