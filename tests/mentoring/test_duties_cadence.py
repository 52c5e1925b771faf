"""Cadence maths of mentor duties "四个一": calendar periods from the pairing's start, month,
quarter and year ends, a pairing starting mid-quarter and one ended mid-period."""

import datetime

import pytest
from django.test import override_settings

from mentoring.models import DutyRecord
from mentoring.selectors.duties import duty_rule, duty_standings
from tests import factories as f

D = datetime.date


START = D(2025, 1, 1)


def _pairing(start=START, end=None):
    status = "active" if end is None else "ended"
    return f.PairingFactory(start_date=start, end_date=end, status=status)


def _done(pairing, kind, day):
    DutyRecord.objects.create(
        pairing=pairing, cadre=pairing.cadre, kind=kind, done_on=day, title="履职"
    )


def _status(pairing, kind, today, **kw):
    statuses = duty_standings([pairing], today, **kw)[pairing.pk]
    return next(s for s in statuses if s.kind == kind)


def _period(status, start):
    return next(row.period for row in status.periods if row.period.start == start)


@pytest.mark.django_db
def test_rules_are_calendar_periods_from_the_pairing_start_with_the_configured_grace():
    pairing = _pairing(start=D(2025, 5, 20))
    assert duty_rule(pairing, "article").anchor == D(2025, 5, 1)
    assert duty_rule(pairing, "research").anchor == D(2025, 4, 1)
    assert duty_rule(pairing, "special_guidance").anchor == D(2025, 1, 1)
    assert duty_rule(pairing, "seminar").anchor == D(2025, 1, 1)
    assert duty_rule(pairing, "research").grace_days == 15
    assert duty_rule(pairing, "research").ends_on is None


@pytest.mark.django_db
@override_settings(QINGMIAO_MENTOR_DUTIES={"article": {"frequency": "month", "grace_days": 7}})
def test_a_duty_not_configured_has_no_rule_and_no_status():
    pairing = _pairing()
    assert duty_rule(pairing, "seminar") is None
    assert [s.kind for s in duty_standings([pairing], D(2025, 4, 5))[pairing.pk]] == ["article"]


@pytest.mark.django_db
def test_monthly_a_record_on_31_march_counts_for_march_and_on_1_april_for_april():
    march_end, april_first = _pairing(), _pairing()
    _done(march_end, "article", D(2025, 3, 31))
    _done(april_first, "article", D(2025, 4, 1))
    today = D(2025, 4, 5)  # March's deadline (7 days' grace) is 7 April
    a = _status(march_end, "article", today)
    assert _period(a, D(2025, 3, 1)).status == "done"
    assert _period(a, D(2025, 4, 1)).status == "due"
    b = _status(april_first, "article", today)
    assert _period(b, D(2025, 3, 1)).status == "due"
    assert _period(b, D(2025, 4, 1)).status == "done"
    # After March's deadline: the one who did it on 1 April missed March, but stands done now.
    later = D(2025, 4, 10)
    b = _status(april_first, "article", later)
    assert _period(b, D(2025, 3, 1)).status == "overdue"
    assert _period(b, D(2025, 3, 1)).days_overdue == 3
    assert b.status == "done"
    assert _status(march_end, "article", later).status == "due"


@pytest.mark.django_db
def test_quarterly_a_record_on_31_march_closes_q1_and_on_1_april_q2():
    march_end, april_first = _pairing(), _pairing()
    _done(march_end, "research", D(2025, 3, 31))
    _done(april_first, "research", D(2025, 4, 1))
    today = D(2025, 4, 20)  # Q1's deadline (15 days' grace) was 15 April
    a = _status(march_end, "research", today)
    assert [(r.period.start, r.period.status) for r in a.periods] == [
        (D(2025, 4, 1), "due"), (D(2025, 1, 1), "done"),
    ]  # fmt: skip
    assert a.status == "due"
    b = _status(april_first, "research", today)
    assert [(r.period.start, r.period.status) for r in b.periods] == [
        (D(2025, 4, 1), "done"), (D(2025, 1, 1), "overdue"),
    ]  # fmt: skip
    assert b.status == "done" and b.standing.missed == 1


@pytest.mark.django_db
def test_nothing_done_stands_overdue_by_the_days_since_the_last_lapsed_deadline():
    pairing = _pairing()
    today = D(2025, 4, 20)
    research = _status(pairing, "research", today)
    assert research.status == "overdue"
    assert research.standing.period.start == D(2025, 1, 1)
    assert research.days_overdue == 5
    article = _status(pairing, "article", today)
    assert article.status == "overdue"
    assert article.standing.period.start == D(2025, 3, 1)  # the last lapsed month
    assert article.days_overdue == 13  # deadline 7 April
    assert article.standing.missed == 3
    assert _status(pairing, "seminar", today).status == "due"


