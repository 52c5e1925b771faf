"""The dashboard (数据看板): each dataset's figures on a small known world, the structure-target
maths, per-role access to the page and every download, town isolation, constant queries."""

import datetime
import json
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone

from cadres.structure import StructureShares
from mentoring.selectors.compliance import unit_board
from reports.selectors.dashboards import CHARTS, Dashboard
from scoring.services.ledger import points_award
from tests import factories as f
from training.models import Activity, Participant

TODAY = timezone.localdate()


def _activity(unit, day: datetime.date, title="理论政策专题课"):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return Activity.objects.create(
        title=title, type="course", unit=unit, starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), place="党校", hours=Decimal("2"),
    )  # fmt: skip


def _mark(activity, cadre, attendance):
    return Participant.objects.create(activity=activity, cadre=cadre, attendance=attendance)


# --- structure targets --------------------------------------------------------------------


@pytest.mark.parametrize(
    "counts, share35, met35, share30, met30",
    [
        ((0, 0, 0), None, None, None, None),  # no middle-level cadres: not applicable
        ((5, 1, 0), Fraction(1, 5), True, Fraction(0), False),  # exactly 20 % meets it
        ((6, 1, 1), Fraction(1, 6), False, Fraction(1), True),  # 16.7 % misses it
        ((10, 3, 1), Fraction(3, 10), True, Fraction(1, 3), True),  # exactly 1/3 meets it
        ((10, 4, 1), Fraction(2, 5), True, Fraction(1, 4), False),
        ((4, 0, 0), Fraction(0), False, None, None),  # none under 35: the 1/3 is n/a
    ],
)
def test_structure_target_maths(counts, share35, met35, share30, met30):
    shares = StructureShares(*counts)
    assert (shares.under_35_share, shares.under_35_met) == (share35, met35)
    assert (shares.under_30_share, shares.under_30_met) == (share30, met30)


def test_age_bands_at_their_boundaries_and_middle_level(world):
    town = world["units"]["town"]
    unit = f.make_unit("综治办", town)
    ages = [30, 31, 35, 36, 40, 41]
    for age in ages:
        f.CadreFactory(unit=unit, age=age)
    # Born 31 years ago tomorrow: still 30 today; born 31 years ago today: 31 today.
    f.CadreFactory(
        unit=unit, birth_date=(TODAY + datetime.timedelta(days=1)).replace(year=TODAY.year - 31)
    )
    f.CadreFactory(unit=unit, birth_date=f.birth_for_age(31) + datetime.timedelta(days=1))
    # Middle-level: office heads; a village 主任 is not one.
    f.CadreFactory(unit=unit, age=29, position="综治办主任")
    f.CadreFactory(unit=unit, age=34, position="中层副职")
    f.CadreFactory(unit=unit, age=45, position="城建站站长")
    f.CadreFactory(unit=unit, age=50, position="副科长")
    f.CadreFactory(unit=unit, age=52, position="所长")
    f.CadreFactory(
        unit=world["units"]["village"], category="village", age=28, position="村委会主任"
    )
    data = Dashboard(world["users"]["staff"], unit=unit, today=TODAY).ages()
    assert {b["key"]: b["count"] for b in data["bands"]} == {
        "le30": 1 + 1 + 1, "31_35": 2 + 1 + 1, "36_40": 2, "gt40": 1 + 3,
    }  # fmt: skip
    assert (data["middle"], data["middle_under_35"], data["middle_under_30"]) == (5, 2, 1)
    assert data["under_35_share"] == 40.0 and data["under_35_met"] is True
    assert data["under_30_share"] == 50.0 and data["under_30_met"] is True
    assert (data["under_35_target"], data["under_30_target"]) == (20.0, 33.3)


def test_no_middle_level_cadres_leaves_the_targets_not_applicable(world):
    data = Dashboard(world["users"]["staff"], today=TODAY).ages()
    assert data["middle"] == 0
    assert data["under_35_share"] is None and data["under_35_met"] is None
    assert data["under_30_share"] is None and data["under_30_met"] is None


# --- attendance, points, programmes, compliance, KPIs -------------------------------------------


