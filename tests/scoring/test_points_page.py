"""A cadre's points page (published lines, trend, radar, entries) and the live standings page:
who sees what, what it shows, and constant queries."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from scoring import services
from scoring.charts import radar_svg, trend_svg
from scoring.choices import RoundStatus
from scoring.models import EvaluationResult, EvaluationRound
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


@pytest.fixture
def last_quarter():
    """The quarter before today's, which can be published now."""
    this = _quarter_start(timezone.localdate())
    end = this - datetime.timedelta(days=1)
    return _quarter_start(end), end


def award(cadre, points, day, reason="x"):
    return services.points_award(
        cadre=cadre, points=Decimal(points), reason=reason, actor=None, occurred_on=day
    )


def publish(world, start, end):
    period = services.period_create(
        actor=None, name="上季度积分", unit=world["units"]["town"], start=start, end=end
    )
    return services.period_publish(period=period, actor=world["users"]["staff"])


def test_a_cadre_sees_their_points_only_once_published(world, client, last_quarter):
    start, end = last_quarter
    c = world["cadres"]
    award(c["self"], "6", start, reason="主持读书分享")
    award(c["bystander"], "9", start, reason="王芳的加分")
    client.force_login(world["users"]["cadre"])
    before = client.get("/points/mine/").content.decode()
    assert "主持读书分享" not in before and "还没有公示过的积分" in before
    publish(world, start, end)
    page = client.get("/points/mine/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "主持读书分享" in body
    assert "王芳" not in body and "王芳的加分" not in body
    latest = page.context["latest"]
    assert (latest.total, latest.rank, latest.population) == (Decimal("6"), 2, 3)
    assert page.context["objectable"] == [latest.period]  # the window is open: may object
    assert 'data-chart="trend"' in body


def test_radar_shows_the_latest_scored_evaluation_without_evaluators(world, client):
    c = world["cadres"]
    round_ = EvaluationRound.objects.create(
        name="2024年第一季度评鉴",
        kind="quarter",
        unit=world["units"]["town"],
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        opens_on=datetime.date(2024, 4, 1),
        closes_on=datetime.date(2024, 4, 10),
        status=RoundStatus.FINALISED,
    )
    EvaluationResult.objects.create(
        round=round_,
        cadre=c["self"],
        score=Decimal("86.50"),
        dimension_scores={"thought": "91.00", "political": "88.00", "performance": "80.00"},
        ratings=6,
    )
    client.force_login(world["users"]["cadre"])
    page = client.get("/points/mine/")
    body = page.content.decode()
    assert 'data-chart="radar"' in body and "86.50" in body and "91.0" in body
    assert "积分 = 综合得分 × 0.2" in body  # the round's formula is shown
    assert world["users"]["evaluator"].username not in body


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        # own page
        *[
            (r, "/points/mine/", s)
            for r, s in zip(ROLES, [404, 404, 404, 404, 404, 200], strict=True)
        ],
        *[
            (r, "/points/cadres/{self}/", s)
            for r, s in zip(ROLES, [200, 200, 200, 404, 403, 200], strict=True)
        ],
        *[
            (r, "/points/cadres/{mentee}/", s)
            for r, s in zip(ROLES, [200, 200, 200, 200, 403, 404], strict=True)
        ],
        *[
            (r, "/points/cadres/{bystander}/", s)
            for r, s in zip(ROLES, [200, 200, 200, 404, 403, 404], strict=True)
        ],
        *[
            (r, "/points/cadres/{outsider}/", s)
            for r, s in zip(ROLES, [200, 404, 404, 404, 403, 404], strict=True)
        ],
        *[
            (r, "/points/standings/", s)
            for r, s in zip(ROLES, [200, 200, 200, 403, 403, 403], strict=True)
        ],
        *[
            (r, "/points/standings/export.xlsx", s)
            for r, s in zip(ROLES, [200, 200, 200, 403, 403, 403], strict=True)
        ],
    ],
)
def test_every_role_on_the_points_pages(world, client, who, url, expected):
    client.force_login(world["users"][who])
    ids = {name: cadre.pk for name, cadre in world["cadres"].items()}
    assert client.get(url.format(**ids)).status_code == expected


def test_standings_page_ranks_live_totals_and_exports_them(world, client):
    c = world["cadres"]
    day = datetime.date(2024, 2, 1)
    award(c["self"], "5", day)
    award(c["bystander"], "5", day)
    award(c["mentee"], "2", day)
    award(c["outsider"], "50", day)
    client.force_login(world["users"]["staff"])
    page = client.get("/points/standings/", {"year": 2024, "quarter": 1})
    rows = [(r.name, r.total, r.overall_rank) for r in page.context["page"]]
    assert sorted(rows) == [
        ("张伟", Decimal("5"), 1),
        ("李娜", Decimal("2"), 3),
        ("王芳", Decimal("5"), 1),
    ]
    bad = client.get("/points/standings/", {"year": "abc"})
    assert bad.status_code == 200 and "年度" in bad.content.decode()
    export = client.get("/points/standings/export.xlsx", {"year": 2024, "quarter": 1})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    table = list(sheet.values)
    assert table[0][:3] == ("排名", "姓名", "单位")
    assert {(r[1], r[5]) for r in table[1:]} == {("张伟", 5), ("王芳", 5), ("李娜", 2)}


