"""The helpers forums and research defenses share beyond score cards: the results table with
each judge's progress, the rubric freeze, publishing under a new version, the judge's own
cards, and the scoring page's cards."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tests import factories as f
from tests.training.forum_helpers import card, make_forum, rubric
from training.models import ForumScore
from training.selectors.judging import judge_cards, results_table, rubric_frozen
from training.services.forums import speaker_add
from training.services.judging import (
    decimal_or_none,
    results_mark_published,
    results_mark_withdrawn,
    score_card_field,
)
from training.views.judging import card_errors, flash_outcome, score_cards


@pytest.fixture
def panel(world):
    forum = make_forum(world["units"]["town"])
    criteria = rubric(forum, 40, 30, 30)
    speakers = [
        speaker_add(forum=forum, cadre=f.CadreFactory(unit=world["units"]["office"]),
                    talk_title=f"发言{i}", actor=None)
        for i in range(3)
    ]  # fmt: skip
    judges = sorted((f.UserFactory(roles=["leader"]) for _ in range(2)), key=lambda u: u.username)
    forum.judges.set(judges)
    return {"forum": forum, "criteria": criteria, "speakers": speakers, "judges": judges}


def table(panel):
    return results_table(
        score_model=ForumScore,
        subject_field="speaker",
        subjects=panel["speakers"],
        criteria=panel["criteria"],
        judges=panel["judges"],
    )


def test_results_table_ranks_and_counts_each_judges_complete_cards(panel):
    (a, b, c), (j1, j2) = panel["speakers"], panel["judges"]
    for speaker in (a, b, c):
        card(speaker, j1, "30", "20", "20")
    card(b, j2, "40", "30", "30")
    ForumScore.objects.create(speaker=c, criterion=panel["criteria"][0], judge=j2, score=1)
    data = table(panel)
    assert [(r.subject, r.result.rank, r.result.mean) for r in data["rows"]] == [
        (b, 1, Decimal("85.00")), (a, 2, Decimal("70.00")), (c, 2, Decimal("70.00")),
    ]  # fmt: skip
    assert data["rows"][0].by_criterion == [Decimal("35.00"), Decimal("25.00"), Decimal("25.00")]
    assert [(p.judge, p.done, p.total) for p in data["judges"]] == [(j1, 3, 3), (j2, 1, 3)]
    assert (data["judges_done"], data["complete"]) == (1, False)
    card(a, j2, "1", "1", "1")
    card(c, j2, "1", "1", "1")
    assert (table(panel)["judges_done"], table(panel)["complete"]) == (2, True)


def test_results_table_with_nothing_to_score_is_not_complete(panel):
    data = results_table(score_model=ForumScore, subject_field="speaker", subjects=[],
                         criteria=panel["criteria"], judges=panel["judges"])  # fmt: skip
    assert data["rows"] == [] and data["complete"] is False and data["judges_done"] == 0


def test_rubric_freezes_with_the_first_score_and_judge_cards_are_the_judges_own(panel):
    speaker, (j1, j2) = panel["speakers"][0], panel["judges"]
    assert not rubric_frozen(panel["forum"])
    card(speaker, j1, "30", "20", "20")
    assert rubric_frozen(panel["forum"])
    mine = judge_cards(ForumScore.objects.filter(judge=j1), subject_field="speaker")
    assert mine == {speaker.pk: dict(zip([c.pk for c in panel["criteria"]],
                                         [Decimal("30.0"), Decimal("20.0"), Decimal("20.0")],
                                         strict=True))}  # fmt: skip
    assert judge_cards(ForumScore.objects.filter(judge=j2), subject_field="speaker") == {}


def test_publishing_bumps_the_version_and_withdrawing_keeps_it(panel):
    forum = panel["forum"]
    assert results_mark_published(forum) == 1
    forum.refresh_from_db()
    assert forum.results_published_at is not None and forum.results_version == 1
    results_mark_withdrawn(forum)
    forum.refresh_from_db()
    assert forum.results_published_at is None and forum.results_version == 1
    assert results_mark_published(forum) == 2


@pytest.mark.parametrize(("raw", "value"), [("12.5", Decimal("12.5")), (" 3 ", Decimal(3)),
                                            ("x", None), ("", None), ("NaN", None), (None, None)])  # fmt: skip
def test_decimal_or_none(raw, value):
    assert decimal_or_none(raw) == value


def test_score_cards_keep_what_the_judge_typed_on_the_refused_card(panel):
    (a, b, _c), (first, second, third) = panel["speakers"], panel["criteria"]
    saved = {a.pk: {first.pk: Decimal(30), second.pk: Decimal(20), third.pk: Decimal(20)}}
    errors = {score_card_field(second): ["错误"], "judge": ["您不是本期论坛的评委。"]}
    cards = score_cards(subjects=panel["speakers"], criteria=panel["criteria"], saved=saved,
                        failed=b.pk, posted={first.pk: "45", second.pk: "x"}, errors=errors)  # fmt: skip
    assert [c["done"] for c in cards] == [True, False, False]
    assert [fld["value"] for fld in cards[0]["fields"]] == [Decimal(30), Decimal(20), Decimal(20)]
    assert [fld["value"] for fld in cards[1]["fields"]] == ["45", "x", ""]
    assert [fld["errors"] for fld in cards[1]["fields"]] == [[], ["错误"], []]
    assert cards[1]["general"] == ["您不是本期论坛的评委。"] and cards[0]["general"] == []


def test_card_errors_of_a_message_without_field():
    assert card_errors(ValidationError("整张")) == {"__all__": ["整张"]}
    assert card_errors(ValidationError({"judge": "评委"})) == {"judge": ["评委"]}


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_flash_outcome_says_what_happened():
    request = _request()
    assert flash_outcome(request, lambda: None, "好") is True

    def refuse():
        raise ValidationError({"publish": "不行"})

    assert flash_outcome(request, refuse, "好") is False
    assert [str(m) for m in get_messages(request)] == ["好", "不行"]
