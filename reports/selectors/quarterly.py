"""The figures of the quarterly report (季度报告) for the leading group: one function, a
bounded number of set-based queries (about fifteen whatever the number of cadres), reusing the
other apps' selectors (compliance board, standings, writing summary, ages).

Definitions (documented here and in the report itself):
- Scope: `unit=None` is every unit; otherwise the unit's subtree. Cadres counted are those
  serving (在职) now, in a unit of the scope.
- Programme scope (`programme=…`): the cadres counted are those serving (在职) now and
  enrolled in any cohort of the programme during the quarter (joined on or before its last
  day, not left before its first). Every section is restricted to them: activities with at
  least one of them invited, attendance and compliance (the talk/duty board restricted to
  them, rows by top-level unit), writing, points, follow-ups and structure targets of those
  cadres (villages: those where one of them serves); the fund section shows the budgets and
  spending of the programme's owner unit (牵头单位) itself.
- Attendance rate (出勤率) per unit one level below the scope: (出席 + 迟到) / 受邀 for the
  participants of activities that started in the quarter, grouped by the participant's unit.
- Middle-level cadres (中层干部) and the share targets: `cadres.structure` (the one definition
  the dashboard uses too: a serving non-village cadre whose position names a middle-level post,
  `QINGMIAO_MIDDLE_LEVEL_POSITION_WORDS`).
- “35岁以下 / 30岁以下 / 40岁以下” include the number itself (以下 counts it): a full age (周岁)
  of at most 35 / 30 / 40 on the quarter's last day.
- Villages: units of kind 村 or 社区 in the scope; a village's cadres are those whose unit is
  the village (or below it). Reserve heads (后备干部): `Cadre.is_reserve`; the target is 1–2
  under 40 per village, and a village passes with at least one (more is reported, not failed).
- Structure targets: ≥ 20 % of middle-level cadres 35 or under, and of those ≥ 1/3 30 or
  under (`QINGMIAO_STRUCTURE_UNDER_35_SHARE`, `…_UNDER_30_SHARE`); with no middle-level cadre
  (or none 35 or under, for the second) the share is undefined and the target reads 不适用.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.choices import CadreStatus, UnitKind
from cadres.models import Cadre, Enrolment, Programme, Unit
from cadres.structure import age_at_most_years_q, structure_shares
from core.roles import system_reader

VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)
# Points bands (积分分布): lower bounds, inclusive; the last band is open.
POINT_BANDS = (
    Decimal("-999999"),
    Decimal("0.01"),
    Decimal("10"),
    Decimal("20"),
    Decimal("50"),
    Decimal("100"),
)
MOVERS = 10


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    nxt = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return start, nxt - datetime.timedelta(days=1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


@dataclass
class TypeRow:
    type: str
    label: str
    count: int = 0
    hours: Decimal = Decimal("0")


@dataclass
class AttendanceRow:
    unit: str
    invited: int = 0
    present: int = 0
    late: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.invited:
            return None
        return (Decimal(100 * (self.present + self.late)) / self.invited).quantize(Decimal("0.1"))


@dataclass
class ComplianceRow:
    unit: str
    cadres: int
    behind: int
    rate: int | None
    pairings: int
    pairings_behind: int
    duty_rate: int | None
    talks: dict


@dataclass
class Mover:
    name: str
    unit: str
    total: Decimal
    previous: Decimal
    change: Decimal


@dataclass
class FundRow:
    unit: str
    source: str
    budget: Decimal
    spent_quarter: Decimal
    spent_to_date: Decimal

    @property
    def percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (100 * self.spent_to_date / self.budget).quantize(Decimal("0.1"))


@dataclass
class Target:
    label: str
    value: str
    required: str
    passed: bool | None  # None: not applicable (no one to measure)


@dataclass
class VillageRow:
    unit: str
    cadres: int
    under_35: int
    reserve_under_40: int

    @property
    def passes_under_35(self) -> bool:
        return self.under_35 >= 1

    @property
    def passes_reserve(self) -> bool:
        return self.reserve_under_40 >= 1


@dataclass
class Structure:
    middle: int
    middle_under_35: int
    middle_under_30: int
    villages: list[VillageRow]
    targets: list[Target]

    @property
    def villages_without_under_35(self) -> list[VillageRow]:
        return [v for v in self.villages if not v.passes_under_35]


@dataclass
class QuarterlyFigures:
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    unit: Unit | None
    scope_label: str
    cadres: int
    activities: list[TypeRow]
    attendance: list[AttendanceRow]
    attendance_total: AttendanceRow
    compliance: list[ComplianceRow]
    compliance_total: ComplianceRow
    talk_labels: dict
    writing: dict
    bands: list[tuple[str, int]]
    top_movers: list[Mover]
    bottom_movers: list[Mover]
    points_mean: Decimal | None
    follow_ups_opened: int
    follow_ups_closed: int
    follow_ups_open_at_end: int
    fund: list[FundRow]
    fund_total: FundRow
    structure: Structure
    programme: Programme | None = None
    generated_at: datetime.datetime = field(default_factory=timezone.now)


def _in_scope(unit: Unit | None, prefix: str) -> Q:
    return Q() if unit is None else Q(**{f"{prefix}path__startswith": unit.path})


def _of_cadres(unit: Unit | None, only, prefix: str = "cadre__") -> Q:
    """Rows of the scope's cadres: `only` (a cadre queryset, the programme scope) or the
    unit's subtree."""
    if only is not None:
        return Q(**{f"{prefix}in": only.values("pk")})
    return _in_scope(unit, f"{prefix}unit__")


