"""Scoped reads of self-reports (思想汇报 yearly, 月小结 monthly) and where each cadre stands.

Who sees what: the reports of the cadres in `cadres_visible_to(user)` (admin all; staff and
leaders their unit subtree; a mentor their current mentees; a cadre themself). Who reviews: a
current mentor of the cadre, and staff (administrators) for the cadres in their scope — never
the author.

Cadences (shared with the compliance board): per serving cadre and kind configured in
`settings.QINGMIAO_SELF_REPORTS`, calendar periods anchored at
`calendar_start(frequency, max(today - QINGMIAO_TALK_LOOKBACK_DAYS days, the day the cadre was
entered))`; a period is done when a report for it exists that was not returned. The standing
is `core.cadence.standing`: overdue when the last lapsed period had no report and nothing was
filed since; otherwise the current period's status.
"""

import bisect
import dataclasses
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from core.cadence import Period, PeriodStatus, Rule, calendar_start, schedule, standing_of
from core.roles import Role, has_role
from mentoring.models import SelfReport, SelfReportKind, SelfReportStatus
from mentoring.selectors.pool import mentee_ids_of_user


def self_report_kinds() -> list[str]:
    """The kinds a cadre must file, in the order of `SelfReportKind`."""
    return [k for k in SelfReportKind.values if k in settings.QINGMIAO_SELF_REPORTS]


def kind_frequency(kind: str) -> str:
    return settings.QINGMIAO_SELF_REPORTS[kind]["frequency"]


def period_label(kind: str, start: datetime.date) -> str:
    from django.utils.translation import gettext as _

    if kind_frequency(kind) == "year":
        return _("%(year)s年度") % {"year": start.year}
    if kind_frequency(kind) == "month":
        return _("%(year)s年%(month)s月") % {"year": start.year, "month": start.month}
    return f"{start:%Y-%m-%d}"


def entered_on(cadre: Cadre) -> datetime.date:
    return timezone.localdate(cadre.created_at) if cadre.created_at else datetime.date.min


def self_report_rule(cadre: Cadre, kind: str, today: datetime.date) -> Rule:
    """The cadence of `kind` for `cadre` as seen on `today` (see the module's docstring)."""
    config = settings.QINGMIAO_SELF_REPORTS[kind]
    frequency = config["frequency"]
    since = today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS)
    anchor = calendar_start(frequency, max(since, entered_on(cadre)))
    return _rule(frequency, anchor, int(config.get("grace_days", 0)))


@functools.lru_cache(maxsize=4096)
def _rule(frequency: str, anchor: datetime.date, grace_days: int) -> Rule:
    return Rule(frequency, anchor, None, grace_days)


# --- scoping ---------------------------------------------------------------------------------


def self_reports_visible_to(user) -> QuerySet[SelfReport]:
    if not getattr(user, "is_authenticated", False):
        return SelfReport.objects.none()
    return SelfReport.objects.filter(cadre__in=cadres_visible_to(user))


def self_report_list(user) -> QuerySet[SelfReport]:
    return self_reports_visible_to(user).select_related("cadre", "cadre__unit", "reviewed_by")


def self_reports_reviewable_by(user) -> QuerySet[SelfReport]:
    """Reports `user` may review: their current mentees' and, for staff and administrators,
    those of the cadres in their scope; never their own."""
    if not getattr(user, "is_authenticated", False):
        return SelfReport.objects.none()
    allowed = Q(pk__in=[])
    if has_role(user, Role.MENTOR):
        allowed |= Q(cadre__in=mentee_ids_of_user(user))
    if has_role(user, Role.ADMIN, Role.STAFF):
        allowed |= Q(cadre__in=cadres_visible_to(user))
    return SelfReport.objects.filter(allowed).exclude(cadre__user=user)


def may_review(user, report: SelfReport) -> bool:
    return self_reports_reviewable_by(user).filter(pk=report.pk).exists()


def may_review_any(user) -> bool:
    """Whether the review queue is for `user`: mentors, staff and administrators."""
    return has_role(user, Role.ADMIN, Role.STAFF, Role.MENTOR)


def awaiting_review(user) -> QuerySet[SelfReport]:
    """The review queue: submitted reports `user` may review, oldest first."""
    return (
        self_reports_reviewable_by(user)
        .filter(status=SelfReportStatus.SUBMITTED)
        .select_related("cadre", "cadre__unit")
        .order_by("submitted_at", "id")
    )


def own_cadre(user) -> Cadre | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Cadre.objects.select_related("unit").filter(user=user).first()


