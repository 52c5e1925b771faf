"""Standings: totals and ranks in SQL, ties share a rank, scoped to what the user may see."""

import datetime
from decimal import Decimal

from scoring import services
from scoring.selectors import standings
from tests import factories as f

Q1 = (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
Q4 = (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))


def award(cadre, points, day=datetime.date(2024, 2, 1)):
    services.points_award(
        cadre=cadre, points=Decimal(points), reason="x", actor=None, occurred_on=day
    )


def test_ties_share_a_rank_overall_and_within_the_unit(world):
    c = world["cadres"]
    extra = f.CadreFactory(name="周强", unit=world["units"]["office"])
    award(c["self"], "5")
    award(c["bystander"], "5")
    award(c["mentee"], "3")
    award(extra, "1")
    award(extra, "9", day=datetime.date(2024, 4, 1))  # next quarter: not counted
    award(c["self"], "2", day=datetime.date(2023, 11, 1))  # previous quarter
    rows = {
        r.name: (r.total, r.overall_rank, r.unit_rank, r.previous_total)
        for r in standings(user=world["users"]["staff"], start=Q1[0], end=Q1[1], previous=Q4)
    }
    assert rows == {
        "张伟": (Decimal("5"), 1, 1, Decimal("2")),
        "王芳": (Decimal("5"), 1, 1, Decimal("0")),
        "李娜": (Decimal("3"), 3, 1, Decimal("0")),  # alone in 东浦村
        "周强": (Decimal("1"), 4, 3, Decimal("0")),
    }
    assert "赵敏" not in rows  # another town: outside staff's scope


def test_standings_api_and_its_access(world, client):
    award(world["cadres"]["self"], "4")
    client.force_login(world["users"]["leader"])
    body = client.get("/api/v1/standings/", {"start": "2024-01-01", "end": "2024-03-31"}).json()
    assert [(r["name"], r["total"], r["rank"]) for r in body["results"]][:1] == [
        ("张伟", "4.00", 1)
    ]
    assert len(body["results"]) == 3
    bad = client.get("/api/v1/standings/", {"start": "2024-03-31", "end": "2024-01-01"})
    assert bad.status_code == 400 and "end" in bad.json()
    client.force_login(world["users"]["evaluator"])
    assert (
        client.get("/api/v1/standings/", {"start": "2024-01-01", "end": "2024-03-31"}).status_code
        == 403
    )


def test_without_a_trend_period_there_is_no_previous_total(world):
    award(world["cadres"]["self"], "4")
    award(world["cadres"]["self"], "7", day=datetime.date(2023, 11, 1))
    rows = standings(user=world["users"]["cadre"], start=Q1[0], end=Q1[1])
    assert [(r.name, r.total, r.previous_total, r.overall_rank) for r in rows] == [
        ("张伟", Decimal("4"), None, 1)
    ]
