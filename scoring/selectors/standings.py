"""Standings (积分排名): totals per cadre and period, ranks and percentile, in one SQL statement
(aggregates and window functions; no Python loop over entries or cadres)."""

import datetime
import json
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet

from cadres.choices import EnrolmentStatus
from cadres.models import Cadre
from cadres.selectors import serving_cadres_visible_to

CENT = Decimal("0.01")


class Standing(NamedTuple):
    """One line of the standings. A named tuple: the cheapest object to build ten thousand
    times per request."""

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
    cadres = serving_cadres_visible_to(user)
    if cohort_id is not None:
        cadres = cadres.filter(
            enrolments__cohort_id=cohort_id, enrolments__status=EnrolmentStatus.ACTIVE
        )
    return standings_of(cadres, start=start, end=end, previous=previous)


def _sums_join(
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None,
    *,
    per_cadre: bool,
) -> tuple[str, list]:
    """The join that brings each cadre `c` their total (and previous total) from the ledger,
    both from one pass over the entries of the period and the trend period before it.

    Grouped: the period's entries summed per cadre by a hash aggregate, as a bare SUM … GROUP
    BY does, and the sums joined to the cadres. Per cadre (PostgreSQL, with a trend period):
    each cadre's entries of both periods read where they lie together, in the covering index
    on (cadre, day) with the points, and split into the two totals (LATERAL). Measured on
    10,000 cadres and 1,000,000 entries (bench/standings.py), grouping is the cheaper for one
    period, and walking each cadre's index range for two periods (a hash table of two sums
    per cadre costs half as much again as the bare SUM)."""
    if previous is None:
        columns, params = "SUM(points) AS total", []
        low, high = start, end
    elif previous[1] + datetime.timedelta(days=1) == start:  # the usual case: just before
        columns = (
            "SUM(points) FILTER (WHERE occurred_on >= %s) AS total, "
            "SUM(points) FILTER (WHERE occurred_on < %s) AS previous_total"
        )
        params, low, high = [start, start], previous[0], end
    else:
        columns = (
            "SUM(points) FILTER (WHERE occurred_on BETWEEN %s AND %s) AS total, "
            "SUM(points) FILTER (WHERE occurred_on BETWEEN %s AND %s) AS previous_total"
        )
        params = [start, end, *previous]
        low, high = min(start, previous[0]), max(end, previous[1])
    params += [low, high]
    # Only fixed SQL fragments go into the statement; every value is a parameter.
    if per_cadre:
        lateral = f"LEFT JOIN LATERAL (SELECT {columns} FROM scoring_pointentry "  # noqa: S608
        return (
            f"{lateral}WHERE cadre_id = c.id AND occurred_on BETWEEN %s AND %s) s ON TRUE",
            params,
        )
    grouped = f"LEFT JOIN (SELECT cadre_id, {columns} FROM scoring_pointentry "  # noqa: S608
    return (
        f"{grouped}WHERE occurred_on BETWEEN %s AND %s GROUP BY cadre_id) s ON s.cadre_id = c.id",
        params,
    )


