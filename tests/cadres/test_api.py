"""The JSON API (/api/v1/…): token sign-in, scoped and filtered lists, masked ID numbers,
enrolment workflow, units, and the self-hosted OpenAPI documentation."""

import datetime
import re

import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cadres import services
from cadres.models import Cadre, Enrolment, Unit
from tests import factories as f

D = datetime.date
MASKED = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login


def result_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- token sign-in ---------------------------------------------------------------------------


def test_a_token_from_username_and_password_authenticates_later_requests(world, api):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "staff", "password": "pw-qingmiao-1"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token"]
    assert body["token"] == Token.objects.get(user=world["users"]["staff"]).key

    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert result_names(fresh.get("/api/v1/cadres/")) == ["李娜", "王芳", "张伟"]


def test_asking_twice_returns_the_same_token(world, api):
    credentials = {"username": "staff", "password": "pw-qingmiao-1"}

    first = api.post("/api/v1/auth/token/", credentials, format="json").json()
    second = api.post("/api/v1/auth/token/", credentials, format="json").json()

    assert first == second
    assert Token.objects.count() == 1


def test_a_wrong_password_is_a_json_400_and_issues_no_token(world, api):
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    assert Token.objects.count() == 0


def test_a_missing_password_is_named(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "staff"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": ["该字段是必填项。"]}
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "身份认证信息未提供。"),
        ({"HTTP_AUTHORIZATION": "Token not-a-real-token"}, "认证令牌无效。"),
    ],
)
def test_without_a_valid_token_nothing_is_listed(world, api, headers, detail):
    response = api.get("/api/v1/cadres/", **headers)

    assert response.status_code == 403
    assert response.json() == {"detail": detail}


def test_a_role_without_cadre_permissions_is_refused(world, api_as):
    response = api_as(world["users"]["evaluator"]).get("/api/v1/cadres/")

    assert response.status_code == 403


# --- cadre list: scope, filters, pagination --------------------------------------------------


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("admin", ["李娜", "王芳", "张伟", "赵敏"]),
        ("staff", ["李娜", "王芳", "张伟"]),
        ("leader", ["李娜", "王芳", "张伟"]),
        ("mentor", ["李娜"]),
        ("cadre", ["张伟"]),
    ],
)
def test_the_cadre_list_is_scoped_and_ordered_by_pinyin(world, api_as, role, names):
    assert result_names(api_as(world["users"][role]).get("/api/v1/cadres/")) == names


@pytest.fixture
def staff_api(world, api_as):
    office = world["units"]["office"]
    f.CadreFactory(name="曾国藩", unit=office, age=31, is_reserve=True)
    f.CadreFactory(
        name="陈静", unit=world["units"]["village"], age=36, category="village", male=False
    )
    return api_as(world["users"]["staff"])


@pytest.mark.parametrize(
    ("query", "names"),
    [
        pytest.param("q=zw", ["张伟"], id="q-initials"),
        pytest.param("q=zeng", ["曾国藩"], id="q-polyphonic-surname"),
        pytest.param("q=王", ["王芳"], id="q-name"),
        pytest.param("unit={village}", ["陈静", "李娜"], id="unit"),
        pytest.param("unit={town}", ["陈静", "李娜", "王芳", "曾国藩", "张伟"], id="unit-subtree"),
        pytest.param("category=village", ["陈静", "李娜"], id="category"),
        pytest.param(
            "category=village&category=administrative",
            ["陈静", "李娜", "王芳", "曾国藩", "张伟"],
            id="categories",
        ),
        pytest.param("age_band=le30", ["李娜", "王芳", "张伟"], id="age-le30"),
        pytest.param("age_band=31_35", ["曾国藩"], id="age-31-35"),
        pytest.param("age_band=36_40", ["陈静"], id="age-36-40"),
        pytest.param("age_band=gt40", [], id="age-gt40"),
        pytest.param("is_reserve=true", ["曾国藩"], id="reserve"),
        pytest.param("is_reserve=false", ["陈静", "李娜", "王芳", "张伟"], id="not-reserve"),
        pytest.param("category=administrative&q=z", ["曾国藩", "张伟"], id="combined"),
    ],
)
def test_cadre_list_filters(world, staff_api, query, names):
    units = {k: v.pk for k, v in world["units"].items()}

    assert result_names(staff_api.get(f"/api/v1/cadres/?{query.format(**units)}")) == names


