"""The daily job's mentor-duty part: coming-due and overdue reminders to the mentor, overdue
events for the cadre, once per pairing, duty, period and stage however often it runs, in a
bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Notification
from core.reminders import EVENT_SOURCES, SOURCES, reminders_run
from mentoring.models import DutyRecord
from mentoring.reminders_duties import duty_overdue_events, duty_reminders
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.duties_helpers import rule

SOURCE = "mentoring.reminders_duties.duty_reminders"
EVENTS = "mentoring.reminders_duties.duty_overdue_events"
TODAY = datetime.date(2025, 4, 5)  # March's articles are due by 7 April


def _done(pairing, kind, day):
    DutyRecord.objects.create(
        pairing=pairing, cadre=pairing.cadre, kind=kind, done_on=day, title="履职"
    )


@pytest.fixture
def setup(db):
    """A mentor with an account and a pairing from 1 January that did Q1's research only; a
    mentor without an account; an ended pairing."""
    user = f.UserFactory(username="mentor9", roles=["mentor"])
    pairing = f.PairingFactory(
        mentor=f.MentorFactory(user=user), start_date=datetime.date(2025, 1, 1)
    )
    _done(pairing, "research", datetime.date(2025, 2, 10))
    no_login = f.PairingFactory(start_date=datetime.date(2025, 1, 1))
    ended = f.PairingFactory(
        mentor=f.MentorFactory(user=f.UserFactory(username="mentor8", roles=["mentor"])),
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 3, 1), status="ended",
    )  # fmt: skip
    return {"user": user, "pairing": pairing, "no_login": no_login, "ended": ended}


def test_the_sources_are_registered():
    assert SOURCE in SOURCES and EVENTS in EVENT_SOURCES


def test_the_mentor_is_reminded_of_a_coming_deadline_and_of_an_overdue_duty(setup):
    rows = sorted(duty_reminders(TODAY), key=lambda r: r.key)
    p = setup["pairing"].pk
    assert [(r.user_id, r.key, r.level) for r in rows] == [
        (setup["user"].pk, f"mentoring.duty:{p}:article:2025-02-01:overdue", "warning"),
        (setup["user"].pk, f"mentoring.duty:{p}:article:2025-03-01:due", "info"),
    ]
    overdue = rows[0]
    assert overdue.title == f"对{setup['pairing'].cadre.name}的指导撰写工作信息已逾期"
    assert "已逾期29天（截止2025-03-07）" in overdue.body
    assert overdue.url == f"/mentoring/pairings/{p}/duties/"


def test_nothing_for_a_duty_done_or_not_yet_near_its_deadline(setup):
    _done(setup["pairing"], "article", datetime.date(2025, 3, 20))
    _done(setup["pairing"], "article", datetime.date(2025, 4, 1))
    assert list(duty_reminders(TODAY)) == []
    # Three days before the end of Q2's grace (15 July), research is coming due.
    rows = list(duty_reminders(datetime.date(2025, 7, 12)))
    assert any(r.key.endswith(":research:2025-04-01:due") for r in rows)


def test_the_daily_job_run_twice_creates_no_duplicates(setup):
    rule("mentoring.duty.overdue", "-1")
    first = reminders_run(TODAY, sources=[SOURCE], event_sources=[EVENTS])
    assert first == {SOURCE: 2, EVENTS: 2}  # the no-login pairing's cadre is reported too
    second = reminders_run(TODAY, sources=[SOURCE], event_sources=[EVENTS])
    assert second == {SOURCE: 0, EVENTS: 0}
    assert Notification.objects.filter(user=setup["user"]).count() == 2
    entries = PointEntry.objects.filter(event_kind="mentoring.duty.overdue")
    assert sorted(entries.values_list("source", flat=True)) == sorted([
        f"mentoring.duty.overdue:{setup['pairing'].pk}:article:2025-02-01",
        f"mentoring.duty.overdue:{setup['no_login'].pk}:article:2025-02-01",
    ])  # fmt: skip
    assert {e.points for e in entries} == {Decimal("-1")}
    assert not entries.filter(cadre=setup["ended"].cadre).exists()


def test_next_day_a_new_lapse_is_reported_once_more(setup):
    rule("mentoring.duty.overdue", "-1")
    reminders_run(TODAY, sources=[SOURCE], event_sources=[EVENTS])
    later = datetime.date(2025, 4, 8)  # March has now lapsed too
    made = reminders_run(later, sources=[SOURCE], event_sources=[EVENTS])
    assert made == {SOURCE: 1, EVENTS: 2}
    assert Notification.objects.filter(
        user=setup["user"], key=f"mentoring.duty:{setup['pairing'].pk}:article:2025-03-01:overdue"
    ).exists()


def test_without_a_rule_no_overdue_event_is_written(setup):
    assert duty_overdue_events(TODAY) == 0
    assert not PointEntry.objects.exists()


def _many(n):
    for _ in range(n):
        pairing = f.PairingFactory(
            mentor=f.MentorFactory(user=f.UserFactory(roles=["mentor"])),
            start_date=datetime.date(2024, 6, 1),
        )
        _done(pairing, "article", datetime.date(2025, 3, 3))
        _done(pairing, "research", datetime.date(2025, 1, 3))


def test_the_sources_use_a_bounded_number_of_queries(setup, django_assert_max_num_queries):
    _many(3)
    with django_assert_max_num_queries(2):
        small = len(list(duty_reminders(TODAY)))
    with django_assert_max_num_queries(3):
        duty_overdue_events(TODAY)  # no rule: pairings, records, rule check
    _many(15)
    with django_assert_max_num_queries(2):
        assert len(list(duty_reminders(TODAY))) > small
    with django_assert_max_num_queries(3):
        duty_overdue_events(TODAY)


def test_no_duty_reminders_or_events_for_a_cadre_who_left_or_a_mentor_out_of_the_pool(world):
    from cadres.models import Cadre
    from mentoring.models import Mentor, Pairing
    from mentoring.reminders_duties import duty_overdue_events, duty_reminders
    from scoring.models import PointRule

    today = timezone.localdate()
    PointRule.objects.create(
        code="DUTY-OV", name="履职逾期", category="other", event_kind="mentoring.duty.overdue",
        points=-1, valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    Pairing.objects.filter(pk=pairing.pk).update(start_date=today - datetime.timedelta(days=800))
    Cadre.objects.filter(pk=pairing.cadre_id).update(status="left")
    assert duty_overdue_events(today) == 0 and list(duty_reminders(today)) == []
    Cadre.objects.filter(pk=pairing.cadre_id).update(status="active")
    Mentor.objects.filter(pk=pairing.mentor_id).update(is_active=False)
    assert duty_overdue_events(today) == 0 and list(duty_reminders(today)) == []
    Mentor.objects.filter(pk=pairing.mentor_id).update(is_active=True)
    assert duty_overdue_events(today) > 0 and list(duty_reminders(today))
