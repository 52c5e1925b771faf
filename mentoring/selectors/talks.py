"""Scoped reads of talks (谈心谈话) and their required cadences.

Who sees what: talks of the cadres in `cadres_visible_to(user)` (admin all; staff and leaders
their unit subtree; a mentor their mentees; a cadre themself). The confidential note is
readable only by the talker and by staff in scope (`mentoring.view_talk_note`): every talk
queryset here carries `note_visible`, and pages, exports and the API show the note only where
it is true.

Cadences: `settings.QINGMIAO_TALK_CADENCES` gives each level with a required rhythm its
`core.cadence` frequency and grace (and, optionally, the unit kinds of the cadres it applies
to). Periods are calendar periods starting at most `QINGMIAO_TALK_LOOKBACK_DAYS` back. Per
cadre and level the status is:

- done: a talk was held in the current period;
- overdue: the last period whose grace has passed had no talk, and none since;
- due: otherwise (the current period still open).
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from cadres.choices import CadreStatus
from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from core.cadence import PeriodStatus, Rule, calendar_start, schedule, standing
from mentoring.choices import TalkLevel
from mentoring.models import Talk


def may_read_notes_in_scope(user) -> bool:
    return user.has_perm("mentoring.view_talk_note")


def talks_visible_to(user) -> QuerySet[Talk]:
    """Talks of the cadres `user` may see, each with `note_visible`."""
    if not getattr(user, "is_authenticated", False):
        return Talk.objects.none()
    if may_read_notes_in_scope(user):
        note = Value(True, output_field=BooleanField())
    else:
        note = ExpressionWrapper(Q(talker_id=user.pk), output_field=BooleanField())
    return Talk.objects.filter(cadre__in=cadres_visible_to(user)).annotate(note_visible=note)


def talk_list(user) -> QuerySet[Talk]:
    return talks_visible_to(user).select_related("cadre", "cadre__unit", "talker", "follow_up")


# --- cadences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    level: str
    frequency: str
    grace_days: int
    unit_kinds: tuple[str, ...] = ()

    def applies_to(self, cadre: Cadre) -> bool:
        return not self.unit_kinds or cadre.unit.kind in self.unit_kinds

    def rule(self, today: datetime.date) -> Rule:
        since = today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS)
        return Rule(self.frequency, calendar_start(self.frequency, since), None, self.grace_days)

    @property
    def label(self) -> str:
        return TalkLevel(self.level).label


def talk_cadences() -> list[Cadence]:
    """The levels with a required rhythm, in the order of `TalkLevel`."""
    config = settings.QINGMIAO_TALK_CADENCES
    return [
        Cadence(
            level,
            config[level]["frequency"],
            int(config[level].get("grace_days", 0)),
            tuple(config[level].get("unit_kinds", ())),
        )
        for level in TalkLevel.values
        if level in config
    ]


@dataclass(frozen=True)
class LevelStatus:
    level: str
    label: str
    status: str  # done / due / overdue (core.cadence.PeriodStatus)
    period_start: datetime.date  # of the current period, or of the lapsed one when overdue
    deadline: datetime.date
    days_overdue: int
    missed: int  # lapsed periods in the look-back window
    last_talk: datetime.date | None

    @property
    def status_label(self) -> str:
        return PeriodStatus(self.status).label


@dataclass
class CadreTalks:
    cadre: Cadre
    levels: list[LevelStatus] = field(default_factory=list)

    @property
    def overdue(self) -> list[LevelStatus]:
        return [s for s in self.levels if s.status == PeriodStatus.OVERDUE]


def level_status(cadence: Cadence, days, *, today: datetime.date) -> LevelStatus:
    """The status of one cadre at one level, given the days they were talked with."""
    now = standing(cadence.rule(today), today=today, done=days)
    return LevelStatus(
        level=cadence.level,
        label=cadence.label,
        status=now.status,
        period_start=now.period.start,
        deadline=now.period.deadline,
        days_overdue=now.days_overdue,
        missed=now.missed,
        last_talk=max(days, default=None),
    )


class _Skeleton:
    """The periods of one cadence up to today, computed once and shared by every cadre: the
    same result as `level_status` (i.e. `core.cadence.standing`), without rebuilding the
    schedule per cadre (10,000 cadres × a weekly level would otherwise take seconds)."""

    def __init__(self, cadence: Cadence, today: datetime.date):
        self.cadence, self.today = cadence, today
        self.periods = [
            p for p in schedule(cadence.rule(today), today=today, upcoming=0)
            if p.status != PeriodStatus.UPCOMING
        ]  # fmt: skip
        self.starts = [p.start for p in self.periods]
        self.lapsing = [i for i, p in enumerate(self.periods) if p.status == PeriodStatus.OVERDUE]
        closed = [i for i, p in enumerate(self.periods) if p.deadline < today]
        self.last_closed = closed[-1] if closed else None

    def status(self, days: list[datetime.date]) -> LevelStatus:
        if not self.periods:  # never: the look-back anchor is not after today
            return level_status(self.cadence, days, today=self.today)
        done = {
            bisect.bisect_right(self.starts, day) - 1
            for day in days
            if self.starts[0] <= day <= self.today
        }
        current = len(self.periods) - 1
        missed = sum(1 for i in self.lapsing if i not in done)
        if current not in done and self.last_closed is not None and self.last_closed not in done:
            period, status, days_overdue = (
                self.periods[self.last_closed], PeriodStatus.OVERDUE,
                self.periods[self.last_closed].days_overdue,
            )  # fmt: skip
        else:
            period = self.periods[current]
            status = PeriodStatus.DONE if current in done else period.status
            days_overdue = 0
        return LevelStatus(
            level=self.cadence.level,
            label=self.cadence.label,
            status=status,
            period_start=period.start,
            deadline=period.deadline,
            days_overdue=days_overdue,
            missed=missed,
            last_talk=max(days, default=None),
        )


def talk_compliance(cadres: QuerySet[Cadre], *, today: datetime.date) -> list[CadreTalks]:
    """Per cadre (of the queryset, in its order) and level with a cadence, done / due /
    overdue. Two queries whatever the number of cadres: the cadres, then the distinct days
    they were talked with at each level inside the look-back window."""
    cadences = talk_cadences()
    cadres = list(cadres.select_related("unit"))
    if not cadences or not cadres:
        return [CadreTalks(c) for c in cadres]
    earliest = min(c.rule(today).anchor for c in cadences)
    days: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    rows = (
        Talk.objects.filter(
            cadre__in=[c.pk for c in cadres],
            level__in=[c.level for c in cadences],
            talked_on__gte=earliest,
            talked_on__lte=today,
        )
        .order_by()
        .values_list("cadre_id", "level", "talked_on")
        .distinct()
    )
    for cadre_id, level, day in rows:
        days[cadre_id, level].append(day)
    skeletons = {c.level: _Skeleton(c, today) for c in cadences}
    return [
        CadreTalks(
            cadre,
            [
                skeletons[c.level].status(days.get((cadre.pk, c.level), []))
                for c in cadences
                if c.applies_to(cadre)
            ],
        )
        for cadre in cadres
    ]


@dataclass(frozen=True)
class OverdueRow:
    cadre: Cadre
    status: LevelStatus


def overdue_talks(
    user, *, today: datetime.date, unit=None, level: str | None = None
) -> list[OverdueRow]:
    """Serving cadres in scope with a required talk overdue, longest overdue first; only those
    in `unit`'s subtree and at `level` when given."""
    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE).order_by("name_pinyin")
    if unit is not None:
        cadres = cadres.filter(unit.subtree_q("unit__"))
    rows = [
        OverdueRow(entry.cadre, status)
        for entry in talk_compliance(cadres, today=today)
        for status in entry.overdue
        if level is None or status.level == level
    ]
    return sorted(rows, key=lambda r: (-r.status.days_overdue, r.cadre.name_pinyin, r.status.level))