def programme_cadres(programme: Programme, start: datetime.date, end: datetime.date):
    """Serving cadres enrolled in any cohort of `programme` at some time in [start, end]."""
    enrolled = Enrolment.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start),
        cohort__programme=programme,
        joined_on__lte=end,
    ).values("cadre_id")
    return Cadre.objects.filter(pk__in=enrolled, status=CadreStatus.ACTIVE)


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _key_len(unit: Unit | None) -> int:
    return (len(unit.path) if unit else 0) + Unit.steplen


def _unit_names(paths) -> dict[str, str]:
    return dict(Unit.objects.filter(path__in=list(paths)).values_list("path", "full_name"))


def _activities(unit, low, high, only=None) -> list[TypeRow]:
    from training.choices import ActivityType
    from training.models import Activity, Participant

    if only is not None:
        scope = Q(
            pk__in=Participant.objects.filter(cadre__in=only.values("pk")).values("activity_id")
        )
    else:
        scope = _in_scope(unit, "unit__")
    rows = {t.value: TypeRow(t.value, str(t.label)) for t in ActivityType}
    for r in (
        Activity.objects.filter(scope, starts_at__gte=low, starts_at__lt=high)
        .order_by()
        .values("type")
        .annotate(n=Count("pk"), h=Sum("hours"))
    ):
        row = rows.setdefault(r["type"], TypeRow(r["type"], r["type"]))
        row.count, row.hours = r["n"], r["h"] or Decimal("0")
    return list(rows.values())


