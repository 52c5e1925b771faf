"""The cadence engine: periods, their status at a given day, month ends, leap years,
quarters, half-years, anchors in mid-month and end dates. No database."""

import datetime
import itertools

import pytest

from core.cadence import (
    Frequency,
    PeriodStatus,
    Rule,
    add_months,
    calendar_start,
    overdue,
    period_bounds,
    period_index,
    schedule,
)

D = datetime.date


def bounds(periods):
    return [(p.start, p.end) for p in periods]


def statuses(periods):
    return [p.status for p in periods]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 2, D(2024, 3, 31)),  # from the anchor, not from 29 Feb
        (D(2024, 11, 15), 3, D(2025, 2, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        (Frequency.WEEK, D(2025, 6, 12), D(2025, 6, 9)),  # Thursday → Monday
        (Frequency.WEEK, D(2025, 6, 9), D(2025, 6, 9)),
        (Frequency.MONTH, D(2025, 6, 30), D(2025, 6, 1)),
        (Frequency.QUARTER, D(2025, 6, 30), D(2025, 4, 1)),
        (Frequency.QUARTER, D(2025, 10, 1), D(2025, 10, 1)),
        (Frequency.HALF_YEAR, D(2025, 6, 30), D(2025, 1, 1)),
        (Frequency.HALF_YEAR, D(2025, 7, 1), D(2025, 7, 1)),
        (Frequency.YEAR, D(2025, 12, 31), D(2025, 1, 1)),
    ],
)
def test_calendar_start(frequency, day, expected):
    assert calendar_start(frequency, day) == expected


def test_calendar_months_with_the_right_ends_in_a_leap_year():
    rule = Rule(Frequency.MONTH, D(2024, 1, 1))
    periods = schedule(rule, today=D(2024, 4, 10), upcoming=0)
    assert bounds(periods) == [
        (D(2024, 1, 1), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 3, 31)),
        (D(2024, 4, 1), D(2024, 4, 30)),
    ]
    assert period_bounds(Rule(Frequency.MONTH, D(2023, 1, 1)), 1) == (D(2023, 2, 1), D(2023, 2, 28))


def test_anchor_mid_month_runs_from_that_day_to_the_day_before_next_month():
    rule = Rule(Frequency.MONTH, D(2025, 1, 15))
    assert bounds(schedule(rule, today=D(2025, 3, 1), upcoming=0)) == [
        (D(2025, 1, 15), D(2025, 2, 14)),
        (D(2025, 2, 15), D(2025, 3, 14)),
    ]
    assert period_index(rule, D(2025, 2, 14)) == 0
    assert period_index(rule, D(2025, 2, 15)) == 1
    assert period_index(rule, D(2025, 1, 14)) == -1


def test_anchor_on_the_31st_follows_each_months_last_day():
    rule = Rule(Frequency.MONTH, D(2024, 1, 31))
    assert bounds(schedule(rule, today=D(2024, 4, 1), upcoming=0)) == [
        (D(2024, 1, 31), D(2024, 2, 28)),
        (D(2024, 2, 29), D(2024, 3, 30)),
        (D(2024, 3, 31), D(2024, 4, 29)),
    ]


def test_quarters_and_half_years():
    quarters = schedule(Rule(Frequency.QUARTER, D(2025, 1, 1)), today=D(2025, 12, 31), upcoming=0)
    assert bounds(quarters) == [
        (D(2025, 1, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 9, 30)),
        (D(2025, 10, 1), D(2025, 12, 31)),
    ]
    halves = schedule(Rule(Frequency.HALF_YEAR, D(2024, 8, 20)), today=D(2025, 3, 1), upcoming=0)
    assert bounds(halves) == [(D(2024, 8, 20), D(2025, 2, 19)), (D(2025, 2, 20), D(2025, 8, 19))]
    years = schedule(Rule(Frequency.YEAR, D(2024, 2, 29)), today=D(2026, 1, 1), upcoming=0)
    assert bounds(years) == [
        (D(2024, 2, 29), D(2025, 2, 27)),
        (D(2025, 2, 28), D(2026, 2, 27)),
    ]


