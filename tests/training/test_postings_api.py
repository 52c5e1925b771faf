"""`/api/v1/task-forces/`, `/api/v1/postings/` and `/api/v1/monthly-reports/`: scoped reads for
every role (and a supervisor without one), writes through the services, review and
assessment, the overdue filter, constant queries."""

import datetime
from decimal import Decimal

import pytest

from scoring.models import PointEntry, PointRule
from tests import factories as f
from tests.training.postings_world import TODAY, make_postings, months_ago, pdf
from training.models import MonthlyReport, Posting
from training.services import postings as services

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre", "supervisor"]


@pytest.fixture
def data(world):
    return make_postings(world)


@pytest.mark.parametrize(
    ("role", "postings", "reports", "task_forces", "review"),
    [
        ("admin", 3, 1, 1, 200),
        ("staff", 2, 1, 1, 200),
        ("leader", 2, 1, 1, 403),
        ("mentor", 1, 0, 1, 403),  # the mentee's task-force posting only
        ("cadre", 1, 1, 0, 403),  # their own
        ("supervisor", 1, 1, 403, 200),  # no role: the supervised posting and its reports
        ("evaluator", 403, 403, 403, 403),
    ],
)
def test_every_role_on_the_postings_api(
    world, data, client, role, postings, reports, task_forces, review
):
    client.force_login(world["users"][role])
    for url, expected in (
        ("/api/v1/postings/", postings),
        ("/api/v1/monthly-reports/", reports),
        ("/api/v1/task-forces/", task_forces),
    ):
        response = client.get(url)
        if expected == 403:
            assert response.status_code == 403, url
        else:
            assert response.json()["count"] == expected, url
    response = client.post(
        f"/api/v1/monthly-reports/{data['report'].pk}/review/",
        {"accept": True},
        content_type="application/json",
    )
    assert response.status_code == review
    expected_status = "accepted" if review == 200 else "submitted"
    assert MonthlyReport.objects.get().status == expected_status


def test_staff_create_posting_and_task_force_with_field_errors(world, data, client):
    client.force_login(world["users"]["staff"])
    payload = {
        "cadre": world["cadres"]["bystander"].pk, "type": "task_force",
        "host_unit": world["units"]["town"].pk, "starts_on": "2025-03-01",
        "ends_on": "2025-02-01", "goals": "",
    }  # fmt: skip
    bad = client.post("/api/v1/postings/", payload, content_type="application/json")
    assert bad.status_code == 400
    assert {"task_force", "ends_on"} <= set(bad.json())
    outsider = {**payload, "cadre": world["cadres"]["outsider"].pk}
    assert (
        client.post("/api/v1/postings/", outsider, content_type="application/json").status_code
        == 400
    )
    good = {**payload, "task_force": data["task_force"].pk, "ends_on": "2025-09-30",
            "goals": "专班锻炼"}  # fmt: skip
    created = client.post("/api/v1/postings/", good, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] in ("ended", "ongoing", "planned")
    assert created.json()["reports_filed"] == 0
    tf = client.post("/api/v1/task-forces/", {"name": "征迁专班", "goal": "完成征迁",
        "unit": world["units"]["town"].pk, "starts_on": "2025-01-01"},
        content_type="application/json")  # fmt: skip
    assert tf.status_code == 201 and tf.json()["members"] == 0
    filtered = client.get("/api/v1/postings/?status=ended&type=task_force").json()
    assert [p["id"] for p in filtered["results"]] == [created.json()["id"]]