def test_attendance_rate_this_quarter_and_the_monthly_trend(world):
    office, c = world["units"]["office"], world["cadres"]
    today_class = _activity(office, TODAY)
    others = [f.CadreFactory(unit=office) for _ in range(3)]
    _mark(today_class, c["self"], "present")
    _mark(today_class, c["bystander"], "late")
    _mark(today_class, others[0], "leave")
    _mark(today_class, others[1], "absent")
    _mark(today_class, others[2], "")  # unregistered: left out
    _mark(today_class, c["outsider"], "absent")  # another town: not in the staff's scope
    earlier = _activity(office, (TODAY.replace(day=1) - datetime.timedelta(days=40)))
    _mark(earlier, c["self"], "present")
    _mark(earlier, c["bystander"], "absent")
    board = Dashboard(world["users"]["staff"], today=TODAY)
    assert board.kpis()["attendance_rate"] == 50.0  # 2 of 4 registered
    months = board.attendance()["months"]
    assert len(months) == 12 and months[-1]["month"] == f"{TODAY:%Y-%m}"
    assert months[-1] | {} == {
        "month": f"{TODAY:%Y-%m}", "invited": 5, "marked": 4, "attended": 2, "rate": 50.0,
    }  # fmt: skip
    before = next(m for m in months if m["month"] == f"{earlier.starts_at.astimezone():%Y-%m}")
    assert (before["attended"], before["marked"], before["rate"]) == (1, 2, 50.0)
    assert sum(m["invited"] for m in months) == 7
    # The admin sees the outsider's absence too.
    assert Dashboard(world["users"]["admin"], today=TODAY).attendance()["months"][-1]["marked"] == 5


def test_points_bands_and_average(world):
    staff, c = world["users"]["staff"], world["cadres"]
    for cadre, points in ((c["self"], "12"), (c["bystander"], "15"), (c["mentee"], "-3")):
        points_award(
            cadre=cadre, points=Decimal(points), reason="测试", actor=staff, occurred_on=TODAY
        )
    points_award(
        cadre=c["outsider"], points=Decimal("95"), reason="测试", actor=staff, occurred_on=TODAY
    )
    board = Dashboard(staff, today=TODAY)
    bands = board.points()["bands"]
    assert [(b["label"], b["count"]) for b in bands] == [("-10–0", 1), ("0–10", 0), ("10–20", 2)]
    assert board.kpis()["average_points"] == 8.0  # (12 + 15 - 3) / 3


def test_programme_progress(world):
    office, c = world["units"]["office"], world["cadres"]
    f.EnrolmentFactory(cohort=world["cohort"], cadre=c["self"])
    a1, a2 = _activity(office, TODAY), _activity(office, TODAY - datetime.timedelta(days=1))
    _mark(a1, c["self"], "present")
    _mark(a1, c["mentee"], "absent")
    _mark(a2, c["mentee"], "late")
    _mark(a2, c["bystander"], "present")  # not a member
    rows = Dashboard(world["users"]["staff"], today=TODAY).programmes()["rows"]
    assert rows == [
        {
            "programme": world["programme"].name, "cohort": world["cohort"].name,
            "cohort_id": world["cohort"].pk, "start_date": "2022-01-01", "end_date": None,
            "enrolled": 2, "activities": 2, "rate": round(200 / 3, 1),
        }
    ]  # fmt: skip
    kpis = Dashboard(world["users"]["staff"], today=TODAY).kpis()
    assert (kpis["programmes"], kpis["cohorts"], kpis["activities"]) == (1, 1, 2)


def test_compliance_rows_and_overdue_kpis_are_the_boards(world):
    staff = world["users"]["staff"]
    board = unit_board(staff, today=TODAY)
    data = Dashboard(staff, today=TODAY)
    rows = data.compliance()["rows"]
    assert [(r["unit"], r["cadres"], r["behind"]) for r in rows] == [
        (r.unit.name if r.unit else "本级", r.cadres, r.behind) for r in board.rows
    ]
    assert sum(r["cadres"] for r in rows) == 3  # 金城镇's serving cadres, never 东湖镇's
    kpis = data.kpis()
    assert kpis["talks_overdue"] == sum(board.total.talks.values())
    assert kpis["self_reports_overdue"] == sum(board.total.self_reports.values())
    assert kpis["duties_overdue"] == sum(board.total.duties.values())
    assert kpis["cadres"] == 3


# --- pages and downloads --------------------------------------------------------------------

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
ALLOWED = {"admin", "staff", "leader"}
URLS = ["/dashboard/"] + [f"/dashboard/data/{c}.{x}" for c in CHARTS for x in ("json", "xlsx")]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ROLES)
def test_access_per_role(world, client, url, role):
    client.force_login(world["users"][role])
    assert client.get(url).status_code == (200 if role in ALLOWED else 403)


def test_anonymous_is_sent_to_log_in(client):
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/dashboard/data/ages.json").status_code == 302


def test_unknown_chart_is_404(world, client):
    client.force_login(world["users"]["staff"])
    assert client.get("/dashboard/data/nothing.json").status_code == 404


