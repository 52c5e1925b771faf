"""The compliance board (督导看板): per unit and per mentor, how many required talks,
self-reports and mentor duties are overdue today.

Everything is counted in SQL, a constant number of queries whatever the number of cadres and
mentors. The periods come from the cadence engine: talks and self-reports run on calendar
periods shared by every cadre, and duties on calendar periods shared by every pairing, so
`core.cadence.standing_window` gives, per requirement, the lapsed and the current period, and
an item is overdue when it had started by the end of the lapsed period and nothing was done in
either (exactly `core.cadence.standing`, which the pages of each part use one item at a time).
"""

# The SQL here is assembled from our own table and column names and %s placeholders only.
# ruff: noqa: S608
import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Cadre, Unit
from cadres.selectors import cadres_visible_to
from core.cadence import Rule, Window, calendar_start, standing_window
from mentoring.models import (
    DutyKind,
    DutyRecord,
    GuidanceLog,
    Mentor,
    Pairing,
    SelfReport,
    SelfReportKind,
    SelfReportStatus,
    Talk,
)
from mentoring.selectors.pool import current_pairings, mentors_visible_to
from mentoring.selectors.talks import talk_cadences


@dataclass(frozen=True)
class Requirement:
    """One column of the board: a talk level, a self-report kind or a mentor duty."""

    key: str
    label: str
    window: Window


def _lookback_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS)


def _window(frequency: str, grace_days: int, anchor: datetime.date, today) -> Window | None:
    rule = Rule(frequency, calendar_start(frequency, anchor), None, int(grace_days))
    return standing_window(rule, today=today)


def talk_requirements(today: datetime.date) -> list[Requirement]:
    since = _lookback_start(today)
    return [
        Requirement(c.level, c.label, w)
        for c in talk_cadences()
        if (w := _window(c.frequency, c.grace_days, since, today)) is not None
    ]


def self_report_requirements(today: datetime.date) -> list[Requirement]:
    since = _lookback_start(today)
    config = settings.QINGMIAO_SELF_REPORTS
    return [
        Requirement(kind, SelfReportKind(kind).label, w)
        for kind in SelfReportKind.values
        if kind in config
        and (w := _window(config[kind]["frequency"], config[kind].get("grace_days", 0), since, today))
    ]  # fmt: skip


def duty_requirements(today: datetime.date) -> list[Requirement]:
    """Duty periods are calendar periods from each pairing's start; the window is the same for
    every pairing that started before its lapsed period ended."""
    config = settings.QINGMIAO_MENTOR_DUTIES
    return [
        Requirement(kind, DutyKind(kind).label, w)
        for kind in DutyKind.values
        if kind in config
        # Any anchor far enough back gives the same calendar periods.
        and (w := _window(config[kind]["frequency"], config[kind].get("grace_days", 0),
                          today - datetime.timedelta(days=800), today))
    ]  # fmt: skip


# --- SQL pieces: each is (sql, params). Portable (PostgreSQL and SQLite): CASE, not FILTER. ---


def _sql(qs: QuerySet) -> tuple[str, list]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _done_table(table, owner, kind, column, reqs, today, *, exact=False, where="", where_params=()):
    """Per owner (cadre or pairing), one `d<i>` column per requirement: 1 when something was
    done in its lapsed or current period (`exact`: the column holds a period's first day, as
    self-reports do). One pass over the rows inside those periods only, grouped."""
    conds = []
    for r in reqs:
        lapsed, current = r.window.lapsed, r.window.current
        if exact:
            cond, params = f"{column} IN (%s, %s)", [lapsed.start, current.start]
        else:
            cond = f"({column} BETWEEN %s AND %s OR {column} BETWEEN %s AND %s)"
            params = [lapsed.start, lapsed.end, current.start, today]
        conds.append((f"{kind} = %s AND {cond}", [r.key, *params]))
    columns = ", ".join(
        f"MAX(CASE WHEN {cond} THEN 1 ELSE 0 END) AS d{i}" for i, (cond, _) in enumerate(conds)
    )
    inside = " OR ".join(f"({cond})" for cond, _ in conds)
    params = [p for _, ps in conds for p in ps]
    sql = f"SELECT {owner} AS owner_id, {columns} FROM {table} WHERE ({inside}) {where} GROUP BY {owner}"
    return sql, [*params, *params, *where_params]


def _sum(cond: str) -> str:
    return f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"


