"""The shared judging code (score cards and ranked results), used by forums and defenses:
complete cards only, bounds, revision, competition ranking."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from tests.training.forum_helpers import make_forum, rubric
from training.models import ForumScore
from training.selectors.judging import judged_results
from training.services.forums import speaker_add
from training.services.judging import score_card_field, score_card_save


@pytest.fixture
def panel(world):
    forum = make_forum(world["units"]["town"])
    criteria = rubric(forum, 40, 30, 30)
    speakers = [
        speaker_add(forum=forum, cadre=f.CadreFactory(unit=world["units"]["office"]),
                    talk_title=f"发言{i}", actor=None)
        for i in range(4)
    ]  # fmt: skip
    judges = [f.UserFactory(roles=["leader"]) for _ in range(3)]
    return {"forum": forum, "criteria": criteria, "speakers": speakers, "judges": judges}


def save(panel, speaker, judge, values):
    return score_card_save(
        score_model=ForumScore,
        subject_field="speaker",
        subject=speaker,
        criteria=panel["criteria"],
        judge=judge,
        scores=dict(zip([c.pk for c in panel["criteria"]], values, strict=True)),
    )


def results(panel):
    return judged_results(
        score_model=ForumScore,
        subject_field="speaker",
        subject_ids=[s.pk for s in panel["speakers"]],
        criteria_count=len(panel["criteria"]),
    )


def test_a_complete_card_is_required(panel):
    speaker, judge = panel["speakers"][0], panel["judges"][0]
    first, second, third = panel["criteria"]
    with pytest.raises(ValidationError) as caught:
        score_card_save(
            score_model=ForumScore, subject_field="speaker", subject=speaker,
            criteria=panel["criteria"], judge=judge, scores={first.pk: "30", second.pk: ""},
        )  # fmt: skip
    errors = caught.value.message_dict
    assert set(errors) == {score_card_field(second), score_card_field(third)}
    assert errors[score_card_field(third)] == ["请为“评分项3”打分。"]
    assert not ForumScore.objects.exists()


def test_no_rubric_no_card(panel):
    with pytest.raises(ValidationError, match="尚未设置评分项"):
        score_card_save(
            score_model=ForumScore, subject_field="speaker", subject=panel["speakers"][0],
            criteria=[], judge=panel["judges"][0], scores={},
        )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("41", "“评分项1”的得分须在0到40.0之间。"),
        ("-1", "“评分项1”的得分须在0到40.0之间。"),
        ("40.01", "“评分项1”的得分须在0到40.0之间。"),
        ("abc", "“评分项1”的得分须为数字。"),
        ("NaN", "“评分项1”的得分须在0到40.0之间。"),
        ("Infinity", "“评分项1”的得分须在0到40.0之间。"),
    ],
)
def test_out_of_bounds_scores_are_refused_with_the_criterion_named(panel, value, message):
    with pytest.raises(ValidationError) as caught:
        save(panel, panel["speakers"][0], panel["judges"][0], [value, "20", "20"])
    assert caught.value.message_dict == {score_card_field(panel["criteria"][0]): [message]}
    assert not ForumScore.objects.exists()


def test_bounds_are_inclusive_and_keys_may_be_strings_or_field_names(panel):
    first, second, third = panel["criteria"]
    score_card_save(
        score_model=ForumScore, subject_field="speaker", subject=panel["speakers"][0],
        criteria=panel["criteria"], judge=panel["judges"][0],
        scores={str(first.pk): "40", score_card_field(second): 0, third.pk: "29.96"},
    )  # fmt: skip
    assert sorted(ForumScore.objects.values_list("score", flat=True)) == [
        Decimal("0.0"), Decimal("30.0"), Decimal("40.0"),
    ]  # fmt: skip


def test_a_revision_replaces_the_card(panel):
    speaker, judge = panel["speakers"][0], panel["judges"][0]
    save(panel, speaker, judge, ["30", "20", "20"])
    save(panel, speaker, judge, ["35", "25", "25"])
    assert ForumScore.objects.count() == 3
    assert results(panel)[0].mean == Decimal("85.00")


def test_incomplete_cards_are_left_out_of_totals_and_criterion_means(panel):
    speaker = panel["speakers"][0]
    a, b, c = panel["judges"]
    save(panel, speaker, a, ["30", "20", "20"])
    save(panel, speaker, b, ["40", "30", "30"])
    # Judge c's card lost a score (e.g. a criterion row deleted): it must not count at all.
    save(panel, speaker, c, ["0", "0", "0"])
    ForumScore.objects.filter(judge=c, criterion=panel["criteria"][2]).delete()
    top = next(r for r in results(panel) if r.subject_id == speaker.pk)
    assert top.judges == 2
    assert top.mean == Decimal("85.00")
    assert top.by_criterion == {
        panel["criteria"][0].pk: Decimal("35.00"),
        panel["criteria"][1].pk: Decimal("25.00"),
        panel["criteria"][2].pk: Decimal("25.00"),
    }


def test_competition_ranking_with_ties_and_unscored_last(panel):
    s1, s2, s3, s4 = panel["speakers"]
    judge = panel["judges"][0]
    save(panel, s1, judge, ["30", "20", "20"])  # 70
    save(panel, s2, judge, ["30", "20", "20"])  # 70
    save(panel, s3, judge, ["20", "20", "20"])  # 60
    ranked = results(panel)
    assert [(r.subject_id, r.rank, r.mean) for r in ranked] == [
        (s1.pk, 1, Decimal("70.00")),
        (s2.pk, 1, Decimal("70.00")),
        (s3.pk, 3, Decimal("60.00")),
        (s4.pk, None, None),
    ]


def test_results_take_one_query(panel, django_assert_num_queries):
    for speaker in panel["speakers"]:
        for judge in panel["judges"]:
            save(panel, speaker, judge, ["10", "10", "10"])
    with django_assert_num_queries(1):
        assert [r.rank for r in results(panel)] == [1, 1, 1, 1]
