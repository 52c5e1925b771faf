"""API of guidance logs: access for every role, mentors writing only for their own current
mentees, the cadre's response, errors by field, points, deletion and constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring.models import GuidanceLog, Pairing
from scoring.models import PointEntry, PointRule
from tests.mentoring.guidance_helpers import ROLES, expect, log_for, make_guidance

URL = "/api/v1/guidance-logs/"


@pytest.fixture
def guidance(world):
    return make_guidance(world)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


LIST = expect(_=200, evaluator=403)


@pytest.mark.parametrize("role", ROLES)
def test_list_access_and_scope(world, guidance, role):
    g = guidance
    response = api(world["users"][role]).get(URL)
    assert response.status_code == LIST[ROLES.index(role)]
    if response.status_code != 200:
        return
    wanted = {
        "admin": {g["own"].pk, g["self"].pk, g["shared"].pk, g["far"].pk},
        "staff": {g["own"].pk, g["self"].pk, g["shared"].pk},
        "leader": {g["own"].pk, g["self"].pk, g["shared"].pk},
        "mentor": {g["own"].pk},
        "cadre": {g["self"].pk},
    }[role]
    assert _ids(response) == wanted


def _payload(pairing, **overrides):
    return {
        "pairing": pairing.pk,
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "method": "two_sends",
        "focus": ["thinking"],
        "content": "送学习资料并解答问题",
        "tasks": [{"text": "读书笔记一篇", "due_on": None}],
        **overrides,
    }


@pytest.mark.parametrize("role", ROLES)
def test_create_access(world, guidance, role):
    response = api(world["users"][role]).post(URL, _payload(guidance["own_pairing"]), format="json")
    expected = expect(_=403, mentor=201, admin=400)[ROLES.index(role)]
    assert response.status_code == expected


def test_mentor_creates_with_points_and_tasks(world, guidance):
    PointRule.objects.create(
        code="DB-01", name="导师帮带", category="learn", event_kind="mentoring.guidance.logged",
        points=Decimal("1.5"), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    response = api(world["users"]["mentor"]).post(
        URL, _payload(guidance["own_pairing"]), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["focus"], body["cadre_name"]) == (["thinking"], "李娜")
    assert [t["text"] for t in body["tasks"]] == ["读书笔记一篇"]
    entry = PointEntry.objects.get(source=f"mentoring.guidancelog:{body['id']}")
    assert entry.points == Decimal("1.5")
    # Deleting it (its author, same day) withdraws the points.
    assert api(world["users"]["mentor"]).delete(f"{URL}{body['id']}/").status_code == 204
    assert sum(e.points for e in PointEntry.objects.filter(source=entry.source)) == 0


def test_mentor_cannot_create_for_another_mentors_mentee(world, guidance):
    before = GuidanceLog.objects.count()
    response = api(world["users"]["mentor"]).post(
        URL, _payload(guidance["self_pairing"]), format="json"
    )
    assert response.status_code == 400
    assert "pairing" in response.json()
    assert GuidanceLog.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2999-01-01"}, "date", "帮带日期不能晚于今天。"),
        ({"focus": []}, "focus", "请至少选择一项帮带重点。"),
        ({"content": " "}, "content", "请填写帮带内容。"),
        ({"tasks": [{"text": " ", "due_on": "2030-01-01"}]}, "tasks", "布置任务必须填写任务内容。"),
    ],
)
def test_create_errors_by_field(world, guidance, overrides, field, message):
    before = GuidanceLog.objects.count()
    response = api(world["users"]["mentor"]).post(
        URL, _payload(guidance["own_pairing"], **overrides), format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert GuidanceLog.objects.count() == before


def test_mentor_updates_own_log(world, guidance):
    url = f"{URL}{guidance['own'].pk}/"
    response = api(world["users"]["mentor"]).patch(url, {"content": "改过的内容"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["content"] == "改过的内容"
    assert response.json()["focus"] == ["skills", "methods"]
    other = api(guidance["other_user"]).patch(url, {"content": "x"}, format="json")
    assert other.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_respond_access(world, guidance, role):
    response = api(world["users"][role]).post(
        f"{URL}{guidance['self'].pk}/respond/", {"response": "收到"}, format="json"
    )
    expected = expect(_=403, cadre=200, mentor=404, evaluator=403)[ROLES.index(role)]
    assert response.status_code == expected
    guidance["self"].refresh_from_db()
    assert guidance["self"].response == ("收到" if role == "cadre" else "")


def test_respond_empty_names_the_field(world, guidance):
    response = api(world["users"]["cadre"]).post(
        f"{URL}{guidance['self'].pk}/respond/", {"response": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["response"] == ["请填写反馈内容。"]


@pytest.mark.parametrize("role", ["staff", "mentor"])
def test_list_query_count_is_constant(world, django_assert_max_num_queries, role):
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    client = api(world["users"][role])
    for i in range(3):
        log_for(pairing, days_ago=i, tasks=[{"text": "任务", "due_on": None}])
    with django_assert_max_num_queries(12) as small:
        client.get(URL)
    for i in range(12):
        log_for(pairing, days_ago=i, tasks=[{"text": "任务", "due_on": None}])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 15
