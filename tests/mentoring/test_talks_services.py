"""Talks (谈心谈话): recording and correcting through the services (levels, dates, points,
closing a 约谈 task through the scoring service), and the cadence maths per level."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from core.cadence import PeriodStatus
from mentoring.models import Talk
from mentoring.selectors import talks as selectors
from mentoring.services import talks as services
from scoring.models import FollowUp, PointEntry
from tests import factories as f
from tests.mentoring.talks_helpers import follow_up_for, points, rule, talk

TODAY = timezone.localdate()


def test_recording_scores_and_a_new_date_rescores(world):
    rule("mentoring.talk.recorded")
    mentee, staff = world["cadres"]["mentee"], world["users"]["staff"]
    row = talk(mentee, staff, days_ago=10)
    assert points(mentee) == 1
    entry = PointEntry.objects.get()
    assert (entry.event_kind, entry.source) == (
        "mentoring.talk.recorded",
        f"mentoring.talk:{row.pk}#1",
    )
    assert entry.occurred_on == TODAY - datetime.timedelta(days=10)

    services.talk_update(talk=row, actor=staff, topics="新主题")  # same date: points untouched
    assert PointEntry.objects.count() == 1
    services.talk_update(talk=row, actor=staff, talked_on=TODAY - datetime.timedelta(days=2))
    assert points(mentee) == 1
    assert PointEntry.objects.count() == 3  # the first, its reversal, the new date's
    row.refresh_from_db()
    assert row.version == 2 and row.topics == "新主题"


@pytest.mark.parametrize(
    ("actor", "level", "ok"),
    [
        ("staff", "org", True),
        ("staff", "town", True),
        ("staff", "village", True),
        ("staff", "mentor", False),  # not the cadre's mentor
        ("mentor", "mentor", True),
        ("mentor", "org", False),
        ("admin", "town", True),
    ],
)
def test_who_records_which_level(world, actor, level, ok):
    mentee = world["cadres"]["mentee"]
    if ok:
        assert talk(mentee, world["users"][actor], level=level).level == level
        return
    with pytest.raises(ValidationError) as caught:
        talk(mentee, world["users"][actor], level=level)
    assert set(caught.value.message_dict) == {"level"}
    assert not Talk.objects.exists()


def test_bad_input_names_fields_and_writes_nothing(world):
    with pytest.raises(ValidationError) as caught:
        services.talk_record(
            cadre=world["cadres"]["mentee"], level="org", actor=world["users"]["staff"],
            talked_on=TODAY + datetime.timedelta(days=1), topics=" ",
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"talked_on", "topics"}
    with pytest.raises(ValidationError) as caught:
        talk(world["cadres"]["outsider"], world["users"]["staff"])
    assert set(caught.value.message_dict) == {"cadre"}
    with pytest.raises(ValidationError) as caught:  # a mentor: only their mentees
        talk(world["cadres"]["bystander"], world["users"]["mentor"], level="mentor")
    assert set(caught.value.message_dict) == {"cadre"}
    assert not Talk.objects.exists()


def test_only_the_talker_or_staff_change_a_talk(world):
    row = talk(world["cadres"]["mentee"], world["users"]["mentor"], level="mentor")
    other = f.UserFactory(username="mentor2", roles=["mentor"])
    f.PairingFactory(
        mentor=f.MentorFactory(user=other, unit=world["units"]["town"]),
        cadre=world["cadres"]["mentee"],
    )
    with pytest.raises(ValidationError):
        services.talk_update(talk=row, actor=other, topics="改")
    services.talk_update(talk=row, actor=world["users"]["staff"], topics="工作人员更正")
    services.talk_update(talk=row, actor=world["users"]["mentor"], actions="下周回访")
    row.refresh_from_db()
    assert (row.topics, row.actions, row.level) == ("工作人员更正", "下周回访", "mentor")


def test_a_talk_closes_a_follow_up_through_the_scoring_service(world):
    mentee, staff = world["cadres"]["mentee"], world["users"]["staff"]
    task = follow_up_for(mentee, world["units"]["town"])
    row = talk(mentee, staff, follow_up=task, concerns="工作压力大", actions="每月汇报一次")
    task.refresh_from_db()
    assert task.status == FollowUp.Status.DONE
    assert (task.talked_on, task.improvement_plan, task.done_by) == (
        row.talked_on, "每月汇报一次", staff,
    )  # fmt: skip
    assert "工作压力大" in task.outcome
    assert row.follow_up == task


def test_closing_refusals_write_nothing(world):
    mentee, staff = world["cadres"]["mentee"], world["users"]["staff"]
    task = follow_up_for(mentee, world["units"]["town"])
    with pytest.raises(ValidationError) as caught:  # no improvement plan
        talk(mentee, staff, follow_up=task)
    assert set(caught.value.message_dict) == {"actions"}
    with pytest.raises(ValidationError) as caught:  # someone else's task
        talk(world["cadres"]["self"], staff, follow_up=task, actions="计划")
    assert set(caught.value.message_dict) == {"follow_up"}
    with pytest.raises(ValidationError) as caught:  # mentors may not close 约谈 tasks
        talk(mentee, world["users"]["mentor"], level="mentor", follow_up=task, actions="计划")
    assert set(caught.value.message_dict) == {"follow_up"}
    assert not Talk.objects.exists()
    task.refresh_from_db()
    assert task.status == FollowUp.Status.OPEN
    row = talk(mentee, staff)
    services.talk_update(talk=row, actor=staff, follow_up=task, actions="计划")
    task.refresh_from_db()
    assert task.status == FollowUp.Status.DONE
    with pytest.raises(ValidationError) as caught:
        services.talk_update(talk=row, actor=staff, follow_up=task)
    assert set(caught.value.message_dict) == {"follow_up"}


# --- cadences --------------------------------------------------------------------------------


def _status(cadre, level, today):
    (entry,) = selectors.talk_compliance(type(cadre).objects.filter(pk=cadre.pk), today=today)
    return next(s for s in entry.levels if s.level == level)


def _at(cadre, level, day):
    return Talk.objects.create(
        cadre=cadre, level=level, talked_on=day, talker=f.UserFactory(), topics="谈话"
    )


def test_quarter_end_31_march_vs_1_april(world):
    first, second = world["cadres"]["self"], world["cadres"]["bystander"]
    _at(first, "town", datetime.date(2025, 3, 31))
    _at(second, "town", datetime.date(2025, 4, 1))
    today = datetime.date(2025, 4, 10)
    march, april = _status(first, "town", today), _status(second, "town", today)
    # A talk on 31 March counts for the first quarter: the second is merely due.
    assert (march.status, march.period_start, march.deadline) == (
        PeriodStatus.DUE, datetime.date(2025, 4, 1), datetime.date(2025, 6, 30),
    )  # fmt: skip
    # On 1 April it counts for the second quarter, and the first lapsed — remedied since.
    assert (april.status, april.period_start, april.missed) == (
        PeriodStatus.DONE, datetime.date(2025, 4, 1), 4,
    )  # fmt: skip
    # Once the second quarter ends, the cadre talked with on 31 March is overdue.
    late = _status(first, "town", datetime.date(2025, 7, 3))
    assert (late.status, late.period_start, late.days_overdue) == (
        PeriodStatus.OVERDUE, datetime.date(2025, 4, 1), 3,
    )  # fmt: skip
    # …while the one talked with on 1 April covered the second quarter: the third is due.
    then = _status(second, "town", datetime.date(2025, 7, 3))
    assert (then.status, then.period_start) == (PeriodStatus.DUE, datetime.date(2025, 7, 1))


def test_half_year_and_week_and_grace(world):
    mentee = world["cadres"]["mentee"]  # in a village: the weekly village talks apply
    _at(mentee, "org", datetime.date(2025, 6, 30))
    assert _status(mentee, "org", datetime.date(2025, 6, 30)).status == PeriodStatus.DONE
    assert _status(mentee, "org", datetime.date(2025, 7, 1)).status == PeriodStatus.DUE
    assert _status(mentee, "org", datetime.date(2026, 1, 1)).status == PeriodStatus.OVERDUE
    _at(mentee, "village", datetime.date(2025, 3, 9))  # a Sunday
    sunday = _status(mentee, "village", datetime.date(2025, 3, 9))
    assert (sunday.status, sunday.period_start) == (PeriodStatus.DONE, datetime.date(2025, 3, 3))
    monday = _status(mentee, "village", datetime.date(2025, 3, 10))
    assert monday.status == PeriodStatus.DUE
    late = _status(mentee, "village", datetime.date(2025, 3, 18))
    assert (late.status, late.period_start, late.days_overdue) == (
        PeriodStatus.OVERDUE, datetime.date(2025, 3, 10), 2,
    )  # fmt: skip
    cadences = {
        "village": {"frequency": "week", "grace_days": 3, "unit_kinds": ["village"]},
    }
    with override_settings(QINGMIAO_TALK_CADENCES=cadences):
        graced = _status(mentee, "village", datetime.date(2025, 3, 18))
        assert (graced.status, graced.days_overdue) == (PeriodStatus.DUE, 0)


def test_levels_apply_by_unit_kind_and_mentor_talks_have_no_cadence(world):
    (office_cadre,) = selectors.talk_compliance(
        type(world["cadres"]["self"]).objects.filter(pk=world["cadres"]["self"].pk),
        today=TODAY,
    )
    assert [s.level for s in office_cadre.levels] == ["org", "town"]
    (village_cadre,) = selectors.talk_compliance(
        type(world["cadres"]["mentee"]).objects.filter(pk=world["cadres"]["mentee"].pk),
        today=TODAY,
    )
    assert [s.level for s in village_cadre.levels] == ["org", "town", "village"]


def test_overdue_list_is_scoped_and_sorted(world):
    c = world["cadres"]
    today = TODAY
    for cadre in c.values():
        _at(cadre, "org", today)
        _at(cadre, "town", today)
    _at(c["mentee"], "village", today)
    Talk.objects.filter(cadre=c["self"], level="town").delete()
    Talk.objects.filter(cadre=c["bystander"]).delete()
    Talk.objects.filter(cadre=c["outsider"]).delete()
    with override_settings(QINGMIAO_TALK_LOOKBACK_DAYS=400):
        rows = selectors.overdue_talks(world["users"]["staff"], today=today)
    found = {(r.cadre.name, r.status.level) for r in rows}
    assert ("赵敏", "org") not in found  # another town
    assert ("王芳", "org") in found and ("王芳", "town") in found
    assert ("张伟", "town") in found and ("张伟", "org") not in found
    assert not any(name == "李娜" for name, _ in found)
    days = [r.status.days_overdue for r in rows]
    assert days == sorted(days, reverse=True)


def test_compliance_has_a_constant_query_count(world, django_assert_max_num_queries):
    unit = world["units"]["village"]
    for n in (5, 25):
        for _ in range(n):
            cadre = f.CadreFactory(unit=unit, category="village")
            _at(cadre, "village", TODAY)
        with django_assert_max_num_queries(2):
            rows = selectors.talk_compliance(type(cadre).objects.all(), today=TODAY)
        assert len(rows) >= n
