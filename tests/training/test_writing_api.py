"""`/api/v1/writings/` and `/api/v1/collective-activities/`: access per role, scoped reads,
writes through the services with points, constant queries."""

import datetime
import itertools
from decimal import Decimal

import pytest

from scoring.models import PointEntry
from tests import factories as f
from tests.training.writing_helpers import ROLES, expect, pdf, points, rule, submit
from training.models import CollectiveParticipation, Writing
from training.services import collective as collective_services
from training.services import writing as services

_names = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pieces(world):
    c = world["cadres"]
    return {
        "own": submit(c["self"], title="我的稿件"),
        "colleague": submit(c["bystander"], actor=None, title="同事的稿件"),
        "other": submit(c["outsider"], actor=None, title="东湖镇稿件"),
    }


@pytest.fixture
def collectives(world):
    c = world["cadres"]

    def make(unit, title, *cadres):
        activity = collective_services.collective_create(
            actor=None, title=title, kind="volunteer", unit=unit,
            held_on=datetime.date(2025, 5, 4), place="", hours=Decimal("2"), description="",
        )  # fmt: skip
        collective_services.participants_record(activity=activity, cadres=cadres, actor=None)
        return activity

    return {
        "own": make(world["units"]["town"], "五四志愿服务", c["self"], c["mentee"]),
        "other": make(world["units"]["other_town"], "东湖镇志愿服务", c["outsider"]),
    }


READS = [
    ("writings", "/api/v1/writings/", expect(_=200, evaluator=403)),
    ("own writing", "/api/v1/writings/{own}/", expect(_=200, evaluator=403, mentor=404)),
    ("colleague's writing", "/api/v1/writings/{colleague}/",
     expect(_=200, evaluator=403, mentor=404, cadre=404)),
    ("other town's writing", "/api/v1/writings/{other}/", expect(_=404, admin=200, evaluator=403)),
    ("collectives", "/api/v1/collective-activities/", expect(_=200, evaluator=403)),
    ("collective", "/api/v1/collective-activities/{c_own}/", expect(_=200, evaluator=403)),
    ("other town's collective", "/api/v1/collective-activities/{c_other}/",
     expect(_=404, admin=200, evaluator=403)),
    ("participants", "/api/v1/collective-activities/{c_own}/participants/",
     expect(_=200, evaluator=403)),
]  # fmt: skip


def _path(url, pieces, collectives):
    return url.format(
        own=pieces["own"].pk,
        colleague=pieces["colleague"].pk,
        other=pieces["other"].pk,
        c_own=collectives["own"].pk,
        c_other=collectives["other"].pk,
    )


