"""Overdue required talks in the daily job: one digest per staff user, level and lapsed
period (never one per cadre), reaching only the staff whose unit covers the cadres; overdue
events once per cadre, level and period; both run twice create nothing new."""

import datetime

import pytest
from django.test import override_settings

from core.models import Notification
from core.reminders import reminders_run
from mentoring.models import Talk
from mentoring.reminders_talks import digest_key, talk_overdue_events, talk_reminders
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.talks_helpers import rule

SOURCE = "mentoring.reminders_talks.talk_reminders"
EVENTS = "mentoring.reminders_talks.talk_overdue_events"
APR_15 = datetime.date(2025, 4, 15)
JUL_2 = datetime.date(2025, 7, 2)
TOWN_ONLY = {"town": {"frequency": "quarter", "grace_days": 0}}
pytestmark = pytest.mark.usefixtures("town_only")


@pytest.fixture
def town_only():
    with override_settings(QINGMIAO_TALK_CADENCES=TOWN_ONLY):
        yield


def _at(cadre, day, level="town"):
    return Talk.objects.create(
        cadre=cadre, level=level, talked_on=day, talker=f.UserFactory(), topics="谈话"
    )


def _run(today):
    return reminders_run(today, sources=[SOURCE], event_sources=[EVENTS])


@pytest.fixture
def staffs(world):
    """Staff of 金城镇 (world), of its office only, of 东湖镇, and an inactive one."""
    u = world["units"]
    office = f.UserFactory(username="staff_office", roles=["staff"], unit=u["office"])
    other = f.UserFactory(username="staff_other", roles=["staff"], unit=u["other_town"])
    gone = f.UserFactory(username="staff_gone", roles=["staff"], unit=u["town"])
    gone.is_active = False
    gone.save()
    f.UserFactory(username="staff_nounit", roles=["staff"])
    return {"town": world["users"]["staff"], "office": office, "other": other}


def test_one_digest_per_staff_user_level_and_period(world, staffs):
    assert _run(APR_15)[SOURCE] == 3
    key = digest_key("town", datetime.date(2025, 1, 1))
    rows = {n.user.username: n for n in Notification.objects.select_related("user")}
    assert set(rows) == {"staff", "staff_office", "staff_other"}  # nobody else
    assert {n.key for n in rows.values()} == {key}
    # 金城镇: 张伟, 李娜, 王芳; its office: 张伟, 王芳; 东湖镇: 赵敏.
    assert rows["staff"].title == "3名干部的镇（街道）谈心谈话已逾期"
    assert rows["staff_office"].title == "2名干部的镇（街道）谈心谈话已逾期"
    assert rows["staff_other"].title == "1名干部的镇（街道）谈心谈话已逾期"
    assert rows["staff"].url == "/mentoring/talks/overdue/?level=town"
    assert rows["staff"].level == Notification.Level.WARNING


def test_run_twice_creates_nothing_new(world, staffs):
    assert _run(APR_15)[SOURCE] == 3
    assert _run(APR_15)[SOURCE] == 0
    assert _run(APR_15 + datetime.timedelta(days=20))[SOURCE] == 0  # same lapsed quarter
    assert Notification.objects.count() == 3
    assert _run(JUL_2)[SOURCE] == 3  # the second quarter lapsed too: a new digest
    assert Notification.objects.count() == 6


def test_talked_cadres_are_left_out_and_nothing_when_all_talked(world, staffs):
    c = world["cadres"]
    _at(c["self"], datetime.date(2025, 3, 31))
    _at(c["bystander"], datetime.date(2025, 4, 2))  # in the current quarter: not overdue
    _run(APR_15)
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles["staff"] == "1名干部的镇（街道）谈心谈话已逾期"  # 李娜
    assert "staff_office" not in titles
    _at(c["mentee"], datetime.date(2025, 4, 3))
    _at(c["outsider"], datetime.date(2025, 4, 3))
    Notification.objects.all().delete()
    assert list(talk_reminders(APR_15)) == []


