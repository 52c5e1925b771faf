"""The back office writes through the services and lists every model with search."""

import pytest
from django.contrib import admin as django_admin

from cadres.models import Cadre, Enrolment, Unit
from tests.factories import birth_for_age, id_number_for


def test_every_model_of_ours_is_registered_with_search(db):
    ours = {"core", "cadres", "mentoring", "training", "scoring", "reports"}
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label in ours and not model.__name__.startswith("Historical"):
            model_admin = django_admin.site._registry.get(model)
            assert model_admin is not None, model.__name__
            assert model_admin.search_fields, model.__name__


@pytest.mark.parametrize(
    "path",
    [
        "core/user", "cadres/unit", "cadres/cadre", "cadres/positionrecord",
        "cadres/rewardsanction", "cadres/programme", "cadres/eligibilityrule", "cadres/cohort",
        "cadres/enrolment", "mentoring/mentor", "mentoring/pairing", "core/importjob", "core/notification",
        "scoring/pointrule", "scoring/pointentry", "scoring/declaration", "scoring/evaluationround",
        "scoring/evaluationassignment", "scoring/evaluationscore", "scoring/evaluationresult",
        "scoring/scoringperiod", "scoring/periodstanding", "scoring/objection", "scoring/followup",
        "training/activity", "training/participant", "training/feedback", "training/tripreport",
        "training/forum", "training/forumcriterion", "training/forumspeaker",
        "training/forumattendee", "training/forumscore", "training/taskforce", "training/posting",
        "training/monthlyreport", "training/defense", "training/defensecriterion",
        "training/researchtopic", "training/researchmember", "training/milestone",
        "training/defensescore", "training/writing", "training/collectiveactivity",
        "training/collectiveparticipation", "training/budget", "training/spending",
    ],
)  # fmt: skip
def test_admin_lists_and_searches(world, client, path):
    client.force_login(world["users"]["admin"])
    assert client.get(f"/admin/{path}/").status_code == 200
    assert client.get(f"/admin/{path}/?q=张").status_code == 200
    assert client.get(f"/admin/{path}/add/").status_code in (200, 403)


def _cadre_form(world, **overrides):
    data = {
        "name": "周 新",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": birth_for_age(29).isoformat(),
        "id_number": id_number_for(birth_for_age(29), male=True),
        "political_status": "party_member",
        "education": "bachelor",
        "degree": "",
        "elite_university": "",
        "unit": world["units"]["office"].pk,
        "category": "administrative",
        "status": "active",
        "positions-TOTAL_FORMS": "1",
        "positions-INITIAL_FORMS": "0",
        "positions-0-unit_name": "金城镇党政办",
        "positions-0-position": "科员",
        "positions-0-start_date": "2020-07-01",
        "rewards_sanctions-TOTAL_FORMS": "0",
        "rewards_sanctions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_cadre_added_in_the_admin_goes_through_the_service(world, client):
    admin_user = world["users"]["admin"]
    client.force_login(admin_user)
    response = client.post("/admin/cadres/cadre/add/", _cadre_form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    cadre = Cadre.objects.get(name="周新")  # spaces removed by the service
    assert (cadre.name_pinyin, cadre.name_initials) == ("zhouxin", "zx")
    assert cadre.history.get().history_user == admin_user
    assert list(cadre.positions.values_list("position", flat=True)) == ["科员"]


def test_an_invalid_id_number_in_the_admin_is_shown_beside_the_field(world, client):
    client.force_login(world["users"]["admin"])
    before = Cadre.objects.count()
    response = client.post(
        "/admin/cadres/cadre/add/", _cadre_form(world, id_number="320482199001011234")
    )
    assert response.status_code == 200
    assert "身份证号校验码不正确。" in response.content.decode()
    assert Cadre.objects.count() == before


def test_a_unit_added_in_the_admin_gets_its_full_name_and_unique_sibling_name(world, client):
    client.force_login(world["users"]["admin"])
    town = world["units"]["town"]
    response = client.post(
        "/admin/cadres/unit/add/",
        {"name": "财政所", "kind": "institution", "parent": town.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="财政所")
    assert unit.full_name == "金城镇/财政所"
    assert Unit.objects.get_parent(unit) == town
    again = client.post(
        "/admin/cadres/unit/add/", {"name": "财政所", "kind": "institution", "parent": town.pk}
    )
    assert again.status_code == 200
    assert "同一上级单位下已有名为“财政所”的单位。" in again.content.decode()
    assert Unit.objects.filter(name="财政所").count() == 1


def test_renaming_a_unit_in_the_admin_rewrites_the_subtree(world, client):
    client.force_login(world["users"]["admin"])
    town = world["units"]["town"]
    response = client.post(
        f"/admin/cadres/unit/{town.pk}/change/",
        {"name": "金城街道", "kind": "town", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=world["units"]["office"].pk).full_name == "金城街道/党政办"


def test_enrolments_are_read_only_in_the_admin(world, client):
    client.force_login(world["users"]["admin"])
    assert client.get("/admin/cadres/enrolment/add/").status_code == 403
    enrolment = world["enrolment"]
    response = client.post(f"/admin/cadres/enrolment/{enrolment.pk}/change/", {"status": "left"})
    assert response.status_code == 403
    assert Enrolment.objects.get(pk=enrolment.pk).status == "active"


def test_the_admin_imports_rosters_with_the_same_resource(world, client, tmp_path):
    import io

    from openpyxl import Workbook

    from cadres.roster import COLUMNS

    client.force_login(world["users"]["admin"])
    assert client.get("/admin/cadres/cadre/import/").status_code == 200
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in COLUMNS])
    sheet.append(
        [
            "周新",
            "男",
            "汉族",
            "",
            "123",
            "中共党员",
            "",
            "大学本科",
            "",
            "",
            "",
            "",
            "金城镇/党政办",
            "",
            "",
            "行政",
            "",
            "",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "roster.xlsx"
    response = client.post(
        "/admin/cadres/cadre/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "身份证号应为18位，当前为3位。" in page
    assert not Cadre.objects.filter(name="周新").exists()
