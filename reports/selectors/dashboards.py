"""The dashboards (数据看板) of staff and leaders: the data behind each chart.

Every figure is scoped like any other read: the serving cadres of
`cadres.selectors.cadres_visible_to(user)` (administrators all; staff and leaders their unit's
subtree), optionally narrowed to one unit of `units_visible_to(user)`. Each dataset is computed
in SQL with a fixed number of queries whatever the number of cadres (aggregates grouped by band,
month, unit or cohort); nothing loops over cadres in Python except the points bands, which bin
the one-query standings.

Definitions (shown on the page too):
- attendance rate: of the invitations of cadres in scope to activities (菁学课堂) that started
  in the period and whose attendance was registered, the share marked present or late (请假 and
  缺席 count as not attending; unregistered invitations are left out);
- overdue: `mentoring.selectors.compliance.unit_board(...).total` (talks and self-reports of
  cadres, mentor duties of pairings) — the same figures as the compliance board (督导看板);
- points: each serving cadre's total of the current quarter from the ledger
  (`scoring.selectors.standings.standings_of`), binned in bands of
  `settings.QINGMIAO_DASHBOARD_POINTS_BAND`;
- structure targets: `cadres.structure` (who is middle-level and the target maths);
- programme progress: cohorts (批次) running today with active enrolments of cadres in scope:
  enrolled cadres, distinct activities their members were invited to since the cohort started,
  and the members' attendance rate over those.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.choices import AgeBand, CadreStatus, EnrolmentStatus
from cadres.models import Cadre, Cohort, Enrolment, Unit
from cadres.selectors import cadres_visible_to
from cadres.structure import (
    StructureShares,
    age_at_most_q,
    middle_level_q,
    target_under_30,
    target_under_35,
)
from core.cadence import add_months, calendar_start
from mentoring.selectors.compliance import unit_board
from scoring.selectors.standings import standings_of
from training.choices import Attendance
from training.models import Participant
from training.selectors.activities import activities_visible_to
from training.selectors.forums import forums_visible_to

CHARTS = ("kpis", "ages", "attendance", "compliance", "points", "programmes")
ATTENDED = (Attendance.PRESENT, Attendance.LATE)
MARKED = (Attendance.PRESENT, Attendance.LATE, Attendance.LEAVE, Attendance.ABSENT)


def _rate(attended: int, marked: int) -> float | None:
    """Per cent with one decimal; None when nothing was registered."""
    return round(100 * attended / marked, 1) if marked else None


def _share(value) -> float | None:
    return None if value is None else round(100 * float(value), 1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def quarter_label(day: datetime.date) -> str:
    return _("%(year)s年第%(quarter)s季度") % {
        "year": day.year,
        "quarter": (day.month - 1) // 3 + 1,
    }


@dataclass
class Dashboard:
    """The datasets of the dashboard for `user`, optionally narrowed to `unit` (which the caller
    has checked is in `units_visible_to(user)`), as of `today`."""

    user: object
    unit: Unit | None = None
    today: datetime.date | None = None

    def __post_init__(self):
        self.today = self.today or timezone.localdate()
        self.quarter_start = calendar_start("quarter", self.today)

    # --- scope ---------------------------------------------------------------------------

    @cached_property
    def cadres(self) -> QuerySet[Cadre]:
        """Serving cadres in scope (a lazy queryset, used as a subquery)."""
        qs = cadres_visible_to(self.user).filter(status=CadreStatus.ACTIVE)
        if self.unit is not None:
            qs = qs.filter(unit__path__startswith=self.unit.path)
        return qs

    def _participants(self, start: datetime.date) -> QuerySet[Participant]:
        """Invitations of cadres in scope to activities that started from `start` to now."""
        return Participant.objects.filter(
            cadre__in=self.cadres.values("pk"),
            activity__starts_at__gte=_aware(start),
            activity__starts_at__lt=_aware(self.today + datetime.timedelta(days=1)),
        )

    @cached_property
    def _standings(self):
        return standings_of(self.cadres, start=self.quarter_start, end=self.today)

    @cached_property
    def _board(self):
        return unit_board(self.user, unit=self.unit, today=self.today)

    def _events_scope(self, qs, start: datetime.date, end: datetime.date):
        """Activities or forums of the user's scope held in [start, end] (and organised in the
        chosen unit's subtree, when one is chosen)."""
        qs = qs.filter(
            starts_at__gte=_aware(start), starts_at__lt=_aware(end + datetime.timedelta(days=1))
        )
        if self.unit is not None:
            qs = qs.filter(unit__path__startswith=self.unit.path)
        return qs

    # --- datasets ------------------------------------------------------------------------

    def kpis(self) -> dict:
        quarter_end = add_months(self.quarter_start, 3) - datetime.timedelta(days=1)
        running = Q(cohort__start_date__lte=self.today) & (
            Q(cohort__end_date__isnull=True) | Q(cohort__end_date__gte=self.today)
        )
        enrolments = Enrolment.objects.filter(
            running, cadre__in=self.cadres.values("pk"), status=EnrolmentStatus.ACTIVE
        ).aggregate(
            cohorts=Count("cohort_id", distinct=True),
            programmes=Count("cohort__programme_id", distinct=True),
        )
        activities = self._events_scope(
            activities_visible_to(self.user), self.quarter_start, quarter_end
        ).count()
        forums = self._events_scope(
            forums_visible_to(self.user), self.quarter_start, quarter_end
        ).count()
        attendance = self._participants(self.quarter_start).aggregate(
            marked=Count("pk", filter=Q(attendance__in=MARKED)),
            attended=Count("pk", filter=Q(attendance__in=ATTENDED)),
        )
        total = self._board.total
        totals = [s.total for s in self._standings]
        average = (
            float((sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.1")))
            if totals
            else None
        )
        return {
            "quarter": quarter_label(self.today),
            "cadres": self.cadres.count(),
            "programmes": enrolments["programmes"],
            "cohorts": enrolments["cohorts"],
            "activities": activities,
            "forums": forums,
            "attendance_rate": _rate(attendance["attended"], attendance["marked"]),
            "talks_overdue": sum(total.talks.values()),
            "self_reports_overdue": sum(total.self_reports.values()),
            "duties_overdue": sum(total.duties.values()),
            "average_points": average,
        }

    def ages(self) -> dict:
        """Serving cadres per age band and the middle-level structure targets, in one query."""
        today = self.today
        middle = middle_level_q()
        bands = {
            AgeBand.UNDER_30: age_at_most_q(AgeBand.UNDER_30, today),
            AgeBand.FROM_31_TO_35: age_at_most_q(AgeBand.FROM_31_TO_35, today)
            & ~age_at_most_q(AgeBand.UNDER_30, today),
            AgeBand.FROM_36_TO_40: age_at_most_q(AgeBand.FROM_36_TO_40, today)
            & ~age_at_most_q(AgeBand.FROM_31_TO_35, today),
            AgeBand.OVER_40: ~age_at_most_q(AgeBand.FROM_36_TO_40, today),
        }
        figures = self.cadres.aggregate(
            **{f"band_{key}": Count("pk", filter=q) for key, q in bands.items()},
            middle=Count("pk", filter=middle),
            under_35=Count("pk", filter=middle & age_at_most_q(AgeBand.FROM_31_TO_35, today)),
            under_30=Count("pk", filter=middle & age_at_most_q(AgeBand.UNDER_30, today)),
        )
        shares = StructureShares(figures["middle"], figures["under_35"], figures["under_30"])
        return {
            "bands": [
                {"key": key.value, "label": str(key.label), "count": figures[f"band_{key}"]}
                for key in bands
            ],
            "middle": shares.middle,
            "middle_under_35": shares.under_35,
            "middle_under_30": shares.under_30,
            "under_35_share": _share(shares.under_35_share),
            "under_30_share": _share(shares.under_30_share),
            "under_35_target": _share(target_under_35()),
            "under_30_target": _share(target_under_30()),
            "under_35_met": shares.under_35_met,
            "under_30_met": shares.under_30_met,
        }

    def attendance(self) -> dict:
        """Per month of the last 12 (this one included): invitations, registered, attended."""
        first = add_months(self.today.replace(day=1), -11)
        rows = {
            r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]: r
            for r in self._participants(first)
            .annotate(month=TruncMonth("activity__starts_at"))
            .values("month")
            .annotate(
                invited=Count("pk"),
                marked=Count("pk", filter=Q(attendance__in=MARKED)),
                attended=Count("pk", filter=Q(attendance__in=ATTENDED)),
            )
            .order_by("month")
        }
        months = []
        for i in range(12):
            month = add_months(first, i)
            r = rows.get(month, {})
            invited, marked, attended = (r.get(k, 0) for k in ("invited", "marked", "attended"))
            months.append(
                {
                    "month": f"{month:%Y-%m}",
                    "invited": invited,
                    "marked": marked,
                    "attended": attended,
                    "rate": _rate(attended, marked),
                }
            )
        return {"months": months}

    def compliance(self) -> dict:
        """One row per unit one level below the scope (or the chosen unit), from the board."""
        rows = []
        for row in self._board.rows:
            rows.append(
                {
                    "unit": row.unit.name if row.unit else _("本级"),
                    "unit_id": row.unit.pk if row.unit else None,
                    "cadres": row.cadres,
                    "behind": row.behind,
                    "talks_overdue": sum(row.talks.values()),
                    "self_reports_overdue": sum(row.self_reports.values()),
                    "pairings": row.pairings,
                    "duties_overdue": sum(row.duties.values()),
                    "rate": row.rate,
                    "duty_rate": row.duty_rate,
                }
            )
        return {"rows": rows}

    def points(self) -> dict:
        """This quarter's totals of the serving cadres in scope, in bands of equal width."""
        width = Decimal(settings.QINGMIAO_DASHBOARD_POINTS_BAND)
        counts: dict[int, int] = {}
        for s in self._standings:
            low = math.floor(s.total / width)  # negative totals (deductions) bin downwards
            counts[low] = counts.get(low, 0) + 1
        bands = []
        if counts:
            for low in range(min(counts), max(counts) + 1):
                start = low * width
                bands.append(
                    {
                        "low": float(start),
                        "high": float(start + width),
                        "label": f"{start:g}–{start + width:g}",
                        "count": counts.get(low, 0),
                    }
                )
        return {"quarter": quarter_label(self.today), "width": float(width), "bands": bands}

    def programmes(self) -> dict:
        """Cohorts running today with active members in scope: enrolled, activities, rate."""
        today = self.today
        scoped = self.cadres.values("pk")
        cohorts = (
            Cohort.objects.filter(start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .filter(enrolments__status=EnrolmentStatus.ACTIVE, enrolments__cadre__in=scoped)
            .annotate(enrolled=Count("enrolments", distinct=True))
            .select_related("programme")
            .order_by("programme__name", "start_date", "pk")
        )
        cohorts = list(cohorts)
        # Invitations of each cohort's active members since the cohort started.
        stats = {
            r["cohort"]: r
            for r in Participant.objects.filter(
                cadre__in=scoped,
                cadre__enrolments__cohort__in=[c.pk for c in cohorts],
                cadre__enrolments__status=EnrolmentStatus.ACTIVE,
                activity__starts_at__gte=F("cadre__enrolments__cohort__start_date"),
                activity__starts_at__lt=_aware(today + datetime.timedelta(days=1)),
            )
            .values(cohort=F("cadre__enrolments__cohort"))
            .annotate(
                activities=Count("activity", distinct=True),
                marked=Count("pk", filter=Q(attendance__in=MARKED)),
                attended=Count("pk", filter=Q(attendance__in=ATTENDED)),
            )
            .order_by()
        }
        rows = []
        for c in cohorts:
            s = stats.get(c.pk, {})
            rows.append(
                {
                    "programme": c.programme.name,
                    "cohort": c.name,
                    "cohort_id": c.pk,
                    "start_date": c.start_date.isoformat(),
                    "end_date": c.end_date.isoformat() if c.end_date else None,
                    "enrolled": c.enrolled,
                    "activities": s.get("activities", 0),
                    "rate": _rate(s.get("attended", 0), s.get("marked", 0)),
                }
            )
        return {"rows": rows}

    def data(self, chart: str) -> dict:
        return getattr(self, chart)()

    def all(self) -> dict:
        return {chart: self.data(chart) for chart in CHARTS}


def table(chart: str, data: dict) -> tuple[str, list[str], list[list]]:
    """(sheet title, headers, rows) of one dataset, for the .xlsx download."""
    if chart == "kpis":
        labels = [
            ("quarter", _("季度")),
            ("cadres", _("在职干部")),
            ("programmes", _("在培培养计划")),
            ("cohorts", _("在培批次")),
            ("activities", _("本季度培训活动")),
            ("forums", _("本季度菁才论坛")),
            ("attendance_rate", _("本季度出勤率（%）")),
            ("talks_overdue", _("谈心谈话逾期")),
            ("self_reports_overdue", _("报告逾期")),
            ("duties_overdue", _("导师履职逾期")),
            ("average_points", _("本季度平均积分")),
        ]
        return _("关键指标"), [_("指标"), _("数值")], [[label, data[k]] for k, label in labels]
    if chart == "ages":
        rows = [[b["label"], b["count"]] for b in data["bands"]]
        rows += [
            [_("中层干部"), data["middle"]],
            [_("其中35岁及以下"), data["middle_under_35"]],
            [_("其中30岁及以下"), data["middle_under_30"]],
            [_("35岁及以下占中层干部比例（%）"), data["under_35_share"]],
            [_("目标（%）"), data["under_35_target"]],
            [_("30岁及以下占35岁及以下比例（%）"), data["under_30_share"]],
            [_("目标（%）"), data["under_30_target"]],
        ]
        return _("年龄结构"), [_("项目"), _("人数/比例")], rows
    if chart == "attendance":
        headers = [_("月份"), _("邀请人次"), _("已登记"), _("出勤"), _("出勤率（%）")]
        rows = [
            [m["month"], m["invited"], m["marked"], m["attended"], m["rate"]]
            for m in data["months"]
        ]
        return _("出勤趋势"), headers, rows
    if chart == "compliance":
        headers = [
            _("单位"), _("在职干部"), _("有逾期的干部"), _("谈心谈话逾期"), _("报告逾期"),
            _("结对"), _("导师履职逾期"), _("干部合规率（%）"), _("履职合规率（%）"),
        ]  # fmt: skip
        rows = [
            [r["unit"], r["cadres"], r["behind"], r["talks_overdue"], r["self_reports_overdue"],
             r["pairings"], r["duties_overdue"], r["rate"], r["duty_rate"]]
            for r in data["rows"]
        ]  # fmt: skip
        return _("各单位合规"), headers, rows
    if chart == "points":
        headers = [_("积分区间"), _("人数")]
        return _("积分分布"), headers, [[b["label"], b["count"]] for b in data["bands"]]
    if chart == "programmes":
        headers = [
            _("培养计划"), _("批次"), _("开始日期"), _("结束日期"), _("在培人数"),
            _("参加活动数"), _("出勤率（%）"),
        ]  # fmt: skip
        rows = [
            [r["programme"], r["cohort"], r["start_date"], r["end_date"] or "", r["enrolled"],
             r["activities"], r["rate"]]
            for r in data["rows"]
        ]  # fmt: skip
        return _("培养进度"), headers, rows
    raise KeyError(chart)