# --- standings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindStanding:
    kind: str
    status: str  # done / due / overdue (core.cadence.PeriodStatus)
    period: Period  # the current period, or the lapsed one when overdue
    missed: int  # lapsed periods in the window
    periods: tuple[Period, ...]  # every period of the window through the current one

    @property
    def label(self) -> str:
        return SelfReportKind(self.kind).label

    @property
    def status_label(self) -> str:
        return PeriodStatus(self.status).label

    @property
    def period_label(self) -> str:
        return period_label(self.kind, self.period.start)

    @property
    def days_overdue(self) -> int:
        return self.period.days_overdue if self.status == PeriodStatus.OVERDUE else 0

    @property
    def overdue_periods(self) -> list[Period]:
        return [p for p in self.periods if p.status == PeriodStatus.OVERDUE]

    @property
    def open_periods(self) -> list[Period]:
        """Periods still to be filed (due or overdue), newest first."""
        return [p for p in reversed(self.periods) if p.is_open]


@dataclass
class CadreStanding:
    cadre: Cadre
    kinds: list[KindStanding] = field(default_factory=list)

    @property
    def overdue(self) -> list[KindStanding]:
        return [k for k in self.kinds if k.status == PeriodStatus.OVERDUE]


def filed_periods(cadre_ids, kinds, since: datetime.date) -> dict[tuple[int, str], list]:
    """(cadre id, kind) → period starts of the reports not returned: one query."""
    done: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    rows = (
        SelfReport.objects.filter(cadre__in=cadre_ids, kind__in=kinds, period_start__gte=since)
        .exclude(status=SelfReportStatus.RETURNED)
        .order_by()
        .values_list("cadre_id", "kind", "period_start")
    )
    for cadre_id, kind, start in rows:
        done[cadre_id, kind].append(start)
    return done


@functools.lru_cache(maxsize=512)
def _skeleton(rule: Rule, today: datetime.date) -> tuple[Period, ...]:
    """The started periods of `rule` as if nothing were done: shared by every cadre whose
    rule is the same (most of them), so a daily run over many cadres computes it once."""
    return tuple(
        p for p in schedule(rule, today=today, upcoming=0) if p.status != PeriodStatus.UPCOMING
    )


def _periods(rule: Rule, done, today: datetime.date) -> tuple[Period, ...]:
    """`core.cadence.schedule(rule, today=today, done=done, upcoming=0)` without the upcoming
    periods, from the cached skeleton: a done period gets its earliest day."""
    skeleton = _skeleton(rule, today)
    if not skeleton:
        return ()
    starts = [p.start for p in skeleton]
    done_in: dict[int, datetime.date] = {}
    for day in done:
        if day < rule.anchor or day > skeleton[-1].end:
            continue
        index = bisect.bisect_right(starts, day) - 1
        if index not in done_in or day < done_in[index]:
            done_in[index] = day
    return tuple(
        dataclasses.replace(p, status=PeriodStatus.DONE, done_on=done_in[i], days_overdue=0)
        if i in done_in else p
        for i, p in enumerate(skeleton)
    )  # fmt: skip


def kind_standing(cadre: Cadre, kind: str, done, *, today: datetime.date) -> KindStanding | None:
    """`core.cadence.standing` of the cadre's rule for `kind` (same semantics, computed from a
    skeleton shared between cadres; a test holds the two equal), with its periods."""
    periods = _periods(self_report_rule(cadre, kind, today), done, today)
    now = standing_of(list(periods), today=today)
    if now is None:
        return None
    return KindStanding(kind, now.status, now.period, now.missed, periods)


def self_report_standings(cadres: Iterable[Cadre], today: datetime.date) -> list[CadreStanding]:
    """Per cadre (in the given order) and configured kind, where they stand today. One query
    for the reports (plus one for the cadres when given a queryset), whatever their number."""
    cadres = list(cadres)
    kinds = self_report_kinds()
    if not cadres or not kinds:
        return [CadreStanding(c) for c in cadres]
    since = today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS + 366)
    done = filed_periods([c.pk for c in cadres], kinds, since)
    result = []
    for cadre in cadres:
        entry = CadreStanding(cadre)
        if cadre.status == CadreStatus.ACTIVE:
            for kind in kinds:
                now = kind_standing(cadre, kind, done.get((cadre.pk, kind), ()), today=today)
                if now is not None:
                    entry.kinds.append(now)
        result.append(entry)
    return result


@dataclass(frozen=True)
class OverdueRow:
    cadre: Cadre
    standing: KindStanding


def self_report_overdue(user, *, today: datetime.date) -> list[OverdueRow]:
    """Serving cadres in scope with a self-report overdue, longest overdue first."""
    cadres = (
        cadres_visible_to(user)
        .filter(status=CadreStatus.ACTIVE)
        .select_related("unit")
        .order_by("name_pinyin")
    )
    rows = [
        OverdueRow(entry.cadre, kind)
        for entry in self_report_standings(cadres, today)
        for kind in entry.overdue
    ]
    return sorted(
        rows, key=lambda r: (-r.standing.days_overdue, r.cadre.name_pinyin, r.standing.kind)
    )
