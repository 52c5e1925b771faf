"""The fund's demo data: this year's budgets, ~15 spends, one budget about 95 % used."""

import random
from decimal import Decimal

from django.utils import timezone

from tests.training.test_pages import make_activity
from training.demo_fund import seed_fund
from training.models import Spending
from training.selectors.fund import fund_year


def test_seed_fund(world):
    town = world["units"]["town"]
    today = timezone.localdate()
    activity = make_activity(town, starts_at=timezone.now())
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    result = seed_fund(cadres=list(world["cadres"].values()), town=town,
                       units=[world["units"]["village"], world["units"]["office"]], users=users,
                       rng=random.Random(5), today=today)  # fmt: skip
    assert len(result["budgets"]) == 3
    assert Spending.objects.count() == 15
    assert Spending.objects.filter(activity=activity).count() == 12
    assert set(Spending.objects.values_list("created_by", flat=True)) == {users["orgstaff"].pk}
    year = fund_year(world["users"]["leader"], today.year)
    states = {(b.unit.name, b.source): (b.percent, b.state) for b in year.budgets}
    assert states[("东浦村", "finance")] == (Decimal("95.0"), "warn")
    assert all(b.spent <= b.amount for b in year.budgets)
