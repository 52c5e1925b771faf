"""Pages and API of the mentor pool and pairings: access for every role, scoping (a mentor
their own pairings, a cadre their own), forms with errors beside the fields, the 2+1 form and
endpoint, ending, and constant query counts."""

import itertools

import pytest

from mentoring.choices import MentorType, PairingStatus
from mentoring.models import Pairing
from mentoring.services import pairings as services
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_names = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


@pytest.fixture
def pool(world):
    """The world's pairing (mentor user → 李娜) plus a 东湖镇 mentor paired with 赵敏."""
    own = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    far_mentor = f.MentorFactory(name="东湖导师", unit=world["units"]["other_town"])
    far = f.PairingFactory(mentor=far_mentor, cadre=world["cadres"]["outsider"])
    return {"own": own, "far": far, "mentor": own.mentor, "far_mentor": far_mentor}


def _format(url, world, pool):
    return url.format(
        mentor=pool["mentor"].pk,
        far_mentor=pool["far_mentor"].pk,
        mentee=world["cadres"]["mentee"].pk,
        self=world["cadres"]["self"].pk,
        outsider=world["cadres"]["outsider"].pk,
        own=pool["own"].pk,
        far=pool["far"].pk,
    )


PAGES = [
    ("pool", "/mentors/", _expect(_=200, evaluator=403)),
    ("pool filtered", "/mentors/?mentor_type=middle_level&free=on&q=导", _expect(_=200, evaluator=403)),
    ("mentor", "/mentors/{mentor}/", _expect(_=200, evaluator=403, cadre=404)),
    ("other town's mentor", "/mentors/{far_mentor}/", _expect(_=404, admin=200, evaluator=403)),
    ("mentee's pairings", "/mentoring/cadres/{mentee}/pairings/",
     _expect(_=200, evaluator=403, cadre=404)),
    ("own pairings", "/mentoring/cadres/{self}/pairings/", _expect(_=200, evaluator=403, mentor=404)),
    ("other town's pairings", "/mentoring/cadres/{outsider}/pairings/",
     _expect(_=404, admin=200, evaluator=403)),
    ("2+1", "/mentoring/cadres/{self}/2plus1/", _expect(_=403, admin=200, staff=200)),
    ("2+1 other town", "/mentoring/cadres/{outsider}/2plus1/", _expect(_=403, admin=200, staff=404)),
    ("history", "/mentoring/pairings/{own}/history/", _expect(_=200, evaluator=403, cadre=404)),
    ("other town's history", "/mentoring/pairings/{far}/history/",
     _expect(_=404, admin=200, evaluator=403)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, pool, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_format(url, world, pool)).status_code == expected[ROLES.index(role)]


POSTS = [
    ("end", "/mentoring/pairings/{own}/end/", _expect(_=403, admin=302, staff=302)),
    ("end other town's", "/mentoring/pairings/{far}/end/", _expect(_=403, admin=302, staff=404)),
]


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_end_access_per_role(world, pool, client, name, url, expected, role):
    client.force_login(world["users"][role])
    status = client.post(_format(url, world, pool), {"reason": "调整"}).status_code
    assert status == expected[ROLES.index(role)]
    ended = Pairing.objects.filter(status=PairingStatus.ENDED).count()
    assert ended == (1 if status == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_pairing_create_page_access(world, pool, client, role):
    client.force_login(world["users"][role])
    mentor = f.MentorFactory(unit=world["units"]["town"])
    url = f"/mentoring/cadres/{world['cadres']['self'].pk}/pairings/"
    response = client.post(url, {"mentor": mentor.pk, "role": "other"})
    expected = _expect(_=403, admin=302, staff=302, leader=302, mentor=404, cadre=302)
    assert response.status_code == expected[ROLES.index(role)]
    assert Pairing.objects.filter(mentor=mentor).exists() == (role in ("admin", "staff"))


def test_staff_pairs_ends_and_sees_the_mentee_on_the_mentor_page(world, pool, client_for):
    client = client_for(world["users"]["staff"])
    mentor = f.MentorFactory(name="冯导师", unit=world["units"]["town"], capacity=1)
    cadre = world["cadres"]["self"]
    response = client.post(
        f"/mentoring/cadres/{cadre.pk}/pairings/", {"mentor": mentor.pk, "role": "other"}
    )
    assert response.status_code == 302
    page = client.get(f"/mentors/{mentor.pk}/").content.decode()
    assert "张伟" in page and "1 / 1" in page
    # Full now: the form shows the service's message beside the mentor field.
    response = client.post(
        f"/mentoring/cadres/{world['cadres']['bystander'].pk}/pairings/",
        {"mentor": mentor.pk, "role": "other"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["mentor"] == ["冯导师最多带教1人，目前已带教1人，没有空余名额。"]
    pairing = Pairing.objects.get(mentor=mentor)
    client.post(f"/mentoring/pairings/{pairing.pk}/end/", {"reason": "调岗", "next": "mentor"})
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == (PairingStatus.ENDED, "调岗")
    assert pairing.history.first().history_user == world["users"]["staff"]


def test_2plus1_form_refuses_a_wrong_type_beside_the_field(world, pool, client_for):
    town, village = world["units"]["town"], world["units"]["village"]
    town_sec = f.MentorFactory(mentor_type=MentorType.TOWN_SECRETARY, unit=town)
    village_sec = f.MentorFactory(mentor_type=MentorType.VILLAGE_SECRETARY, unit=village)
    wrong_peer = f.MentorFactory(name="错的", mentor_type=MentorType.TOWN_SECRETARY, unit=town)
    right_peer = f.MentorFactory(mentor_type=MentorType.SENIOR_PEER, unit=town)
    client = client_for(world["users"]["staff"])
    url = f"/mentoring/cadres/{world['cadres']['self'].pk}/2plus1/"
    data = {"town_secretary": town_sec.pk, "village_secretary": village_sec.pk}
    response = client.post(url, {**data, "peer": wrong_peer.pk})
    assert response.status_code == 200
    assert "错的" in response.context["form"].errors["peer"][0]
    assert not Pairing.objects.filter(cadre=world["cadres"]["self"]).exists()
    assert client.post(url, {**data, "peer": right_peer.pk}).status_code == 302
    assert Pairing.objects.filter(cadre=world["cadres"]["self"]).count() == 3


def test_suggestions_on_the_cadre_page(world, pool, client_for):
    f.MentorFactory(name="推荐甲", unit=world["units"]["village"], expertise="乡村振兴")
    page = client_for(world["users"]["staff"]).get(
        f"/mentoring/cadres/{world['cadres']['mentee'].pk}/pairings/?keywords=乡村振兴"
    )
    content = page.content.decode()
    assert content.count('data-testid="suggestion"') >= 1
    assert "推荐甲" in content
    assert "东湖导师" not in content


# --- API -----------------------------------------------------------------------------------

API_READS = [
    ("mentors", "/api/v1/mentors/", _expect(_=200, evaluator=403)),
    ("pairings", "/api/v1/pairings/", _expect(_=200, evaluator=403)),
    ("own pairing", "/api/v1/pairings/{own}/", _expect(_=200, evaluator=403, cadre=404)),
    ("far pairing", "/api/v1/pairings/{far}/", _expect(_=404, admin=200, evaluator=403)),
    ("far mentor", "/api/v1/mentors/{far_mentor}/", _expect(_=404, admin=200, evaluator=403)),
]


@pytest.mark.parametrize(("name", "url", "expected"), API_READS, ids=[p[0] for p in API_READS])
@pytest.mark.parametrize("role", ROLES)
def test_api_read_access_per_role(world, pool, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_format(url, world, pool)).status_code == expected[ROLES.index(role)]


def test_api_scoping_per_role(world, pool, client):
    cadre_self = world["cadres"]["self"]
    own_mentor_pairing = f.PairingFactory(
        mentor=f.MentorFactory(name="张伟的导师", unit=world["units"]["town"]), cadre=cadre_self
    )
    # Another mentor of the world mentor's mentee: not the world mentor's own pairing.
    other_of_mentee = f.PairingFactory(
        mentor=f.MentorFactory(unit=world["units"]["town"]), cadre=world["cadres"]["mentee"]
    )
    ended = f.PairingFactory(
        mentor=pool["mentor"], cadre=world["cadres"]["bystander"], status=PairingStatus.ENDED,
        end_date=pool["own"].start_date, end_reason="期满",
    )  # fmt: skip
    seen = {}
    for role in [*ROLES[:4], "cadre"]:
        client.force_login(world["users"][role])
        seen[role] = {r["id"] for r in client.get("/api/v1/pairings/").json()["results"]}
    town = {pool["own"].pk, own_mentor_pairing.pk, other_of_mentee.pk, ended.pk}
    assert seen["admin"] == town | {pool["far"].pk}
    assert seen["staff"] == seen["leader"] == town
    assert seen["mentor"] == {pool["own"].pk, ended.pk}  # their own, ended ones too
    assert seen["cadre"] == {own_mentor_pairing.pk}
    client.force_login(world["users"]["cadre"])
    names = {r["name"] for r in client.get("/api/v1/mentors/").json()["results"]}
    assert names == {"张伟的导师"}
    client.force_login(world["users"]["mentor"])
    names = {r["name"] for r in client.get("/api/v1/mentors/").json()["results"]}
    assert names == {pool["mentor"].name}


@pytest.mark.parametrize("role", ROLES)
def test_api_create_and_end_per_role(world, pool, client, role):
    client.force_login(world["users"][role])
    mentor = f.MentorFactory(unit=world["units"]["town"])
    response = client.post(
        "/api/v1/pairings/",
        {"mentor": mentor.pk, "cadre": world["cadres"]["self"].pk, "role": "other",
         "start_date": "2026-01-05"},
        content_type="application/json",
    )  # fmt: skip
    writer = role in ("admin", "staff")
    assert response.status_code == (201 if writer else 403)
    end = client.post(
        f"/api/v1/pairings/{pool['own'].pk}/end/",
        {"reason": "期满"},
        content_type="application/json",
    )
    assert end.status_code == (200 if writer else 403)
    pool["own"].refresh_from_db()
    assert (pool["own"].status == PairingStatus.ENDED) == writer


def test_api_errors_are_keyed_by_field(world, pool, client_for):
    client = client_for(world["users"]["staff"])
    mentor = f.MentorFactory(name="满员", unit=world["units"]["town"], capacity=1)
    services.pairing_create(actor=None, mentor=mentor, cadre=world["cadres"]["bystander"])
    response = client.post(
        "/api/v1/pairings/",
        {"mentor": mentor.pk, "cadre": world["cadres"]["self"].pk, "role": "other"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["mentor"] == ["满员最多带教1人，目前已带教1人，没有空余名额。"]
    far = client.post(
        "/api/v1/pairings/",
        {"mentor": mentor.pk, "cadre": world["cadres"]["outsider"].pk, "role": "other"},
        content_type="application/json",
    )
    assert far.status_code == 400 and "cadre" in far.json()
    patch = client.patch(
        f"/api/v1/pairings/{pool['own'].pk}/", {"goals": "新目标"}, content_type="application/json"
    )
    assert patch.status_code == 200 and patch.json()["goals"] == "新目标"


def test_api_2plus1_all_or_nothing(world, pool, client_for):
    town, village = world["units"]["town"], world["units"]["village"]
    ids = {
        "town_secretary": f.MentorFactory(mentor_type=MentorType.TOWN_SECRETARY, unit=town).pk,
        "village_secretary": f.MentorFactory(
            mentor_type=MentorType.VILLAGE_SECRETARY, unit=village
        ).pk,
        "peer": f.MentorFactory(mentor_type=MentorType.VILLAGE_SECRETARY, unit=village).pk,
    }
    client = client_for(world["users"]["staff"])
    body = {"cadre": world["cadres"]["self"].pk, **ids}
    bad = client.post("/api/v1/pairings/2plus1/", body, content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()) == ["peer"]
    assert not Pairing.objects.filter(cadre=world["cadres"]["self"]).exists()
    body["peer"] = f.MentorFactory(mentor_type=MentorType.MIDDLE_LEVEL, unit=town).pk
    good = client.post("/api/v1/pairings/2plus1/", body, content_type="application/json")
    assert good.status_code == 201 and len(good.json()) == 3
    client_for(world["users"]["leader"])
    refused = client.post("/api/v1/pairings/2plus1/", body, content_type="application/json")
    assert refused.status_code == 403


# --- query counts --------------------------------------------------------------------------

N = 3


def _grow(world, n):
    for _ in range(n):
        unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
        mentor = f.MentorFactory(unit=unit, capacity=5)
        for _ in range(2):
            f.PairingFactory(mentor=mentor, cadre=f.CadreFactory(unit=unit))


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/mentors/", 'data-testid="mentor-row"'),
        ("/api/v1/mentors/", '"free":'),
        ("/api/v1/pairings/", '"mentor_name":'),
        ("/mentors/{mentor}/", 'data-testid="pairing-row"'),
        ("/mentoring/cadres/{mentee}/pairings/", 'data-testid="pairing-row"'),
    ],
)
def test_queries_are_constant(
    world, pool, client_for, url, marker, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["staff"])
    path = _format(url, world, pool)
    per_page = "/mentors/{mentor}/" in url or "cadres" in url

    def grow(n):
        if not per_page:
            _grow(world, n)
        elif "cadres" in url:
            for _ in range(n):
                f.PairingFactory(
                    mentor=f.MentorFactory(unit=world["units"]["town"]),
                    cadre=world["cadres"]["mentee"],
                )
        else:
            pool["mentor"].capacity = 99
            pool["mentor"].save()
            for _ in range(n):
                f.PairingFactory(mentor=pool["mentor"], cadre=f.CadreFactory(
                    unit=world["units"]["village"]))  # fmt: skip

    grow(N)
    client.get(path)
    with django_assert_max_num_queries(20) as small:
        response = client.get(path)
    assert response.status_code == 200
    shown = response.content.decode().count(marker)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(path)
    assert response.content.decode().count(marker) > shown