def test_weeks():
    rule = Rule(Frequency.WEEK, D(2025, 6, 9))
    periods = schedule(rule, today=D(2025, 6, 23), done=[D(2025, 6, 10)], upcoming=0)
    assert bounds(periods) == [
        (D(2025, 6, 9), D(2025, 6, 15)),
        (D(2025, 6, 16), D(2025, 6, 22)),
        (D(2025, 6, 23), D(2025, 6, 29)),
    ]
    assert statuses(periods) == ["done", "overdue", "due"]
    assert periods[1].days_overdue == 1


def test_status_at_the_grace_boundary():
    rule = Rule(Frequency.MONTH, D(2025, 3, 1), grace_days=5)

    def march(today):
        return schedule(rule, today=today, upcoming=0)[0]

    assert march(D(2025, 3, 1)).status == PeriodStatus.DUE
    assert march(D(2025, 3, 31)).status == PeriodStatus.DUE
    assert march(D(2025, 4, 5)).status == PeriodStatus.DUE  # the last day of grace
    assert march(D(2025, 4, 5)).deadline == D(2025, 4, 5)
    late = march(D(2025, 4, 6))
    assert (late.status, late.days_overdue) == (PeriodStatus.OVERDUE, 1)
    assert march(D(2025, 5, 6)).days_overdue == 31
    # No grace: overdue the day after the period ends.
    strict = Rule(Frequency.MONTH, D(2025, 3, 1))
    assert schedule(strict, today=D(2025, 4, 1), upcoming=0)[0].status == PeriodStatus.OVERDUE


def test_done_dates_mark_their_period_and_the_earliest_is_kept():
    rule = Rule(Frequency.QUARTER, D(2025, 1, 1), grace_days=10)
    done = [D(2025, 5, 20), D(2025, 4, 2), D(2024, 12, 31)]  # the last before the anchor
    periods = schedule(rule, today=D(2025, 10, 11), done=done)
    assert statuses(periods) == ["overdue", "done", "overdue", "due", "upcoming"]
    assert periods[1].done_on == D(2025, 4, 2)
    assert periods[0].days_overdue == (D(2025, 10, 11) - D(2025, 4, 10)).days
    assert periods[2].days_overdue == 1
    assert periods[4].start == D(2026, 1, 1)
    assert [p.index for p in overdue(rule, today=D(2025, 10, 11), done=done)] == [0, 2]


def test_end_date_stops_the_periods_and_counts_work_done_in_the_last_one():
    rule = Rule(Frequency.MONTH, D(2025, 1, 1), ends_on=D(2025, 3, 10), grace_days=5)
    periods = schedule(rule, today=D(2025, 9, 1), done=[D(2025, 3, 25), D(2025, 4, 2)], upcoming=3)
    assert bounds(periods) == [
        (D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 28)),
        (D(2025, 3, 1), D(2025, 3, 31)),
    ]
    assert statuses(periods) == ["overdue", "overdue", "done"]


def test_before_the_anchor_only_the_upcoming_periods():
    rule = Rule(Frequency.MONTH, D(2025, 6, 1), ends_on=D(2025, 12, 31))
    assert statuses(schedule(rule, today=D(2025, 3, 3))) == ["upcoming"]
    assert schedule(rule, today=D(2025, 3, 3), upcoming=0) == []
    assert len(schedule(rule, today=D(2025, 3, 3), upcoming=3)) == 3


def test_open_periods():
    rule = Rule(Frequency.MONTH, D(2025, 1, 1), grace_days=5)
    periods = schedule(rule, today=D(2025, 2, 3), done=[D(2025, 1, 9)])
    assert [p.is_open for p in periods] == [False, True, False]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frequency": "fortnight", "anchor": D(2025, 1, 1)},
        {"frequency": "month", "anchor": D(2025, 1, 1), "grace_days": -1},
        {"frequency": "month", "anchor": D(2025, 1, 1), "ends_on": D(2024, 12, 31)},
    ],
)
def test_bad_rules_are_refused(kwargs):
    with pytest.raises(ValueError):
        Rule(**kwargs)


def test_many_years_of_weeks_are_cheap_and_consistent():
    rule = Rule(Frequency.WEEK, D(2020, 1, 6), grace_days=2)
    periods = schedule(rule, today=D(2025, 1, 1), upcoming=0)
    assert len(periods) == period_index(rule, D(2025, 1, 1)) + 1
    assert all(
        b.start == a.end + datetime.timedelta(days=1) for a, b in itertools.pairwise(periods)
    )
