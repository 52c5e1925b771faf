"""The home page's training to-do card: what waits for each user, with counts and links."""

import re

import pytest

from tests.training.forum_helpers import make_forum
from tests.training.postings_world import TODAY, make_postings
from training.services import forums as forum_services


@pytest.fixture
def todo(world):
    data = make_postings(world)
    forum = make_forum(world["units"]["town"])
    judge = world["users"]["evaluator"]
    forum_services.judges_set(
        forum=forum, judges=[judge], allowed=type(judge).objects.all(), actor=None
    )
    return data


def _card(client, user) -> dict[str, int]:
    client.force_login(user)
    html = client.get("/").content.decode()
    match = re.search(r'data-testid="training-todo".*?</div>', html, re.S)
    if match is None:
        return {}
    rows = re.findall(
        r'<a href="([^"]+)">([^<]+)</a> <span class="badge[^"]*">(\d+)</span>', match[0]
    )
    return {label: (url, int(count)) for url, label, count in rows}


def test_supervisor_without_a_role_sees_reports_to_review(world, client, todo):
    assert _card(client, todo["supervisor"]) == {
        "待审核月报": ("/training/monthly-reports/pending/", 1)
    }


def test_judge_sees_the_forum_to_score(world, client, todo):
    assert _card(client, world["users"]["evaluator"]) == {"论坛评分任务": ("/forums/scoring/", 1)}


def test_cadre_sees_own_overdue_monthly_reports(world, client, todo):
    # Filed: three months ago. Missing: two months ago (always past its deadline on the 5th)
    # and last month (past it after the 5th of this month).
    expected = 1 + (TODAY.day > 5)
    assert _card(client, world["users"]["cadre"]) == {
        "逾期未报月报": ("/training/postings/mine/", expected)
    }


def test_nothing_waiting_no_card(world, client, todo):
    assert _card(client, world["users"]["mentor"]) == {}
    assert _card(client, world["users"]["leader"]) == {}
