"""Cadences (周期性任务): something that must be done once per period, e.g. a posting's
monthly report (挂职月报), a mentor's quarterly research, a yearly thought report.

A `Rule` is a frequency, an anchor date (the first period starts there), an optional end date
(no period starts after it) and a grace of N days after a period ends before it is overdue.
`schedule(rule, today=..., done=...)` returns the periods with their status:

- done: something was done on a date inside the period;
- due: not done, the period has started and today is at most `grace_days` after its end;
- overdue: not done and the grace has passed (`days_overdue` says by how many days);
- upcoming: the period has not started yet.

Periods are anchored: with a monthly rule anchored on 15 March they run 15 March – 14 April,
15 April – 14 May, … A period that would start on a day its month lacks (anchored on the 31st)
starts on that month's last day, counted from the anchor each time (31 Jan, 29 Feb, 31 Mar).
For calendar periods (whole months, calendar quarters, Monday-to-Sunday weeks) anchor on
`calendar_start(frequency, day)`. Pure Python: no database, no clock (the caller passes today).
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    HALF_YEAR = "half_year", _("每半年")
    YEAR = "year", _("每年")


class PeriodStatus(models.TextChoices):
    DONE = "done", _("已完成")
    DUE = "due", _("待完成")
    OVERDUE = "overdue", _("已逾期")
    UPCOMING = "upcoming", _("未开始")


_MONTHS = {
    Frequency.MONTH: 1,
    Frequency.QUARTER: 3,
    Frequency.HALF_YEAR: 6,
    Frequency.YEAR: 12,
}
ONE_DAY = datetime.timedelta(days=1)
# Looked up for every rule built: `Frequency.values` rebuilds its list on each access.
_FREQUENCIES = frozenset(Frequency.values)


@dataclass(frozen=True)
class Rule:
    frequency: str
    anchor: datetime.date
    ends_on: datetime.date | None = None
    grace_days: int = 0

    def __post_init__(self):
        if self.frequency not in _FREQUENCIES:
            raise ValueError(f"unknown frequency: {self.frequency!r}")
        if self.grace_days < 0:
            raise ValueError("grace_days must not be negative")
        if self.ends_on is not None and self.ends_on < self.anchor:
            raise ValueError("ends_on must not be before anchor")


@dataclass(frozen=True)
class Period:
    index: int  # 0 for the period starting on the anchor
    start: datetime.date
    end: datetime.date  # inclusive
    deadline: datetime.date  # end + grace: the last day on which it is still merely due
    status: str
    done_on: datetime.date | None = None
    days_overdue: int = 0

    @property
    def is_open(self) -> bool:
        """Due or overdue: something is still to be done for this period."""
        return self.status in (PeriodStatus.DUE, PeriodStatus.OVERDUE)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, kept on its day of month or that month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def calendar_start(frequency: str, day: datetime.date) -> datetime.date:
    """The first day of the calendar week (Monday) / month / quarter / half-year / year that
    holds `day`: the anchor for calendar-aligned periods."""
    if frequency == Frequency.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    step = _MONTHS[frequency]
    return datetime.date(day.year, (day.month - 1) // step * step + 1, 1)


def period_start(rule: Rule, index: int) -> datetime.date:
    if rule.frequency == Frequency.WEEK:
        return rule.anchor + datetime.timedelta(weeks=index)
    return add_months(rule.anchor, index * _MONTHS[rule.frequency])


def period_bounds(rule: Rule, index: int) -> tuple[datetime.date, datetime.date]:
    return period_start(rule, index), period_start(rule, index + 1) - ONE_DAY


def period_index(rule: Rule, day: datetime.date) -> int:
    """The index of the period holding `day` (negative before the anchor)."""
    if rule.frequency == Frequency.WEEK:
        return (day - rule.anchor).days // 7
    step = _MONTHS[rule.frequency]
    months = (day.year - rule.anchor.year) * 12 + day.month - rule.anchor.month
    index = months // step
    # A first guess from the month difference; the day of month may put `day` one earlier.
    while period_start(rule, index) > day:
        index -= 1
    while period_start(rule, index + 1) <= day:
        index += 1
    return index


def schedule(
    rule: Rule, *, today: datetime.date, done: Iterable[datetime.date] = (), upcoming: int = 1
) -> list[Period]:
    """Every period from the anchor through the one holding `today`, then up to `upcoming`
    periods not yet started, none starting after `rule.ends_on`. `done` holds the dates on
    which the thing was done (or any date inside the period it was done for); dates outside
    every period are ignored, several in one period count once (the earliest is kept)."""
    # Before the anchor nothing has started: the upcoming periods are the first ones.
    last = max(period_index(rule, today), -1) + upcoming
    if rule.ends_on is not None:
        last = min(last, period_index(rule, rule.ends_on))
    done_in: dict[int, datetime.date] = {}
    for day in done:
        if day < rule.anchor or (rule.ends_on is not None and day > _last_end(rule)):
            continue
        index = period_index(rule, day)
        if index not in done_in or day < done_in[index]:
            done_in[index] = day
    grace = datetime.timedelta(days=rule.grace_days)
    periods = []
    for index in range(last + 1):
        start, end = period_bounds(rule, index)
        deadline = end + grace
        if index in done_in:
            status, overdue = PeriodStatus.DONE, 0
        elif today < start:
            status, overdue = PeriodStatus.UPCOMING, 0
        elif today <= deadline:
            status, overdue = PeriodStatus.DUE, 0
        else:
            status, overdue = PeriodStatus.OVERDUE, (today - deadline).days
        periods.append(Period(index, start, end, deadline, status, done_in.get(index), overdue))
    return periods


def _last_end(rule: Rule) -> datetime.date:
    return period_bounds(rule, period_index(rule, rule.ends_on))[1]


def overdue(
    rule: Rule, *, today: datetime.date, done: Iterable[datetime.date] = ()
) -> list[Period]:
    return [
        p for p in schedule(rule, today=today, done=done, upcoming=0)
        if p.status == PeriodStatus.OVERDUE
    ]  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """Where something stands today, for boards and reminders: `status` is overdue when the
    last period whose deadline has passed lapsed and nothing was done since (in the current
    period); otherwise the current period's status. `period` is the period that status is
    about; `missed` counts the lapsed periods from the anchor."""

    status: str
    period: Period
    missed: int

    @property
    def days_overdue(self) -> int:
        return self.period.days_overdue if self.status == PeriodStatus.OVERDUE else 0


def standing(
    rule: Rule, *, today: datetime.date, done: Iterable[datetime.date] = ()
) -> Standing | None:
    """The standing of `rule` today (None before its first period starts)."""
    return standing_of(schedule(rule, today=today, done=done, upcoming=0), today=today)


def standing_of(periods: list[Period], *, today: datetime.date) -> Standing | None:
    """`standing` from the periods `schedule` already returned (upcoming ones are ignored)."""
    periods = [p for p in periods if p.status != PeriodStatus.UPCOMING]
    if not periods:
        return None
    current = periods[-1]
    lapsed = [p for p in periods if p.status == PeriodStatus.OVERDUE]
    last_closed = next((p for p in reversed(periods) if p.deadline < today), None)
    if (
        current.status != PeriodStatus.DONE
        and last_closed is not None
        and last_closed.status == PeriodStatus.OVERDUE
    ):
        return Standing(PeriodStatus.OVERDUE, last_closed, len(lapsed))
    return Standing(current.status, current, len(lapsed))


@dataclass(frozen=True)
class Window:
    """The two periods `standing` looks at when nothing was done: `lapsed`, the last period
    whose deadline has passed (None if none has), and `current`, the last one started. Boards
    that compute standings in SQL for many items with the same calendar periods use it:
    overdue ⇔ the item had started by `lapsed.end` and nothing was done in either period."""

    lapsed: Period | None
    current: Period


def standing_window(rule: Rule, *, today: datetime.date) -> Window | None:
    periods = [
        p for p in schedule(rule, today=today, upcoming=0) if p.status != PeriodStatus.UPCOMING
    ]
    if not periods:
        return None
    lapsed = next((p for p in reversed(periods) if p.deadline < today), None)
    return Window(lapsed, periods[-1])
