"""Hand-made URLs and posts: out-of-range positions, other scripts' digits and far-off
years get a clear answer (or are ignored), never a server error."""

import pytest

from core.forms import parse_id
from tests.training.forum_helpers import make_forum
from tests.training.research_fixtures import make_defense


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("١٢", None), ("-1", None), ("1e3", None), ("", None),
     (None, None), ("9" * 19, None)],
)  # fmt: skip
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/training/calendar/?month=9999-12",
        "/training/calendar/?month=1-1",
        "/training/calendar/?month=99999999999999999999-1",
        "/training/calendar/?month=²-1",
        "/training/fund/spendings/new/?budget=²&activity=²",
        "/training/postings/new/?task_force=²",
        "/api/v1/forums/?year=99999",
        "/api/v1/forums/?year=2024&quarter=12",
        "/api/v1/forums/?year=²",
    ],
)
def test_odd_query_strings_are_ignored(world, client_for, url):
    assert client_for(world["users"]["staff"]).get(url).status_code == 200


def test_a_speaker_position_beyond_the_column_is_refused_by_field(world, client_for):
    forum = make_forum(world["units"]["town"])
    response = client_for(world["users"]["staff"]).post(
        f"/api/v1/forums/{forum.pk}/speakers/",
        {"cadre": world["cadres"]["self"].pk, "talk_title": "乡村振兴", "position": 99999},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["position"]
    assert not forum.speakers.exists()


def test_criteria_positions_are_clamped_and_foreign_digits_skipped(world, client_for):
    defense = make_defense(world["units"]["town"], criteria=())
    client = client_for(world["users"]["staff"])
    response = client.post(
        f"/research/defenses/{defense.pk}/criteria/",
        {"name-0": "选题", "max-0": "40", "position-0": "99999", "name-²": "x", "max-²": "1"},
    )
    assert response.status_code == 302
    assert list(defense.criteria.values_list("name", "position")) == [("选题", 32767)]