def test_points_page_and_standings_run_constant_queries(
    world, client, last_quarter, django_assert_max_num_queries, django_assert_num_queries
):
    start, end = last_quarter
    cadre = world["cadres"]["self"]
    client.force_login(world["users"]["cadre"])

    def grow(n):
        for i in range(n):
            award(cadre, "1", start + datetime.timedelta(days=i % 60), reason=f"活动{i}")
            award(f.CadreFactory(unit=world["units"]["office"]), "1", start)

    grow(3)
    publish(world, start, end)
    client.get("/points/mine/")
    with django_assert_max_num_queries(20) as small:
        assert client.get("/points/mine/").status_code == 200
    grow(12)
    with django_assert_num_queries(len(small)):
        assert client.get("/points/mine/").status_code == 200
    client.force_login(world["users"]["staff"])
    query = {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    client.get("/points/standings/", query)
    with django_assert_max_num_queries(15) as small:
        client.get("/points/standings/", query)
    grow(12)
    with django_assert_num_queries(len(small)):
        client.get("/points/standings/", query)


def test_charts_are_plain_svg_with_the_values():
    trend = trend_svg([("2024Q1", Decimal("12")), ("2024Q2", Decimal("-3.5"))])
    assert trend.startswith("<svg") and "2024Q2" in trend and "-3.5" in trend
    assert "<script" not in trend and "style=" not in trend
    radar = radar_svg([("思想境界", Decimal("80")), ("政治素质", None), ("工作实绩", 70)])
    assert radar.count("<text") == 3 and "—" in radar and "80.0" in radar
    assert radar_svg([("a", 1)]) == ""


def test_published_standings_api_shows_a_cadre_only_their_line(world, client, last_quarter):
    start, end = last_quarter
    for cadre, points in zip(world["cadres"].values(), ["3", "5", "1", "9"], strict=True):
        award(cadre, points, start)
    period = publish(world, start, end)
    url = f"/api/v1/scoring-periods/{period.pk}/standings/"
    client.force_login(world["users"]["staff"])
    rows = client.get(url).json()["results"]
    assert [(r["name"], r["rank"]) for r in rows] == [("李娜", 1), ("张伟", 2), ("王芳", 3)]
    client.force_login(world["users"]["cadre"])
    assert client.get("/api/v1/scoring-periods/").json()["count"] == 1
    mine = client.get(url).json()["results"]
    assert [(r["name"], r["total"], r["rank"], r["population"]) for r in mine] == [
        ("张伟", "3.00", 2, 3)
    ]
    live = client.get("/api/v1/standings/", {"start": start, "end": end})
    assert live.status_code == 403  # live standings are the office's, not a cadre's
    for role, status in {"mentor": 403, "evaluator": 403, "leader": 200, "admin": 200}.items():
        client.force_login(world["users"][role])
        assert client.get(url).status_code == status, role
    other = services.period_create(
        actor=None, name="东湖镇", unit=world["units"]["other_town"], start=start, end=end
    )
    client.force_login(world["users"]["staff"])
    assert client.get(f"/api/v1/scoring-periods/{other.pk}/standings/").status_code == 404


def test_the_profile_links_to_the_cadres_points(world, client):
    mentee = world["cadres"]["mentee"]
    client.force_login(world["users"]["mentor"])
    body = client.get(f"/cadres/{mentee.pk}/").content.decode()
    assert f'href="/points/cadres/{mentee.pk}/"' in body
    assert client.get(f"/points/cadres/{mentee.pk}/").status_code == 200


def test_staff_home_flags_declarations_and_objections_waiting(world, client, last_quarter):
    from scoring.models import PointRule

    start, end = last_quarter
    rule = PointRule.objects.create(
        code="XX-01", name="信息被区级采用", category="research", event_kind="writing.adopted.district",
        points=Decimal("4"), needs_approval=True, valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    services.declaration_submit(
        cadre=world["cadres"]["self"], rule=rule, occurred_on=start, description="政务信息",
        actor=world["users"]["cadre"],
    )  # fmt: skip
    period = publish(world, start, end)
    services.objection_file(
        period=period, cadre=world["cadres"]["self"], text="分数有误", actor=world["users"]["cadre"]
    )
    client.force_login(world["users"]["staff"])
    todo = client.get("/").context["points_todo"]
    assert todo == {"declarations": 1, "objections": 1}
    client.force_login(world["users"]["leader"])  # reads, does not review
    assert client.get("/").context["points_todo"] == {"declarations": 0, "objections": 0}