@pytest.mark.parametrize(("name", "url", "expected"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("role", ROLES)
def test_read_access_per_role(world, pieces, collectives, client, name, url, expected, role):
    client.force_login(world["users"][role])
    response = client.get(_path(url, pieces, collectives))
    assert response.status_code == expected[ROLES.index(role)]


WRITES = [
    ("verify", "post", "/api/v1/writings/{own}/verify/", {"level": "town"},
     expect(_=403, admin=200, staff=200)),
    ("verify other town's", "post", "/api/v1/writings/{other}/verify/", {},
     expect(_=403, admin=200, staff=404)),
    ("return", "post", "/api/v1/writings/{own}/return/", {"comment": "补充"},
     expect(_=403, admin=200, staff=200)),
    ("return other town's", "post", "/api/v1/writings/{other}/return/", {"comment": "补充"},
     expect(_=403, admin=200, staff=404)),
    ("change colleague's", "patch", "/api/v1/writings/{colleague}/", {"title": "改"},
     expect(_=403, admin=200, staff=200, cadre=404)),
    ("withdraw other town's", "delete", "/api/v1/writings/{other}/", None,
     expect(_=403, admin=204, staff=404, cadre=404)),
    ("create collective", "post", "/api/v1/collective-activities/", {"title": ""},
     expect(_=403, admin=400, staff=400)),
    ("change other town's collective", "patch", "/api/v1/collective-activities/{c_other}/",
     {"place": "x"}, expect(_=403, admin=200, staff=404)),
    ("add participants", "post", "/api/v1/collective-activities/{c_own}/participants/add/",
     {"cadres": []}, expect(_=403, admin=400, staff=400)),
    ("add to other town's", "post",
     "/api/v1/collective-activities/{c_other}/participants/add/", {"cadres": []},
     expect(_=403, admin=400, staff=404)),
    ("remove participants", "post",
     "/api/v1/collective-activities/{c_own}/participants/remove/", {"participations": [0]},
     expect(_=403, admin=400, staff=400)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), WRITES, ids=[w[0] for w in WRITES]
)
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(
    world, pieces, collectives, client, name, method, url, data, expected, role
):
    client.force_login(world["users"][role])
    before = (
        list(Writing.objects.order_by("pk").values_list("pk", "status", "title")),
        CollectiveParticipation.objects.count(),
    )
    response = getattr(client, method)(
        _path(url, pieces, collectives), data, content_type="application/json"
    )
    assert response.status_code == expected[ROLES.index(role)], response.content
    if response.status_code in (400, 403, 404):
        after = (
            list(Writing.objects.order_by("pk").values_list("pk", "status", "title")),
            CollectiveParticipation.objects.count(),
        )
        assert after == before


def test_cadre_creates_their_own_with_evidence_and_staff_verify(world, client):
    rule("training.writing.adopted.province", "10", "XC-05")
    rule("training.writing.adopted.city", "6", "XC-03")
    me = world["cadres"]["self"]
    client.force_login(world["users"]["cadre"])
    data = {
        "kind": "news", "title": "青年干部在一线", "outlet": "省报",
        "published_on": "2025-04-15", "level": "province",
    }  # fmt: skip
    missing = client.post("/api/v1/writings/", data)
    assert missing.status_code == 400
    assert "evidence" in missing.json()
    someone_else = client.post(
        "/api/v1/writings/", {**data, "cadre": world["cadres"]["bystander"].pk, "evidence": pdf()}
    )
    assert someone_else.status_code == 400 and "cadre" in someone_else.json()
    created = client.post("/api/v1/writings/", {**data, "evidence": pdf()})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["cadre"] == me.pk and body["status"] == "submitted"
    assert body["evidence_url"].endswith(f"/training/writing/{body['id']}/evidence/")
    assert body["duplicates"] == []
    again = client.post("/api/v1/writings/", {**data, "evidence": pdf()})
    assert again.json()["duplicates"] == [body["id"]]
    assert client.post(f"/api/v1/writings/{body['id']}/verify/", {}).status_code == 403

    client.force_login(world["users"]["staff"])
    verified = client.post(
        f"/api/v1/writings/{body['id']}/verify/", {"level": "city"}, content_type="application/json"
    )
    assert verified.status_code == 200, verified.content
    assert (verified.json()["level"], verified.json()["verify_version"]) == ("city", 1)
    assert points(me) == 6
    returned = client.post(
        f"/api/v1/writings/{body['id']}/return/", {"comment": ""}, content_type="application/json"
    )
    assert returned.status_code == 400 and "comment" in returned.json()
    returned = client.post(
        f"/api/v1/writings/{body['id']}/return/",
        {"comment": "采用层级待核实"},
        content_type="application/json",
    )
    assert returned.json()["status"] == "returned"
    assert points(me) == 0

    client.force_login(world["users"]["cadre"])
    assert client.delete(f"/api/v1/writings/{body['id']}/").status_code == 204
    assert not Writing.objects.filter(pk=body["id"]).exists()


def test_staff_create_on_behalf_and_cannot_edit_verified(world, client):
    client.force_login(world["users"]["staff"])
    created = client.post(
        "/api/v1/writings/",
        {"cadre": world["cadres"]["mentee"].pk, "kind": "gov_info", "title": "村情简报",
         "outlet": "镇党政办", "published_on": "2025-04-01", "level": ""},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    outsider = client.post(
        "/api/v1/writings/",
        {"cadre": world["cadres"]["outsider"].pk, "kind": "gov_info", "title": "越权",
         "outlet": "x", "published_on": "2025-04-01", "level": ""},
        content_type="application/json",
    )  # fmt: skip
    assert outsider.status_code == 400 and "cadre" in outsider.json()
    pk = created.json()["id"]
    services.writing_verify(writing=Writing.objects.get(pk=pk), actor=world["users"]["staff"])
    response = client.patch(
        f"/api/v1/writings/{pk}/", {"title": "改"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not PointEntry.objects.exists()  # 未采用 earns nothing


def test_collective_api_create_add_and_remove_with_points(world, client):
    rule("training.collective.outward", "2", "JT-03")
    client.force_login(world["users"]["staff"])
    created = client.post(
        "/api/v1/collective-activities/",
        {"title": "青年干部素质拓展", "kind": "outward", "unit": world["units"]["town"].pk,
         "held_on": "2025-06-01", "place": "拓展基地", "hours": "6", "description": ""},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["participants"] == 0
    pk = created.json()["id"]
    c = world["cadres"]
    added = client.post(
        f"/api/v1/collective-activities/{pk}/participants/add/",
        {"cadres": [c["self"].pk, c["mentee"].pk], "note": "优秀"},
        content_type="application/json",
    )
    assert added.status_code == 200, added.content
    assert sorted(r["cadre_name"] for r in added.json()) == ["张伟", "李娜"]
    assert points(c["self"]) == 2
    outsider = client.post(
        f"/api/v1/collective-activities/{pk}/participants/add/",
        {"cadres": [c["outsider"].pk]},
        content_type="application/json",
    )
    assert outsider.status_code == 400 and "cadres" in outsider.json()
    changed = client.patch(
        f"/api/v1/collective-activities/{pk}/", {"kind": "labour"}, content_type="application/json"
    )
    assert changed.status_code == 400 and "kind" in changed.json()
    row = next(r for r in added.json() if r["cadre_name"] == "张伟")
    removed = client.post(
        f"/api/v1/collective-activities/{pk}/participants/remove/",
        {"participations": [row["id"]]},
        content_type="application/json",
    )
    assert removed.status_code == 204
    assert points(c["self"]) == 0
    listed = client.get(f"/api/v1/collective-activities/{pk}/").json()
    assert listed["participants"] == 1


def test_cadre_sees_only_their_collectives(world, collectives, client):
    client.force_login(world["users"]["cadre"])
    rows = client.get("/api/v1/collective-activities/").json()["results"]
    assert [r["title"] for r in rows] == ["五四志愿服务"]
    roll = client.get(f"/api/v1/collective-activities/{collectives['own'].pk}/participants/")
    assert [r["cadre_name"] for r in roll.json()["results"]] == ["张伟"]


@pytest.mark.parametrize("url", ["/api/v1/writings/", "/api/v1/collective-activities/"])
def test_list_queries_are_constant(
    world, client, url, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            cadre = f.CadreFactory(unit=unit)
            writing = submit(cadre, actor=None, title=f"稿{next(_names)}")
            services.writing_verify(writing=writing, actor=None)
            activity = collective_services.collective_create(
                actor=None, title="活动", kind="other", unit=unit, held_on=datetime.date(2025, 1, 2),
                place="", hours=Decimal("1"), description="",
            )  # fmt: skip
            collective_services.participants_record(activity=activity, cadres=[cadre], actor=None)

    grow(5)
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url)
    assert response.json()["count"] == 5
    grow(20)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.json()["count"] == 25
