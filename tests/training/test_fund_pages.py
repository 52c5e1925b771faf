"""Training fund pages (培训基金): access for every role, budgets (one per year, unit and
source; never below what is spent), spending with the overrun warning, the year's figures,
cost per attendee-hour, the workbook, and constant query counts."""

import datetime
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories as f
from tests.training.test_pages import ROLES, _expect, invite, make_activity
from training import services as activity_services
from training.models import Budget, Spending
from training.selectors import fund as selectors
from training.services import fund as services

YEAR = timezone.localdate().year
DAY = datetime.date(YEAR, 3, 10)
_names = itertools.count(1)


@pytest.fixture
def fund(world):
    return make_fund(world)


def make_fund(world) -> dict:
    """金城镇: 党费 10000 (2500.50 spent) and 财政 5000; 东湖镇: 财政 8000 (100 spent)."""
    town, other = world["units"]["town"], world["units"]["other_town"]
    dues = services.budget_create(
        actor=None, year=YEAR, unit=town, source="party_dues", amount=Decimal("10000")
    )
    finance = services.budget_create(
        actor=None, year=YEAR, unit=town, source="finance", amount=Decimal("5000")
    )
    other_budget = services.budget_create(
        actor=None, year=YEAR, unit=other, source="finance", amount=Decimal("8000")
    )
    spend = services.spending_create(
        actor=None, budget=dues, spent_on=DAY, amount=Decimal("2500.50"), purpose="教材印刷"
    )
    other_spend = services.spending_create(
        actor=None, budget=other_budget, spent_on=DAY, amount=Decimal("100"), purpose="东湖镇茶歇"
    )
    return {
        "dues": dues,
        "finance": finance,
        "other_budget": other_budget,
        "spend": spend,
        "other_spend": other_spend,
    }


def _fmt(url, fund):
    return url.format(
        dues=fund["dues"].pk,
        other_budget=fund["other_budget"].pk,
        spend=fund["spend"].pk,
        other_spend=fund["other_spend"].pk,
    )


