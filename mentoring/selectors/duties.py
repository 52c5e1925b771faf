"""Reads of mentor duties "四个一" (导师履职): the cadence rule of a duty for a pairing, where
each pairing's duties stand (done / due / overdue per calendar period), and the records a user
may see.

Shared semantics (the compliance board agrees): per pairing and configured duty, calendar
periods anchored at `calendar_start(frequency, pairing.start_date)`, ending with the period that
holds `pairing.end_date`; a period is done when a record of that pairing and duty is dated in it.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from cadres.selectors import cadres_visible_to
from core.cadence import Period, Rule, Standing, calendar_start, period_index, schedule, standing_of
from mentoring.models import DutyKind, DutyRecord, Pairing
from mentoring.selectors.pool import current_pairings

_MONTHS = {"week": 0, "month": 1, "quarter": 3, "half_year": 6, "year": 12}


# `DutyKind.values` rebuilds its list on each access; rules are built for every pairing.
_DUTY_KINDS = frozenset(DutyKind.values)


def duty_kinds() -> list[str]:
    """The configured duties, in the order of `DutyKind`."""
    configured = settings.QINGMIAO_MENTOR_DUTIES
    return [kind for kind in DutyKind.values if kind in configured]


def duty_rule(
    pairing: Pairing, kind: str, *, recent_to: datetime.date | None = None
) -> Rule | None:
    """The cadence of duty `kind` for `pairing` (None for a duty not configured). With
    `recent_to` (today), the rule starts at most two periods and the grace before that day
    instead of at the pairing's start: the same periods near today, so the same standing (but
    for its count of lapsed periods), in a fraction of the time — for the daily job."""
    conf = settings.QINGMIAO_MENTOR_DUTIES.get(kind)
    if not conf or kind not in _DUTY_KINDS:
        return None
    frequency, grace = conf["frequency"], conf.get("grace_days", 0)
    start = pairing.start_date
    if recent_to is not None:
        window = 2 * (_MONTHS[frequency] * 31 or 7) + grace
        start = max(
            start, min(recent_to - datetime.timedelta(days=window), pairing.end_date or recent_to)
        )
    return Rule(
        frequency, calendar_start(frequency, start), ends_on=pairing.end_date, grace_days=grace
    )


@dataclass
class PeriodRow:
    period: Period
    records: list[DutyRecord] = field(default_factory=list)


@dataclass
class DutyStatus:
    """One duty of one pairing: its rule, where it stands today (None before its first period),
    and its periods newest first with the records dated in each (when records were asked for)."""

    kind: str
    rule: Rule
    standing: Standing | None
    periods: list[PeriodRow]

    @property
    def label(self) -> str:
        return str(DutyKind(self.kind).label)

    @property
    def status(self) -> str:
        return self.standing.status if self.standing else "upcoming"

    @property
    def days_overdue(self) -> int:
        return self.standing.days_overdue if self.standing else 0


def duty_standings(
    pairings: Iterable[Pairing],
    today: datetime.date,
    *,
    with_records: bool = False,
    recent: bool = False,
) -> dict[int, list[DutyStatus]]:
    """Per pairing id, each configured duty's status on `today`. One query of records for any
    number of pairings. With `with_records`, the period rows hold the record objects. With
    `recent`, only the periods near today (see `duty_rule`) and their records: enough for the
    standing, not for the full history (`standing.missed` then counts only those)."""
    pairings = list(pairings)
    kinds = duty_kinds()
    rows = DutyRecord.objects.filter(pairing_id__in=[p.pk for p in pairings], kind__in=kinds)
    if recent:
        # The earliest day any trimmed rule starts on (a yearly duty: two years and its grace).
        rows = rows.filter(done_on__gte=datetime.date(today.year - 3, 1, 1))
    dates: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    records: dict[tuple[int, str], list[DutyRecord]] = defaultdict(list)
    if with_records:
        for record in rows.select_related("created_by").order_by("done_on", "id"):
            dates[(record.pairing_id, record.kind)].append(record.done_on)
            records[(record.pairing_id, record.kind)].append(record)
    else:
        for pairing_id, kind, done_on in rows.values_list("pairing_id", "kind", "done_on"):
            dates[(pairing_id, kind)].append(done_on)
    result: dict[int, list[DutyStatus]] = {}
    for pairing in pairings:
        statuses = []
        for kind in kinds:
            rule = duty_rule(pairing, kind, recent_to=today if recent else None)
            done = dates.get((pairing.pk, kind), [])
            periods = schedule(rule, today=today, done=done, upcoming=0)
            rows_by_index = {p.index: PeriodRow(p) for p in periods}
            for record in records.get((pairing.pk, kind), []):
                row = rows_by_index.get(period_index(rule, record.done_on))
                if row is not None:
                    row.records.append(record)
            statuses.append(
                DutyStatus(
                    kind=kind,
                    rule=rule,
                    standing=standing_of(periods, today=today),
                    periods=[rows_by_index[p.index] for p in reversed(periods)],
                )
            )
        result[pairing.pk] = statuses
    return result


def duty_records_visible_to(user) -> QuerySet[DutyRecord]:
    """Records of the cadres the user may see (administrators all; staff and leaders their
    subtree; a mentor their current mentees — whichever mentor recorded them; a cadre self)."""
    if not getattr(user, "is_authenticated", False):
        return DutyRecord.objects.none()
    return DutyRecord.objects.filter(cadre__in=cadres_visible_to(user))


def duty_record_list(user) -> QuerySet[DutyRecord]:
    return duty_records_visible_to(user).select_related("cadre", "pairing__mentor", "created_by")


def pairings_with_duties_visible_to(user) -> QuerySet[Pairing]:
    """Pairings whose duties the user may see: those of the cadres in their scope."""
    if not getattr(user, "is_authenticated", False):
        return Pairing.objects.none()
    return Pairing.objects.filter(cadre__in=cadres_visible_to(user)).select_related(
        "mentor", "cadre", "cadre__unit"
    )


def my_duty_pairings(user, today: datetime.date | None = None) -> QuerySet[Pairing]:
    """The user's current pairings as a mentor."""
    return (
        current_pairings(on=today)
        .filter(mentor__user=user, mentor__is_active=True)
        .select_related("cadre", "cadre__unit", "mentor")
        .order_by("cadre__name_pinyin", "id")
    )


def my_duties(user, today: datetime.date) -> list[tuple[Pairing, list[DutyStatus]]]:
    """A mentor's own current pairings, each with its duties' status (two queries)."""
    pairings = list(my_duty_pairings(user, today))
    standings = duty_standings(pairings, today, recent=True)
    return [(p, standings[p.pk]) for p in pairings]
