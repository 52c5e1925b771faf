"""Standings (积分排名): totals per cadre and period, ranks and percentile, in one SQL
statement (aggregates and window functions, no Python loops over entries)."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to


@dataclass(frozen=True)
class Standing:
    pk: int
    name: str
    unit_id: int
    unit_name: str
    total: Decimal
    previous_total: Decimal | None
    overall_rank: int
    unit_rank: int
    percentile: float
    cohort_id: int | None = None
    cohort_rank: int | None = None
    dimension_scores: dict | None = None

    @property
    def trend(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period of equal length just before [start, end]: the trend baseline."""
    length = end - start
    return start - length - datetime.timedelta(days=1), start - datetime.timedelta(days=1)


def standings(
    *,
    user,
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None = None,
    cohort_id: int | None = None,
) -> list[Standing]:
    """The standings of the serving cadres `user` may see (or of one cohort of them): staff
    and leaders rank their own subtree. A published period's table, which ranks the whole
    period scope, comes from `published_standings` instead."""
    from cadres.choices import CadreStatus, EnrolmentStatus

    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)
    if cohort_id is not None:
        cadres = cadres.filter(
            enrolments__cohort_id=cohort_id, enrolments__status=EnrolmentStatus.ACTIVE
        )
    return standings_of(cadres, start=start, end=end, previous=previous)


def standings_of(
    cadres: QuerySet[Cadre],
    *,
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None = None,
    profile: bool = False,
) -> list[Standing]:
    """Each cadre of `cadres` with their total for the period, the previous period's total,
    rank overall, within their unit and within their cohort (ties share a rank), percentile,
    and with `profile` the six-dimension scores of their latest evaluation in the period.

    The period's entries are summed once per cadre (GROUP BY, the same work as a bare SUM),
    joined to the cadres, and ranked with window functions. A cadre's cohort is the one of
    their latest active enrolment.
    """
    scope_sql, scope_params = cadres.values("pk").query.sql_with_params()
    if previous is None:
        # One period: a plain range the (cadre, occurred_on) index and a bare SUM would use.
        sums = "SUM(points) AS total, NULL AS previous_total"
        where, sum_params, where_params = "occurred_on BETWEEN %s AND %s", [], [start, end]
    else:
        sums = (
            "SUM(points) FILTER (WHERE occurred_on BETWEEN %s AND %s) AS total, "
            "SUM(points) FILTER (WHERE occurred_on BETWEEN %s AND %s) AS previous_total"
        )
        where = "occurred_on BETWEEN %s AND %s OR occurred_on BETWEEN %s AND %s"
        sum_params = [start, end, *previous]
        where_params = [start, end, *previous]
    if profile:
        profile_sql = """(
            SELECT r.dimension_scores FROM scoring_evaluationresult r
            JOIN scoring_evaluationround er ON er.id = r.round_id
            WHERE r.cadre_id = c.id AND er.period_end BETWEEN %s AND %s
            ORDER BY er.period_end DESC, r.id DESC LIMIT 1)"""
        profile_params = [start, end]
    else:
        profile_sql, profile_params = "NULL", []
    sql = f"""
        WITH sums AS (
            SELECT cadre_id, {sums}
            FROM scoring_pointentry
            WHERE {where}
            GROUP BY cadre_id
        ),
        scored AS (
            SELECT c.id, c.name, c.name_pinyin, c.unit_id, u.full_name,
                   COALESCE(s.total, 0) AS total, s.previous_total,
                   (SELECT e.cohort_id FROM cadres_enrolment e
                    WHERE e.cadre_id = c.id AND e.status = 'active'
                    ORDER BY e.joined_on DESC, e.id DESC LIMIT 1) AS cohort_id,
                   {profile_sql} AS dimension_scores
            FROM cadres_cadre c
            JOIN cadres_unit u ON u.id = c.unit_id
            LEFT JOIN sums s ON s.cadre_id = c.id
            WHERE c.id IN ({scope_sql})
        )
        SELECT id, name, unit_id, full_name, total, previous_total,
               RANK() OVER (ORDER BY total DESC),
               RANK() OVER (PARTITION BY unit_id ORDER BY total DESC),
               PERCENT_RANK() OVER (ORDER BY total),
               cohort_id,
               RANK() OVER (PARTITION BY cohort_id ORDER BY total DESC),
               dimension_scores
        FROM scored
        ORDER BY 7, name_pinyin, id
    """  # noqa: S608  (only fixed SQL fragments and the ORM's parameterised subquery)
    params = [*sum_params, *where_params, *profile_params, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    has_previous = previous is not None
    return [
        Standing(
            pk=r[0],
            name=r[1],
            unit_id=r[2],
            unit_name=r[3],
            total=Decimal(r[4]),
            previous_total=Decimal(r[5] or 0) if has_previous else None,
            overall_rank=r[6],
            unit_rank=r[7],
            percentile=float(r[8]),
            cohort_id=r[9],
            cohort_rank=r[10] if r[9] is not None else None,
            dimension_scores=json.loads(r[11]) if isinstance(r[11], str) else r[11],
        )
        for r in rows
    ]
