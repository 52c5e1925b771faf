"""Standings ranks: overall, within the unit and within the cohort, ties sharing a rank, and
the percentile as PostgreSQL's PERCENT_RANK() gives it; the trend period anywhere."""

import datetime
from decimal import Decimal

from cadres.models import Cadre
from scoring import services
from scoring.selectors import standings, standings_of
from tests import factories as f

Q1 = (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))


def award(cadre, points, day=datetime.date(2024, 2, 1)):
    services.points_award(
        cadre=cadre, points=Decimal(points), reason="x", actor=None, occurred_on=day
    )


def test_ranks_overall_in_the_unit_and_in_the_latest_cohort(world):
    c, units = world["cadres"], world["units"]
    chen = f.CadreFactory(name="陈晨", unit=units["office"])
    liu = f.CadreFactory(name="刘洋", unit=units["village"])
    f.EnrolmentFactory(cohort=world["cohort"], cadre=chen)
    f.EnrolmentFactory(cohort=world["cohort"], cadre=liu)
    newer = f.CohortFactory(programme=world["programme"], start_date=datetime.date(2023, 3, 1))
    f.EnrolmentFactory(cohort=newer, cadre=liu)  # the latest active enrolment counts
    for cadre, points in [(c["self"], "5"), (c["bystander"], "5"), (c["mentee"], "3")]:
        award(cadre, points)
    award(chen, "3")
    award(liu, "0.5")
    rows = standings(user=world["users"]["staff"], start=Q1[0], end=Q1[1])
    assert [
        (r.name, r.total, r.overall_rank, r.unit_rank, r.cohort_id, r.cohort_rank, r.percentile)
        for r in rows
    ] == [
        # equal totals in pinyin order: wangfang before zhangwei, chenchen before lina
        ("王芳", Decimal("5"), 1, 1, None, None, 0.75),
        ("张伟", Decimal("5"), 1, 1, None, None, 0.75),
        ("陈晨", Decimal("3"), 3, 3, world["cohort"].pk, 1, 0.25),
        ("李娜", Decimal("3"), 3, 1, world["cohort"].pk, 1, 0.25),
        ("刘洋", Decimal("0.5"), 5, 2, newer.pk, 1, 0.0),
    ]
    assert [r.unit_name for r in rows][:1] == [units["office"].full_name]
    cohort_only = standings(
        user=world["users"]["staff"], start=Q1[0], end=Q1[1], cohort_id=world["cohort"].pk
    )
    assert [(r.name, r.overall_rank, r.percentile) for r in cohort_only] == [
        ("陈晨", 1, 0.5),
        ("李娜", 1, 0.5),
        ("刘洋", 3, 0.0),  # still active in the first cohort too
    ]


def test_a_trend_period_that_is_not_the_one_just_before(world):
    me = world["cadres"]["self"]
    award(me, "4")
    award(me, "7", day=datetime.date(2023, 2, 1))  # the same quarter a year before
    award(me, "100", day=datetime.date(2023, 8, 1))  # in between: neither period
    scope = Cadre.objects.filter(pk=me.pk)
    year_before = (datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
    [row] = standings_of(scope, start=Q1[0], end=Q1[1], previous=year_before)
    assert (row.total, row.previous_total, row.trend) == (Decimal("4"), Decimal("7"), Decimal("-3"))
    [row] = standings_of(scope, start=Q1[0], end=Q1[1], previous=(Q1[0], Q1[1]))
    assert (row.total, row.previous_total) == (Decimal("4"), Decimal("4"))  # overlapping


def test_no_cadres_no_standings(world):
    assert standings_of(Cadre.objects.none(), start=Q1[0], end=Q1[1]) == []
    assert standings(user=f.UserFactory(roles=[]), start=Q1[0], end=Q1[1]) == []
