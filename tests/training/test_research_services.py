"""菁智汇 services: the group's one leader, milestones, the report, the defense rubric frozen
once scored, judge-only scoring in its time window, ranking (ties share a rank, incomplete
cards excluded), and points appearing on publication and withdrawn on un-publication."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scoring.models import PointEntry
from tests import factories as f
from tests.training import research_fixtures as rf
from tests.training.research_fixtures import (
    card,
    docx_upload,
    make_defense,
    make_topic,
    pdf_upload,
    points,
    score,
)
from training.models import DefenseCriterion, DefenseScore, Milestone, ResearchMember
from training.selectors import research as selectors
from training.services import research as services

research = rf.research
research_rules = rf.research_rules


def _roles(topic):
    return {m.cadre.name: m.role for m in topic.members.select_related("cadre")}


# --- group -----------------------------------------------------------------------------------


def test_a_topic_starts_with_its_leader_and_members(world):
    c = world["cadres"]
    topic = make_topic(world["units"]["office"], c["self"], c["mentee"], c["self"])
    assert _roles(topic) == {"张伟": "leader", "李娜": "member"}


def test_topic_fields_are_checked_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        services.topic_create(
            actor=None, leader=world["cadres"]["self"], title=" ", field="sports",
            unit=world["units"]["office"], summary="", starts_on=datetime.date(2025, 5, 1),
            due_on=datetime.date(2025, 4, 1),
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"title", "field", "due_on"}
    assert caught.value.message_dict["due_on"] == ["结题期限不能早于立项日期。"]
    assert not ResearchMember.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.topic_create(
            actor=None, leader=None, title="课题", field="economy", unit=world["units"]["office"],
            summary="", starts_on=datetime.date(2025, 5, 1), due_on=datetime.date(2025, 6, 1),
        )  # fmt: skip
    assert caught.value.message_dict == {"leader": ["请指定课题组组长。"]}


def test_changing_the_leader_keeps_exactly_one(world):
    c = world["cadres"]
    topic = make_topic(world["units"]["office"], c["self"], c["mentee"])
    services.leader_set(topic=topic, cadre=c["mentee"], actor=None)
    assert _roles(topic) == {"张伟": "member", "李娜": "leader"}
    # A cadre outside the group becomes leader and joins it.
    services.leader_set(topic=topic, cadre=c["bystander"], actor=None)
    assert _roles(topic) == {"张伟": "member", "李娜": "member", "王芳": "leader"}
    assert topic.members.filter(role="leader").count() == 1


def test_the_leader_cannot_be_removed_and_a_member_not_added_twice(world):
    c = world["cadres"]
    topic = make_topic(world["units"]["office"], c["self"], c["mentee"])
    leader = topic.members.get(role="leader")
    with pytest.raises(ValidationError) as caught:
        services.member_remove(member=leader, actor=None)
    assert caught.value.message_dict == {"member": ["张伟是组长，不能移除；请先指定新的组长。"]}
    with pytest.raises(ValidationError) as caught:
        services.member_add(topic=topic, cadre=c["mentee"], actor=None)
    assert caught.value.message_dict == {"cadre": ["李娜已在课题组中。"]}
    services.member_remove(member=topic.members.get(cadre=c["mentee"]), actor=None)
    assert _roles(topic) == {"张伟": "leader"}


# --- milestones and report -------------------------------------------------------------------


def test_overdue_milestones_are_counted(world):
    topic = make_topic(world["units"]["office"], world["cadres"]["self"])
    today = timezone.localdate()
    late = services.milestone_add(
        topic=topic, title="开题", due_on=today - datetime.timedelta(days=3), actor=None
    )
    services.milestone_add(
        topic=topic, title="调研", due_on=today - datetime.timedelta(days=1), actor=None
    )
    services.milestone_add(topic=topic, title="报告", due_on=today, actor=None)
    row = selectors.topic_list(world["users"]["admin"]).get(pk=topic.pk)
    assert (row.milestone_count, row.overdue_count) == (3, 2)
    services.milestone_done(milestone=late, done_on=today, note="已开题", actor=None)
    row = selectors.topic_list(world["users"]["admin"]).get(pk=topic.pk)
    assert row.overdue_count == 1
    assert Milestone.objects.get(pk=late.pk).note == "已开题"
    with pytest.raises(ValidationError) as caught:
        services.milestone_done(
            milestone=late, done_on=today + datetime.timedelta(days=1), actor=None
        )
    assert caught.value.message_dict == {"done_on": ["完成日期不能晚于今天。"]}


def test_report_is_checked_by_content_and_replaces_the_earlier_one(world):
    topic = make_topic(world["units"]["office"], world["cadres"]["self"])
    assert selectors.topic_list(world["users"]["admin"]).get(pk=topic.pk).status == "in_progress"
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.report_upload(topic=topic, upload=fake, actor=None)
    assert caught.value.message_dict == {"report": ["文件须为PDF、Word (.docx)格式。"]}
    topic.refresh_from_db()
    assert not topic.report and topic.report_submitted_at is None

    services.report_upload(topic=topic, upload=pdf_upload(), actor=None)
    topic.refresh_from_db()
    first = topic.report.name
    assert first.startswith("research/") and first.endswith(".pdf")
    storage = topic.report.storage
    services.report_upload(topic=topic, upload=docx_upload(), actor=None)
    topic.refresh_from_db()
    assert topic.report.name.endswith(".docx")
    assert storage.exists(topic.report.name)
    assert selectors.topic_list(world["users"]["admin"]).get(pk=topic.pk).status == "submitted"


def test_report_over_ten_megabytes_is_refused(world):
    topic = make_topic(world["units"]["office"], world["cadres"]["self"])
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.report_upload(topic=topic, upload=big, actor=None)
    assert caught.value.message_dict == {"report": ["文件不能超过10 MB。"]}


# --- defense setup ---------------------------------------------------------------------------


def test_only_topics_with_a_report_can_be_scheduled(world):
    unit = world["units"]["town"]
    without = make_topic(world["units"]["office"], world["cadres"]["self"], title="未交报告")
    defense = make_defense(unit)
    with pytest.raises(ValidationError) as caught:
        services.defense_topics_set(defense=defense, topics=[without], actor=None)
    assert caught.value.message_dict == {"topics": ["《未交报告》尚未提交调研报告，不能安排答辩。"]}
    assert not defense.topics.exists()


def test_criteria_are_frozen_once_scored(world, research):
    defense, staff = research["defense"], world["users"]["staff"]
    services.defense_criteria_set(
        defense=defense,
        criteria=[{"name": "选题", "max_score": "50"}, {"name": "成果", "max_score": "50"}],
        actor=None,
    )
    with pytest.raises(ValidationError) as caught:
        services.defense_criteria_set(
            defense=defense,
            criteria=[{"name": "选题", "max_score": "0"}, {"name": "选题", "max_score": "5"}],
            actor=None,
        )
    assert caught.value.message_dict == {
        "criteria": ["“选题”的满分须为1到1000之间的数字。", "评分项“选题”重复。"]
    }
    score(defense, research["own"], staff, "40", "45")
    before = list(DefenseCriterion.objects.filter(defense=defense).values_list("name", "max_score"))
    with pytest.raises(ValidationError) as caught:
        services.defense_criteria_set(
            defense=defense, criteria=[{"name": "新项", "max_score": "100"}], actor=None
        )
    assert caught.value.message_dict == {"criteria": ["评委已开始评分，评分项不能再修改。"]}
    after = list(DefenseCriterion.objects.filter(defense=defense).values_list("name", "max_score"))
    assert after == before


def test_a_judge_who_scored_stays_on_the_panel(world, research):
    defense, staff, mentor = research["defense"], world["users"]["staff"], world["users"]["mentor"]
    score(defense, research["own"], mentor, "30", "50")
    with pytest.raises(ValidationError) as caught:
        services.defense_judges_set(defense=defense, judges=[staff], actor=None)
    assert "已评分，不能移出评委名单" in caught.value.message_dict["judges"][0]
    assert set(defense.judges.all()) == {staff, mentor}


# --- scoring ---------------------------------------------------------------------------------


def test_only_the_sessions_judges_score(world, research):
    defense = research["defense"]
    with pytest.raises(ValidationError) as caught:
        score(defense, research["own"], world["users"]["leader"], "30", "50")
    assert caught.value.message_dict == {"judge": ["您不是本次答辩会的评委。"]}
    with pytest.raises(ValidationError) as caught:
        score(defense, research["bystander"], world["users"]["staff"], "30", "50")
    assert caught.value.message_dict == {"topic": ["该课题不在本次答辩会中。"]}
    assert not DefenseScore.objects.exists()


def test_scoring_opens_at_the_session_and_closes_on_publication(world, research):
    staff, own = world["users"]["staff"], research["own"]
    later = make_defense(
        world["units"]["town"], judges=[staff],
        held_at=timezone.now() + datetime.timedelta(days=1), title="明天的答辩会",
    )  # fmt: skip
    services.defense_topics_set(defense=research["defense"], topics=[], actor=None)
    services.defense_topics_set(defense=later, topics=[own], actor=None)
    own.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        score(later, own, staff, "30", "50")
    assert "开始后才能评分" in caught.value.message_dict["judge"][0]
    services.defense_score(
        defense=later, topic=own, judge=staff, scores=card(later, "30", "50"),
        at=later.held_at + datetime.timedelta(minutes=1),
    )  # fmt: skip
    # Revising replaces the card.
    services.defense_score(
        defense=later, topic=own, judge=staff, scores=card(later, "35", "55"),
        at=later.held_at + datetime.timedelta(minutes=5),
    )  # fmt: skip
    assert sorted(DefenseScore.objects.values_list("score", flat=True)) == [
        Decimal("35.0"), Decimal("55.0")
    ]  # fmt: skip
    later.held_at = timezone.now() - datetime.timedelta(hours=1)
    later.save(update_fields=["held_at"])
    services.results_publish(defense=later, actor=None)
    with pytest.raises(ValidationError) as caught:
        score(later, own, staff, "40", "60")
    assert caught.value.message_dict == {"judge": ["答辩结果已发布，评分已结束。"]}
    services.results_withdraw(defense=later, actor=None)
    score(later, own, staff, "40", "60")  # open again
    assert DefenseScore.objects.filter(judge=staff).count() == 2


def test_a_score_above_the_maximum_is_refused_naming_the_criterion(world, research):
    defense = research["defense"]
    with pytest.raises(ValidationError) as caught:
        score(defense, research["own"], world["users"]["staff"], "41", "x")
    errors = caught.value.message_dict
    assert list(errors.values()) == [["“选题”的得分须在0到40.0之间。"], ["“成果”的得分须为数字。"]]
    assert not DefenseScore.objects.exists()


# --- ranking ---------------------------------------------------------------------------------


@pytest.fixture
def panel(world):
    """Four topics with reports and three judges on one defense."""
    office = world["units"]["office"]
    cadres = [f.CadreFactory(unit=office) for _ in range(4)]
    topics = [make_topic(office, c, title=f"课题{i}", report=True) for i, c in enumerate(cadres)]
    judges = [f.UserFactory(roles=["staff"], unit=world["units"]["town"]) for _ in range(3)]
    defense = make_defense(world["units"]["town"], topics=topics, judges=judges)
    return defense, topics, judges


def test_ties_share_a_rank_and_incomplete_cards_are_left_out(world, panel):
    defense, (a, b, c, _d), (j1, j2, j3) = panel
    for judge in (j1, j2):
        score(defense, a, judge, "30", "50")  # 80
        score(defense, b, judge, "35", "45")  # 80: tie with a
        score(defense, c, judge, "20", "40")  # 60
    # j3 starts a card for c with one criterion only: it must not count.
    DefenseScore.objects.create(
        topic=c, criterion=defense.criteria.order_by("position").first(), judge=j3,
        score=Decimal("0"),
    )  # fmt: skip
    results = selectors.defense_results(defense)
    ranked = [(r["topic"].title, r["result"].rank, r["result"].mean, r["result"].judges)
              for r in results["rows"]]  # fmt: skip
    assert ranked == [
        ("课题0", 1, Decimal("80.00"), 2),
        ("课题1", 1, Decimal("80.00"), 2),
        ("课题2", 3, Decimal("60.00"), 2),
        ("课题3", None, None, 0),
    ]
    assert [(j["judge"], j["done"], j["total"]) for j in results["judges"]] == [
        (j, n, 4) for j, n in sorted([(j1, 3), (j2, 3), (j3, 0)], key=lambda p: p[0].username)
    ]
    assert results["complete"] is False


# --- publication and points ------------------------------------------------------------------


def test_publishing_awards_points_and_withdrawing_takes_them_back(world, panel, research_rules):
    defense, (a, b, c, d), (j1, j2, _j3) = panel
    services.defense_judges_set(defense=defense, judges=[j1, j2], actor=None)
    services.leader_set(topic=a, cadre=world["cadres"]["bystander"], actor=None)  # a: 2 people
    a_leader, a_member = world["cadres"]["bystander"], a.members.get(role="member").cadre
    for judge in (j1, j2):
        score(defense, a, judge, "38", "58")  # 96 → 1st
        score(defense, b, judge, "30", "50")  # 80 → 2nd
        score(defense, c, judge, "20", "40")  # 60 → 3rd
        score(defense, d, judge, "10", "20")  # 30 → 4th
    defense = services.results_publish(defense=defense, actor=world["users"]["staff"])
    assert defense.results_version == 1
    assert points(a_leader) == Decimal("15")  # leader 5 + rank 1 10
    assert points(a_member) == Decimal("13")  # member 3 + rank 1 10
    assert points(b.members.get().cadre) == Decimal("11")  # leader 5 + rank 2 6
    assert points(c.members.get().cadre) == Decimal("9")  # 5 + 4
    assert points(d.members.get().cadre) == Decimal("5")  # completion only
    source = f"training.researchmember:{a.members.get(cadre=a_leader).pk}#1"
    assert set(PointEntry.objects.filter(source=source).values_list("event_kind", flat=True)) == {
        "training.research.completed.leader", "training.research.rank.1",
    }  # fmt: skip

    services.results_withdraw(defense=defense, actor=world["users"]["staff"])
    for cadre in (a_leader, a_member, d.members.get().cadre):
        assert points(cadre) == 0
    # Scores revised: d now wins; publishing again is version 2, scored afresh.
    for judge in (j1, j2):
        score(defense, d, judge, "40", "60")
    defense = services.results_publish(defense=defense, actor=None)
    assert defense.results_version == 2
    assert points(d.members.get().cadre) == Decimal("15")
    assert points(a_leader) == Decimal("11")  # 5 + rank 2
    assert PointEntry.objects.filter(source__endswith="#2").count() == 9


def test_publishing_twice_or_without_scores_is_refused(world, research):
    defense = research["defense"]
    with pytest.raises(ValidationError) as caught:
        services.results_publish(defense=defense, actor=None)
    assert caught.value.message_dict == {"publish": ["还没有课题获得完整评分，不能发布结果。"]}
    score(defense, research["own"], world["users"]["staff"], "30", "50")
    services.results_publish(defense=defense, actor=None)
    with pytest.raises(ValidationError):
        services.results_publish(defense=defense, actor=None)
    # While published the group is frozen (points are per member).
    with pytest.raises(ValidationError) as caught:
        services.member_add(topic=research["own"], cadre=world["cadres"]["bystander"], actor=None)
    assert "请先撤回结果发布" in caught.value.message_dict["cadre"][0]