def test_village_level_only_for_village_cadres(world, staffs):
    weekly = {"village": {"frequency": "week", "grace_days": 0, "unit_kinds": ["village"]}}
    with override_settings(QINGMIAO_TALK_CADENCES=weekly):
        _run(APR_15)
    notes = list(Notification.objects.values_list("user__username", "title", "key"))
    # 2025-04-15 is a Tuesday: the week of 7 April lapsed for 李娜, the only village cadre.
    assert notes == [
        ("staff", "1名干部的村（社区）谈心谈话已逾期", "mentoring.talks.overdue:village:2025-04-07")
    ]


def test_overdue_events_once_per_cadre_level_and_period(world, staffs):
    rule("mentoring.talk.overdue", "-2")
    c = world["cadres"]
    assert _run(APR_15)[EVENTS] == 4
    assert _run(APR_15)[EVENTS] == 0
    assert _run(APR_15 + datetime.timedelta(days=1))[EVENTS] == 0
    entry = PointEntry.objects.get(cadre=c["mentee"])
    assert entry.source == f"mentoring.talk.overdue:{c['mentee'].pk}:town:2025-01-01"
    assert entry.occurred_on == datetime.date(2025, 4, 1)  # the day after the deadline
    assert _run(JUL_2)[EVENTS] == 4  # the next lapsed quarter, once
    assert PointEntry.objects.count() == 8


def test_31_march_vs_1_april_for_a_quarterly_level(world):
    rule("mentoring.talk.overdue", "-2")
    c = world["cadres"]
    _at(c["self"], datetime.date(2025, 3, 31))  # counts for the first quarter
    _at(c["bystander"], datetime.date(2025, 4, 1))  # counts for the second
    talk_overdue_events(APR_15)
    overdue = set(PointEntry.objects.values_list("cadre__name", flat=True))
    assert overdue == {"李娜", "赵敏"}  # 张伟 talked in Q1; 王芳 already talked in Q2
    talk_overdue_events(JUL_2)
    rows = dict(
        PointEntry.objects.filter(source__contains=":2025-04-01").values_list(
            "cadre__name", "source"
        )
    )
    assert "王芳" not in rows  # her 1 April talk covers the second quarter
    assert rows["张伟"] == f"mentoring.talk.overdue:{c['self'].pk}:town:2025-04-01"


def test_ended_cadres_are_not_chased(world, staffs):
    rule("mentoring.talk.overdue", "-2")
    c = world["cadres"]
    type(c["outsider"]).objects.filter(pk=c["outsider"].pk).update(status="left")
    assert talk_overdue_events(APR_15) == 3
    assert not PointEntry.objects.filter(cadre=c["outsider"]).exists()


def test_query_count_is_bounded(world, staffs, django_assert_max_num_queries):
    unit = world["units"]["office"]
    for n in (5, 25):
        for _ in range(n):
            f.CadreFactory(unit=unit)
        with django_assert_max_num_queries(3):
            rows = list(talk_reminders(APR_15))
        assert len(rows) == 3
        with django_assert_max_num_queries(4):  # no rule scores the kind: nothing recorded
            talk_overdue_events(APR_15)


@pytest.mark.parametrize("today", [datetime.date(2025, 4, 15), datetime.date(2025, 3, 31),
                                   datetime.date(2025, 4, 1), datetime.date(2024, 12, 29)])  # fmt: skip
def test_shared_schedule_agrees_with_the_standing_of_each_cadre(today):
    """`talk_compliance` computes each level's periods once for all cadres: the result is the
    same as `core.cadence.standing` per cadre (`level_status`), for any talk days."""
    import random

    from mentoring.selectors.talks import _Skeleton, level_status, talk_cadences

    rng = random.Random(today.toordinal())
    with override_settings(QINGMIAO_TALK_CADENCES={
        "org": {"frequency": "half_year", "grace_days": 0},
        "town": {"frequency": "quarter", "grace_days": 10},
        "village": {"frequency": "week", "grace_days": 2},
    }):  # fmt: skip
        for cadence in talk_cadences():
            skeleton = _Skeleton(cadence, today)
            for _ in range(300):
                days = [today - datetime.timedelta(days=rng.randint(0, 420))
                        for _ in range(rng.randint(0, 4))]  # fmt: skip
                assert skeleton.status(days) == level_status(cadence, days, today=today)