def test_staff_of_one_town_never_see_another_towns_figures(world, client):
    c, other = world["cadres"], world["units"]["other_town"]
    f.CadreFactory(unit=other, age=29, position="党政办主任")
    outside = _activity(other, TODAY)
    _mark(outside, c["outsider"], "present")
    client.force_login(world["users"]["staff"])
    page = client.get("/dashboard/")
    data = page.context["data"]
    assert data["kpis"]["cadres"] == 3 and data["kpis"]["activities"] == 0
    assert data["ages"]["middle"] == 0
    assert all(r["unit"] != "东湖镇" for r in data["compliance"]["rows"])
    assert data["programmes"]["rows"][0]["programme"] == world["programme"].name
    assert len(data["programmes"]["rows"]) == 1
    assert "东湖镇" not in page.content.decode()
    # The other town as a filter is refused, on the page and in every download.
    assert client.get(f"/dashboard/?unit={other.pk}").status_code == 404
    for chart in CHARTS:
        assert client.get(f"/dashboard/data/{chart}.json?unit={other.pk}").status_code == 404
    # The admin sees both towns.
    client.force_login(world["users"]["admin"])
    assert client.get("/dashboard/").context["data"]["kpis"]["cadres"] == 5  # 4 + 1


def test_unit_filter_narrows_to_the_subtree(world, client):
    client.force_login(world["users"]["leader"])
    village = world["units"]["village"]
    response = client.get(f"/dashboard/data/kpis.json?unit={village.pk}")
    assert response.json()["cadres"] == 1
    page = client.get(f"/dashboard/?unit={village.pk}")
    assert page.status_code == 200 and page.context["unit"] == village


def test_page_carries_data_and_scripts_without_inline_code(world, client):
    client.force_login(world["users"]["leader"])
    html = client.get("/dashboard/").content.decode()
    assert 'id="qm-dashboard-data" type="application/json"' in html
    assert "vendor/echarts-5.6.0/echarts.min.js" in html and "js/dashboard.js" in html
    for chart in ("ages", "attendance", "compliance", "points", "programmes"):
        assert f'id="qm-chart-{chart}"' in html
        assert f"/dashboard/data/{chart}.xlsx" in html
    assert "<script>" not in html
    assert "数据看板" in client.get("/").content.decode()


def test_json_download_is_the_dataset(world, client):
    client.force_login(world["users"]["staff"])
    response = client.get("/dashboard/data/ages.json")
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-ages-')
    data = json.loads(response.content)
    assert [b["label"] for b in data["bands"]] == ["30岁及以下", "31–35岁", "36–40岁", "40岁以上"]
    assert sum(b["count"] for b in data["bands"]) == 3


def test_xlsx_download_reads_back(world, client):
    office, c = world["units"]["office"], world["cadres"]
    activity = _activity(office, TODAY)
    _mark(activity, c["self"], "present")
    _mark(activity, c["bystander"], "absent")
    client.force_login(world["users"]["staff"])
    response = client.get("/dashboard/data/attendance.xlsx")
    book = openpyxl.load_workbook(BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("月份", "邀请人次", "已登记", "出勤", "出勤率（%）")
    assert len(rows) == 13
    assert rows[-1] == (f"{TODAY:%Y-%m}", 2, 2, 1, 50)
    response = client.get("/dashboard/data/kpis.xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    values = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["在职干部"] == 3 and values["本季度出勤率（%）"] == 50


# --- query count ------------------------------------------------------------------------------


def _populate(world, n: int):
    office, village = world["units"]["office"], world["units"]["village"]
    staff = world["users"]["staff"]
    activity = _activity(office, TODAY)
    cohort = world["cohort"]
    for i in range(n):
        cadre = f.CadreFactory(unit=office if i % 2 else village, age=25 + i % 20,
                               position="主任" if i % 3 == 0 else "科员")  # fmt: skip
        _mark(activity, cadre, "present" if i % 2 else "absent")
        f.EnrolmentFactory(cohort=cohort, cadre=cadre)
        points_award(
            cadre=cadre, points=Decimal(i + 1), reason="测试", actor=staff, occurred_on=TODAY
        )


# Session, user, roles, unit, the compliance board's queries, one or two per dataset and the
# unit filter: 20 whatever the number of cadres (measured the same for N and 5N).
PAGE_QUERIES = 20


@pytest.mark.parametrize("n", [3, 15])
def test_page_queries_do_not_grow_with_cadres(world, client, django_assert_max_num_queries, n):
    _populate(world, n)
    client.force_login(world["users"]["staff"])
    client.get("/dashboard/")  # warm caches (content types, sessions) outside the count
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get("/dashboard/")
    assert response.context["data"]["kpis"]["cadres"] == 3 + n
