"""The ledger's API: scoped reads, manual awards and reversals by staff, constant queries."""

import datetime
from decimal import Decimal

from scoring import services
from scoring.models import PointEntry

DAY = datetime.date(2024, 3, 1)


def _award_everyone(world):
    for cadre in world["cadres"].values():
        services.points_award(
            cadre=cadre, points=Decimal("2"), reason="x", actor=None, occurred_on=DAY
        )


def test_each_role_lists_only_its_cadres_entries(world, client):
    _award_everyone(world)
    expected = {"admin": 4, "staff": 3, "leader": 3, "mentor": 1, "cadre": 0}
    for role, count in expected.items():
        client.force_login(world["users"][role])
        body = client.get("/api/v1/point-entries/").json()
        assert body["count"] == count, role
    # A cadre sees their own points once the period holding them is published (公示).
    period = services.period_create(
        actor=None, name="2024年3月", unit=world["units"]["town"], start=DAY, end=DAY
    )
    services.period_publish(period=period, actor=None, today=DAY + datetime.timedelta(days=3))
    client.force_login(world["users"]["cadre"])
    assert client.get("/api/v1/point-entries/").json()["count"] == 1
    client.force_login(world["users"]["cadre"])
    names = {row["cadre_name"] for row in client.get("/api/v1/point-entries/").json()["results"]}
    assert names == {world["cadres"]["self"].name}
    other = PointEntry.objects.get(cadre=world["cadres"]["bystander"])
    assert client.get(f"/api/v1/point-entries/{other.pk}/").status_code == 404


def test_staff_award_and_reverse_through_the_api(world, client):
    client.force_login(world["users"]["staff"])
    bystander = world["cadres"]["bystander"]
    created = client.post(
        "/api/v1/point-entries/",
        {
            "cadre": bystander.pk,
            "points": "-1.50",
            "reason": "无故缺席",
            "occurred_on": "2024-03-04",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    refused = client.post(
        f"/api/v1/point-entries/{entry_id}/reverse/", {}, content_type="application/json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()
    reversed_ = client.post(
        f"/api/v1/point-entries/{entry_id}/reverse/",
        {"reason": "已补假"},
        content_type="application/json",
    )
    assert reversed_.status_code == 201
    assert reversed_.json()["points"] == "1.50"
    listed = {
        row["id"]: row["reversed"] for row in client.get("/api/v1/point-entries/").json()["results"]
    }
    assert listed[entry_id] is True


def test_awards_are_refused_outside_staff_scope_and_for_other_roles(world, client):
    outsider = world["cadres"]["outsider"]
    payload = {"cadre": outsider.pk, "points": "3", "reason": "x", "occurred_on": "2024-03-04"}
    client.force_login(world["users"]["staff"])
    response = client.post("/api/v1/point-entries/", payload, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"cadre"}
    for role in ("leader", "mentor", "cadre", "evaluator"):
        client.force_login(world["users"][role])
        payload["cadre"] = world["cadres"]["self"].pk
        assert (
            client.post(
                "/api/v1/point-entries/", payload, content_type="application/json"
            ).status_code
            == 403
        )
    assert not PointEntry.objects.exists()


def test_entry_list_queries_do_not_grow(world, client, django_assert_max_num_queries):
    client.force_login(world["users"]["staff"])
    _award_everyone(world)
    with django_assert_max_num_queries(9):
        assert client.get("/api/v1/point-entries/").status_code == 200
    for _ in range(30):
        _award_everyone(world)
    with django_assert_max_num_queries(9):
        assert client.get("/api/v1/point-entries/?page_size=200").json()["count"] == 93


def test_rule_api_validates_through_the_service(world, client):
    client.force_login(world["users"]["staff"])
    payload = {
        "code": "XK-09",
        "name": "参加菁学课堂",
        "category": "learn",
        "event_kind": "training.attendance.present",
        "points": "1",
        "cap_period": "month",
        "valid_from": "2024-03-01",
        "valid_to": "2024-01-01",
    }
    response = client.post("/api/v1/point-rules/", payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"cap_points", "valid_to"}
    payload.update(cap_points="5", valid_to=None)
    created = client.post("/api/v1/point-rules/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    edited = client.patch(
        f"/api/v1/point-rules/{created.json()['id']}/",
        {"cap_period": ""},
        content_type="application/json",
    )
    assert edited.status_code == 400 and "cap_period" in edited.json()