@pytest.mark.django_db
def test_year_end_31_december_and_1_january_fall_in_different_years():
    dec, jan = _pairing(), _pairing()
    _done(dec, "seminar", D(2025, 12, 31))
    _done(jan, "seminar", D(2026, 1, 1))
    _done(dec, "article", D(2025, 12, 31))
    _done(jan, "article", D(2026, 1, 1))
    today = D(2026, 2, 5)  # 2025's seminar deadline (31 days' grace): 31 January 2026
    a, b = _status(dec, "seminar", today), _status(jan, "seminar", today)
    assert _period(a, D(2025, 1, 1)).status == "done" and a.status == "due"
    assert _period(b, D(2025, 1, 1)).status == "overdue"
    assert _period(b, D(2025, 1, 1)).days_overdue == 5
    assert _period(b, D(2026, 1, 1)).status == "done" and b.status == "done"
    assert _period(_status(dec, "article", today), D(2025, 12, 1)).status == "done"
    assert _period(_status(jan, "article", today), D(2025, 12, 1)).status == "overdue"
    assert _period(_status(jan, "article", today), D(2026, 1, 1)).status == "done"


@pytest.mark.django_db
def test_a_pairing_starting_mid_quarter_owes_the_whole_calendar_quarter_it_started_in():
    pairing = _pairing(start=D(2025, 5, 20))
    research = _status(pairing, "research", D(2025, 5, 25))
    assert [(r.period.start, r.period.end, r.period.status) for r in research.periods] == [
        (D(2025, 4, 1), D(2025, 6, 30), "due")
    ]
    assert _status(pairing, "research", D(2025, 7, 16)).status == "overdue"
    _done(pairing, "research", D(2025, 5, 21))
    assert _status(pairing, "research", D(2025, 7, 16)).status == "due"  # Q3 now
    assert _period(_status(pairing, "research", D(2025, 7, 16)), D(2025, 4, 1)).status == "done"


@pytest.mark.django_db
def test_a_pairing_ended_mid_period_has_no_period_after_the_one_holding_its_end():
    pairing = _pairing(end=D(2025, 5, 15))
    today = D(2025, 8, 1)
    research = _status(pairing, "research", today)
    assert [r.period.start for r in research.periods] == [D(2025, 4, 1), D(2025, 1, 1)]
    assert research.status == "overdue" and research.standing.period.start == D(2025, 4, 1)
    article = _status(pairing, "article", today)
    assert article.periods[0].period.start == D(2025, 5, 1)
    # A record after the end would not count (the service refuses it anyway).
    _done(pairing, "article", D(2025, 5, 10))
    assert _status(pairing, "article", today).periods[0].period.status == "done"


@pytest.mark.django_db
def test_records_land_in_their_periods_on_the_page_data():
    pairing = _pairing()
    _done(pairing, "article", D(2025, 3, 31))
    _done(pairing, "article", D(2025, 3, 2))
    article = _status(pairing, "article", D(2025, 4, 5), with_records=True)
    march = next(r for r in article.periods if r.period.start == D(2025, 3, 1))
    assert [r.done_on for r in march.records] == [D(2025, 3, 2), D(2025, 3, 31)]
    assert march.period.done_on == D(2025, 3, 2)


@pytest.mark.django_db
def test_standings_of_many_pairings_take_one_query(django_assert_num_queries):
    pairings = [_pairing() for _ in range(6)]
    for p in pairings:
        _done(p, "article", D(2025, 3, 3))
    with django_assert_num_queries(1):
        result = duty_standings(pairings, D(2025, 4, 5), with_records=True)
    assert len(result) == 6 and all(len(v) == 4 for v in result.values())


@pytest.mark.django_db
def test_the_daily_jobs_recent_window_stands_exactly_like_the_full_history():
    long_ago = _pairing(start=D(2021, 3, 15))
    ended = _pairing(start=D(2021, 3, 15), end=D(2025, 2, 10))
    fresh = _pairing(start=D(2025, 5, 20))
    for p in (long_ago, ended, fresh):
        for day in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 3, 31), D(2025, 6, 2)):
            for kind in ("article", "research", "special_guidance", "seminar"):
                if (day.toordinal() + len(kind)) % 3:
                    _done(p, kind, day)
    pairings = [long_ago, ended, fresh]
    day = D(2025, 1, 1)
    while day < D(2026, 3, 1):
        full = duty_standings(pairings, day)
        recent = duty_standings(pairings, day, recent=True)
        for p in pairings:
            for a, b in zip(full[p.pk], recent[p.pk], strict=True):
                assert (a.status, a.days_overdue) == (b.status, b.days_overdue), (p, a.kind, day)
                if a.standing:  # the same period (numbered from another anchor)
                    x, y = a.standing.period, b.standing.period
                    assert (x.start, x.end, x.deadline, x.status, x.done_on) == (
                        y.start,
                        y.end,
                        y.deadline,
                        y.status,
                        y.done_on,
                    )
        day += datetime.timedelta(days=9)
