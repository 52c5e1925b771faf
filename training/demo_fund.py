"""Demo data for the training fund (培训基金): this year's budgets of the town (党费 and 财政)
and of one sub-unit, about fifteen spends (linked to the town's activities where there are
any), the sub-unit's budget about 95 % used. Written through the services."""

import datetime
from decimal import Decimal

from cadres.selectors import units_visible_to
from training.choices import FundSource
from training.models import Activity
from training.services import fund as services

PURPOSES = [
    "专家授课费", "教材资料印刷", "外出调研交通费", "场地租用", "学员餐费", "培训用品购置",
    "参观点讲解费", "结业证书制作", "课程录像制作", "调研保险",
]  # fmt: skip


def seed_fund(*, cadres, town, units, users, rng, today: datetime.date) -> dict:
    """Returns {"budgets": [...], "spendings": [...]}. `cadres` is unused (the fund is per
    unit), accepted for the common demo signature."""
    staff = users.get("orgstaff")
    actor = (
        staff if staff is not None and units_visible_to(staff).filter(pk=town.pk).exists() else None
    )
    year = today.year
    budgets = [
        services.budget_create(actor=actor, year=year, unit=town, source=FundSource.PARTY_DUES,
                               amount=Decimal("60000"), note="党费划拨培训经费"),
        services.budget_create(actor=actor, year=year, unit=town, source=FundSource.FINANCE,
                               amount=Decimal("80000"), note="财政预算安排"),
    ]  # fmt: skip
    nearly_spent = None
    if units:
        nearly_spent = services.budget_create(
            actor=actor, year=year, unit=units[0], source=FundSource.FINANCE,
            amount=Decimal("10000"), note="村级青年干部培训",
        )  # fmt: skip
        budgets.append(nearly_spent)

    start = datetime.date(year, 1, 1)
    days = max((today - start).days, 0)
    activities = list(
        Activity.objects.filter(town.subtree_q("unit__"), starts_at__year=year)
        .order_by("starts_at")
        .only("pk", "unit_id", "starts_at")[:30]
    )
    spendings = []
    for index in range(14):
        budget = budgets[index % 2]
        activity = activities[index % len(activities)] if activities and index < 12 else None
        spendings.append(
            services.spending_create(
                actor=actor,
                budget=budget,
                spent_on=start + datetime.timedelta(days=rng.randint(0, days)),
                amount=Decimal(rng.randrange(800, 6000, 50)),
                purpose=PURPOSES[index % len(PURPOSES)],
                activity=activity,
            )
        )
    if nearly_spent is not None:  # 95 % used: the page shows it in the warning style
        spendings.append(
            services.spending_create(
                actor=actor,
                budget=nearly_spent,
                spent_on=start + datetime.timedelta(days=rng.randint(0, days)),
                amount=Decimal("9500"),
                purpose="村社区干部集中轮训",
            )
        )
    return {"budgets": budgets, "spendings": spendings}
