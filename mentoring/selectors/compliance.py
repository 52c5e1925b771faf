"""The compliance board (督导看板): per unit and per mentor, how many required talks,
self-reports and mentor duties are overdue today.

Everything is counted in SQL, a constant number of queries whatever the number of cadres and
mentors. The periods come from the cadence engine: talks and self-reports run on calendar
periods shared by every cadre, and duties on calendar periods shared by every pairing, so
`core.cadence.standing_window` gives, per requirement, the lapsed and the current period, and
an item is overdue when it had started by the end of the lapsed period and nothing was done in
either (exactly `core.cadence.standing`, which the pages of each part use one item at a time).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Unit
from cadres.selectors import cadres_visible_to, units_visible_to
from core.cadence import Rule, Window, calendar_start, standing_window
from mentoring.models import (
    DutyKind,
    DutyRecord,
    GuidanceLog,
    Mentor,
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


def _periods_q(name: str, window: Window, today: datetime.date) -> Q:
    q = Q(**{f"{name}__range": (window.current.start, today)})
    if window.lapsed is not None:
        q |= Q(**{f"{name}__range": (window.lapsed.start, window.lapsed.end)})
    return q


def _day_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def talk_overdue_q(req: Requirement, today: datetime.date) -> Q:
    """Cadres (rows of Cadre) whose talk at `req.key` is overdue."""
    if req.window.lapsed is None:
        return Q(pk__in=[])
    cadence = next(c for c in talk_cadences() if c.level == req.key)
    held = Talk.objects.filter(
        _periods_q("talked_on", req.window, today), cadre=OuterRef("pk"), level=req.key
    )
    q = ~Exists(held)
    if cadence.unit_kinds:
        q &= Q(unit__kind__in=cadence.unit_kinds)
    return q


def self_report_overdue_q(req: Requirement, today: datetime.date) -> Q:
    """Cadres whose self-report of kind `req.key` is overdue: entered by the end of the lapsed
    period, and no report (other than a returned one) for it or the current period."""
    if req.window.lapsed is None:
        return Q(pk__in=[])
    periods = [req.window.lapsed.start, req.window.current.start]
    filed = SelfReport.objects.filter(
        cadre=OuterRef("pk"), kind=req.key, period_start__in=periods
    ).exclude(status=SelfReportStatus.RETURNED)
    return Q(created_at__lt=_day_after(req.window.lapsed.end)) & ~Exists(filed)


def duty_overdue_q(req: Requirement, today: datetime.date) -> Q:
    """Pairings whose duty `req.key` is overdue."""
    if req.window.lapsed is None:
        return Q(pk__in=[])
    done = DutyRecord.objects.filter(
        _periods_q("done_on", req.window, today), pairing=OuterRef("pk"), kind=req.key
    )
    return Q(start_date__lte=req.window.lapsed.end) & ~Exists(done)


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


def _group_key(prefix: str, depth_len: int):
    return Substr(f"{prefix}path", 1, depth_len)


def unit_board(user, *, unit: Unit | None = None, today: datetime.date | None = None) -> UnitBoard:
    """Rows for the units one level below `unit` (or the top units of the user's scope), each
    counting its whole subtree. Four queries: the cadres, the pairings, the units named by the
    rows, and the scope check of `unit` made by the caller."""
    today = today or timezone.localdate()
    talks, reports, duties = (
        talk_requirements(today),
        self_report_requirements(today),
        duty_requirements(today),
    )
    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)
    pairings = current_pairings(on=today).filter(cadre__in=cadres)
    if unit is not None:
        cadres = cadres.filter(unit__path__startswith=unit.path)
        pairings = pairings.filter(cadre__unit__path__startswith=unit.path)
        key_len = len(unit.path) + Unit.steplen
    else:
        key_len = Unit.steplen
    flags = {f"talk_{r.key}": talk_overdue_q(r, today) for r in talks}
    flags |= {f"report_{r.key}": self_report_overdue_q(r, today) for r in reports}
    behind = Q(pk__in=[])
    for q in flags.values():
        behind |= q
    aggregates = {name: Count("pk", filter=q) for name, q in flags.items()}
    active_pairing = current_pairings(on=today).filter(cadre=OuterRef("pk"))
    cadre_rows = (
        cadres.order_by()
        .annotate(key=_group_key("unit__", key_len))
        .values("key")
        .annotate(
            n=Count("pk"),
            unpaired=Count("pk", filter=~Q(Exists(active_pairing))),
            behind=Count("pk", filter=behind),
            **aggregates,
        )
    )
    duty_flags = {f"duty_{r.key}": duty_overdue_q(r, today) for r in duties}
    duty_behind = Q(pk__in=[])
    for q in duty_flags.values():
        duty_behind |= q
    pairing_rows = (
        pairings.order_by()
        .annotate(key=_group_key("cadre__unit__", key_len))
        .values("key")
        .annotate(
            n=Count("pk"),
            behind=Count("pk", filter=duty_behind),
            **{name: Count("pk", filter=q) for name, q in duty_flags.items()},
        )
    )
    rows: dict[str, UnitRow] = {}
    for r in cadre_rows:
        row = rows.setdefault(r["key"], UnitRow(None, r["key"]))
        row.cadres, row.unpaired, row.behind = r["n"], r["unpaired"], r["behind"]
        row.talks = {t.key: r[f"talk_{t.key}"] for t in talks}
        row.self_reports = {t.key: r[f"report_{t.key}"] for t in reports}
    for r in pairing_rows:
        row = rows.setdefault(r["key"], UnitRow(None, r["key"]))
        row.pairings, row.pairings_behind = r["n"], r["behind"]
        row.duties = {t.key: r[f"duty_{t.key}"] for t in duties}
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


def board_units(user) -> QuerySet[Unit]:
    """Units the user may open the board on."""
    return units_visible_to(user)


# --- per mentor -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorBoard:
    duties: list[Requirement]
    quarter_start: datetime.date
    mentors: QuerySet[Mentor]  # annotated; paginate it


def _count(qs: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.order_by().values("mentor_id").annotate(c=Count("pk")).values("c"),
            output_field=IntegerField(),
        ),
        0,
    )


def mentor_board(
    user, *, unit: Unit | None = None, today: datetime.date | None = None
) -> MentorBoard:
    """Mentors in scope (active ones) with their current pairings, capacity, overdue duties per
    kind, guidance logged this quarter and the last one: one query (two when paginated)."""
    today = today or timezone.localdate()
    duties = duty_requirements(today)
    quarter_start = calendar_start("quarter", today)
    mentors = mentors_visible_to(user).filter(is_active=True)
    if unit is not None:
        mentors = mentors.filter(unit__path__startswith=unit.path)
    mine = current_pairings(on=today).filter(mentor=OuterRef("pk"))
    annotations = {"active": _count(mine)}
    for r in duties:
        annotations[f"duty_{r.key}"] = _count(mine.filter(duty_overdue_q(r, today)))
    duty_any = Q(pk__in=[])
    for r in duties:
        duty_any |= duty_overdue_q(r, today)
    annotations["behind"] = _count(mine.filter(duty_any))
    logs = GuidanceLog.objects.filter(pairing__mentor=OuterRef("pk"))
    annotations["logs_quarter"] = Coalesce(
        Subquery(
            logs.filter(date__gte=quarter_start, date__lte=today)
            .order_by()
            .values("pairing__mentor")
            .annotate(c=Count("pk"))
            .values("c"),
            output_field=IntegerField(),
        ),
        0,
    )
    annotations["last_log"] = Subquery(
        logs.order_by().values("pairing__mentor").annotate(d=Max("date")).values("d")
    )
    mentors = mentors.annotate(**annotations).order_by(
        F("behind").desc(), "unit__path", "name", "pk"
    )
    return MentorBoard(duties, quarter_start, mentors)