def test_the_programme_filter_lists_active_members(world, staff_api):
    programme = world["programme"].pk

    assert result_names(staff_api.get(f"/api/v1/cadres/?programme={programme}")) == ["李娜"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("unit={other_town}", "unit", id="unit-outside-scope"),
        pytest.param("age_band=50_60", "age_band", id="unknown-band"),
        pytest.param("programme={other_programme}", "programme", id="programme-outside-scope"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(world, staff_api, query, field):
    ids = {
        "other_town": world["units"]["other_town"].pk,
        "other_programme": world["other_programme"].pk,
    }

    response = staff_api.get(f"/api/v1/cadres/?{query.format(**ids)}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_cadre_list_pagination(world, staff_api):
    first = staff_api.get("/api/v1/cadres/?page_size=2")
    second = staff_api.get("/api/v1/cadres/?page_size=2&page=3")

    body = first.json()
    assert body["count"] == 5
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/cadres/?page=2&page_size=2"
    assert [r["name"] for r in body["results"]] == ["陈静", "李娜"]
    assert second.json()["next"] is None
    assert [r["name"] for r in second.json()["results"]] == ["张伟"]
    assert staff_api.get("/api/v1/cadres/?page_size=2&page=4").status_code == 404


def test_the_page_size_is_capped(world, api_as):
    office = world["units"]["office"]
    f.CadreFactory.create_batch(202, unit=office)

    body = api_as(world["users"]["staff"]).get("/api/v1/cadres/?page_size=1000").json()

    assert (body["count"], len(body["results"])) == (205, 200)


# --- ID numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "mentor"])
def test_id_numbers_are_masked_for_leaders_and_mentors(world, api_as, role):
    rows = api_as(world["users"][role]).get("/api/v1/cadres/").json()["results"]

    by_id = {c.pk: c.id_number for c in Cadre.objects.all()}
    assert rows
    for row in rows:
        full = by_id[row["id"]]
        assert row["id_number"] == f"{full[:4]}**********{full[-4:]}"
        assert MASKED.match(row["id_number"])


def test_a_masked_id_number_stays_masked_on_the_detail_endpoint(world, api_as):
    cadre = world["cadres"]["bystander"]

    row = api_as(world["users"]["leader"]).get(f"/api/v1/cadres/{cadre.pk}/").json()

    assert row["id_number"] == f"{cadre.id_number[:4]}**********{cadre.id_number[-4:]}"


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_id_numbers_are_full_for_staff_and_admins(world, api_as, role):
    rows = api_as(world["users"][role]).get("/api/v1/cadres/").json()["results"]

    assert {r["id"]: r["id_number"] for r in rows} == {
        c.pk: c.id_number for c in Cadre.objects.filter(pk__in=[r["id"] for r in rows])
    }


def test_a_cadre_sees_their_own_full_id_number(world, api_as):
    me = world["cadres"]["self"]

    rows = api_as(world["users"]["cadre"]).get("/api/v1/cadres/").json()["results"]

    assert [(r["id"], r["id_number"]) for r in rows] == [(me.pk, me.id_number)]


def test_a_cadre_cannot_fetch_another_profile(world, api_as):
    other = world["cadres"]["bystander"]

    response = api_as(world["users"]["cadre"]).get(f"/api/v1/cadres/{other.pk}/")

    assert response.status_code == 404
    assert other.id_number not in response.content.decode()


# --- cadre writes ----------------------------------------------------------------------------


def test_staff_create_a_cadre_through_the_service(world, api_as):
    staff = world["users"]["staff"]
    id_number = f.id_number_for(D(1994, 4, 4), male=False)

    response = api_as(staff).post(
        "/api/v1/cadres/",
        {
            "name": "陈静",
            "id_number": id_number,
            "political_status": "league",
            "education": "postgraduate",
            "category": "institution",
            "unit": world["units"]["office"].pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["birth_date"], body["gender"], body["name_pinyin"], body["id_number"]) == (
        "1994-04-04",
        "F",
        "chenjing",
        id_number,
    )
    cadre = Cadre.objects.get(pk=body["id"])
    assert cadre.history.get().history_user == staff


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"id_number": "320482199404040000"}, "id_number", id="bad-checksum"),
        pytest.param({"birth_date": "1994-04-05"}, "birth_date", id="birth-date-mismatch"),
        pytest.param({"unit": "other_town"}, "unit", id="unit-outside-scope"),
    ],
)
def test_a_refused_cadre_is_a_400_naming_the_field(world, api_as, change, field):
    data = {
        "name": "陈静",
        "id_number": f.id_number_for(D(1994, 4, 4), male=False),
        "political_status": "league",
        "education": "postgraduate",
        "category": "institution",
        "unit": world["units"]["office"].pk,
        **change,
    }
    if data["unit"] == "other_town":
        data["unit"] = world["units"]["other_town"].pk
    before = Cadre.objects.count()

    response = api_as(world["users"]["staff"]).post("/api/v1/cadres/", data, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Cadre.objects.count() == before


def test_staff_update_a_cadre_and_the_change_is_attributed(world, api_as):
    staff = world["users"]["staff"]
    cadre = world["cadres"]["bystander"]

    response = api_as(staff).patch(
        f"/api/v1/cadres/{cadre.pk}/", {"position": "副科长"}, format="json"
    )

    assert response.status_code == 200, response.content
    cadre.refresh_from_db()
    assert cadre.position == "副科长"
    assert cadre.history.first().history_user == staff


def test_a_leader_cannot_change_a_cadre(world, api_as):
    cadre = world["cadres"]["bystander"]

    response = api_as(world["users"]["leader"]).patch(
        f"/api/v1/cadres/{cadre.pk}/", {"position": "副科长"}, format="json"
    )

    assert response.status_code == 403
    cadre.refresh_from_db()
    assert cadre.position == "科员"


# --- enrolments ------------------------------------------------------------------------------


@pytest.fixture
def over_age(world):
    """A town cadre aged 41 on 2026-03-01 (the birthday itself)."""
    return f.CadreFactory(name="刘强", birth_date=D(1985, 3, 1), unit=world["units"]["office"])


def test_an_ineligible_enrolment_is_a_400_naming_exception_reason(world, api_as, over_age):
    before = Enrolment.objects.count()

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/enrolments/",
        {"cohort": world["cohort"].pk, "cadre": over_age.pk, "joined_on": "2026-03-01"},
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "exception_reason": [
            "刘强入选时41周岁，超过“行政”类干部的年龄上限40周岁。 如需破格入选，请填写理由。"
        ]
    }
    assert Enrolment.objects.count() == before


