"""Mentor duty (导师履职) pages, download and API per role: scoping, recording through a page and
the API, and constant query counts."""

import datetime

import pytest
from django.utils import timezone

from mentoring.models import DutyRecord
from tests import factories as f
from tests.mentoring.duties_helpers import ROLES, duty_world, expect, pdf, record


@pytest.fixture
def duties(world):
    return duty_world(world)


def _path(url, duties):
    return url.format(
        own=duties["own"].pk, far=duties["far"].pk, rec=duties["own_record"].pk,
        far_rec=duties["far_record"].pk,
    )  # fmt: skip


SEEN = {"_": 200, "other_mentor": 404, "evaluator": 403, "other_cadre": 404}
PAGES = [
    ("my duties", "/mentoring/duties/", expect(_=403, admin=200, staff=200, mentor=200, other_mentor=200)),
    ("pairing duties", "/mentoring/pairings/{own}/duties/", expect(**SEEN)),
    ("far pairing duties", "/mentoring/pairings/{far}/duties/",
     expect(_=404, admin=200, evaluator=403)),
    ("record form", "/mentoring/pairings/{own}/duties/new/",
     expect(_=403, admin=200, staff=200, mentor=200, other_mentor=404)),
    ("record form far", "/mentoring/pairings/{far}/duties/new/",
     expect(_=403, admin=200, staff=404, mentor=404, other_mentor=404)),
    ("edit form", "/mentoring/duties/{rec}/edit/",
     expect(_=403, admin=200, staff=200, mentor=200, other_mentor=404)),
    ("attachment", "/mentoring/duties/{rec}/attachment/", expect(**SEEN)),
    ("api list", "/api/v1/duty-records/", expect(_=200, evaluator=403)),
    ("api detail", "/api/v1/duty-records/{rec}/", expect(**SEEN)),
    ("api far detail", "/api/v1/duty-records/{far_rec}/", expect(_=404, admin=200, evaluator=403)),
    ("api standings", "/api/v1/pairings/{own}/duties/", expect(**SEEN)),
    ("api far standings", "/api/v1/pairings/{far}/duties/",
     expect(_=404, admin=200, evaluator=403)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, duties, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_path(url, duties)).status_code == expected[ROLES.index(role)]


def _form(kind="research", **kw):
    return {"kind": kind, "done_on": timezone.localdate().isoformat(), "title": "赴村调研",
            "summary": "走访农户", **kw}  # fmt: skip


WRITES = [
    ("record", "/mentoring/pairings/{own}/duties/new/",
     expect(_=403, admin=302, staff=302, mentor=302, other_mentor=404)),
    ("edit", "/mentoring/duties/{rec}/edit/",
     expect(_=403, admin=302, staff=302, mentor=302, other_mentor=404)),
    ("delete", "/mentoring/duties/{rec}/delete/",
     expect(_=403, admin=302, staff=302, mentor=302, other_mentor=404)),
]  # fmt: skip


def _snapshot():
    return list(DutyRecord.objects.order_by("pk").values_list("pk", "title", "kind"))


@pytest.mark.parametrize(("name", "url", "expected"), WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, duties, client, name, url, expected, role):
    client.force_login(world["users"][role])
    before = _snapshot()
    response = client.post(_path(url, duties), _form())
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code != 302:
        assert _snapshot() == before
    else:
        assert _snapshot() != before


def test_the_mentor_records_from_the_phone_form_with_an_attachment(world, duties, client_for):
    client = client_for(world["users"]["mentor"])
    own = duties["own"]
    page = client.get(f"/mentoring/pairings/{own.pk}/duties/new/?kind=seminar")
    assert page.context["form"].initial["kind"] == "seminar"
    response = client.post(
        f"/mentoring/pairings/{own.pk}/duties/new/", {**_form("seminar"), "attachment": pdf()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/mentoring/pairings/{own.pk}/duties/"
    row = DutyRecord.objects.get(pairing=own, kind="seminar")
    assert row.attachment and row.title == "赴村调研"
    download = client.get(f"/mentoring/duties/{row.pk}/attachment/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_refusals_show_beside_the_fields(world, duties, client_for):
    client = client_for(world["users"]["mentor"])
    url = f"/mentoring/pairings/{duties['own'].pk}/duties/new/"
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, _form(done_on=future))
    assert response.status_code == 200
    assert response.context["form"].errors["done_on"] == ["完成日期不能晚于今天。"]
    response = client.post(url, _form(title=""))
    assert response.context["form"].errors["title"] == ["请填写标题。"]


def test_my_duties_shows_each_pairing_with_its_four_duties(world, duties, client_for):
    response = client_for(world["users"]["mentor"]).get("/mentoring/duties/")
    rows = response.context["rows"]
    assert sorted(p.cadre.name for p, _s in rows) == sorted(["张伟", "李娜"])
    for _pairing, statuses in rows:
        assert [s.kind for s in statuses] == ["article", "research", "special_guidance", "seminar"]
    content = response.content.decode()
    assert (
        "我的履职" in content and f"/mentoring/pairings/{duties['own'].pk}/duties/new/" in content
    )
    # The pairing started in 2022 with nothing recorded but one article: overdue days shown.
    assert "逾期" in content


def test_the_pairing_page_lists_periods_with_badges_and_records(world, duties, client_for):
    response = client_for(world["users"]["cadre"]).get(
        f"/mentoring/pairings/{duties['own'].pk}/duties/"
    )
    content = response.content.decode()
    assert "指导撰写工作信息一篇" in content
    assert "已完成" in content and "已逾期" in content
    assert "记录履职" not in content  # the cadre only reads
    assert f"/mentoring/duties/{duties['own_record'].pk}/attachment/" in content


def test_links_from_the_menu_and_the_cadre_pairings_page(world, duties, client_for):
    menu = client_for(world["users"]["mentor"]).get("/mentoring/duties/").content.decode()
    assert 'href="/mentoring/duties/"' in menu
    staff_page = client_for(world["users"]["staff"]).get(
        f"/mentoring/cadres/{world['cadres']['self'].pk}/pairings/"
    )
    assert f"/mentoring/pairings/{duties['own'].pk}/duties/" in staff_page.content.decode()
    assert 'href="/mentoring/duties/"' not in staff_page.content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_list_is_scoped_and_filters(world, duties, client_for):
    def ids(user, query=""):
        data = client_for(world["users"][user]).get(f"/api/v1/duty-records/{query}").json()
        return {row["id"] for row in data["results"]}

    own, other, far = (duties[k].pk for k in ("own_record", "other_record", "far_record"))
    assert ids("admin") == {own, other, far}
    assert ids("staff") == ids("leader") == {own, other}
    assert ids("mentor") == {own} and ids("cadre") == {own}
    assert ids("other_mentor") == ids("other_cadre") == {other}
    assert ids("staff", f"?pairing={duties['other'].pk}") == {other}
    assert ids("staff", "?kind=seminar") == set()


def test_api_create_update_delete_through_the_services(world, duties, client_for):
    client = client_for(world["users"]["mentor"])
    own = duties["own"]
    response = client.post(
        "/api/v1/duty-records/",
        {"pairing": own.pk, "kind": "research", "done_on": timezone.localdate().isoformat(),
         "title": "调研", "attachment": pdf()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "research" and data["attachment_url"].endswith("/attachment/")
    response = client.patch(
        f"/api/v1/duty-records/{data['id']}/",
        {"title": "基层调研"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["title"] == "基层调研"
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.patch(
        f"/api/v1/duty-records/{data['id']}/", {"done_on": future}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"done_on": ["完成日期不能晚于今天。"]}
    assert client.delete(f"/api/v1/duty-records/{data['id']}/").status_code == 204
    assert not DutyRecord.objects.filter(pk=data["id"]).exists()


@pytest.mark.parametrize("role", ROLES)
def test_api_create_per_role(world, duties, client, role):
    client.force_login(world["users"][role])
    body = {"pairing": duties["own"].pk, "kind": "article",
            "done_on": timezone.localdate().isoformat(), "title": "工作信息"}  # fmt: skip
    before = _snapshot()
    response = client.post("/api/v1/duty-records/", body, content_type="application/json")
    expected = expect(_=403, admin=201, staff=201, mentor=201, other_mentor=400)
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code != 201:
        assert _snapshot() == before


def test_api_standings_per_duty(world, duties, client_for):
    data = (
        client_for(world["users"]["cadre"])
        .get(f"/api/v1/pairings/{duties['own'].pk}/duties/")
        .json()
    )
    assert [d["kind"] for d in data] == ["article", "research", "special_guidance", "seminar"]
    article = data[0]
    assert article["frequency"] == "month" and article["grace_days"] == 7
    assert article["period"]["status"] in ("done", "due")
    done = [p for p in article["periods"] if p["records"]]
    assert done[0]["records"] == [duties["own_record"].pk] and done[0]["status"] == "done"


# --- query counts -------------------------------------------------------------------------------


def _mentees(world, n):
    mentor = world["users"]["mentor"].mentor
    for _ in range(n):
        pairing = f.PairingFactory(mentor=mentor, cadre__unit=world["units"]["office"])
        for kind in ("article", "research"):
            record(pairing, kind=kind)


def test_my_duties_query_count_is_constant(
    world, duties, client_for, django_assert_max_num_queries
):
    client = client_for(world["users"]["mentor"])
    _mentees(world, 2)
    with django_assert_max_num_queries(20) as small:
        client.get("/mentoring/duties/")
    _mentees(world, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/mentoring/duties/").context["rows"]) == 12


@pytest.mark.parametrize("role", ["mentor", "staff", "cadre"])
def test_pairing_page_query_count_is_constant(
    world, duties, client_for, django_assert_max_num_queries, role
):
    client = client_for(world["users"][role])
    url = f"/mentoring/pairings/{duties['own'].pk}/duties/"
    for days in range(2, 4):
        record(duties["own"], days_ago=days)
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for days in range(4, 14):
        record(duties["own"], days_ago=days, attachment=pdf())
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).content.decode().count('data-testid="record"') == 13


@pytest.mark.parametrize("url", ["/api/v1/duty-records/", "/api/v1/pairings/{own}/duties/"])
def test_api_query_count_is_constant(world, duties, client_for, django_assert_max_num_queries, url):
    client = client_for(world["users"]["staff"])
    url = _path(url, duties)
    _mentees(world, 2)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    _mentees(world, 8)
    for days in range(2, 12):
        record(duties["own"], days_ago=days)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
