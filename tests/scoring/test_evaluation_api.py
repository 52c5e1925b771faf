"""`/api/v1/evaluation-rounds/`: scoped reads with progress, staff set-up and workflow through
the services (errors as JSON naming the field), results of visible cadres only."""

from decimal import Decimal

import pytest

from scoring import services
from scoring.choices import Dimension, EntryKind, RoundStatus
from scoring.models import EvaluationRound, PointEntry
from tests import factories as f
from tests.scoring.test_evaluation_pages import (
    DAY,
    ROLES,
    TODAY,
    _serial,
    assign,
    finalised_round,
    make_round,
    open_round,
    submit,
)

URL = "/api/v1/evaluation-rounds/"
DIMENSIONS = Dimension.values


def payload(unit, **overrides) -> dict:
    return {
        "name": "2024年度评价",
        "kind": "year",
        "unit": unit.pk,
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "opens_on": (TODAY - DAY).isoformat(),
        "closes_on": (TODAY + 7 * DAY).isoformat(),
        "points_factor": "0.1",
        **overrides,
    }


def test_staff_run_a_round_through_the_api(world, client):
    staff = world["users"]["staff"]
    c = world["cadres"]
    evaluator = world["users"]["evaluator"]
    colleague = f.UserFactory(username="colleague", roles=["evaluator"])
    client.force_login(staff)
    created = client.post(
        URL,
        payload(
            world["units"]["town"],
            dimension_weights=dict.fromkeys(DIMENSIONS, 1) | {"performance": 3},
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    round_ = EvaluationRound.objects.get(pk=body["id"])
    assert body["status"] == "draft" and (body["assigned"], body["submitted"]) == (0, 0)
    assert body["group_weights"] == {"leader": 40, "colleague": 30, "mentor": 20, "public": 10}
    assert body["dimension_weights"]["performance"] == 3
    assert body["formula"] == "积分 = 综合得分 × 0.1"
    assert round_.created_by == staff

    changed = client.patch(
        f"{URL}{round_.pk}/",
        {"group_weights": {"public": 0}, "points_factor": "0.25"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["group_weights"] == {
        "leader": 40, "colleague": 30, "mentor": 20, "public": 0,
    }  # fmt: skip
    assert changed.json()["formula"] == "积分 = 综合得分 × 0.25"
    whole = client.put(f"{URL}{round_.pk}/", payload(world["units"]["town"]))
    assert whole.status_code == 405  # settings change by PATCH only

    refused = client.post(f"{URL}{round_.pk}/open/")
    assert refused.status_code == 400 and refused.json() == {"status": ["请先分配评价人。"]}
    assign(round_, [c["bystander"], c["mentee"]], [evaluator])
    assign(round_, [c["bystander"]], [colleague], group="colleague")
    opened = client.post(f"{URL}{round_.pk}/open/")
    assert opened.status_code == 200
    assert (opened.json()["status"], opened.json()["assigned"]) == ("open", 3)
    fixed = client.patch(
        f"{URL}{round_.pk}/", {"period_start": "2023-01-01"}, content_type="application/json"
    )
    assert fixed.status_code == 400 and list(fixed.json()) == ["period_start"]

    submit(round_.assignments.get(evaluator=evaluator, cadre=c["bystander"]), 90)
    submit(round_.assignments.get(evaluator=colleague), 69)
    listed = client.get(URL).json()["results"]
    assert [(r["id"], r["assigned"], r["submitted"]) for r in listed] == [(round_.pk, 3, 2)]
    early = client.get(f"{URL}{round_.pk}/results/")
    assert early.status_code == 200 and early.json()["count"] == 0
    assert client.post(f"{URL}{round_.pk}/finalise/").json() == {
        "status": ["请先截止评价，再计分。"]
    }
    assert client.post(f"{URL}{round_.pk}/close/").json()["status"] == "closed"
    assert client.post(f"{URL}{round_.pk}/finalise/").json()["status"] == "finalised"

    # 王芳: (40×90 + 30×69)/70 = 81 on every dimension → 81.00 × 0.25 = 20.25.
    results = client.get(f"{URL}{round_.pk}/results/").json()
    assert results["count"] == 1
    row = results["results"][0]
    entry = PointEntry.objects.get(kind=EntryKind.EVALUATION)
    assert row == {
        "cadre": c["bystander"].pk,
        "cadre_name": "王芳",
        "unit_name": "金城镇/党政办",
        "dimension_scores": dict.fromkeys(DIMENSIONS, "81.00"),
        "score": "81.00",
        "ratings": 2,
        "points": "20.25",
        "entry": entry.pk,
    }
    assert entry.points == Decimal("20.25") and entry.cadre == c["bystander"]
    again = client.post(f"{URL}{round_.pk}/finalise/")
    assert again.status_code == 400 and "status" in again.json()
    assert PointEntry.objects.filter(kind=EntryKind.EVALUATION).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"dimension_weights": dict.fromkeys(DIMENSIONS, 0)}, "dimension_weights"),
        (
            {"group_weights": {"leader": 0, "colleague": 0, "mentor": 0, "public": 0}},
            "group_weights",
        ),
        (
            {"group_weights": {"leader": -1, "colleague": 0, "mentor": 0, "public": 1}},
            "group_weights",
        ),
        ({"closes_on": (TODAY - 5 * DAY).isoformat()}, "closes_on"),
        ({"period_end": "2023-12-31"}, "period_end"),
        ({"name": "  "}, "name"),
        ({"trim_min_ratings": 2}, "trim_min_ratings"),
        ({"points_factor": "-0.1"}, "points_factor"),
        ({"kind": "month"}, "kind"),
    ],
)
def test_invalid_rounds_are_refused_naming_the_field(world, client, overrides, field):
    client.force_login(world["users"]["staff"])
    response = client.post(
        URL, payload(world["units"]["town"], **overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not EvaluationRound.objects.exists()


def test_staff_cannot_create_or_touch_rounds_outside_their_subtree(world, client):
    other = make_round(world["units"]["other_town"])
    client.force_login(world["users"]["staff"])
    response = client.post(
        URL, payload(world["units"]["other_town"]), content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()) == ["unit"]
    response = client.post(
        URL,
        payload(world["units"]["town"], cohort=world["other_cohort"].pk),
        content_type="application/json",
    )
    assert response.status_code == 400 and list(response.json()) == ["cohort"]
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    assert client.get(f"{URL}{other.pk}/results/").status_code == 404
    patched = client.patch(f"{URL}{other.pk}/", {"name": "x"}, content_type="application/json")
    assert patched.status_code == 404
    for action in ("open", "close", "finalise"):
        assert client.post(f"{URL}{other.pk}/{action}/").status_code == 404
    other.refresh_from_db()
    assert (other.name, other.status) != ("x", RoundStatus.OPEN)
    assert client.get(URL).json()["count"] == 0


def test_results_show_only_cadres_the_caller_may_see(world, client):
    """Results carry no evaluator and no single form, and follow the cadre: one who has
    moved to another town since drops out of 金城镇's view of the round."""
    c = world["cadres"]
    evaluator = world["users"]["evaluator"]
    round_ = make_round(world["units"]["town"])
    assign(round_, [c["bystander"], c["mentee"]], [evaluator])
    services.round_open(round_=round_, actor=None)
    submit(round_.assignments.get(cadre=c["bystander"]), 70)
    submit(round_.assignments.get(cadre=c["mentee"]), 90)
    services.round_close(round_=round_, actor=None)
    services.round_finalise(round_=round_, actor=None)
    client.force_login(world["users"]["leader"])
    rows = client.get(f"{URL}{round_.pk}/results/").json()["results"]
    assert [(r["cadre_name"], r["score"]) for r in rows] == [("李娜", "90.00"), ("王芳", "70.00")]
    assert set(rows[0]) == {
        "cadre", "cadre_name", "unit_name", "dimension_scores", "score", "ratings", "points",
        "entry",
    }  # fmt: skip
    c["bystander"].unit = world["units"]["other_town"]
    c["bystander"].save(update_fields=["unit"])
    rows = client.get(f"{URL}{round_.pk}/results/").json()["results"]
    assert [r["cadre_name"] for r in rows] == ["李娜"]
    client.force_login(world["users"]["admin"])
    assert client.get(f"{URL}{round_.pk}/results/").json()["count"] == 2


def test_leader_reads_only(world, client):
    town = world["units"]["town"]
    draft = make_round(town)
    assign(draft, [world["cadres"]["bystander"]], [world["users"]["evaluator"]])
    client.force_login(world["users"]["leader"])
    assert client.get(f"{URL}{draft.pk}/").json()["assigned"] == 1
    assert client.post(URL, payload(town), content_type="application/json").status_code == 403
    assert (
        client.patch(f"{URL}{draft.pk}/", {"name": "x"}, content_type="application/json")
    ).status_code == 403
    for action in ("open", "close", "finalise"):
        assert client.post(f"{URL}{draft.pk}/{action}/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT and draft.name != "x"


# The access table: every endpoint for every role of the world fixture.
def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


READERS = {"admin": 200, "staff": 200, "leader": 200}
ENDPOINTS = [
    ("list", "get", URL, _expect(_=403, **READERS)),
    ("list filtered", "get", f"{URL}?status=open&kind=quarter", _expect(_=403, **READERS)),
    ("retrieve", "get", URL + "{open}/", _expect(_=403, **READERS)),
    (
        "retrieve other town's",
        "get",
        URL + "{other}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    ("results", "get", URL + "{final}/results/", _expect(_=403, **READERS)),
    (
        "results other town's",
        "get",
        URL + "{other}/results/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    ("create", "post", URL, _expect(_=403, admin=201, staff=201)),
    ("partial update", "patch", URL + "{draft}/", _expect(_=403, admin=200, staff=200)),
    (
        "partial update other town's",
        "patch",
        URL + "{other}/",
        _expect(_=403, admin=400, staff=404),  # finalised: the service refuses
    ),
    ("open", "post", URL + "{draft}/open/", _expect(_=403, admin=200, staff=200)),
    ("close", "post", URL + "{open}/close/", _expect(_=403, admin=200, staff=200)),
    ("finalise", "post", URL + "{open}/finalise/", _expect(_=403, admin=200, staff=200)),
    ("open other town's", "post", URL + "{other}/open/", _expect(_=403, admin=400, staff=404)),
]


@pytest.fixture
def rounds(world):
    c = world["cadres"]
    town = world["units"]["town"]
    evaluator = world["users"]["evaluator"]
    draft = make_round(town)
    assign(draft, [c["bystander"]], [evaluator])
    open_ = open_round(town, c["mentee"], evaluator)
    submit(open_.assignments.get())
    return {
        "draft": draft,
        "open": open_,
        "final": finalised_round(town, c["self"], evaluator),
        "other": finalised_round(world["units"]["other_town"], c["outsider"], evaluator),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(world, rounds, client, role):
    client.force_login(world["users"][role])
    ids = {k: v.pk for k, v in rounds.items()}
    bodies = {
        "create": payload(world["units"]["town"]),
        "partial update": {"name": "改名"},
        "partial update other town's": {"name": "改名"},
    }
    failures = []
    for name, method, template, expected in ENDPOINTS:
        url = template.format(**ids)
        response = getattr(client, method)(
            url, bodies.get(name, {}), content_type="application/json"
        )
        want = expected[ROLES.index(role)]
        if response.status_code != want:
            failures.append(
                f"{name} {method.upper()} {url}: got {response.status_code}, want {want}"
            )
    assert failures == []


def test_anonymous_callers_are_refused(world, rounds, client):
    ids = {k: v.pk for k, v in rounds.items()}
    for name, method, template, _expected in ENDPOINTS:
        response = getattr(client, method)(template.format(**ids), content_type="application/json")
        assert response.status_code in (401, 403), name


# --- constant queries ---------------------------------------------------------------------


def _grow(world, n: int) -> None:
    evaluator = world["users"]["evaluator"]
    for _ in range(n):
        unit = f.make_unit(f"科室{next(_serial)}", world["units"]["town"])
        cadre = f.CadreFactory(unit=unit)
        cohort = f.CohortFactory(programme=f.ProgrammeFactory(owner_unit=unit))
        f.EnrolmentFactory(cohort=cohort, cadre=cadre)
        round_ = make_round(unit, cohort=cohort)
        assign(round_, [cadre], [evaluator])


def test_list_queries_do_not_grow(world, client, django_assert_num_queries):
    client.force_login(world["users"]["staff"])
    _grow(world, 4)
    client.get(URL)
    with django_assert_num_queries(8) as small:
        body = client.get(URL).json()
    assert len(body["results"]) == 4
    _grow(world, 16)
    with django_assert_num_queries(len(small)):
        body = client.get(URL).json()
    assert len(body["results"]) == 20
    assert {(r["assigned"], r["submitted"]) for r in body["results"]} == {(1, 0)}


def test_results_queries_do_not_grow(world, client, django_assert_num_queries):
    evaluator = world["users"]["evaluator"]
    round_ = make_round(world["units"]["town"])
    units = [f.make_unit(f"科室{next(_serial)}", world["units"]["town"]) for _ in range(10)]
    cadres = [f.CadreFactory(unit=u) for u in units for _ in range(2)]
    assign(round_, cadres, [evaluator])
    services.round_open(round_=round_, actor=None)
    for assignment in round_.assignments.all():
        submit(assignment, 60 + assignment.pk % 30)
    services.round_close(round_=round_, actor=None)
    services.round_finalise(round_=round_, actor=None)
    client.force_login(world["users"]["staff"])
    client.get(f"{URL}{round_.pk}/results/?page_size=4")
    with django_assert_num_queries(9) as small:
        body = client.get(f"{URL}{round_.pk}/results/?page_size=4").json()
    assert len(body["results"]) == 4
    with django_assert_num_queries(len(small)):
        body = client.get(f"{URL}{round_.pk}/results/?page_size=20").json()
    assert len(body["results"]) == 20
