"""`/api/v1/forums/`: access per role, staff writes through the services, nested speakers and
attendees, judges' cards, publish / unpublish with points, constant queries."""

import itertools
from decimal import Decimal

import pytest

from tests import factories as f
from tests.training.forum_helpers import PAST, make_forum, points, rubric, rules
from tests.training.test_forums_pages import ROLES, _expect, forums  # noqa: F401 (fixture)
from training.models import Forum, ForumScore
from training.services import forums as services

_names = itertools.count(1)

ENDPOINTS = [
    ("list", "get", "/api/v1/forums/", _expect(_=200, evaluator=403)),
    ("list by year", "get", "/api/v1/forums/?year=2020&quarter=1", _expect(_=200, evaluator=403)),
    ("detail", "get", "/api/v1/forums/{own}/", _expect(_=200, evaluator=403)),
    ("other's detail", "get", "/api/v1/forums/{other}/", _expect(_=404, admin=200, evaluator=403)),
    ("speakers", "get", "/api/v1/forums/{own}/speakers/", _expect(_=200, evaluator=403)),
    ("attendees", "get", "/api/v1/forums/{own}/attendees/", _expect(_=200, evaluator=403)),
    ("results", "get", "/api/v1/forums/{own}/results/", _expect(_=200, evaluator=403)),
    (
        "other's results",
        "get",
        "/api/v1/forums/{other}/results/",
        _expect(_=404, admin=200, evaluator=403),
    ),
    ("scores", "post", "/api/v1/forums/{own}/scores/", _expect(_=404, leader=200, mentor=200)),
    ("other's scores", "post", "/api/v1/forums/{other}/scores/", _expect(_=404)),
    ("publish", "post", "/api/v1/forums/{own}/publish/", _expect(_=403, admin=200, staff=200)),
    (
        "other's publish",
        "post",
        "/api/v1/forums/{other}/publish/",
        _expect(_=403, admin=400, staff=404),
    ),
    ("unpublish", "post", "/api/v1/forums/{own}/unpublish/", _expect(_=403, admin=400, staff=400)),
    (
        "speaker add",
        "post",
        "/api/v1/forums/{own}/speakers/",
        _expect(_=403, admin=201, staff=201),
    ),
    (
        "speaker remove",
        "delete",
        "/api/v1/forums/{own}/speakers/{speaker}/",
        _expect(_=403, admin=204, staff=204),
    ),
    (
        "attendee remove",
        "delete",
        "/api/v1/forums/{own}/attendees/{attendee}/",
        _expect(_=403, admin=204, staff=204),
    ),
    ("patch", "patch", "/api/v1/forums/{own}/", _expect(_=403, admin=200, staff=200)),
    ("other's patch", "patch", "/api/v1/forums/{other}/", _expect(_=403, admin=200, staff=404)),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
@pytest.mark.parametrize("role", ROLES)
def test_endpoint_access_per_role(world, forums, client, name, method, url, expected, role):  # noqa: F811
    client.force_login(world["users"][role])
    own = forums["own"]
    path = url.format(
        own=own.pk,
        other=forums["other"].pk,
        speaker=forums["speaker"].pk,
        attendee=own.attendees.get().pk,
    )
    data = {}
    if name.endswith("scores"):
        data = {"speaker": forums["speaker"].pk,
                "scores": {str(c.pk): "10" for c in own.criteria.all()}}  # fmt: skip
    elif name == "speaker add":
        data = {"cadre": world["cadres"]["bystander"].pk, "talk_title": "新题目"}
    elif "patch" in name:
        data = {"place": "新会场"}
    response = getattr(client, method)(path, data, content_type="application/json")
    assert response.status_code == expected[ROLES.index(role)], response.content


def test_results_are_scoped_by_role(world, forums, client_for):  # noqa: F811
    own = forums["own"]
    url = f"/api/v1/forums/{own.pk}/results/"
    staff = client_for(world["users"]["staff"]).get(url).json()
    assert [(r["cadre_name"], r["rank"], r["mean"]) for r in staff] == [("张伟", 1, "70.00")]
    assert client_for(world["users"]["cadre"]).get(url).json() == []  # not yet published
    services.forum_results_publish(forum=own, actor=None)
    mine = client_for(world["users"]["cadre"]).get(url).json()
    assert [(r["cadre_name"], r["rank"]) for r in mine] == [("张伟", 1)]
    assert client_for(world["users"]["mentor"]).get(url).json() == []  # mentee only attends


def test_staff_create_validate_and_publish_with_points(world, forums, client_for):  # noqa: F811
    rules()
    client = client_for(world["users"]["staff"])
    payload = {
        "title": "第三期", "format": "reading", "topic": "读书分享",
        "unit": world["units"]["town"].pk, "starts_at": PAST.isoformat(),
        "ends_at": PAST.isoformat(), "place": "图书室", "hours": "1.5",
    }  # fmt: skip
    bad = client.post("/api/v1/forums/", payload, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"ends_at"}
    payload["ends_at"] = (PAST.replace(hour=23)).isoformat()
    payload["unit"] = world["units"]["other_town"].pk
    assert (
        client.post("/api/v1/forums/", payload, content_type="application/json").status_code == 400
    )
    payload["unit"] = world["units"]["town"].pk
    created = client.post("/api/v1/forums/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["series"], body["speaker_count"], body["results_version"]) == ("金城青年说", 0, 0)

    own = forums["own"]
    added = client.post(f"/api/v1/forums/{own.pk}/attendees/",
                        {"cadres": [world["cadres"]["self"].pk]},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == 400
    assert "同一人不能既是主讲人又是参加人员" in added.json()["cadres"][0]
    added = client.post(f"/api/v1/forums/{own.pk}/attendees/",
                        {"unit": world["units"]["office"].pk}, content_type="application/json")  # fmt: skip
    assert added.status_code == 201
    assert {r["cadre_name"] for r in added.json()} == {"李娜", "王芳"}
    assert points(world["cadres"]["bystander"]) == Decimal(1)

    published = client.post(f"/api/v1/forums/{own.pk}/publish/")
    assert published.status_code == 200 and published.json()["results_version"] == 1
    assert points(world["cadres"]["self"]) == Decimal(2 + 5)
    withdrawn = client.post(f"/api/v1/forums/{own.pk}/unpublish/", {"reason": "更正"},
                            content_type="application/json")  # fmt: skip
    assert withdrawn.status_code == 200 and withdrawn.json()["results_published_at"] is None
    assert points(world["cadres"]["self"]) == 0


def test_judge_submits_a_card_with_field_errors(world, forums, client_for):  # noqa: F811
    own, speaker = forums["own"], forums["speaker"]
    client = client_for(world["users"]["leader"])
    first, second, third = own.criteria.all()
    bad = client.post(
        f"/api/v1/forums/{own.pk}/scores/",
        {"speaker": speaker.pk, "scores": {str(first.pk): "41", str(second.pk): "30"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        f"criterion_{first.pk}": ["“评分项1”的得分须在0到40.0之间。"],
        f"criterion_{third.pk}": ["请为“评分项3”打分。"],
    }
    ok = client.post(
        f"/api/v1/forums/{own.pk}/scores/",
        {"speaker": speaker.pk, "scores": {str(first.pk): "40", str(second.pk): "30",
                                           str(third.pk): "30"}},
        content_type="application/json",
    )  # fmt: skip
    assert ok.json() == {"speaker": speaker.pk, "saved": 3}
    assert sum(ForumScore.objects.filter(judge=world["users"]["leader"])
               .values_list("score", flat=True)) == Decimal(100)  # fmt: skip
    other = client.post(f"/api/v1/forums/{own.pk}/scores/",
                        {"speaker": 999999, "scores": {}}, content_type="application/json")  # fmt: skip
    assert other.status_code == 400 and "speaker" in other.json()


def test_forum_list_api_queries_are_constant(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["staff"])

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            forum = make_forum(unit, title=f"论坛{next(_names)}")
            rubric(forum)
            services.speaker_add(forum=forum, cadre=f.CadreFactory(unit=unit), talk_title="t",
                                 actor=None)  # fmt: skip

    grow(3)
    client.get("/api/v1/forums/")
    with django_assert_max_num_queries(12) as small:
        body = client.get("/api/v1/forums/").json()
    assert body["count"] == 3
    grow(12)
    with django_assert_num_queries(len(small)):
        body = client.get("/api/v1/forums/").json()
    assert body["count"] == 15
    assert all(r["speaker_count"] == 1 for r in body["results"])


def test_delete_only_unscored_forums_and_by_admin(world, forums, client_for):  # noqa: F811
    spare = make_forum(world["units"]["town"], title="备用")
    assert (
        client_for(world["users"]["staff"]).delete(f"/api/v1/forums/{spare.pk}/").status_code == 403
    )
    admin = client_for(world["users"]["admin"])
    assert admin.delete(f"/api/v1/forums/{spare.pk}/").status_code == 204
    services.forum_results_publish(forum=forums["own"], actor=None)
    assert admin.delete(f"/api/v1/forums/{forums['own'].pk}/").status_code == 400
    assert Forum.objects.filter(pk=forums["own"].pk).exists()