def _attendance(unit, low, high, only=None) -> tuple[list[AttendanceRow], AttendanceRow]:
    from training.choices import Attendance
    from training.models import Participant

    key_len = _key_len(unit)
    a = Attendance
    qs = (
        Participant.objects.filter(
            _of_cadres(unit, only),
            activity__starts_at__gte=low,
            activity__starts_at__lt=high,
        )
        .order_by()
        .annotate(key=Substr("cadre__unit__path", 1, key_len))
        .values("key")
        .annotate(
            invited=Count("pk"),
            present=Count("pk", filter=Q(attendance=a.PRESENT)),
            late=Count("pk", filter=Q(attendance=a.LATE)),
            leave=Count("pk", filter=Q(attendance=a.LEAVE)),
            absent=Count("pk", filter=Q(attendance=a.ABSENT)),
        )
    )
    data = list(qs)
    names = _unit_names(r["key"] for r in data)
    rows, total = [], AttendanceRow(_("合计"))
    for r in sorted(data, key=lambda r: r["key"]):
        row = AttendanceRow(
            names.get(r["key"], r["key"]),
            r["invited"],
            r["present"],
            r["late"],
            r["leave"],
            r["absent"],
        )
        rows.append(row)
        for name in ("invited", "present", "late", "leave", "absent"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total


def _compliance(unit, end, only=None):
    from mentoring.selectors.compliance import unit_board

    board = unit_board(system_reader(), unit=unit, today=end, only=only)

    def conv(row, label):
        return ComplianceRow(
            label,
            row.cadres,
            row.behind,
            row.rate,
            row.pairings,
            row.pairings_behind,
            row.duty_rate,
            dict(row.talks),
        )

    rows = [
        conv(
            r,
            r.unit.full_name
            if r.unit is not None
            else (unit.full_name + _("（本级）") if unit else r.path),
        )
        for r in board.rows
    ]
    labels = {t.key: str(t.label) for t in board.talks}
    return rows, conv(board.total, _("合计")), labels


def _writing(unit, start, end, only=None) -> dict:
    from training.choices import Review
    from training.models import Writing
    from training.selectors.writing import writing_summary

    return writing_summary(
        Writing.objects.filter(
            _of_cadres(unit, only),
            status=Review.ACCEPTED,
            published_on__gte=start,
            published_on__lte=end,
        )
    )


def _points(cadres, year, quarter, start, end):
    from scoring.selectors.standings import standings_of

    p_start, p_end = quarter_bounds(*previous_quarter(year, quarter))
    rows = standings_of(cadres, start=start, end=end, previous=(p_start, p_end))
    bands = []
    labels = ["≤ 0", "0–10", "10–20", "20–50", "50–100", "≥ 100"]
    counts = [0] * len(POINT_BANDS)
    for s in rows:
        index = 0
        for i, low in enumerate(POINT_BANDS):
            if s.total >= low:
                index = i
        counts[index] += 1
    bands = list(zip(labels, counts, strict=True))
    movers = [
        Mover(
            s.name, s.unit_name, s.total, s.previous_total or Decimal("0"), s.trend or Decimal("0")
        )
        for s in rows
    ]
    movers.sort(key=lambda m: (-m.change, m.name))
    top = [m for m in movers[:MOVERS] if m.change > 0]
    bottom = [m for m in reversed(movers[-MOVERS:]) if m.change < 0]
    mean = (
        (sum((s.total for s in rows), Decimal("0")) / len(rows)).quantize(Decimal("0.01"))
        if rows
        else None
    )
    return bands, top, bottom, mean


def _follow_ups(unit, start, end, only=None) -> tuple[int, int, int]:
    from scoring.models import FollowUp

    low, high = _day_bounds(start, end)
    done = FollowUp.Status.DONE
    r = FollowUp.objects.filter(_of_cadres(unit, only)).aggregate(
        opened=Count("pk", filter=Q(created_at__gte=low, created_at__lt=high)),
        closed=Count("pk", filter=Q(status=done, talked_on__gte=start, talked_on__lte=end)),
        open_at_end=Count(
            "pk",
            filter=Q(created_at__lt=high)
            & (~Q(status=done) | Q(talked_on__gt=end) | Q(talked_on__isnull=True)),
        ),
    )
    return r["opened"], r["closed"], r["open_at_end"]


def _fund(unit, year, start, end, owner=None) -> tuple[list[FundRow], FundRow]:
    from training.choices import FundSource
    from training.models import Budget

    year_start = datetime.date(year, 1, 1)
    qs = (
        Budget.objects.filter(Q(unit=owner) if owner else _in_scope(unit, "unit__"), year=year)
        .order_by("unit__path", "source")
        .values("unit__full_name", "source", "amount")
        .annotate(
            quarter=Sum("spendings__amount", filter=Q(spendings__spent_on__range=(start, end))),
            to_date=Sum(
                "spendings__amount", filter=Q(spendings__spent_on__range=(year_start, end))
            ),
        )
    )
    labels = dict(FundSource.choices)
    zero = Decimal("0")
    rows = [
        FundRow(r["unit__full_name"], str(labels.get(r["source"], r["source"])), r["amount"],
                r["quarter"] or zero, r["to_date"] or zero)
        for r in qs
    ]  # fmt: skip
    total = FundRow(
        _("合计"),
        "",
        sum((r.budget for r in rows), zero),
        sum((r.spent_quarter for r in rows), zero),
        sum((r.spent_to_date for r in rows), zero),
    )
    return rows, total


def _pct(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f}%"


def structure(cadres, unit, end: datetime.date, only=None) -> Structure:
    """Structure targets on `end` (the quarter's last day) for the serving `cadres` of the
    scope: two queries (middle-level counts; villages with their young cadres). With `only`
    (the programme scope) villages are those where one of `only` serves, counting them."""
    shares = structure_shares(cadres, end)
    serving = Q(cadres__status=CadreStatus.ACTIVE)
    place = _in_scope(unit, "")
    if only is not None:
        serving &= Q(cadres__in=only.values("pk"))
        place = Q(pk__in=only.values("unit_id"))
    villages = [
        VillageRow(v["full_name"], v["n"], v["u35"], v["r40"])
        for v in Unit.objects.filter(place, kind__in=VILLAGE_KINDS)
        .order_by("path")
        .values("full_name")
        .annotate(
            n=Count("cadres", filter=serving),
            u35=Count("cadres", filter=serving & age_at_most_years_q(35, end, "cadres__")),
            r40=Count(
                "cadres",
                filter=serving
                & Q(cadres__is_reserve=True)
                & age_at_most_years_q(40, end, "cadres__"),
            ),
        )
    ]
    n, u35, u30 = shares.middle, shares.under_35, shares.under_30
    missing = [v for v in villages if not v.passes_under_35]
    no_reserve = [v for v in villages if not v.passes_reserve]
    targets = [
        Target(
            _("中层干部中35岁以下占比"),
            f"{u35}/{n}（{_pct(u35, n)}）",
            "≥ 20%",
            shares.under_35_met,
        ),
        Target(
            _("35岁以下中层干部中30岁以下占比"),
            f"{u30}/{u35}（{_pct(u30, u35)}）",
            "≥ 1/3",
            shares.under_30_met,
        ),
        Target(
            _("无35岁以下干部的村（社区）"),
            f"{len(missing)}/{len(villages)}",
            "0",
            not missing,
        ),
        Target(
            _("无40岁以下后备干部的村（社区）"),
            f"{len(no_reserve)}/{len(villages)}",
            _("0（每村1–2名）"),
            not no_reserve,
        ),
    ]
    return Structure(n, u35, u30, villages, targets)


def quarterly_figures(
    *,
    year: int,
    quarter: int,
    unit: Unit | None = None,
    programme: Programme | None = None,
) -> QuarterlyFigures:
    if unit is not None and programme is not None:
        raise ValueError("a quarterly report has a unit or a programme, not both")
    start, end = quarter_bounds(year, quarter)
    low, high = _day_bounds(start, end)
    only, owner = None, None
    if programme is not None:
        cadres = only = programme_cadres(programme, start, end)
        owner = programme.owner_unit
        label = programme.name
    else:
        cadres = Cadre.objects.filter(_in_scope(unit, "unit__"), status=CadreStatus.ACTIVE)
        label = unit.full_name if unit else _("全部单位")
    attendance, attendance_total = _attendance(unit, low, high, only)
    compliance, compliance_total, talk_labels = _compliance(unit, end, only)
    bands, top, bottom, mean = _points(cadres, year, quarter, start, end)
    opened, closed, open_at_end = _follow_ups(unit, start, end, only)
    fund, fund_total = _fund(unit, year, start, end, owner)
    return QuarterlyFigures(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        unit=unit,
        programme=programme,
        scope_label=label,
        cadres=cadres.count(),
        activities=_activities(unit, low, high, only),
        attendance=attendance,
        attendance_total=attendance_total,
        compliance=compliance,
        compliance_total=compliance_total,
        talk_labels=talk_labels,
        writing=_writing(unit, start, end, only),
        bands=bands,
        top_movers=top,
        bottom_movers=bottom,
        points_mean=mean,
        follow_ups_opened=opened,
        follow_ups_closed=closed,
        follow_ups_open_at_end=open_at_end,
        fund=fund,
        fund_total=fund_total,
        structure=structure(cadres, unit, end, only),
    )