def test_an_exception_with_a_reason_is_enrolled(world, api_as, over_age):
    staff = world["users"]["staff"]

    response = api_as(staff).post(
        "/api/v1/enrolments/",
        {
            "cohort": world["cohort"].pk,
            "cadre": over_age.pk,
            "joined_on": "2026-03-01",
            "exception_reason": "攻坚专班骨干",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["age_at_enrolment"], body["exception_reason"], body["enrolled_by"]) == (
        41,
        "攻坚专班骨干",
        staff.pk,
    )
    assert Enrolment.objects.get(pk=body["id"]).exception_reason == "攻坚专班骨干"


def test_enrolling_a_cadre_outside_the_scope_is_refused(world, api_as):
    before = Enrolment.objects.count()

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/enrolments/",
        {
            "cohort": world["cohort"].pk,
            "cadre": world["cadres"]["outsider"].pk,
            "joined_on": "2026-03-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["cadre"]
    assert Enrolment.objects.count() == before


def test_a_leader_cannot_enrol(world, api_as):
    before = Enrolment.objects.count()

    response = api_as(world["users"]["leader"]).post(
        "/api/v1/enrolments/",
        {
            "cohort": world["cohort"].pk,
            "cadre": world["cadres"]["bystander"].pk,
            "joined_on": "2026-03-01",
        },
        format="json",
    )

    assert response.status_code == 403
    assert Enrolment.objects.count() == before


def test_the_enrolment_list_is_scoped(world, api_as):
    rows = api_as(world["users"]["staff"]).get("/api/v1/enrolments/").json()["results"]

    assert [(r["id"], r["cadre_name"], r["status"]) for r in rows] == [
        (world["enrolment"].pk, "李娜", "active")
    ]


def test_the_end_endpoint_closes_a_membership(world, api_as):
    staff = world["users"]["staff"]
    enrolment = world["enrolment"]

    response = api_as(staff).post(
        f"/api/v1/enrolments/{enrolment.pk}/end/",
        {"status": "graduated", "left_on": "2025-12-31", "reason": "期满结业"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["left_on"], body["end_reason"], body["ended_by"]) == (
        "graduated",
        "2025-12-31",
        "期满结业",
        staff.pk,
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.left_on, enrolment.ended_by) == (
        "graduated",
        D(2025, 12, 31),
        staff,
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"status": "withdrawn", "left_on": "2025-06-30"},
            {"reason": ["退出培养必须填写原因。"]},
        ),
        (
            {"status": "graduated", "left_on": "2021-01-01"},
            {"left_on": ["离开日期不能早于加入日期。"]},
        ),
        (
            {"status": "active", "left_on": "2025-06-30"},
            {"status": ["“active” 不是合法选项。"]},
        ),
    ],
)
def test_a_refused_end_is_a_400_naming_the_field_and_changes_nothing(world, api_as, data, errors):
    enrolment = world["enrolment"]
    snapshot = Enrolment.objects.values().get(pk=enrolment.pk)

    response = api_as(world["users"]["staff"]).post(
        f"/api/v1/enrolments/{enrolment.pk}/end/", data, format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert Enrolment.objects.values().get(pk=enrolment.pk) == snapshot


def test_ending_a_membership_outside_the_scope_is_not_found(world, api_as):
    other = Enrolment.objects.get(cohort=world["other_cohort"])
    snapshot = Enrolment.objects.values().get(pk=other.pk)

    response = api_as(world["users"]["staff"]).post(
        f"/api/v1/enrolments/{other.pk}/end/",
        {"status": "graduated", "left_on": "2025-12-31"},
        format="json",
    )

    assert response.status_code == 404
    assert Enrolment.objects.values().get(pk=other.pk) == snapshot


def test_a_mentor_cannot_end_a_membership(world, api_as):
    enrolment = world["enrolment"]

    response = api_as(world["users"]["mentor"]).post(
        f"/api/v1/enrolments/{enrolment.pk}/end/",
        {"status": "graduated", "left_on": "2025-12-31"},
        format="json",
    )

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


# --- units -----------------------------------------------------------------------------------


def test_the_unit_list_shows_the_subtree_with_parents(world, api_as):
    units = world["units"]

    rows = api_as(world["users"]["staff"]).get("/api/v1/units/").json()["results"]

    assert [(r["full_name"], r["depth"], r["parent"]) for r in rows] == [
        ("金城镇", 1, None),
        ("金城镇/党政办", 2, units["town"].pk),
        ("金城镇/东浦村", 2, units["town"].pk),
    ]


def test_staff_create_a_unit_inside_their_subtree(world, api_as):
    town = world["units"]["town"]

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/units/", {"name": "组织办", "kind": "office", "parent": town.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["full_name"], body["depth"], body["parent"]) == ("金城镇/组织办", 2, town.pk)
    assert Unit.objects.get_parent(Unit.objects.get(pk=body["id"])) == town


def test_unit_create_outside_the_subtree_is_refused(world, api_as):
    before = list(Unit.objects.values_list("pk", "path", "full_name"))

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/units/",
        {"name": "组织办", "kind": "office", "parent": world["units"]["other_town"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"parent": ["无权在该单位下新增单位。"]}
    assert list(Unit.objects.values_list("pk", "path", "full_name")) == before


def test_only_administrators_add_a_top_level_unit(world, api_as):
    before = list(Unit.objects.values_list("pk", "path", "full_name"))

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/units/", {"name": "西山镇", "kind": "town", "parent": None}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"parent": ["只有系统管理员可以新增顶级单位。"]}
    assert list(Unit.objects.values_list("pk", "path", "full_name")) == before


def test_an_administrator_adds_a_top_level_unit(world, api_as):
    response = api_as(world["users"]["admin"]).post(
        "/api/v1/units/", {"name": "西山镇", "kind": "town", "parent": None}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["full_name"], response.json()["parent"]) == ("西山镇", None)


def test_a_duplicate_unit_name_is_a_400_naming_name(world, api_as):
    before = Unit.objects.count()

    response = api_as(world["users"]["staff"]).post(
        "/api/v1/units/",
        {"name": "党政办", "kind": "office", "parent": world["units"]["town"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"name": ["同一上级单位下已有名为“党政办”的单位。"]}
    assert Unit.objects.count() == before


def test_a_leader_cannot_add_units(world, api_as):
    before = Unit.objects.count()

    response = api_as(world["users"]["leader"]).post(
        "/api/v1/units/",
        {"name": "组织办", "kind": "office", "parent": world["units"]["town"].pk},
        format="json",
    )

    assert response.status_code == 403
    assert Unit.objects.count() == before


# --- programmes ------------------------------------------------------------------------------


def test_a_programme_created_through_the_api_gets_the_default_rules(world, api_as):
    response = api_as(world["users"]["staff"]).post(
        "/api/v1/programmes/",
        {
            "name": "磐石计划2026",
            "owner_unit": world["units"]["town"].pk,
            "start_date": "2026-01-01",
            "max_ages": {"village": 36},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert sorted((r["category"], r["max_age"]) for r in response.json()["eligibility"]) == [
        ("administrative", 40),
        ("institution", 40),
        ("selected_graduate", 40),
        ("village", 36),
    ]


# --- schema and docs -------------------------------------------------------------------------


def test_the_schema_is_openapi_3_and_lists_the_workflow_endpoints(db, api):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "青苗 Qingmiao API"
    assert {
        "/api/v1/auth/token/",
        "/api/v1/cadres/",
        "/api/v1/enrolments/",
        "/api/v1/enrolments/{id}/end/",
        "/api/v1/units/",
    } <= set(schema["paths"])


def test_the_docs_page_loads_everything_from_our_own_server(db, api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html
    assert "unpkg" not in html
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert all(url.startswith("/static/") for url in assets), assets
    assert 'url: "/api/schema/"' in html


def test_an_update_the_service_refuses_is_a_400_naming_the_field(world, api_as):
    cadre = world["cadres"]["bystander"]
    services.cadre_update(cadre=cadre, actor=world["users"]["staff"], phone="13800138000")

    response = api_as(world["users"]["staff"]).patch(
        f"/api/v1/cadres/{cadre.pk}/", {"phone": "12345"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"phone": ["手机号码应为以1开头的11位数字。"]}
    cadre.refresh_from_db()
    assert cadre.phone == "13800138000"
