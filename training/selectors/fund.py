"""Scoped reads of the training fund (培训基金): budgets with what is spent, spending, and the
cost of each activity per attendee-hour. Every figure comes from aggregate subqueries, so a
page costs the same number of queries whatever the number of rows."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cadres.selectors import units_visible_to
from core.roles import is_admin
from training.choices import Attendance, FundSource
from training.models import Activity, Budget, Participant, Spending

MONEY = DecimalField(max_digits=14, decimal_places=2)
WARN_AT = Decimal("90")  # % used from which a budget is shown as nearly spent
CENT = Decimal("0.01")


def budgets_visible_to(user) -> QuerySet[Budget]:
    """Budgets of units in the user's subtree (administrators: all); the page and the API
    also require `training.view_budget`."""
    if not user.has_perm("training.view_budget"):
        return Budget.objects.none()
    if is_admin(user):
        return Budget.objects.all()
    return Budget.objects.filter(unit__in=units_visible_to(user))


def budgets_managed_by(user) -> QuerySet[Budget]:
    if not user.has_perm("training.change_budget"):
        return Budget.objects.none()
    return budgets_visible_to(user)


def spendings_visible_to(user) -> QuerySet[Spending]:
    return Spending.objects.filter(budget__in=budgets_visible_to(user))


def spendings_managed_by(user) -> QuerySet[Spending]:
    if not user.has_perm("training.change_spending"):
        return Spending.objects.none()
    return spendings_visible_to(user)


def _sum_of(rows: QuerySet, group: str, column: str = "amount") -> Coalesce:
    total = rows.order_by().values(group).annotate(total=Sum(column)).values("total")[:1]
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal("0")), output_field=MONEY)


def budget_list(user) -> QuerySet[Budget]:
    """Budgets with `spent` and `balance` (amount − spent)."""
    spent = _sum_of(Spending.objects.filter(budget=OuterRef("pk")), "budget")
    return (
        budgets_visible_to(user)
        .select_related("unit")
        .annotate(spent=spent)
        .annotate(balance=ExpressionWrapper(F("amount") - F("spent"), output_field=MONEY))
        .order_by("-year", "unit__path", "source")
    )


def used_percent(amount: Decimal, spent: Decimal) -> Decimal | None:
    if not amount:
        return None if not spent else Decimal("100")
    return (spent * 100 / amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class SourceTotal:
    source: str
    label: str
    amount: Decimal = Decimal("0")
    spent: Decimal = Decimal("0")

    @property
    def balance(self) -> Decimal:
        return self.amount - self.spent

    @property
    def percent(self) -> Decimal | None:
        return used_percent(self.amount, self.spent)


@dataclass
class FundYear:
    year: int
    budgets: list[Budget]
    totals: list[SourceTotal] = field(default_factory=list)
    total: SourceTotal | None = None


def fund_year(user, year: int) -> FundYear:
    """A year's budgets (each with `spent`, `balance`, `percent` and `state`: "" / "warn" at
    ≥ 90 % used / "over"), the totals per source and overall. One query."""
    budgets = list(budget_list(user).filter(year=year))
    totals = {s.value: SourceTotal(s.value, str(s.label)) for s in FundSource}
    overall = SourceTotal("", "")
    for budget in budgets:
        budget.percent = used_percent(budget.amount, budget.spent)
        budget.state = (
            "over"
            if budget.spent > budget.amount
            else "warn"
            if budget.percent is not None and budget.percent >= WARN_AT
            else ""
        )
        for total in (totals[budget.source], overall):
            total.amount += budget.amount
            total.spent += budget.spent
    return FundYear(year=year, budgets=budgets, totals=list(totals.values()), total=overall)


def spending_list(user) -> QuerySet[Spending]:
    return spendings_visible_to(user).select_related(
        "budget", "budget__unit", "activity", "created_by"
    )


@dataclass
class ActivityCost:
    activity: Activity
    spent: Decimal
    attended: int
    attendee_hours: Decimal
    per_attendee_hour: Decimal | None


def activity_costs(user, year: int) -> list[ActivityCost]:
    """Activities paid from the year's budgets the user may see: what was spent on each (with
    its planned `cost` beside it), attendee-hours = attendees (present or late) × hours, and
    the cost per attendee-hour (None when there were no attendee-hours). One query."""
    spendings = spendings_visible_to(user).filter(budget__year=year)
    spent = _sum_of(spendings.filter(activity=OuterRef("pk")), "activity")
    attended = (
        Participant.objects.filter(
            activity=OuterRef("pk"), attendance__in=[Attendance.PRESENT, Attendance.LATE]
        )
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    activities = (
        Activity.objects.filter(pk__in=spendings.values("activity_id"))
        .select_related("unit")
        .annotate(spent=spent, attended=Coalesce(Subquery(attended), 0))
        .order_by("starts_at", "id")
    )
    rows = []
    for activity in activities:
        hours = activity.attended * activity.hours
        per_hour = (activity.spent / hours).quantize(CENT, ROUND_HALF_UP) if hours else None
        rows.append(ActivityCost(activity, activity.spent, activity.attended, hours, per_hour))
    return rows
