import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, Sum

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from scoring.models import PointEntry


def entries_visible_to(user) -> QuerySet[PointEntry]:
    """Ledger rows of the cadres `user` may see (a cadre: their own only)."""
    return PointEntry.objects.filter(cadre__in=cadres_visible_to(user))


def points_total(*, cadre: Cadre, start: datetime.date, end: datetime.date) -> Decimal:
    """A cadre's total for a period: by definition the sum of their entries in it."""
    total = PointEntry.objects.filter(cadre=cadre, occurred_on__range=(start, end)).aggregate(
        total=Sum("points")
    )["total"]
    return total or Decimal("0")


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


def standings(
    *,
    user,
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None = None,
    cohort_id: int | None = None,
) -> list[Standing]:
    """Each serving cadre in the user's scope (or in one cohort of it) with their total for
    the period, the previous period's total, rank overall and within their unit (ties share
    a rank) and percentile.

    One SQL statement: the period's entries are summed once per cadre (GROUP BY, the same
    work as a bare SUM), joined to the scoped cadres, and ranked with window functions.
    The population is what `user` may see, so staff and leaders rank their own subtree.
    """
    from cadres.choices import CadreStatus, EnrolmentStatus

    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)
    if cohort_id is not None:
        cadres = cadres.filter(
            enrolments__cohort_id=cohort_id, enrolments__status=EnrolmentStatus.ACTIVE
        )
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
    sql = f"""
        WITH sums AS (
            SELECT cadre_id, {sums}
            FROM scoring_pointentry
            WHERE {where}
            GROUP BY cadre_id
        ),
        scored AS (
            SELECT c.id, c.name, c.name_pinyin, c.unit_id, u.full_name,
                   COALESCE(s.total, 0) AS total, s.previous_total
            FROM cadres_cadre c
            JOIN cadres_unit u ON u.id = c.unit_id
            LEFT JOIN sums s ON s.cadre_id = c.id
            WHERE c.id IN ({scope_sql})
        )
        SELECT id, name, unit_id, full_name, total, previous_total,
               RANK() OVER (ORDER BY total DESC),
               RANK() OVER (PARTITION BY unit_id ORDER BY total DESC),
               PERCENT_RANK() OVER (ORDER BY total)
        FROM scored
        ORDER BY 7, name_pinyin, id
    """  # noqa: S608  (only fixed SQL fragments and the ORM's parameterised subquery)
    params = [*sum_params, *where_params, *scope_params]
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
        )
        for r in rows
    ]
