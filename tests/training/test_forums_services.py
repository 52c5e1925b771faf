"""Services of 菁才论坛: speakers vs attendees, attendance points, the rubric lock, who may
score and when, publishing (points by rank, ties) and withdrawing a publication."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from scoring.models import PointEntry
from tests import factories as f
from tests.training.forum_helpers import card, make_forum, points, rubric, rules
from training.models import ForumAttendee, ForumScore
from training.services import forums as services


@pytest.fixture
def forum(world):
    made = make_forum(world["units"]["town"])
    rubric(made, 40, 30, 30)
    return made


def add_speaker(forum, cadre, title="我的基层故事"):
    return services.speaker_add(forum=forum, cadre=cadre, talk_title=title, actor=None)


def test_a_cadre_is_either_speaker_or_attendee(world, forum):
    me, mentee = world["cadres"]["self"], world["cadres"]["mentee"]
    add_speaker(forum, me)
    with pytest.raises(ValidationError) as caught:
        services.attendees_add(forum=forum, cadres=[me], actor=None)
    assert caught.value.message_dict["cadres"] == [
        "张伟是本期主讲人，同一人不能既是主讲人又是参加人员。"
    ]
    # In a batch the speaker is skipped and counted.
    counts = services.attendees_add(forum=forum, cadres=[me, mentee], actor=None)
    assert counts == {"added": 1, "skipped_speakers": 1, "recorded": True}
    with pytest.raises(ValidationError) as caught:
        add_speaker(forum, mentee)
    assert "同一人不能既是主讲人又是参加人员" in caught.value.message_dict["cadre"][0]
    with pytest.raises(ValidationError) as caught:
        add_speaker(forum, me)
    assert caught.value.message_dict["cadre"] == ["张伟已是本期主讲人。"]
    with pytest.raises(ValidationError) as caught:
        services.speaker_add(forum=forum, cadre=world["cadres"]["bystander"], talk_title=" ",
                             actor=None)  # fmt: skip
    assert caught.value.message_dict["talk_title"] == ["请填写发言题目。"]


def test_speakers_are_ordered_after_the_last(world, forum):
    first = add_speaker(forum, world["cadres"]["self"])
    second = add_speaker(forum, world["cadres"]["mentee"])
    assert (first.position, second.position) == (1, 2)


def test_attendance_points_on_adding_after_the_start_and_withdrawn_on_removal(world, forum):
    rules()
    me = world["cadres"]["self"]
    services.attendees_add(forum=forum, cadres=[me], actor=None)
    assert points(me) == Decimal("1")
    row = ForumAttendee.objects.get(cadre=me)
    assert PointEntry.objects.get(cadre=me).source == f"training.forumattendee:{row.pk}"
    services.attendee_remove(attendee=row, actor=None)
    assert points(me) == 0
    assert not ForumAttendee.objects.exists()


def test_registered_before_the_forum_then_confirmed(world):
    rules()
    future = make_forum(
        world["units"]["town"], starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    me = world["cadres"]["self"]
    counts = services.attendees_add(forum=future, cadres=[me], actor=None)
    assert counts["recorded"] is False
    assert ForumAttendee.objects.get().attended is False
    assert points(me) == 0
    with pytest.raises(ValidationError) as caught:
        services.attendees_confirm(forum=future, actor=None)
    assert caught.value.message_dict["attended"] == ["论坛开始后才能确认参加情况。"]
    later = future.starts_at + datetime.timedelta(minutes=5)
    assert services.attendees_confirm(forum=future, actor=None, at=later) == 1
    assert services.attendees_confirm(forum=future, actor=None, at=later) == 0
    assert points(me) == Decimal("1")
    # A registered (unconfirmed) attendee removed earns and loses nothing.
    services.attendees_add(forum=future, cadres=[world["cadres"]["mentee"]], actor=None)
    services.attendee_remove(
        attendee=ForumAttendee.objects.get(cadre=world["cadres"]["mentee"]), actor=None
    )
    assert points(world["cadres"]["mentee"]) == 0


def test_rubric_rules_and_lock_once_scored(world, forum):
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(forum=forum, criteria=[], actor=None)
    assert caught.value.message_dict["criteria"] == ["至少设置一个评分项。"]
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(
            forum=forum,
            criteria=[{"name": "内容", "max_score": "0"}, {"name": "内容", "max_score": "abc"}],
            actor=None,
        )
    assert caught.value.message_dict["criteria"] == [
        "第1项：满分须为1到100之间的数字。",
        "第2项：评分项“内容”重复。",
        "第2项：满分须为1到100之间的数字。",
    ]
    assert forum.criteria.count() == 3  # unchanged
    judge = f.UserFactory(roles=["leader"])
    forum.judges.add(judge)
    speaker = add_speaker(forum, world["cadres"]["self"])
    card(speaker, judge, 30, 20, 20)
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(forum=forum, criteria=[{"name": "新", "max_score": 10}], actor=None)
    assert caught.value.message_dict["criteria"] == ["已有评委打分，评分项不能再修改。"]
    assert forum.criteria.count() == 3


def test_only_judges_score_after_the_start_until_publication(world, forum):
    judge, other = f.UserFactory(roles=["mentor"]), f.UserFactory(roles=["leader"])
    forum.judges.add(judge)
    speaker = add_speaker(forum, world["cadres"]["self"])
    with pytest.raises(ValidationError) as caught:
        card(speaker, other, 30, 20, 20)
    assert caught.value.message_dict["judge"] == ["您不是本期论坛的评委。"]
    with pytest.raises(ValidationError) as caught:
        services.forum_score_save(
            speaker=speaker, judge=judge, scores={}, at=forum.starts_at - datetime.timedelta(1)
        )
    assert caught.value.message_dict["judge"] == ["论坛开始后才能评分。"]
    card(speaker, judge, 30, 20, 20)
    card(speaker, judge, 31, 20, 20)  # revisable
    assert sum(ForumScore.objects.values_list("score", flat=True)) == Decimal("71")
    services.forum_results_publish(forum=forum, actor=None)
    with pytest.raises(ValidationError) as caught:
        card(speaker, judge, 40, 30, 30)
    assert caught.value.message_dict["judge"] == ["结果已发布，评分已截止。"]


def test_publish_records_points_by_rank_with_ties_and_withdraw_reverses(world, forum):
    rules()
    town = world["units"]["town"]
    cadres = [f.CadreFactory(unit=town) for _ in range(5)]
    speakers = [add_speaker(forum, c, f"题目{i}") for i, c in enumerate(cadres)]
    judges = [f.UserFactory(roles=["leader"]) for _ in range(2)]
    forum.judges.add(*judges)
    for judge in judges:
        for speaker, total in zip(speakers, (90, 90, 80, 70, 60), strict=True):
            card(speaker, judge, total - 60, 30, 30)
    with pytest.raises(ValidationError):
        services.forum_results_withdraw(forum=forum, actor=None)

    services.forum_results_publish(forum=forum, actor=world["users"]["staff"])
    forum.refresh_from_db()
    assert forum.results_version == 1 and forum.results_published_at is not None
    # ranks 1, 1, 3, 4, 5: speaker 2 + rank.1 5 (twice), rank.3 1, others 2 only
    assert [points(c) for c in cadres] == [Decimal(7), Decimal(7), Decimal(3), Decimal(2),
                                          Decimal(2)]  # fmt: skip
    entry = PointEntry.objects.filter(cadre=cadres[0], event_kind="training.forum.rank.1").get()
    assert entry.source == f"training.forumspeaker:{speakers[0].pk}#1"
    assert entry.occurred_on == timezone.localdate(forum.starts_at)
    with pytest.raises(ValidationError) as caught:
        services.forum_results_publish(forum=forum, actor=None)
    assert caught.value.message_dict["forum"] == ["结果已发布，如需修改请先撤回发布。"]
    with pytest.raises(ValidationError):
        services.speaker_remove(speaker=speakers[4], actor=None)

    services.forum_results_withdraw(forum=forum, actor=None, reason="评分有误")
    forum.refresh_from_db()
    assert forum.results_published_at is None and forum.results_version == 1
    assert [points(c) for c in cadres] == [0] * 5
    # Corrected: speaker 4 rescored higher; publishing again is version 2.
    for judge in judges:
        card(speakers[4], judge, 40, 30, 30)  # 100
    services.forum_results_publish(forum=forum, actor=None)
    forum.refresh_from_db()
    assert forum.results_version == 2
    assert [points(c) for c in cadres] == [Decimal(5), Decimal(5), Decimal(2), Decimal(2),
                                          Decimal(7)]  # fmt: skip
    assert PointEntry.objects.filter(source__endswith="#2").count() == 5 + 3


def test_publish_needs_every_speaker_scored(world, forum):
    judge = f.UserFactory(roles=["leader"])
    forum.judges.add(judge)
    scored = add_speaker(forum, world["cadres"]["self"])
    add_speaker(forum, world["cadres"]["mentee"])
    card(scored, judge, 10, 10, 10)
    with pytest.raises(ValidationError) as caught:
        services.forum_results_publish(forum=forum, actor=None)
    assert caught.value.message_dict["forum"] == ["以下主讲人还没有评委完成评分：李娜"]
    forum.refresh_from_db()
    assert forum.results_published_at is None and forum.results_version == 0


def test_judges_come_from_the_actors_scope_and_leaving_takes_their_cards(world, forum):
    staff = world["users"]["staff"]
    candidates = services.judge_candidates(staff)
    names = set(candidates.values_list("username", flat=True))
    assert {"staff", "leader", "mentor"} <= names
    assert not {"admin", "evaluator", "cadre"} & names
    outsider = f.UserFactory(roles=["leader"], unit=world["units"]["other_town"])
    with pytest.raises(ValidationError) as caught:
        services.judges_set(forum=forum, judges=[world["users"]["leader"], outsider],
                            allowed=candidates, actor=staff)  # fmt: skip
    assert "不能担任评委" in caught.value.message_dict["judges"][0]
    assert not forum.judges.exists()
    services.judges_set(forum=forum, judges=[world["users"]["leader"], world["users"]["mentor"]],
                        allowed=candidates, actor=staff)  # fmt: skip
    speaker = add_speaker(forum, world["cadres"]["self"])
    card(speaker, world["users"]["mentor"], 10, 10, 10)
    services.judges_set(forum=forum, judges=[world["users"]["leader"]], allowed=candidates,
                        actor=staff)  # fmt: skip
    assert not ForumScore.objects.exists()


def test_forum_validation_and_delete(world):
    with pytest.raises(ValidationError) as caught:
        make_forum(world["units"]["town"], title=" ", format="dance",
                   ends_at=timezone.now() - datetime.timedelta(days=10))  # fmt: skip
    assert set(caught.value.message_dict) == {"title", "format", "ends_at"}
    forum = make_forum(world["units"]["town"], series="")
    assert forum.series == "金城青年说"
    rules()
    services.attendees_add(forum=forum, cadres=[world["cadres"]["self"]], actor=None)
    with pytest.raises(ValidationError):
        services.forum_delete(forum=forum, actor=None)
    spare = make_forum(world["units"]["town"], title="备用")
    services.forum_delete(forum=spare, actor=None)
