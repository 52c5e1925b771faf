"""培训基金: yearly budgets per unit and source, and the spending recorded against them.

A spend that takes a budget's spending above its amount is refused with a `confirm_overrun`
error naming the figures until the caller confirms it; the check runs with the budget row
locked, so two concurrent spends cannot both slip under the limit. A budget is never lowered
below what is already spent."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cadres.selectors import units_visible_to
from training.choices import FundSource
from training.models import Activity, Budget, Spending

MIN_YEAR, MAX_YEAR = 2000, 2100


def _in_scope(actor, unit_id: int) -> bool:
    """Writes by a user are limited to their unit subtree; `actor=None` is the system."""
    return actor is None or units_visible_to(actor).filter(pk=unit_id).exists()


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def spent_on_budget(budget: Budget, *, excluding: Spending | None = None) -> Decimal:
    rows = Spending.objects.filter(budget=budget)
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def budget_create(*, actor, year: int, unit, source: str, amount, note: str = "") -> Budget:
    """One budget per (year, unit, source); the unit must be in the actor's subtree."""
    errors = {}
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        errors["year"] = _("年度须在%(min)s至%(max)s之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}
    if source not in FundSource.values:
        errors["source"] = _("经费来源不正确。")
    if amount is None or amount < 0:
        errors["amount"] = _("预算金额不能为负数。")
    if unit is None or not _in_scope(actor, unit.pk):
        errors["unit"] = _("只能为本单位及下级单位设立预算。")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Budget.objects.create(
                year=year,
                unit=unit,
                source=source,
                amount=_money(amount),
                note=(note or "").strip(),
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "source": _("%(unit)s %(year)s年度的%(source)s预算已存在，请修改原预算。")
                % {"unit": unit, "year": year, "source": FundSource(source).label}
            }
        ) from None


@transaction.atomic
def budget_update(*, budget: Budget, actor, amount=None, note: str | None = None) -> Budget:
    """Change the amount or note. The amount may not go below what is already spent (the
    budget row is locked while that is checked)."""
    budget = Budget.objects.select_for_update().select_related("unit").get(pk=budget.pk)
    if not _in_scope(actor, budget.unit_id):
        raise ValidationError({"unit": _("只能修改本单位及下级单位的预算。")})
    if amount is not None:
        if amount < 0:
            raise ValidationError({"amount": _("预算金额不能为负数。")})
        spent = spent_on_budget(budget)
        if amount < spent:
            raise ValidationError(
                {
                    "amount": _(
                        "预算金额不能低于已支出金额：已支出%(spent)s元，填写的预算为%(amount)s元。"
                    )
                    % {"spent": _money(spent), "amount": _money(amount)}
                }
            )
        budget.amount = _money(amount)
    if note is not None:
        budget.note = note.strip()
    budget.save(update_fields=["amount", "note", "updated_at"])
    return budget


def _overrun_check(budget: Budget, *, spent: Decimal, amount: Decimal, previous: Decimal):
    """Refuse (unless confirmed) a spend taking the budget above its amount. A correction that
    does not raise the total never needs confirmation."""
    total = spent + amount
    if total > budget.amount and total > spent + previous:
        raise ValidationError(
            {
                "confirm_overrun": ValidationError(
                    _(
                        "本笔支出将超出预算：预算%(budget)s元，已支出%(spent)s元，"
                        "本次%(this)s元，超支%(over)s元。如确需支出，请勾选“确认超支”后再保存。"
                    ),
                    code="overrun",
                    params={
                        "budget": _money(budget.amount),
                        "spent": _money(spent),
                        "this": _money(amount),
                        "over": _money(total - budget.amount),
                    },
                )
            }
        )


def _spending_clean(budget: Budget, actor, *, spent_on, amount, purpose, activity) -> dict:
    errors = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("请填写用途。")
    if amount is None or amount <= 0:
        errors["amount"] = _("金额必须大于0。")
    if spent_on is None or not isinstance(spent_on, datetime.date):
        errors["spent_on"] = _("请填写支出日期。")
    elif spent_on.year != budget.year:
        errors["spent_on"] = _("支出日期须在预算年度（%(year)s年）内。") % {"year": budget.year}
    if activity is not None and not _in_scope(actor, activity.unit_id):
        errors["activity"] = _("只能关联本单位及下级单位的培训活动。")
    if errors:
        raise ValidationError(errors)
    return {"spent_on": spent_on, "amount": _money(amount), "purpose": purpose}


@transaction.atomic
def spending_create(
    *,
    actor,
    budget: Budget,
    spent_on: datetime.date,
    amount,
    purpose: str,
    activity: Activity | None = None,
    confirm_overrun: bool = False,
) -> Spending:
    """Record a spend against a budget of the actor's subtree, dated within the budget's year,
    optionally linked to the training activity it paid for. Overruns need `confirm_overrun`."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not _in_scope(actor, budget.unit_id):
        raise ValidationError({"budget": _("只能使用本单位及下级单位的预算。")})
    fields = _spending_clean(
        budget, actor, spent_on=spent_on, amount=amount, purpose=purpose, activity=activity
    )
    if not confirm_overrun:
        _overrun_check(
            budget, spent=spent_on_budget(budget), amount=fields["amount"], previous=Decimal(0)
        )
    return Spending.objects.create(budget=budget, activity=activity, created_by=actor, **fields)


_UNSET = object()


@transaction.atomic
def spending_update(
    *,
    spending: Spending,
    actor,
    spent_on=_UNSET,
    amount=_UNSET,
    purpose=_UNSET,
    activity=_UNSET,
    confirm_overrun: bool = False,
) -> Spending:
    """Correct a spend (date, amount, purpose, activity) with the same checks as recording it;
    raising the amount past the budget needs `confirm_overrun`."""
    budget = Budget.objects.select_for_update().get(pk=spending.budget_id)
    spending = Spending.objects.select_for_update().get(pk=spending.pk)
    if not _in_scope(actor, budget.unit_id):
        raise ValidationError({"budget": _("只能修改本单位及下级单位的支出。")})
    new_activity = spending.activity if activity is _UNSET else activity
    fields = _spending_clean(
        budget,
        actor,
        spent_on=spending.spent_on if spent_on is _UNSET else spent_on,
        amount=spending.amount if amount is _UNSET else amount,
        purpose=spending.purpose if purpose is _UNSET else purpose,
        activity=new_activity if new_activity != spending.activity else None,
    )
    if not confirm_overrun:
        _overrun_check(
            budget,
            spent=spent_on_budget(budget, excluding=spending),
            amount=fields["amount"],
            previous=spending.amount,
        )
    for name, value in fields.items():
        setattr(spending, name, value)
    spending.activity = new_activity
    spending.save()
    return spending


@transaction.atomic
def spending_delete(*, spending: Spending, actor) -> None:
    """Delete a spend recorded in error (the fund is not a points ledger)."""
    Budget.objects.select_for_update().filter(pk=spending.budget_id).first()
    spending = Spending.objects.select_related("budget").get(pk=spending.pk)
    if not _in_scope(actor, spending.budget.unit_id):
        raise ValidationError({"budget": _("只能删除本单位及下级单位的支出。")})
    spending.delete()