PAGES = [
    ("fund", "/training/fund/", _expect(_=403, admin=200, staff=200, leader=200)),
    ("fund xlsx", "/training/fund/?format=xlsx", _expect(_=403, admin=200, staff=200, leader=200)),
    (
        "fund last year",
        "/training/fund/?year=2020",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    ("budget new", "/training/fund/budgets/new/", _expect(_=403, admin=200, staff=200)),
    ("budget edit", "/training/fund/budgets/{dues}/edit/", _expect(_=403, admin=200, staff=200)),
    (
        "other town's budget edit",
        "/training/fund/budgets/{other_budget}/edit/",
        _expect(_=403, admin=200, staff=404),
    ),
    ("spending new", "/training/fund/spendings/new/", _expect(_=403, admin=200, staff=200)),
    (
        "spending edit",
        "/training/fund/spendings/{spend}/edit/",
        _expect(_=403, admin=200, staff=200),
    ),
    (
        "other town's spending edit",
        "/training/fund/spendings/{other_spend}/edit/",
        _expect(_=403, admin=200, staff=404),
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, fund, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_fmt(url, fund)).status_code == expected[ROLES.index(role)]


POSTS = [
    ("budget new", "/training/fund/budgets/new/", _expect(_=403, admin=302, staff=302)),
    ("budget edit", "/training/fund/budgets/{dues}/edit/", _expect(_=403, admin=302, staff=302)),
    (
        "other town's budget edit",
        "/training/fund/budgets/{other_budget}/edit/",
        _expect(_=403, admin=302, staff=404),
    ),
    ("spending new", "/training/fund/spendings/new/", _expect(_=403, admin=302, staff=302)),
    (
        "spending edit",
        "/training/fund/spendings/{spend}/edit/",
        _expect(_=403, admin=302, staff=302),
    ),
    (
        "other town's spending edit",
        "/training/fund/spendings/{other_spend}/edit/",
        _expect(_=403, admin=302, staff=404),
    ),
    (
        "other town's spending delete",
        "/training/fund/spendings/{other_spend}/delete/",
        _expect(_=403, admin=302, staff=404),
    ),
    (
        "spending delete",
        "/training/fund/spendings/{spend}/delete/",
        _expect(_=403, admin=302, staff=302),
    ),
]


def _post_data(world, fund, name):
    if name == "budget new":
        return {"year": YEAR + 1, "unit": world["units"]["town"].pk, "source": "finance",
                "amount": "100"}  # fmt: skip
    if "budget" in name:
        return {"amount": "9000", "note": "调整"}
    budget = fund["other_budget"] if "other town" in name else fund["dues"]
    return {"budget": budget.pk, "spent_on": DAY.isoformat(), "amount": "10", "purpose": "资料"}


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, fund, client, name, url, expected, role):
    client.force_login(world["users"][role])
    before = (
        list(Budget.objects.order_by("pk").values_list("amount", flat=True)),
        list(Spending.objects.order_by("pk").values_list("amount", flat=True)),
    )
    status = client.post(_fmt(url, fund), _post_data(world, fund, name)).status_code
    assert status == expected[ROLES.index(role)]
    if status in (403, 404):
        after = (
            list(Budget.objects.order_by("pk").values_list("amount", flat=True)),
            list(Spending.objects.order_by("pk").values_list("amount", flat=True)),
        )
        assert after == before


def test_anonymous_is_sent_to_login(client):
    for path in ("/training/fund/", "/training/calendar/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- budgets ---------------------------------------------------------------------------------


def test_staff_sets_a_budget_and_a_duplicate_is_refused(world, client_for):
    client = client_for(world["users"]["staff"])
    data = {"year": YEAR, "unit": world["units"]["office"].pk, "source": "party_dues",
            "amount": "3000", "note": "党费划拨"}  # fmt: skip
    response = client.post("/training/fund/budgets/new/", data)
    assert response.status_code == 302
    budget = Budget.objects.get()
    assert (budget.amount, budget.created_by) == (Decimal("3000.00"), world["users"]["staff"])

    response = client.post("/training/fund/budgets/new/", {**data, "amount": "50"})
    assert response.status_code == 200
    assert f"党政办 {YEAR}年度的党费预算已存在，请修改原预算。" in response.content.decode()
    assert Budget.objects.count() == 1


def test_budget_amount_must_not_be_negative_nor_outside_scope(world, client_for):
    client = client_for(world["users"]["staff"])
    data = {"year": YEAR, "unit": world["units"]["town"].pk, "source": "finance", "amount": "-1"}
    response = client.post("/training/fund/budgets/new/", data)
    assert "预算金额不能为负数。" in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.budget_create(
            actor=world["users"]["staff"], year=YEAR, unit=world["units"]["other_town"],
            source="finance", amount=Decimal("1"),
        )  # fmt: skip
    assert "unit" in exc.value.message_dict
    assert not Budget.objects.exists()


def test_lowering_a_budget_below_what_is_spent_is_refused(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    url = f"/training/fund/budgets/{fund['dues'].pk}/edit/"
    response = client.post(url, {"amount": "2000", "note": ""})
    assert response.status_code == 200
    assert (
        "预算金额不能低于已支出金额：已支出2500.50元，填写的预算为2000.00元。"
        in response.content.decode()
    )
    fund["dues"].refresh_from_db()
    assert fund["dues"].amount == Decimal("10000.00")
    assert client.post(url, {"amount": "2500.50", "note": "压减"}).status_code == 302
    fund["dues"].refresh_from_db()
    assert (fund["dues"].amount, fund["dues"].note) == (Decimal("2500.50"), "压减")


# --- spending and the overrun warning ---------------------------------------------------------


def test_spending_rules(world, fund):
    staff = world["users"]["staff"]
    dues = fund["dues"]
    cases = [
        ({"amount": Decimal("0")}, "amount", "金额必须大于0。"),
        ({"purpose": "  "}, "purpose", "请填写用途。"),
        ({"spent_on": datetime.date(YEAR - 1, 12, 31)}, "spent_on",
         f"支出日期须在预算年度（{YEAR}年）内。"),
        ({"activity": make_activity(world["units"]["other_town"])}, "activity",
         "只能关联本单位及下级单位的培训活动。"),
    ]  # fmt: skip
    for change, field, message in cases:
        values = {"spent_on": DAY, "amount": Decimal("1"), "purpose": "资料", **change}
        with pytest.raises(ValidationError) as exc:
            services.spending_create(actor=staff, budget=dues, **values)
        assert exc.value.message_dict[field] == [message]
    with pytest.raises(ValidationError) as exc:
        services.spending_create(
            actor=staff, budget=fund["other_budget"], spent_on=DAY, amount=Decimal(1), purpose="x"
        )
    assert "budget" in exc.value.message_dict
    assert Spending.objects.count() == 2


def test_overrun_is_warned_and_saved_only_when_confirmed(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    data = {"budget": fund["finance"].pk, "spent_on": DAY.isoformat(), "amount": "4000",
            "purpose": "外出调研交通"}  # fmt: skip
    assert client.post("/training/fund/spendings/new/", data).status_code == 302

    over = {**data, "amount": "1500", "purpose": "专家授课费"}
    response = client.post("/training/fund/spendings/new/", over)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="overrun-warning"' in content
    assert (
        "本笔支出将超出预算：预算5000.00元，已支出4000.00元，本次1500.00元，超支500.00元。"
        in content
    )
    assert 'type="checkbox"' in content and 'name="confirm_overrun"' in content
    assert not Spending.objects.filter(purpose="专家授课费").exists()

    response = client.post("/training/fund/spendings/new/", {**over, "confirm_overrun": "on"})
    assert response.status_code == 302
    saved = Spending.objects.get(purpose="专家授课费")
    assert (saved.amount, saved.created_by) == (Decimal("1500.00"), world["users"]["staff"])

    page = client.get("/training/fund/").content.decode()
    assert 'data-state="over"' in page
    assert "已超支" in page


def test_the_spend_that_exactly_uses_the_budget_needs_no_confirmation(world, fund):
    services.spending_create(
        actor=None, budget=fund["finance"], spent_on=DAY, amount=Decimal("5000"), purpose="全额"
    )
    rows = {b.pk: b for b in selectors.fund_year(world["users"]["admin"], YEAR).budgets}
    assert (rows[fund["finance"].pk].balance, rows[fund["finance"].pk].state) == (0, "warn")


def test_correcting_a_spend_checks_the_overrun_too(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    spend = fund["spend"]
    url = f"/training/fund/spendings/{spend.pk}/edit/"
    data = {"spent_on": DAY.isoformat(), "amount": "10000.01", "purpose": "教材印刷（更正）"}
    response = client.post(url, data)
    assert "超支0.01元" in response.content.decode()
    spend.refresh_from_db()
    assert spend.amount == Decimal("2500.50")
    # Lowering never needs confirmation; the budget stays the one recorded.
    response = client.post(url, {**data, "amount": "2000", "budget": fund["finance"].pk})
    assert response.status_code == 302
    spend.refresh_from_db()
    assert (spend.amount, spend.purpose, spend.budget_id) == (
        Decimal("2000.00"), "教材印刷（更正）", fund["dues"].pk,
    )  # fmt: skip


def test_staff_delete_a_spend(world, fund, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post(f"/training/fund/spendings/{fund['spend'].pk}/delete/", follow=True)
    assert "已删除支出：教材印刷" in response.content.decode()
    assert not Spending.objects.filter(pk=fund["spend"].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_cannot_both_slip_under_the_limit(world):
    """Two spends of 600 against a budget of 1000, each checked while the other is in flight:
    the budget row lock makes the second see the first, so it is refused."""
    import threading

    from django.db import connection

    budget = services.budget_create(
        actor=None, year=YEAR, unit=world["units"]["town"], source="finance", amount=Decimal(1000)
    )
    results, barrier = [], threading.Barrier(2)

    def spend():
        try:
            barrier.wait()
            services.spending_create(
                actor=None, budget=budget, spent_on=DAY, amount=Decimal(600), purpose="并发"
            )
            results.append("saved")
        except ValidationError as exc:
            results.append(sorted(exc.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [["confirm_overrun"], "saved"]
    assert Spending.objects.filter(budget=budget).count() == 1


# --- the year's figures ----------------------------------------------------------------------


def test_year_figures_balance_percent_and_totals(world, fund, client_for):
    services.spending_create(
        actor=None, budget=fund["finance"], spent_on=DAY, amount=Decimal("4600"), purpose="调研"
    )
    year = selectors.fund_year(world["users"]["staff"], YEAR)
    rows = {b.source: b for b in year.budgets}
    assert [b.unit.name for b in year.budgets] == ["金城镇", "金城镇"]  # not 东湖镇
    assert (rows["party_dues"].spent, rows["party_dues"].balance) == (
        Decimal("2500.50"), Decimal("7499.50"),
    )  # fmt: skip
    assert (rows["party_dues"].percent, rows["party_dues"].state) == (Decimal("25.0"), "")
    assert (rows["finance"].percent, rows["finance"].state) == (Decimal("92.0"), "warn")
    totals = {t.source: t for t in year.totals}
    assert (totals["finance"].amount, totals["finance"].balance) == (Decimal(5000), Decimal(400))
    assert (year.total.amount, year.total.spent, year.total.balance) == (
        Decimal("15000"), Decimal("7100.50"), Decimal("7899.50"),
    )  # fmt: skip

    page = client_for(world["users"]["leader"]).get("/training/fund/").content.decode()
    assert "7499.50" in page and "92.0%" in page and "即将用完" in page
    assert 'data-state="warn"' in page
    assert "东湖镇茶歇" not in page
    assert "登记支出" not in page  # leaders read only


def test_cost_per_attendee_hour(world, fund, client_for):
    town = world["units"]["town"]
    start = timezone.make_aware(datetime.datetime(YEAR, 3, 1, 9))
    trip = make_activity(town, title="产业园调研", type="study_trip", starts_at=start,
                         hours=Decimal("3.5"), cost=Decimal("1200"))  # fmt: skip
    empty = make_activity(town, title="无人出席的课", starts_at=start)
    c = world["cadres"]
    invite(trip, c["self"], c["mentee"], c["bystander"])
    rows = {p.cadre_id: p.pk for p in trip.participants.all()}
    activity_services.attendance_mark(
        activity=trip,
        marks={rows[c["self"].pk]: "present", rows[c["mentee"].pk]: "late",
               rows[c["bystander"].pk]: "absent"},
        actor=None,
    )  # fmt: skip
    for amount in ("700", "300.25"):
        services.spending_create(actor=None, budget=fund["dues"], spent_on=DAY,
                                 amount=Decimal(amount), purpose="调研费用", activity=trip)  # fmt: skip
    services.spending_create(actor=None, budget=fund["finance"], spent_on=DAY,
                             amount=Decimal("90"), purpose="茶歇", activity=empty)  # fmt: skip

    costs = {c.activity.title: c for c in selectors.activity_costs(world["users"]["staff"], YEAR)}
    assert set(costs) == {"产业园调研", "无人出席的课"}
    row = costs["产业园调研"]
    # 2 attendees (present + late) × 3.5 hours = 7 attendee-hours; 1000.25 / 7 = 142.89
    assert (row.spent, row.attended, row.attendee_hours, row.per_attendee_hour) == (
        Decimal("1000.25"), 2, Decimal("7.0"), Decimal("142.89"),
    )  # fmt: skip
    assert costs["无人出席的课"].per_attendee_hour is None

    page = client_for(world["users"]["staff"]).get("/training/fund/").content.decode()
    assert "142.89" in page and "1200.00" in page and "1000.25" in page
    assert '<td class="text-end" data-testid="per-hour">—</td>' in page


def test_spending_list_filters(world, fund, client_for):
    activity = make_activity(world["units"]["town"])
    services.spending_create(actor=None, budget=fund["finance"], spent_on=DAY + datetime.timedelta(days=30),
                             amount=Decimal("80"), purpose="讲师交通", activity=activity)  # fmt: skip
    client = client_for(world["users"]["staff"])

    def purposes(query):
        content = client.get(f"/training/fund/?{query}").content.decode()
        return [p for p in ("教材印刷", "讲师交通") if p in content]

    assert purposes("") == ["教材印刷", "讲师交通"]
    assert purposes("source=finance") == ["讲师交通"]
    assert purposes("linked=no") == ["教材印刷"]
    assert purposes("q=交通") == ["讲师交通"]
    assert purposes(f"end={DAY.isoformat()}") == ["教材印刷"]
    assert purposes(f"year={YEAR - 1}") == []


def test_fund_workbook(world, fund, client_for):
    activity = make_activity(world["units"]["town"], title="=HYPERLINK(1)")
    services.spending_create(actor=None, budget=fund["finance"], spent_on=DAY,
                             amount=Decimal("80"), purpose="+讲师交通", activity=activity)  # fmt: skip
    response = client_for(world["users"]["leader"]).get("/training/fund/?format=xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["预算", "支出", "活动成本"]
    budgets = list(book["预算"].iter_rows(values_only=True))
    assert budgets[0][:6] == (
        "年度",
        "单位",
        "经费来源",
        "预算金额（元）",
        "已支出（元）",
        "余额（元）",
    )
    assert [(r[2], r[3], r[4], r[5]) for r in budgets[1:]] == [
        ("财政", 5000, 80, 4920),
        ("党费", 10000, 2500.5, 7499.5),
    ]
    spendings = list(book["支出"].iter_rows(values_only=True))
    assert sorted(r[4] for r in spendings[1:]) == ["'+讲师交通", "教材印刷"]
    costs = list(book["活动成本"].iter_rows(values_only=True))
    assert costs[1][0] == "'=HYPERLINK(1)"


# --- query counts ----------------------------------------------------------------------------

N = 5


def test_fund_page_queries_are_constant(
    world, fund, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["staff"])

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            budget = services.budget_create(
                actor=None, year=YEAR, unit=unit, source="finance", amount=Decimal(100)
            )
            activity = make_activity(unit)
            invite(activity, f.CadreFactory(unit=unit))
            services.spending_create(actor=None, budget=budget, spent_on=DAY,
                                     amount=Decimal(10), purpose="资料", activity=activity)  # fmt: skip

    def count(response):
        content = response.content.decode()
        return (content.count('data-testid="budget-row"'), content.count('data-testid="cost-row"'),
                content.count('data-testid="spending-row"'))  # fmt: skip

    grow(N)
    client.get("/training/fund/")
    with django_assert_max_num_queries(15) as small:
        response = client.get("/training/fund/")
    shown = count(response)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get("/training/fund/")
    assert count(response) == (shown[0] + 4 * N, shown[1] + 4 * N, shown[2] + 4 * N)