def _day_after(day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(moment)


def _run(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cadre_counts(cadres: QuerySet, talks, reports, key_len: int, today) -> list[dict]:
    """Per unit key: serving cadres, unpaired, overdue per talk level and report kind."""
    talks = [r for r in talks if r.window.lapsed]
    reports = [r for r in reports if r.window.lapsed]
    cadences = {c.level: c for c in talk_cadences()}
    select, select_params, joins, join_params = [], [], [], []
    overdue: list[tuple[str, str, list]] = []
    for i, r in enumerate(talks):
        cond, params = f"COALESCE(t.d{i}, 0) = 0", []
        kinds = cadences[r.key].unit_kinds
        if kinds:
            cond += f" AND u.kind IN ({', '.join(['%s'] * len(kinds))})"
            params = list(kinds)
        overdue.append((f"talk_{r.key}", cond, params))
    for i, r in enumerate(reports):
        overdue.append(
            (f"report_{r.key}", f"c.created_at < %s AND COALESCE(r.d{i}, 0) = 0",
             [_day_after(r.window.lapsed.end)])
        )  # fmt: skip
    for name, cond, params in overdue:
        select.append(f"{_sum(cond)} AS {name}")
        select_params += params
    if overdue:
        select.append(f"{_sum(' OR '.join(f'({c})' for _, c, _ in overdue))} AS behind")
        select_params += [p for _, _, params in overdue for p in params]
    else:
        select.append("0 AS behind")
    if talks:
        sql, params = _done_table(
            Talk._meta.db_table, "cadre_id", "level", "talked_on", talks, today
        )
        joins.append(f"LEFT JOIN ({sql}) t ON t.owner_id = c.id")
        join_params += params
    if reports:
        sql, params = _done_table(
            SelfReport._meta.db_table, "cadre_id", "kind", "period_start", reports, today,
            exact=True, where="AND status <> %s", where_params=[SelfReportStatus.RETURNED],
        )  # fmt: skip
        joins.append(f"LEFT JOIN ({sql}) r ON r.owner_id = c.id")
        join_params += params
    paired_sql, paired_params = _sql(
        current_pairings(on=today)
        .filter(mentor__is_active=True)
        .order_by()
        .values("cadre_id")
        .distinct()
    )
    scope_sql, scope_params = _sql(cadres.order_by().values("pk"))
    sql = f"""
        SELECT SUBSTR(u.path, 1, %s) AS key, COUNT(*) AS n,
               {_sum("pp.cadre_id IS NULL")} AS unpaired, {", ".join(select)}
        FROM {Cadre._meta.db_table} c
        JOIN {Unit._meta.db_table} u ON u.id = c.unit_id
        {" ".join(joins)}
        LEFT JOIN ({paired_sql}) pp ON pp.cadre_id = c.id
        WHERE c.id IN ({scope_sql})
        GROUP BY SUBSTR(u.path, 1, %s)
    """
    params = [key_len, *select_params, *join_params, *paired_params, *scope_params, key_len]
    rows = _run(sql, params)
    for row in rows:
        for r in talks:
            row.setdefault(f"talk_{r.key}", 0)
        for r in reports:
            row.setdefault(f"report_{r.key}", 0)
    return rows


def _pairing_counts_sql(pairings: QuerySet, duties, group: str, key_len: int | None, today):
    """Per group (a unit key, or the mentor): current pairings `n`, `duty_<kind>` overdue per
    duty (only for duties with a lapsed period), `behind` (any overdue): (sql, params, kinds)."""
    duties = [r for r in duties if r.window.lapsed]
    select, select_params, conds = [], [], []
    for i, r in enumerate(duties):
        cond = f"p.start_date <= %s AND COALESCE(d.d{i}, 0) = 0"
        conds.append((cond, [r.window.lapsed.end]))
        select.append(f"{_sum(cond)} AS duty_{r.key}")
        select_params.append(r.window.lapsed.end)
    if conds:
        select.append(f"{_sum(' OR '.join(f'({c})' for c, _ in conds))} AS behind")
        select_params += [p for _, params in conds for p in params]
    else:
        select.append("0 AS behind")
    join, join_params = "", []
    if duties:
        sql, join_params = _done_table(
            DutyRecord._meta.db_table, "pairing_id", "kind", "done_on", duties, today
        )
        join = f"LEFT JOIN ({sql}) d ON d.owner_id = p.id"
    scope_sql, scope_params = _sql(pairings.order_by().values("pk"))
    if group == "unit":
        key, key_params = "SUBSTR(u.path, 1, %s)", [key_len]
        units = (
            f"JOIN {Cadre._meta.db_table} c ON c.id = p.cadre_id "
            f"JOIN {Unit._meta.db_table} u ON u.id = c.unit_id"
        )
    else:
        key, key_params, units = "p.mentor_id", [], ""
    sql = f"""
        SELECT {key} AS key, COUNT(*) AS n, {", ".join(select)}
        FROM {Pairing._meta.db_table} p
        {units}
        {join}
        WHERE p.id IN ({scope_sql})
        GROUP BY {key}
    """
    params = [*key_params, *select_params, *join_params, *scope_params, *key_params]
    return sql, params, [r.key for r in duties]


def _pairing_counts(pairings: QuerySet, duties, group: str, key_len: int | None, today):
    sql, params, kinds = _pairing_counts_sql(pairings, duties, group, key_len, today)
    rows = _run(sql, params)
    for row in rows:
        for kind in kinds:
            row.setdefault(f"duty_{kind}", 0)
    return rows


# --- per unit ---------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit | None  # None: cadres sitting at the chosen unit itself (本级)
    path: str
    cadres: int = 0
    unpaired: int = 0
    behind: int = 0  # cadres with any talk or self-report overdue
    talks: dict[str, int] = field(default_factory=dict)
    self_reports: dict[str, int] = field(default_factory=dict)
    pairings: int = 0
    duties: dict[str, int] = field(default_factory=dict)
    pairings_behind: int = 0

    @property
    def rate(self) -> int | None:
        """Per cent of cadres with nothing overdue (talks and self-reports)."""
        return None if not self.cadres else round(100 * (self.cadres - self.behind) / self.cadres)

    @property
    def duty_rate(self) -> int | None:
        if not self.pairings:
            return None
        return round(100 * (self.pairings - self.pairings_behind) / self.pairings)


@dataclass
class UnitBoard:
    unit: Unit | None  # the unit whose children are the rows; None: the top of the scope
    talks: list[Requirement]
    self_reports: list[Requirement]
    duties: list[Requirement]
    rows: list[UnitRow]
    total: UnitRow


def unit_board(
    user,
    *,
    unit: Unit | None = None,
    today: datetime.date | None = None,
    only: QuerySet | None = None,
) -> UnitBoard:
    """Rows for the units one level below `unit` (or the top units of the user's scope), each
    counting its whole subtree. Four queries: the cadres, the pairings, the units named by the
    rows, and the scope check of `unit` made by the caller. `only` (a cadre queryset)
    restricts the cadres and pairings counted (the quarterly report of a programme)."""
    today = today or timezone.localdate()
    talks, reports, duties = (
        talk_requirements(today),
        self_report_requirements(today),
        duty_requirements(today),
    )
    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)
    if only is not None:
        cadres = cadres.filter(pk__in=only.values("pk"))
    # A pairing counts while its mentor is still in the pool (as for the daily job).
    pairings = current_pairings(on=today).filter(cadre__in=cadres, mentor__is_active=True)
    if unit is not None:
        cadres = cadres.filter(unit__path__startswith=unit.path)
        pairings = pairings.filter(cadre__unit__path__startswith=unit.path)
        key_len = len(unit.path) + Unit.steplen
    else:
        key_len = Unit.steplen
    cadre_rows = _cadre_counts(cadres, talks, reports, key_len, today)
    pairing_rows = _pairing_counts(pairings, duties, "unit", key_len, today)
    rows: dict[str, UnitRow] = {}
    for r in cadre_rows:
        row = rows.setdefault(r["key"], UnitRow(None, r["key"]))
        row.cadres, row.unpaired, row.behind = r["n"], r["unpaired"], r["behind"]
        row.talks = {t.key: r.get(f"talk_{t.key}", 0) for t in talks}
        row.self_reports = {t.key: r.get(f"report_{t.key}", 0) for t in reports}
    for r in pairing_rows:
        row = rows.setdefault(r["key"], UnitRow(None, r["key"]))
        row.pairings, row.pairings_behind = r["n"], r["behind"]
        row.duties = {t.key: r.get(f"duty_{t.key}", 0) for t in duties}
    units = {u.path: u for u in Unit.objects.filter(path__in=list(rows))}
    result = []
    for path, row in rows.items():
        row.unit = units.get(path) if unit is None or path != unit.path else None
        row.talks = row.talks or dict.fromkeys((t.key for t in talks), 0)
        row.self_reports = row.self_reports or dict.fromkeys((t.key for t in reports), 0)
        row.duties = row.duties or dict.fromkeys((t.key for t in duties), 0)
        result.append(row)
    result.sort(key=lambda r: (r.unit is not None, -(r.behind + r.pairings_behind), r.path))
    total = UnitRow(unit, unit.path if unit else "")
    for row in result:
        total.cadres += row.cadres
        total.unpaired += row.unpaired
        total.behind += row.behind
        total.pairings += row.pairings
        total.pairings_behind += row.pairings_behind
        for name in ("talks", "self_reports", "duties"):
            sums = getattr(total, name)
            for key, n in getattr(row, name).items():
                sums[key] = sums.get(key, 0) + n
    for name, reqs in (("talks", talks), ("self_reports", reports), ("duties", duties)):
        setattr(total, name, {r.key: getattr(total, name).get(r.key, 0) for r in reqs})
    return UnitBoard(unit, talks, reports, duties, result, total)


# --- per mentor -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorRow:
    mentor_id: int
    active: int = 0
    behind: int = 0
    duties: dict[str, int] = field(default_factory=dict)
    logs_quarter: int = 0
    last_log: datetime.date | None = None
    mentor: Mentor | None = None  # loaded for the rows shown (`mentor_rows_load`)


@dataclass(frozen=True)
class MentorBoard:
    duties: list[Requirement]
    quarter_start: datetime.date
    rows: "MentorRows"  # most pairings behind first; paginate it


class MentorRows(Sequence):
    """The mentor rows, sorted and sliced in SQL: a page costs two queries (its rows, then the
    guidance logs of its mentors) and the count one, whatever the number of mentors."""

    def __init__(
        self, *, mentors: QuerySet, cadres: QuerySet, duties, counts, today, quarter_start
    ):
        self._mentors, self._cadres, self._duties = mentors, cadres, duties
        self._counts, self._today, self._quarter_start = counts, today, quarter_start
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._mentors.count()
        return self._len

    def count(self) -> int:  # what Paginator asks
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop, _ = index.indices(len(self))
        return self._rows(start, max(0, stop - start)) if stop > start else []

    def __iter__(self):
        return iter(self[0 : len(self)])

    def _rows(self, offset: int, limit: int) -> list[MentorRow]:
        counts_sql, counts_params, kinds = self._counts
        scope_sql, scope_params = _sql(self._mentors.order_by().values("pk"))
        columns = "".join(f", COALESCE(pc.duty_{k}, 0) AS duty_{k}" for k in kinds)
        sql = f"""
            SELECT m.id AS mentor_id, COALESCE(pc.n, 0) AS n, COALESCE(pc.behind, 0) AS behind
                   {columns}
            FROM {Mentor._meta.db_table} m
            JOIN {Unit._meta.db_table} mu ON mu.id = m.unit_id
            LEFT JOIN ({counts_sql}) pc ON pc.key = m.id
            WHERE m.id IN ({scope_sql})
            ORDER BY 3 DESC, mu.path, m.name, m.id
            LIMIT %s OFFSET %s
        """
        found = _run(sql, [*counts_params, *scope_params, limit, offset])
        logs = {
            r["pairing__mentor"]: r
            for r in GuidanceLog.objects.filter(
                pairing__mentor__in=[r["mentor_id"] for r in found], cadre__in=self._cadres
            )
            .order_by()
            .values("pairing__mentor")
            .annotate(
                quarter=Count("pk", filter=Q(date__gte=self._quarter_start, date__lte=self._today)),
                last=Max("date"),
            )
        }
        return [
            MentorRow(
                r["mentor_id"], r["n"], r["behind"],
                {d.key: r.get(f"duty_{d.key}", 0) for d in self._duties},
                logs.get(r["mentor_id"], {}).get("quarter", 0),
                logs.get(r["mentor_id"], {}).get("last"),
            )
            for r in found
        ]  # fmt: skip


def mentor_board(
    user, *, unit: Unit | None = None, today: datetime.date | None = None
) -> MentorBoard:
    """Active mentors in scope with their current pairings (of serving cadres in the viewer's
    scope), overdue duties per kind, guidance logged this quarter and the last one; the rows
    are computed per page (`MentorRows`)."""
    today = today or timezone.localdate()
    duties = duty_requirements(today)
    quarter_start = calendar_start("quarter", today)
    mentors = mentors_visible_to(user).filter(is_active=True)
    if unit is not None:
        mentors = mentors.filter(unit__path__startswith=unit.path)
    # Only what the viewer may see: pairings and logs of serving cadres in their scope.
    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE).values("pk")
    pairings = current_pairings(on=today).filter(mentor__in=mentors.values("pk"), cadre__in=cadres)
    counts = _pairing_counts_sql(pairings, duties, "mentor", None, today)
    rows = MentorRows(
        mentors=mentors, cadres=cadres, duties=duties, counts=counts, today=today,
        quarter_start=quarter_start,
    )  # fmt: skip
    return MentorBoard(duties, quarter_start, rows)


def mentor_rows_load(rows: list[MentorRow]) -> list[MentorRow]:
    """The rows with their mentors (and units), in one query."""
    mentors = Mentor.objects.select_related("unit").in_bulk([r.mentor_id for r in rows])
    return [dataclasses.replace(r, mentor=mentors[r.mentor_id]) for r in rows]
