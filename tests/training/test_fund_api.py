"""`/api/v1/budgets/` and `/api/v1/spendings/`: access per role, computed spent and balance,
the overrun confirmation, corrections and constant queries."""

import itertools
from decimal import Decimal

import pytest

from tests import factories as f
from tests.training.test_fund_pages import DAY, YEAR, make_fund
from tests.training.test_pages import ROLES, _expect, make_activity
from training.models import Budget, Spending
from training.services import fund as services

_names = itertools.count(1)


@pytest.fixture
def fund(world):
    return make_fund(world)


READS = [
    ("budgets", "/api/v1/budgets/", _expect(_=403, admin=200, staff=200, leader=200)),
    ("budget", "/api/v1/budgets/{dues}/", _expect(_=403, admin=200, staff=200, leader=200)),
    (
        "other town's budget",
        "/api/v1/budgets/{other_budget}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    ("spendings", "/api/v1/spendings/", _expect(_=403, admin=200, staff=200, leader=200)),
    ("spending", "/api/v1/spendings/{spend}/", _expect(_=403, admin=200, staff=200, leader=200)),
    (
        "other town's spending",
        "/api/v1/spendings/{other_spend}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
]


def _fmt(url, fund):
    return url.format(
        dues=fund["dues"].pk,
        other_budget=fund["other_budget"].pk,
        spend=fund["spend"].pk,
        other_spend=fund["other_spend"].pk,
    )


@pytest.mark.parametrize(("name", "url", "expected"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("role", ROLES)
def test_read_access_per_role(world, fund, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_fmt(url, fund)).status_code == expected[ROLES.index(role)]


def _write(client, world, fund, name):
    if name == "create budget":
        data = {"year": YEAR + 1, "unit": world["units"]["town"].pk, "source": "finance",
                "amount": "100"}  # fmt: skip
        return client.post("/api/v1/budgets/", data, content_type="application/json")
    if name == "change budget":
        url = f"/api/v1/budgets/{fund['dues'].pk}/"
        return client.patch(url, {"amount": "9000"}, content_type="application/json")
    if name == "create spending":
        data = {"budget": fund["dues"].pk, "spent_on": DAY.isoformat(), "amount": "10",
                "purpose": "资料"}  # fmt: skip
        return client.post("/api/v1/spendings/", data, content_type="application/json")
    if name == "change spending":
        url = f"/api/v1/spendings/{fund['spend'].pk}/"
        return client.patch(url, {"amount": "20"}, content_type="application/json")
    if name == "change other town's spending":
        url = f"/api/v1/spendings/{fund['other_spend'].pk}/"
        return client.patch(url, {"amount": "20"}, content_type="application/json")
    if name == "delete spending":
        return client.delete(f"/api/v1/spendings/{fund['spend'].pk}/")
    if name == "delete other town's spending":
        return client.delete(f"/api/v1/spendings/{fund['other_spend'].pk}/")
    raise AssertionError(name)


WRITES = [
    ("create budget", _expect(_=403, admin=201, staff=201)),
    ("change budget", _expect(_=403, admin=200, staff=200)),
    ("create spending", _expect(_=403, admin=201, staff=201)),
    ("change spending", _expect(_=403, admin=200, staff=200)),
    ("change other town's spending", _expect(_=403, admin=200, staff=404)),
    ("delete spending", _expect(_=403, admin=204, staff=204)),
    ("delete other town's spending", _expect(_=403, admin=204, staff=404)),
]


@pytest.mark.parametrize(("name", "expected"), WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, fund, client, name, expected, role):
    client.force_login(world["users"][role])

    def state():
        return (
            list(Budget.objects.order_by("pk").values_list("amount", flat=True)),
            list(Spending.objects.order_by("pk").values_list("amount", flat=True)),
        )

    before = state()
    response = _write(client, world, fund, name)
    assert response.status_code == expected[ROLES.index(role)], response.content
    if response.status_code in (403, 404):
        assert state() == before


def test_budgets_carry_spent_and_balance(world, fund, client_for):
    response = client_for(world["users"]["leader"]).get(f"/api/v1/budgets/?year={YEAR}")
    rows = {r["source"]: r for r in response.json()["results"]}
    assert set(rows) == {"party_dues", "finance"}
    assert (rows["party_dues"]["amount"], rows["party_dues"]["spent"],
            rows["party_dues"]["balance"]) == ("10000.00", "2500.50", "7499.50")  # fmt: skip
    assert (rows["finance"]["spent"], rows["finance"]["balance"]) == ("0.00", "5000.00")


def test_budget_duplicate_and_lowering_below_spent(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    data = {"year": YEAR, "unit": world["units"]["town"].pk, "source": "finance", "amount": "1"}
    response = client.post("/api/v1/budgets/", data, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["source"] == [f"金城镇 {YEAR}年度的财政预算已存在，请修改原预算。"]
    response = client.patch(
        f"/api/v1/budgets/{fund['dues'].pk}/", {"amount": "100"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["amount"] == [
        "预算金额不能低于已支出金额：已支出2500.50元，填写的预算为100.00元。"
    ]
    fund["dues"].refresh_from_db()
    assert fund["dues"].amount == Decimal("10000.00")


def test_overrun_needs_confirm_overrun(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    activity = make_activity(world["units"]["town"])
    data = {"budget": fund["finance"].pk, "spent_on": DAY.isoformat(), "amount": "5000.01",
            "purpose": "外出调研", "activity": activity.pk}  # fmt: skip
    response = client.post("/api/v1/spendings/", data, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "confirm_overrun": [
            "本笔支出将超出预算：预算5000.00元，已支出0.00元，本次5000.01元，超支0.01元。"
            "如确需支出，请勾选“确认超支”后再保存。"
        ]
    }
    assert not Spending.objects.filter(purpose="外出调研").exists()

    response = client.post(
        "/api/v1/spendings/", {**data, "confirm_overrun": True}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["activity_title"], body["source"]) == (
        "5000.01", "理论学习班", "finance",
    )  # fmt: skip
    assert "confirm_overrun" not in body
    budget = client.get(f"/api/v1/budgets/{fund['finance'].pk}/").json()
    assert (budget["spent"], budget["balance"]) == ("5000.01", "-0.01")

    # Raising a correction further needs confirmation again; lowering does not.
    url = f"/api/v1/spendings/{body['id']}/"
    response = client.patch(url, {"amount": "5100"}, content_type="application/json")
    assert response.status_code == 400 and "confirm_overrun" in response.json()
    response = client.patch(url, {"amount": "4000"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["amount"] == "4000.00"


def test_spending_validation_names_fields(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    data = {"budget": fund["dues"].pk, "spent_on": f"{YEAR - 1}-06-01", "amount": "0",
            "purpose": " "}  # fmt: skip
    response = client.post("/api/v1/spendings/", data, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert {"spent_on", "amount", "purpose"} <= set(body)
    assert body["spent_on"] == [f"支出日期须在预算年度（{YEAR}年）内。"]
    other = {**data, "budget": fund["other_budget"].pk}
    response = client.post("/api/v1/spendings/", other, content_type="application/json")
    assert response.status_code == 400 and "budget" in response.json()
    assert Spending.objects.count() == 2


@pytest.mark.parametrize("url", ["/api/v1/budgets/", "/api/v1/spendings/"])
def test_list_queries_are_constant(
    world,
    fund,
    client_for,
    url,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client = client_for(world["users"]["staff"])

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            budget = services.budget_create(
                actor=None, year=YEAR, unit=unit, source="finance", amount=Decimal(100)
            )
            services.spending_create(actor=None, budget=budget, spent_on=DAY, amount=Decimal(5),
                                     purpose="资料", activity=make_activity(unit))  # fmt: skip

    grow(5)
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        response = client.get(url)
    shown = response.json()["count"]
    grow(20)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.json()["count"] == shown + 20
    assert len(response.json()["results"]) == shown + 20