def standings_of(
    cadres: QuerySet[Cadre],
    *,
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None = None,
    profile: bool = False,
) -> list[Standing]:
    """Each cadre of `cadres` with their total for the period, the previous period's total,
    rank overall, within their unit and within their cohort (ties share a rank, as SQL's
    RANK()), percentile (as PERCENT_RANK()), and with `profile` the six-dimension scores of
    their latest evaluation in the period.

    One query whatever the number of cadres: it sums each cadre's entries of the period
    (reading the rows a bare SUM … GROUP BY reads, see `_sums_join`), joins each cadre's
    cohort (the one of their latest active enrolment) and ranks with window functions. The
    percentile is PERCENT_RANK() over ascending totals, computed from the descending window
    the overall rank already sorts by (the share of the others with a lower total), so the
    cadres are sorted once for rank and percentile.
    `cadres` must not repeat a cadre (a filter across a to-many relation that may match
    twice needs `.distinct()`).
    """
    try:
        scope_sql, scope_params = (
            cadres.order_by()
            .values("id", "name", "name_pinyin", "unit_id", unit_name=F("unit__full_name"))
            .query.sql_with_params()
        )
    except EmptyResultSet:  # e.g. `Cadre.objects.none()` for a user without a role
        return []
    postgres = connection.vendor == "postgresql"
    sums_join, sums_params = _sums_join(
        start, end, previous, per_cadre=postgres and previous is not None
    )
    columns, joins, params = ["COALESCE(s.total, 0)"], "", [*scope_params, *sums_params]
    if previous is not None:
        columns.append("COALESCE(s.previous_total, 0)")
    if profile:
        columns.append("p.dimension_scores")
        joins = """
            LEFT JOIN (
                SELECT r.cadre_id, r.dimension_scores,
                       ROW_NUMBER() OVER (
                           PARTITION BY r.cadre_id ORDER BY er.period_end DESC, r.id DESC
                       ) AS latest
                FROM scoring_evaluationresult r
                JOIN scoring_evaluationround er ON er.id = r.round_id
                WHERE er.period_end BETWEEN %s AND %s
            ) p ON p.cadre_id = c.id AND p.latest = 1"""
        params += [start, end]
    if postgres:
        cohorts = """SELECT DISTINCT ON (cadre_id) cadre_id, cohort_id FROM cadres_enrolment
            WHERE status = %s ORDER BY cadre_id, joined_on DESC, id DESC"""
    else:
        cohorts = """SELECT cadre_id, cohort_id FROM (SELECT cadre_id, cohort_id, ROW_NUMBER()
            OVER (PARTITION BY cadre_id ORDER BY joined_on DESC, id DESC) AS n
            FROM cadres_enrolment WHERE status = %s) latest WHERE n = 1"""
    params.append(EnrolmentStatus.ACTIVE)
    if postgres:
        # The total as a double orders exactly like the numeric (sums of cents, far fewer
        # than 15 digits), and most comparisons are ties, which a double settles faster.
        # Pinyin keys are lower-case ASCII: byte order is alphabetical order.
        key = "CAST(COALESCE(s.total, 0) AS DOUBLE PRECISION)"
        pinyin = 'c.name_pinyin COLLATE "C"'
    else:  # SQLite's sums are floats: 0.1 + 0.2 ties with 0.3 once rounded to cents
        key, pinyin = "ROUND(COALESCE(s.total, 0), 2)", "c.name_pinyin"
    sql = f"""
        SELECT c.id, c.name, c.unit_id, c.unit_name, e.cohort_id, {", ".join(columns)},
               RANK() OVER by_total,
               RANK() OVER (PARTITION BY c.unit_id ORDER BY {key} DESC),
               CASE WHEN e.cohort_id IS NULL THEN NULL
                    ELSE RANK() OVER (PARTITION BY e.cohort_id ORDER BY {key} DESC) END,
               CASE WHEN COUNT(*) OVER () > 1
                    THEN (COUNT(*) OVER () - COUNT(*) OVER by_total) * 1.0
                         / (COUNT(*) OVER () - 1)
                    ELSE 0 END
        FROM ({scope_sql}) c
        {sums_join}{joins}
        LEFT JOIN ({cohorts}) e ON e.cadre_id = c.id
        WINDOW by_total AS (ORDER BY {key} DESC)
        ORDER BY {key} DESC, {pinyin}, c.id
    """  # noqa: S608  (only fixed SQL fragments and the ORM's parameterised subquery)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    has_previous = previous is not None
    values = 7 if has_previous else 6  # id … total[, previous total]
    if not postgres:  # SQLite sums decimals as floats
        rows = [(*row[:5], *map(_decimal, row[5:values]), *row[values:]) for row in rows]
    ranks = values + (1 if profile else 0)
    return [
        Standing(
            row[0],
            row[1],
            row[2],
            row[3],
            row[5],
            row[6] if has_previous else None,
            row[ranks],
            row[ranks + 1],
            float(row[ranks + 3]),
            row[4],
            row[ranks + 2],
            _json(row[values]) if profile else None,
        )
        for row in rows
    ]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _decimal(value) -> Decimal | None:
    """SQLite sums decimals as floats (or integers): back to cents."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENT)