def test_cadre_files_revises_and_supervisor_reviews_with_points(world, data, client):
    PointRule.objects.create(
        code="SJ-01", name="月报通过", category="practice",
        event_kind="training.posting.report.accepted", points=Decimal("1"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    client.force_login(world["users"]["cadre"])
    month = months_ago(1)
    response = client.post(
        "/api/v1/monthly-reports/",
        {"posting": data["own"].pk, "month": month.isoformat(), "work_done": "调解纠纷3起",
         "attachment": pdf()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    assert response.json()["has_attachment"] is True
    again = client.post(
        "/api/v1/monthly-reports/",
        {"posting": data["own"].pk, "month": month.isoformat(), "work_done": "x"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "month" in again.json()
    staff_filing = data["member"].pk  # not the cadre's posting: invisible to them
    other = client.post(
        "/api/v1/monthly-reports/",
        {"posting": staff_filing, "month": month.isoformat(), "work_done": "x"},
        content_type="application/json",
    )
    assert other.status_code == 400 and "posting" in other.json()
    patched = client.patch(
        f"/api/v1/monthly-reports/{report_id}/", {"lessons": "群众工作无小事"},
        content_type="application/json",
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["lessons"] == "群众工作无小事"

    client.force_login(data["supervisor"])
    returned = client.post(f"/api/v1/monthly-reports/{report_id}/review/", {"accept": False},
                           content_type="application/json")  # fmt: skip
    assert returned.status_code == 400 and "comment" in returned.json()
    accepted = client.post(f"/api/v1/monthly-reports/{report_id}/review/", {"accept": True},
                           content_type="application/json")  # fmt: skip
    assert accepted.json()["status"] == "accepted"
    assert PointEntry.objects.get().points == Decimal("1")
    client.post(f"/api/v1/monthly-reports/{report_id}/review/",
                {"accept": False, "comment": "数据有误"}, content_type="application/json")  # fmt: skip
    assert sum(e.points for e in PointEntry.objects.all()) == 0

    client.force_login(world["users"]["cadre"])
    locked = client.patch(f"/api/v1/monthly-reports/{data['report'].pk}/", {"lessons": "x"},
                          content_type="application/json")  # fmt: skip
    assert locked.status_code == 200  # still submitted: editable
    services.monthly_report_review(report=data["report"], accept=True, actor=data["supervisor"])
    locked = client.patch(f"/api/v1/monthly-reports/{data['report'].pk}/", {"lessons": "y"},
                          content_type="application/json")  # fmt: skip
    assert locked.status_code == 400 and "status" in locked.json()


def test_assess_action_and_correction(world, data, client):
    PointRule.objects.create(
        code="SJ-02", name="考核合格", category="practice",
        event_kind="training.posting.assessed.pass", points=Decimal("5"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    client.force_login(world["users"]["admin"])
    url = f"/api/v1/postings/{data['other'].pk}/assess/"
    early = client.post(f"/api/v1/postings/{data['own'].pk}/assess/",
                        {"grade": "pass", "comment": "好"}, content_type="application/json")  # fmt: skip
    assert early.status_code == 400 and "grade" in early.json()
    response = client.post(
        url, {"grade": "pass", "comment": "合格"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "assessed"
    assert PointEntry.objects.get().points == Decimal("5")
    client.post(url, {"grade": "basic", "comment": "更正"}, content_type="application/json")
    assert sum(e.points for e in PointEntry.objects.all()) == 0
    client.force_login(world["users"]["staff"])
    assert client.post(url, {"grade": "pass", "comment": "x"},
                       content_type="application/json").status_code == 404  # fmt: skip
    client.force_login(world["users"]["leader"])
    assert client.post(url, {"grade": "pass", "comment": "x"},
                       content_type="application/json").status_code == 403  # fmt: skip


def test_overdue_filter(world, data, client):
    client.force_login(world["users"]["staff"])
    rows = client.get("/api/v1/monthly-reports/?overdue=true").json()["results"]
    assert rows and {r["cadre_name"] for r in rows} <= {"张伟", "李娜"}
    assert all(r["days_overdue"] > 0 for r in rows)
    client.force_login(world["users"]["cadre"])
    mine = client.get("/api/v1/monthly-reports/?overdue=true").json()["results"]
    assert {r["cadre_name"] for r in mine} <= {"张伟"}


@pytest.mark.parametrize("url", ["/api/v1/postings/", "/api/v1/monthly-reports/",
                                 "/api/v1/monthly-reports/?overdue=true", "/api/v1/task-forces/"])  # fmt: skip
def test_list_queries_are_constant(
    world, data, client, url, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])

    def grow(n):
        for _ in range(n):
            cadre = f.CadreFactory(unit=world["units"]["office"])
            tf = services.task_force_create(actor=None, name="专班", goal="目标",
                unit=world["units"]["town"], starts_on=months_ago(3), ends_on=TODAY)  # fmt: skip
            posting = services.task_force_member_add(task_force=tf, actor=None, cadre=cadre)
            MonthlyReport.objects.create(posting=posting, month=months_ago(3), work_done="x",
                                         submitted_at=posting.created_at)  # fmt: skip

    grow(5)
    with django_assert_max_num_queries(12) as small:
        first = client.get(url).json()["count"]
    grow(20)
    with django_assert_num_queries(len(small)):
        assert client.get(url).json()["count"] > first
    assert Posting.objects.count() >= 25
