"""`/api/v1/activities/`: scoped reads, staff writes through the services, the roll and
attendance, constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from training import services
from training.models import Participant

START = timezone.make_aware(datetime.datetime(2024, 5, 10, 9, 0))


def payload(world, **overrides):
    return {
        "title": "乡村振兴政策解读",
        "type": "theory",
        "theme": "agriculture",
        "unit": world["units"]["town"].pk,
        "starts_at": START.isoformat(),
        "ends_at": (START + datetime.timedelta(hours=2)).isoformat(),
        "place": "镇党校101室",
        "hours": "2.0",
        **overrides,
    }


@pytest.fixture
def activity(world):
    made = services.activity_create(
        actor=None, title="党性教育专题", type="party_spirit", theme="", unit=world["units"]["town"],
        starts_at=START, ends_at=START + datetime.timedelta(hours=2), place="镇党校",
        speaker="", hours=Decimal("2"), capacity=None, cost=None,
    )  # fmt: skip
    c = world["cadres"]
    services.participants_invite(
        activity=made, cadres=[c["self"], c["mentee"], c["bystander"]], actor=None
    )
    return made


def test_staff_create_validate_and_mark_attendance(world, client, activity):
    PointRule.objects.create(
        code="XK-01", name="参加菁学课堂", category="learn", event_kind="training.attendance.present",
        points=Decimal("2"), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    client.force_login(world["users"]["staff"])
    bad = client.post(
        "/api/v1/activities/",
        payload(world, ends_at=START.isoformat(), hours="0"),
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"ends_at", "hours"} <= set(bad.json())
    other_town = payload(world, unit=world["units"]["other_town"].pk)
    assert (
        client.post("/api/v1/activities/", other_town, content_type="application/json").status_code
        == 400
    )
    created = client.post("/api/v1/activities/", payload(world), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["invited"] == 0
    me = Participant.objects.get(activity=activity, cadre=world["cadres"]["self"])
    marked = client.post(
        f"/api/v1/activities/{activity.pk}/attendance/",
        {"marks": {str(me.pk): "present"}},
        content_type="application/json",
    )
    assert marked.status_code == 200, marked.content
    assert {r["cadre_name"]: r["attendance"] for r in marked.json()}["张伟"] == "present"
    assert PointEntry.objects.get().points == Decimal("2")
    wrong = client.post(
        f"/api/v1/activities/{activity.pk}/attendance/",
        {"marks": {str(me.pk): "sleeping"}},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "marks" in wrong.json()


@pytest.mark.parametrize(
    ("role", "listed", "roll", "mark"),
    [
        ("admin", 1, 3, 200),
        ("staff", 1, 3, 200),
        ("leader", 1, 3, 403),
        ("mentor", 1, 1, 403),  # the mentee only
        ("cadre", 1, 1, 403),  # themself only
        ("evaluator", 403, 403, 403),
    ],
)
def test_every_role_on_the_activities_api(world, client, activity, role, listed, roll, mark):
    client.force_login(world["users"][role])
    response = client.get("/api/v1/activities/")
    if listed == 403:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == listed
    response = client.get(f"/api/v1/activities/{activity.pk}/participants/")
    if roll == 403:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == roll
    me = Participant.objects.get(activity=activity, cadre=world["cadres"]["self"])
    response = client.post(
        f"/api/v1/activities/{activity.pk}/attendance/",
        {"marks": {str(me.pk): "late"}},
        content_type="application/json",
    )
    assert response.status_code == mark


def test_another_towns_activity_is_not_found_for_staff(world, client):
    theirs = services.activity_create(
        actor=None, title="东湖镇的课", type="theory", theme="", unit=world["units"]["other_town"],
        starts_at=START, ends_at=START + datetime.timedelta(hours=1), place="东湖",
        speaker="", hours=Decimal("1"), capacity=None, cost=None,
    )  # fmt: skip
    client.force_login(world["users"]["staff"])
    assert client.get(f"/api/v1/activities/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/activities/{theirs.pk}/attendance/",
            {"marks": {}},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_activity_list_runs_constant_queries(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])

    def grow(n):
        for i in range(n):
            made = services.activity_create(
                actor=None, title=f"课{i}", type="theory", theme="", unit=world["units"]["office"],
                starts_at=START + datetime.timedelta(days=i), ends_at=START + datetime.timedelta(days=i, hours=1),
                place="党校", speaker="", hours=Decimal("1"), capacity=None, cost=None,
            )  # fmt: skip
            services.participants_invite(
                activity=made, cadres=[world["cadres"]["self"]], actor=None
            )

    grow(3)
    client.get("/api/v1/activities/")
    with django_assert_max_num_queries(10) as small:
        assert client.get("/api/v1/activities/").json()["count"] == 3
    grow(12)
    with django_assert_num_queries(len(small)):
        assert client.get("/api/v1/activities/").json()["count"] == 15
