"""Every role × every page and endpoint of the foundation: allowed and refused.

Refusal is 403 where the role lacks the permission for the page at all, and 404 where
it has the permission but the record is outside its scope (so existence is not leaked).
"""

import datetime

import pytest

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


def _expect(**by_role):
    """Expected status per role; `_` is the default for roles not named."""
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


# (name, url template, expected statuses in ROLES order)
PAGES = [
    ("home", "/", _expect(_=200)),
    ("cadre list", "/cadres/", _expect(_=200, evaluator=403)),
    ("cadre list search", "/cadres/?q=zw", _expect(_=200, evaluator=403)),
    ("own record", "/cadres/{self}/", _expect(_=200, mentor=404, evaluator=403)),
    ("mentee record", "/cadres/{mentee}/", _expect(_=200, cadre=404, evaluator=403)),
    (
        "bystander record",
        "/cadres/{bystander}/",
        _expect(_=200, mentor=404, cadre=404, evaluator=403),
    ),
    ("other town's record", "/cadres/{outsider}/", _expect(_=404, admin=200, evaluator=403)),
    ("new cadre form", "/cadres/new/", _expect(_=403, admin=200, staff=200)),
    ("edit bystander", "/cadres/{bystander}/edit/", _expect(_=403, admin=200, staff=200)),
    ("edit other town's", "/cadres/{outsider}/edit/", _expect(_=403, admin=200, staff=404)),
    ("edit own record", "/cadres/{self}/edit/", _expect(_=403, admin=200, staff=200)),
    (
        "photo of a record without one",
        "/cadres/{mentee}/photo/",
        _expect(_=404, cadre=404, evaluator=403),
    ),
    ("export", "/cadres/export.xlsx", _expect(_=403, admin=200, staff=200, leader=200)),
    ("units", "/units/", _expect(_=403, admin=200, staff=200, leader=200)),
    ("programmes", "/programmes/", _expect(_=200, evaluator=403)),
    ("own programme", "/programmes/{programme}/", _expect(_=200, cadre=404, evaluator=403)),
    ("other programme", "/programmes/{other_programme}/", _expect(_=404, admin=200, evaluator=403)),
    ("own cohort", "/cohorts/{cohort}/", _expect(_=200, cadre=404, evaluator=403)),
    ("other cohort", "/cohorts/{other_cohort}/", _expect(_=404, admin=200, evaluator=403)),
    ("enrol candidates", "/cohorts/{cohort}/candidates/?q=w", _expect(_=403, admin=200, staff=200)),
    (
        "other cohort's candidates",
        "/cohorts/{other_cohort}/candidates/?q=w",
        _expect(_=403, admin=200, staff=404),
    ),
    ("admin site", "/admin/", _expect(_=302, admin=200)),
    ("password change", "/accounts/password/", _expect(_=200)),
    # API
    ("api units", "/api/v1/units/", _expect(_=403, admin=200, staff=200, leader=200)),
    (
        "api unit other town",
        "/api/v1/units/{other_town}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    ("api cadres", "/api/v1/cadres/", _expect(_=200, evaluator=403)),
    ("api own cadre", "/api/v1/cadres/{self}/", _expect(_=200, mentor=404, evaluator=403)),
    ("api mentee", "/api/v1/cadres/{mentee}/", _expect(_=200, cadre=404, evaluator=403)),
    (
        "api other town's cadre",
        "/api/v1/cadres/{outsider}/",
        _expect(_=404, admin=200, evaluator=403),
    ),
    ("api programmes", "/api/v1/programmes/", _expect(_=200, evaluator=403)),
    (
        "api other programme",
        "/api/v1/programmes/{other_programme}/",
        _expect(_=404, admin=200, evaluator=403),
    ),
    ("api cohorts", "/api/v1/cohorts/", _expect(_=200, evaluator=403)),
    ("api enrolments", "/api/v1/enrolments/", _expect(_=200, evaluator=403)),
    ("api enrolment", "/api/v1/enrolments/{enrolment}/", _expect(_=200, cadre=404, evaluator=403)),
    ("api point rules", "/api/v1/point-rules/", _expect(_=200, evaluator=403)),
    ("api point entries", "/api/v1/point-entries/", _expect(_=200, evaluator=403)),
    ("api schema", "/api/schema/", _expect(_=200)),
    ("api docs", "/api/docs/", _expect(_=200)),
]

# How many cadres each role's list shows in the world fixture (4 cadres in two towns).
VISIBLE_COUNTS = {"admin": 4, "staff": 3, "leader": 3, "mentor": 1, "cadre": 1}


def _ids(world) -> dict:
    c, u = world["cadres"], world["units"]
    return {
        **{k: v.pk for k, v in c.items()},
        "programme": world["programme"].pk,
        "other_programme": world["other_programme"].pk,
        "cohort": world["cohort"].pk,
        "other_cohort": world["other_cohort"].pk,
        "enrolment": world["enrolment"].pk,
        "other_town": u["other_town"].pk,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_endpoint(world, client, role):
    client.force_login(world["users"][role])
    ids = _ids(world)
    failures = []
    for name, template, expected in PAGES:
        url = template.format(**ids)
        status = client.get(url).status_code
        want = expected[ROLES.index(role)]
        if status != want:
            failures.append(f"{name} {url}: got {status}, expected {want}")
    assert failures == []


def test_anonymous_is_sent_to_login_or_refused(world, client):
    ids = _ids(world)
    for name, template, _expected in PAGES:
        url = template.format(**ids)
        response = client.get(url)
        if url.startswith("/api/schema") or url.startswith("/api/docs"):
            continue  # the schema documents the API and is public, like the login page
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code == 302, name
            assert (
                "/accounts/login/" in response["Location"]
                or "/admin/login/" in response["Location"]
            )


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_the_scope(world, client, role):
    client.force_login(world["users"][role])
    response = client.get("/api/v1/cadres/")
    if role == "evaluator":
        assert response.status_code == 403
        return
    names = sorted(row["name"] for row in response.json()["results"])
    assert response.json()["count"] == VISIBLE_COUNTS[role]
    page = client.get("/cadres/").content.decode()
    for cadre in world["cadres"].values():
        link = f'href="/cadres/{cadre.pk}/"'
        assert (link in page) == (cadre.name in names), (role, cadre.name)


def _cadre_payload(world, unit_key="office"):
    from tests.factories import birth_for_age, id_number_for

    birth = birth_for_age(28)
    return {
        "name": "周新",
        "id_number": id_number_for(birth, male=True),
        "political_status": "party_member",
        "education": "bachelor",
        "unit": world["units"][unit_key].pk,
        "category": "administrative",
        "status": "active",
        "ethnicity": "汉族",
    }


@pytest.mark.parametrize("role", ROLES)
def test_writes_allowed_only_to_admin_and_staff(world, client, role):
    from cadres.models import Cadre, Enrolment

    client.force_login(world["users"][role])
    may_write = role in ("admin", "staff")
    before = (Cadre.objects.count(), Enrolment.objects.count())

    api = client.post("/api/v1/cadres/", _cadre_payload(world), content_type="application/json")
    assert api.status_code == (201 if may_write else 403), api.content

    page = client.post("/cadres/new/", {**_cadre_payload(world), "id_number": ""})
    assert page.status_code == (200 if may_write else 403)  # 200: the form with its error

    enrol = client.post(
        "/api/v1/enrolments/",
        {
            "cohort": world["cohort"].pk,
            "cadre": world["cadres"]["bystander"].pk,
            "joined_on": datetime.date(2022, 3, 1).isoformat(),
        },
        content_type="application/json",
    )
    assert enrol.status_code == (201 if may_write else 403), enrol.content
    after = (Cadre.objects.count(), Enrolment.objects.count())
    assert after == ((before[0] + 1, before[1] + 1) if may_write else before)


def test_staff_cannot_write_outside_their_subtree(world, client):
    from cadres.models import Cadre

    client.force_login(world["users"]["staff"])
    before = Cadre.objects.count()
    response = client.post(
        "/api/v1/cadres/", _cadre_payload(world, "other_town"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    outsider = world["cadres"]["outsider"]
    response = client.patch(
        f"/api/v1/cadres/{outsider.pk}/", {"position": "主任"}, content_type="application/json"
    )
    assert response.status_code == 404
    enrol = client.post(
        "/api/v1/enrolments/",
        {"cohort": world["other_cohort"].pk, "cadre": outsider.pk, "joined_on": "2022-03-01"},
        content_type="application/json",
    )
    assert enrol.status_code == 400
    assert set(enrol.json()) == {"cohort", "cadre"}
    assert Cadre.objects.count() == before
    outsider.refresh_from_db()
    assert outsider.position == "科员"


@pytest.mark.parametrize("role", ROLES)
def test_career_records_added_only_by_admin_and_staff(world, client, role):
    from cadres.models import PositionRecord, RewardSanction

    client.force_login(world["users"][role])
    bystander = world["cadres"]["bystander"]
    position = client.post(
        f"/cadres/{bystander.pk}/positions/",
        {
            "position-unit_name": "金城镇党政办",
            "position-position": "副主任",
            "position-start_date": "2023-05-01",
            "position-is_promotion": "on",
        },
    )
    reward = client.post(
        f"/cadres/{bystander.pk}/rewards/",
        {"reward-kind": "award", "reward-title": "优秀共产党员", "reward-date": "2024-07-01"},
    )
    may_write = role in ("admin", "staff")
    assert position.status_code == (302 if may_write else 403)
    assert reward.status_code == (302 if may_write else 403)
    assert PositionRecord.objects.filter(cadre=bystander, is_promotion=True).count() == int(
        may_write
    )
    assert RewardSanction.objects.filter(cadre=bystander, kind="award").count() == int(may_write)


def test_staff_cannot_add_career_records_outside_their_subtree(world, client):
    from cadres.models import PositionRecord

    client.force_login(world["users"]["staff"])
    outsider = world["cadres"]["outsider"]
    response = client.post(
        f"/cadres/{outsider.pk}/positions/",
        {
            "position-unit_name": "东湖镇",
            "position-position": "主任",
            "position-start_date": "2023-05-01",
        },
    )
    assert response.status_code == 404
    assert not PositionRecord.objects.filter(cadre=outsider).exists()


@pytest.mark.parametrize("role", ["leader", "mentor", "cadre"])
def test_masked_id_digits_cannot_be_recovered_by_searching(world, client, role):
    """Searching by ID digits is for roles that see full numbers; others would probe them."""
    client.force_login(world["users"][role])
    target = {"leader": "bystander", "mentor": "mentee", "cadre": "self"}[role]
    cadre = world["cadres"][target]
    shown = client.get(f"/api/v1/cadres/{cadre.pk}/").json()["id_number"]
    if role != "cadre":
        assert "*" in shown
    for probe in (cadre.id_number[-4:], cadre.id_number[-5:], cadre.id_number):
        assert client.get("/api/v1/cadres/", {"q": probe}).json()["count"] == 0
        page = client.get("/cadres/", {"q": probe}).content.decode()
        assert f'href="/cadres/{cadre.pk}/"' not in page


def test_staff_search_by_id_number_tail(world, client):
    client.force_login(world["users"]["staff"])
    cadre = world["cadres"]["bystander"]
    names = [
        r["name"]
        for r in client.get("/api/v1/cadres/", {"q": cadre.id_number[-6:]}).json()["results"]
    ]
    assert names == [cadre.name]


def test_staff_cannot_manage_another_towns_programme_they_can_see(world, client):
    """A programme becomes visible when one of my cadres is enrolled in it; seeing is not managing."""
    from cadres import services
    from cadres.models import Cohort, Enrolment

    other_cohort = world["other_cohort"]
    bystander = world["cadres"]["bystander"]
    services.enrolment_create(
        cohort=other_cohort, cadre=bystander, joined_on=other_cohort.start_date, actor=None
    )
    client.force_login(world["users"]["staff"])
    other = world["other_programme"]
    assert client.get(f"/programmes/{other.pk}/").status_code == 200
    cohorts_before = Cohort.objects.count()
    page = client.post(f"/programmes/{other.pk}/", {"name": "第9期", "start_date": "2023-01-01"})
    assert page.status_code == 403
    api = client.post(
        "/api/v1/cohorts/",
        {"programme": other.pk, "name": "第9期", "start_date": "2023-01-01"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert set(api.json()) == {"programme"}
    assert Cohort.objects.count() == cohorts_before

    enrolment = Enrolment.objects.get(cohort=other_cohort, cadre=bystander)
    ended = client.post(
        f"/api/v1/enrolments/{enrolment.pk}/end/",
        {"status": "left", "left_on": "2023-01-01"},
        content_type="application/json",
    )
    assert ended.status_code == 403
    assert (
        client.post(
            f"/enrolments/{enrolment.pk}/end/", {"status": "left", "left_on": "2023-01-01"}
        ).status_code
        == 404
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert client.get(f"/cohorts/{other_cohort.pk}/candidates/?q=w").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_age_rules_changed_only_by_programme_managers(world, client, role):
    from cadres.models import EligibilityRule

    client.force_login(world["users"][role])
    programme = world["programme"]
    response = client.post(
        f"/programmes/{programme.pk}/rules/",
        {"administrative": "38", "institution": "40", "village": "", "selected_graduate": "40"},
    )
    rules = dict(
        EligibilityRule.objects.filter(programme=programme).values_list("category", "max_age")
    )
    if role in ("admin", "staff"):
        assert response.status_code == 302
        assert rules == {"administrative": 38, "institution": 40, "selected_graduate": 40}
    else:
        assert response.status_code == 403
        assert rules == {
            "administrative": 40,
            "institution": 40,
            "selected_graduate": 40,
            "village": 35,
        }


def test_staff_cannot_change_another_towns_age_rules(world, client):
    from cadres.models import EligibilityRule

    client.force_login(world["users"]["staff"])
    other = world["other_programme"]
    response = client.post(f"/programmes/{other.pk}/rules/", {"administrative": "50"})
    assert response.status_code == 404
    assert EligibilityRule.objects.get(programme=other, category="administrative").max_age == 40


def test_career_records_remember_who_added_them(world, client):
    from cadres.models import PositionRecord, RewardSanction

    staff = world["users"]["staff"]
    client.force_login(staff)
    bystander = world["cadres"]["bystander"]
    client.post(
        f"/cadres/{bystander.pk}/positions/",
        {
            "position-unit_name": "金城镇党政办",
            "position-position": "副主任",
            "position-start_date": "2023-05-01",
        },
    )
    client.post(
        f"/cadres/{bystander.pk}/rewards/",
        {"reward-kind": "sanction", "reward-title": "诫勉谈话", "reward-date": "2024-07-01"},
    )
    assert PositionRecord.history.get().history_user == staff
    assert RewardSanction.history.get().history_user == staff
