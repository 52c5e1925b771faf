"""Self-report (思想汇报, 月小结) pages and API per role: scoping, who submits, revises and
reviews, the scoped attachment, the cadre's own page, and constant query counts."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mentoring.models import SelfReport
from tests import factories as f
from tests.mentoring.self_reports_helpers import ROLES, entered, expect, report, self_report_world

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def reports(world):
    rows = self_report_world(world)
    rows["mentee"].attachment.save("r.pdf", ContentFile(PDF))
    return rows


def _path(url, world, reports):
    c = world["cadres"]
    return url.format(
        mentee=c["mentee"].pk, me=c["self"].pk, outsider=c["outsider"].pk,
        mentee_report=reports["mentee"].pk, own_report=reports["own"].pk,
        outsider_report=reports["outsider"].pk,
    )  # fmt: skip


PAGES = [
    ("mine", "/mentoring/self-reports/mine/", expect(_=403, admin=404, cadre=200, cadre2=200)),
    ("new", "/mentoring/self-reports/new/", expect(_=403, admin=404, cadre=200, cadre2=200)),
    ("review queue", "/mentoring/self-reports/review/",
     expect(_=403, admin=200, staff=200, mentor=200, mentor2=200)),
    ("overdue", "/mentoring/self-reports/overdue/", expect(_=403, admin=200, staff=200, leader=200)),
    ("mentee's reports", "/mentoring/cadres/{mentee}/self-reports/",
     expect(_=404, admin=200, staff=200, leader=200, mentor=200, evaluator=403)),
    ("own reports", "/mentoring/cadres/{me}/self-reports/",
     expect(_=404, admin=200, staff=200, leader=200, cadre=200, evaluator=403)),
    ("outsider's reports", "/mentoring/cadres/{outsider}/self-reports/",
     expect(_=404, admin=200, evaluator=403)),
    ("mentee report", "/mentoring/self-reports/{mentee_report}/",
     expect(_=404, admin=200, staff=200, leader=200, mentor=200, evaluator=403)),
    ("mentee attachment", "/mentoring/self-reports/{mentee_report}/attachment/",
     expect(_=404, admin=200, staff=200, leader=200, mentor=200, evaluator=403)),
    ("own report", "/mentoring/self-reports/{own_report}/",
     expect(_=404, admin=200, staff=200, leader=200, cadre=200, evaluator=403)),
    ("edit own report", "/mentoring/self-reports/{own_report}/edit/",
     expect(_=403, admin=403, cadre=200, cadre2=404)),
    ("outsider report", "/mentoring/self-reports/{outsider_report}/",
     expect(_=404, admin=200, evaluator=403)),
    ("api list", "/api/v1/self-reports/", expect(_=200, evaluator=403)),
    ("api mentee report", "/api/v1/self-reports/{mentee_report}/",
     expect(_=404, admin=200, staff=200, leader=200, mentor=200, evaluator=403)),
    ("api own report", "/api/v1/self-reports/{own_report}/",
     expect(_=404, admin=200, staff=200, leader=200, cadre=200, evaluator=403)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, reports, client, name, url, expected, role):
    client.force_login(world["users"][role])
    response = client.get(_path(url, world, reports))
    assert response.status_code == expected[ROLES.index(role)]
    if name == "mentee attachment" and response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF


def test_api_list_is_scoped(world, reports, client):
    seen = {}
    for role in ROLES:
        client.force_login(world["users"][role])
        response = client.get("/api/v1/self-reports/")
        if response.status_code == 200:
            seen[role] = sorted(r["cadre_name"] for r in response.json()["results"])
    assert seen == {
        "admin": ["张伟", "李娜", "赵敏"], "staff": ["张伟", "李娜"], "leader": ["张伟", "李娜"],
        "mentor": ["李娜"], "mentor2": [], "cadre": ["张伟"], "cadre2": [],
    }  # fmt: skip


def test_api_filters(world, reports, client_for):
    report(world["cadres"]["mentee"], kind="thought", status="accepted")
    client = client_for(world["users"]["staff"])
    mentee = world["cadres"]["mentee"].pk
    rows = client.get(f"/api/v1/self-reports/?cadre={mentee}").json()["results"]
    assert sorted(r["kind"] for r in rows) == ["monthly", "thought"]
    rows = client.get(f"/api/v1/self-reports/?cadre={mentee}&kind=thought").json()["results"]
    assert [r["status"] for r in rows] == ["accepted"]
    rows = client.get("/api/v1/self-reports/?status=submitted").json()["results"]
    assert len(rows) == 2


WRITES = [
    ("web review mentee", "post", "/mentoring/self-reports/{mentee_report}/review/",
     {"decision": "accept", "note": ""},
     expect(_=403, admin=302, staff=302, mentor=302, mentor2=404)),
    ("web review own", "post", "/mentoring/self-reports/{own_report}/review/",
     {"decision": "return", "note": "请补充"},
     expect(_=403, admin=302, staff=302, mentor=404, mentor2=404)),
    ("api review mentee", "post", "/api/v1/self-reports/{mentee_report}/review/",
     {"accept": True}, expect(_=403, admin=200, staff=200, mentor=200, mentor2=404)),
    ("api create", "post", "/api/v1/self-reports/",
     {"kind": "thought", "period_start": "{year}-01-01", "title": "年度思想汇报", "content": "正文"},
     expect(_=403, admin=400, cadre=201, cadre2=201)),
    ("api revise own", "patch", "/api/v1/self-reports/{own_report}/", {"content": "改后的正文"},
     expect(_=403, cadre=200, cadre2=404)),
    ("web revise own", "post", "/mentoring/self-reports/{own_report}/edit/",
     {"title": "改后的标题", "content": "改后的正文"}, expect(_=403, cadre=302, cadre2=404)),
]  # fmt: skip


def _snapshot():
    return list(SelfReport.objects.order_by("pk").values_list("pk", "status", "title", "content"))


@pytest.mark.parametrize(("name", "method", "url", "data", "expected"), WRITES,
                         ids=[w[0] for w in WRITES])  # fmt: skip
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, reports, client, name, method, url, data, expected, role):
    client.force_login(world["users"][role])
    before = _snapshot()
    year = str(timezone.localdate().year)
    data = {k: v.replace("{year}", year) if isinstance(v, str) else v for k, v in data.items()}
    call = getattr(client, method)
    path = _path(url, world, reports)
    if path.startswith("/api/"):
        response = call(path, data, content_type="application/json")
    else:
        response = call(path, data)
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code not in (200, 201, 302):
        assert _snapshot() == before
    elif name.startswith(("web review", "api review")):
        assert _snapshot() != before


def test_api_review_return_needs_a_reason(world, reports, client_for):
    client = client_for(world["users"]["mentor"])
    url = f"/api/v1/self-reports/{reports['mentee'].pk}/review/"
    response = client.post(url, {"accept": False, "note": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["note"] == ["退回报告须填写理由。"]
    response = client.post(
        url, {"accept": False, "note": "请补充"}, content_type="application/json"
    )
    assert response.json()["status"] == "returned"
    assert response.json()["review_note"] == "请补充"


def test_api_duplicate_period_names_the_existing_report(world, reports, client_for):
    client = client_for(world["users"]["cadre"])
    start = timezone.localdate().replace(day=1).isoformat()
    response = client.post(
        "/api/v1/self-reports/",
        {"kind": "monthly", "period_start": start, "title": "t", "content": "c"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "的月小结已于" in response.json()["period_start"][0]


def test_the_cadre_submits_through_the_page_and_sees_it_on_their_page(world, client_for):
    me = entered(world["cadres"]["self"], timezone.localdate() - datetime.timedelta(days=100))
    client = client_for(world["users"]["cadre"])
    page = client.get("/mentoring/self-reports/mine/")
    month = timezone.localdate().replace(day=1)
    assert f'data-testid="submit-monthly-{month.isoformat()}"'.encode() in page.content
    assert page.content.count(b'data-testid="standing-') == 2
    value = f"monthly:{month.isoformat()}"
    response = client.post("/mentoring/self-reports/new/", {
        "period": value, "title": "本月小结", "content": "完成了调研",
        "attachment": ContentFile(PDF, name="a.pdf"),
    })  # fmt: skip
    created = SelfReport.objects.get(cadre=me)
    assert response.status_code == 302
    assert response["Location"] == f"/mentoring/self-reports/{created.pk}/"
    assert (created.kind, created.period_start, created.status) == ("monthly", month, "submitted")
    assert created.attachment
    page = client.get("/mentoring/self-reports/mine/")
    assert "本月小结" in page.content.decode()
    assert f'data-testid="submit-monthly-{month.isoformat()}"'.encode() not in page.content
    # The period is no longer offered; posting it anyway is refused beside the field.
    again = client.post("/mentoring/self-reports/new/",
                        {"period": value, "title": "x", "content": "y"})  # fmt: skip
    assert again.status_code == 200 and "period" in again.context["form"].errors


def test_the_reviewer_returns_through_the_page_and_the_queue_empties(world, reports, client_for):
    client = client_for(world["users"]["mentor"])
    queue = client.get("/mentoring/self-reports/review/")
    assert queue.content.count(b'data-testid="queue-row"') == 1
    detail = client.get(f"/mentoring/self-reports/{reports['mentee'].pk}/")
    assert b'data-testid="review-form"' in detail.content
    response = client.post(f"/mentoring/self-reports/{reports['mentee'].pk}/review/",
                           {"decision": "return", "note": ""}, follow=True)  # fmt: skip
    assert "退回报告须填写理由。" in response.content.decode()
    client.post(f"/mentoring/self-reports/{reports['mentee'].pk}/review/",
                {"decision": "return", "note": "请补充事例"})  # fmt: skip
    reports["mentee"].refresh_from_db()
    assert (reports["mentee"].status, reports["mentee"].review_note) == ("returned", "请补充事例")
    queue = client.get("/mentoring/self-reports/review/")
    assert b'data-testid="queue-row"' not in queue.content
    # The cadre's own view offers no review form.
    own = client_for(world["users"]["cadre"]).get(f"/mentoring/self-reports/{reports['own'].pk}/")
    assert b'data-testid="review-form"' not in own.content


def test_the_overdue_page_lists_cadres_in_scope(world, reports, client_for):
    long_ago = timezone.localdate() - datetime.timedelta(days=200)
    for key in ("self", "bystander", "outsider"):
        entered(world["cadres"][key], long_ago)
    SelfReport.objects.filter(cadre=world["cadres"]["outsider"]).delete()
    text = client_for(world["users"]["staff"]).get("/mentoring/self-reports/overdue/")
    rows = text.content.decode().split('data-testid="overdue-row"')[1:]
    # 王芳 filed nothing; 张伟 filed this month (not overdue); 赵敏 is out of the staff's scope.
    assert len(rows) == 1 and "王芳" in rows[0]
    admin = client_for(world["users"]["admin"]).get("/mentoring/self-reports/overdue/")
    assert "赵敏" in admin.content.decode()


def test_nav_links_per_role(world, reports, client):
    for role, mine, review in [("cadre", True, False), ("mentor", False, True),
                               ("staff", False, True), ("leader", False, False)]:  # fmt: skip
        client.force_login(world["users"][role])
        body = client.get("/").content.decode()
        assert ("/mentoring/self-reports/mine/" in body) is mine, role
        assert ("/mentoring/self-reports/review/" in body) is review, role


# --- query counts ----------------------------------------------------------------------------


def _many(world, n):
    town = world["units"]["village"]
    done = SelfReport.objects.filter(cadre=world["cadres"]["mentee"], kind="thought").count()
    for i in range(done, done + n):
        cadre = entered(
            f.CadreFactory(unit=town), timezone.localdate() - datetime.timedelta(days=200)
        )
        report(cadre)
        report(world["cadres"]["mentee"], start=datetime.date(2000 + i, 1, 1), kind="thought")


@pytest.mark.parametrize(
    "url",
    ["/mentoring/self-reports/review/", "/mentoring/self-reports/overdue/",
     "/mentoring/cadres/{mentee}/self-reports/", "/api/v1/self-reports/"],
)  # fmt: skip
def test_lists_take_constant_queries(
    world, reports, client_for, django_assert_max_num_queries, url
):
    client = client_for(world["users"]["staff"])
    path = _path(url, world, reports)
    _many(world, 3)
    with django_assert_max_num_queries(20) as small:
        assert client.get(path).status_code == 200
    _many(world, 15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200
