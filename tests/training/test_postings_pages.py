"""Pages of practice postings (菁岗练兵): access for every role (and a supervisor without
one), creating task forces and postings, filing and reviewing monthly reports through the
pages, the attachment download's scoping, the overdue board, exports and query counts."""

import datetime
import itertools
from decimal import Decimal

import pytest

from scoring.models import PointEntry, PointRule
from tests import factories as f
from tests.training.postings_world import TODAY, make_postings, months_ago, pdf, workbook_rows
from training.models import MonthlyReport, Posting, TaskForce
from training.services import postings as services

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre", "supervisor"]
_names = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


@pytest.fixture
def data(world):
    return make_postings(world)


def _urls(data):
    own, report = data["own"], data["report"]
    month = months_ago(1)
    return {
        "own": own.pk,
        "other": data["other"].pk,
        "tf": data["task_force"].pk,
        "report": report.pk,
        "ym": f"{month.year}-{month.month}",
    }


PAGES = [
    ("postings", "/training/postings/", _expect(_=200, evaluator=403)),
    ("postings xlsx", "/training/postings/?format=xlsx", _expect(_=200, evaluator=403)),
    ("filtered", "/training/postings/?type=village&status=ongoing", _expect(_=200, evaluator=403)),
    ("new posting", "/training/postings/new/", _expect(_=403, admin=200, staff=200)),
    ("mine", "/training/postings/mine/", _expect(_=404, cadre=200)),
    ("detail", "/training/postings/{own}/", _expect(_=200, mentor=404, evaluator=403)),
    ("other town's", "/training/postings/{other}/", _expect(_=404, admin=200, evaluator=403)),
    ("edit", "/training/postings/{own}/edit/", _expect(_=403, admin=200, staff=200)),
    ("edit other's", "/training/postings/{other}/edit/", _expect(_=403, admin=200, staff=404)),
    ("task forces", "/training/task-forces/", _expect(_=200, evaluator=403, supervisor=403)),
    ("new task force", "/training/task-forces/new/", _expect(_=403, admin=200, staff=200)),
    (
        "task force",
        "/training/task-forces/{tf}/",
        _expect(_=200, cadre=404, evaluator=403, supervisor=403),
    ),
    ("edit task force", "/training/task-forces/{tf}/edit/", _expect(_=403, admin=200, staff=200)),
    (
        "file a report",
        "/training/postings/{own}/reports/{ym}/",
        _expect(_=403, mentor=404, cadre=200),
    ),
    (
        "file for another",
        "/training/postings/{other}/reports/{ym}/",
        _expect(_=404, admin=403, evaluator=403),
    ),
    ("report", "/training/monthly-reports/{report}/", _expect(_=200, mentor=404, evaluator=403)),
    (
        "attachment",
        "/training/monthly-reports/{report}/attachment/",
        _expect(_=200, mentor=404, evaluator=403),
    ),
    (
        "edit report",
        "/training/monthly-reports/{report}/edit/",
        _expect(_=403, mentor=404, cadre=200),
    ),
    (
        "pending reviews",
        "/training/monthly-reports/pending/",
        _expect(_=403, admin=200, staff=200, supervisor=200),
    ),
    (
        "overdue board",
        "/training/monthly-reports/overdue/",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "overdue xlsx",
        "/training/monthly-reports/overdue/?format=xlsx",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, data, client, name, url, expected, role):
    client.force_login(world["users"][role])
    response = client.get(url.format(**_urls(data)))
    assert response.status_code == expected[ROLES.index(role)]


POSTS = [
    ("review", "/training/monthly-reports/{report}/review/",
     _expect(_=403, admin=302, staff=302, supervisor=302, mentor=404)),
    ("assess other's", "/training/postings/{other}/assess/", _expect(_=403, admin=302, staff=404)),
    ("add member", "/training/task-forces/{tf}/members/", _expect(_=403, admin=302, staff=302)),
    ("edit other's", "/training/postings/{other}/edit/", _expect(_=403, admin=200, staff=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, data, client, name, url, expected, role):
    client.force_login(world["users"][role])
    payload = {
        "decision": "accept",
        "grade": "pass",
        "comment": "合格",
        "cadre": world["cadres"]["bystander"].pk,
    }
    before = (
        list(MonthlyReport.objects.values_list("status", flat=True)),
        Posting.objects.count(),
        list(Posting.objects.values_list("assessment", flat=True)),
    )
    status = client.post(url.format(**_urls(data)), payload).status_code
    assert status == expected[ROLES.index(role)]
    if status in (403, 404):
        after = (
            list(MonthlyReport.objects.values_list("status", flat=True)),
            Posting.objects.count(),
            list(Posting.objects.values_list("assessment", flat=True)),
        )
        assert after == before


def test_anonymous_is_sent_to_login(data, client):
    for path in ("/training/postings/", "/training/monthly-reports/overdue/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_attachment_is_served_only_in_scope(world, data, client_for):
    response = client_for(world["users"]["cadre"]).get(
        f"/training/monthly-reports/{data['report'].pk}/attachment/"
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Another cadre guessing the id gets 404, as does anyone outside the posting's scope.
    other_user = f.UserFactory(username="other-cadre", roles=["cadre"])
    world["cadres"]["bystander"].user = other_user
    world["cadres"]["bystander"].save(update_fields=["user"])
    for user in (other_user, world["users"]["mentor"]):
        response = client_for(user).get(
            f"/training/monthly-reports/{data['report'].pk}/attachment/"
        )
        assert response.status_code == 404
        assert (
            client_for(user).get(f"/training/monthly-reports/{data['report'].pk}/").status_code
            == 404
        )


def _posting_form(world, **overrides):
    return {
        "cadre": world["cadres"]["bystander"].pk, "type": "village",
        "host_unit": world["units"]["village"].pk, "role": "村主任助理", "task_force": "",
        "starts_on": "2025-03-01", "ends_on": "2025-08-31", "supervisor": "",
        "goals": "学习村级事务", "needs_monthly_reports": "on", **overrides,
    }  # fmt: skip


def test_staff_creates_a_posting_and_is_warned_of_overlaps(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post("/training/postings/new/", _posting_form(world))
    posting = Posting.objects.get()
    assert response["Location"] == f"/training/postings/{posting.pk}/"
    assert posting.created_by == world["users"]["staff"]
    response = client.post(
        "/training/postings/new/",
        _posting_form(world, type="shadowing", starts_on="2025-08-01", ends_on="2025-10-31"),
        follow=True,
    )
    content = response.content.decode()
    assert Posting.objects.count() == 2
    assert "alert-warning" in content and "时间重叠" in content


def test_posting_errors_beside_the_fields_and_nothing_saved(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post(
        "/training/postings/new/", _posting_form(world, type="task_force", ends_on="2025-01-01")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "攻坚专班锻炼须选择所在专班。" in content and "结束日期不能早于开始日期。" in content
    # A cadre outside the staff's town is not accepted.
    client.post(
        "/training/postings/new/", _posting_form(world, cadre=world["cadres"]["outsider"].pk)
    )
    assert not Posting.objects.exists()


def test_task_force_page_creates_and_adds_members(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post("/training/task-forces/new/", {
        "name": "项目攻坚专班", "goal": "年底前完成征迁", "unit": world["units"]["town"].pk,
        "starts_on": "2025-02-01", "ends_on": "2025-12-31",
    })  # fmt: skip
    task_force = TaskForce.objects.get()
    assert response["Location"] == f"/training/task-forces/{task_force.pk}/"
    client.post(f"/training/task-forces/{task_force.pk}/members/",
                {"cadre": world["cadres"]["bystander"].pk, "role": "联络员"})  # fmt: skip
    response = client.post(f"/training/task-forces/{task_force.pk}/members/",
                           {"cadre": world["cadres"]["outsider"].pk}, follow=True)  # fmt: skip
    assert "alert-danger" in response.content.decode()
    page = client.get(f"/training/task-forces/{task_force.pk}/").content.decode()
    assert page.count('data-testid="member-row"') == 1 and "王芳" in page
    assert Posting.objects.get().type == "task_force"
    listing = client.get("/training/task-forces/").content.decode()
    assert "项目攻坚专班" in listing


def test_file_review_and_assess_through_the_pages(world, data, client_for):
    PointRule.objects.create(
        code="SJ-01", name="月报通过", category="practice",
        event_kind="training.posting.report.accepted", points=Decimal("1"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    own, me = data["own"], world["cadres"]["self"]
    month = months_ago(1)
    cadre = client_for(world["users"]["cadre"])
    mine = cadre.get("/training/postings/mine/").content.decode()
    assert "month-overdue" in mine or "month-due" in mine
    url = f"/training/postings/{own.pk}/reports/{month.year}-{month.month}/"
    response = cadre.post(url, {"work_done": " "})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not MonthlyReport.objects.filter(posting=own, month=month).exists()
    response = cadre.post(url, {"work_done": "协调修路", "attachment": pdf()})
    report = MonthlyReport.objects.get(posting=own, month=month)
    assert response["Location"] == f"/training/monthly-reports/{report.pk}/"
    assert report.attachment

    supervisor = client_for(data["supervisor"])
    pending = supervisor.get("/training/monthly-reports/pending/").content.decode()
    assert pending.count('data-testid="pending-row"') == 2
    supervisor.post(f"/training/monthly-reports/{report.pk}/review/", {"decision": "accept"})
    assert PointEntry.objects.get(cadre=me).points == Decimal("1")
    response = supervisor.post(
        f"/training/monthly-reports/{report.pk}/review/", {"decision": "return", "comment": ""},
        follow=True,
    )  # fmt: skip
    assert "退回月报须填写审核意见。" in response.content.decode()
    supervisor.post(f"/training/monthly-reports/{report.pk}/review/",
                    {"decision": "return", "comment": "请附照片"})  # fmt: skip
    report.refresh_from_db()
    assert report.status == "returned"
    assert sum(e.points for e in PointEntry.objects.filter(cadre=me)) == 0
    cadre = client_for(world["users"]["cadre"])  # one test client, logged in again
    page = cadre.get(f"/training/monthly-reports/{report.pk}/edit/").content.decode()
    assert "请附照片" in page


def test_assessment_page_for_an_ended_posting(world, data, client_for):
    client = client_for(world["users"]["staff"])
    ended = services.posting_create(
        actor=None, cadre=world["cadres"]["bystander"], type="secondment",
        host_unit=world["units"]["office"], role="", task_force=None,
        starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 6, 30),
        supervisor=None, goals="挂职", needs_monthly_reports=False,
    )  # fmt: skip
    assert (
        'data-testid="assess-form"'
        in client.get(f"/training/postings/{ended.pk}/").content.decode()
    )
    assert (
        'data-testid="assess-form"'
        not in client.get(f"/training/postings/{data['own'].pk}/").content.decode()
    )
    client.post(f"/training/postings/{ended.pk}/assess/", {"grade": "excellent", "comment": "好"})
    ended.refresh_from_db()
    assert ended.assessment == "excellent" and ended.assessed_by == world["users"]["staff"]
    listing = client.get("/training/postings/?status=assessed").content.decode()
    assert listing.count('data-testid="posting-row"') == 1


def test_list_filters(world, data, client_for):
    client = client_for(world["users"]["staff"])

    def rows(query):
        return (
            client.get(f"/training/postings/?{query}")
            .content.decode()
            .count('data-testid="posting-row"')
        )

    assert rows("") == 2
    assert rows("type=task_force") == 1
    assert rows("status=ongoing") == 2
    assert rows("status=planned") == 0
    assert rows(f"unit={world['units']['village'].pk}") == 2  # 李娜's unit, 张伟's host unit
    assert rows(f"unit={world['units']['office'].pk}") == 1
    assert rows("q=ln") == 1


def test_overdue_board_and_its_workbook(world, data, client_for):
    client = client_for(world["users"]["staff"])
    page = client.get("/training/monthly-reports/overdue/").content.decode()
    shown = page.count('data-testid="overdue-row"')
    assert shown >= 1 and "张伟" in page and "赵敏" not in page
    response = client.get("/training/monthly-reports/overdue/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(response.content)
    assert rows[0][:3] == ["干部", "所在单位", "锻炼方式"]
    assert len(rows) == shown + 1
    assert {r[0] for r in rows[1:]} <= {"张伟", "李娜"}
    assert all(isinstance(r[6], int) and r[6] > 0 for r in rows[1:])


def test_postings_workbook(world, data, client_for):
    response = client_for(world["users"]["staff"]).get(
        "/training/postings/?format=xlsx&type=village"
    )
    rows = workbook_rows(response.content)
    assert rows[0][0] == "干部" and len(rows) == 2
    assert rows[1][:4] == ["张伟", "金城镇/党政办", "挂村锻炼", "金城镇/东浦村"]
    assert rows[1][10:12] == [1, 0]


# --- query counts ----------------------------------------------------------------------------

N = 5


def _grow(world, supervisor=None):
    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            cadre = f.CadreFactory(unit=unit)
            posting = services.posting_create(
                actor=None, cadre=cadre, type="rotation", host_unit=unit, role="",
                task_force=None, starts_on=months_ago(3), ends_on=TODAY, supervisor=supervisor,
                goals="轮岗", needs_monthly_reports=True,
            )  # fmt: skip
            MonthlyReport.objects.create(
                posting=posting, month=months_ago(2), work_done="x", submitted_at=posting.created_at
            )

    return grow


def _constant(client, url, grow, count, django_assert_max_num_queries, django_assert_num_queries):
    grow(N)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        response = client.get(url)
    assert response.status_code == 200
    shown = count(response)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert count(response) > shown


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/training/postings/", 'data-testid="posting-row"'),
        ("/training/monthly-reports/overdue/", 'data-testid="overdue-row"'),
        ("/training/task-forces/{tf}/", 'data-testid="member-row"'),
    ],
)
def test_staff_pages_queries_are_constant(
    world, data, client_for, url, marker, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["staff"])
    grow = _grow(world)
    if "task-forces" in url:

        def grow(n):
            for _ in range(n):
                services.task_force_member_add(
                    task_force=data["task_force"], actor=None,
                    cadre=f.CadreFactory(unit=world["units"]["office"]),
                )  # fmt: skip

    _constant(client, url.format(tf=data["task_force"].pk), grow,
              lambda r: r.content.decode().count(marker),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_pending_reviews_queries_are_constant(
    world, data, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(data["supervisor"])
    _constant(client, "/training/monthly-reports/pending/", _grow(world, data["supervisor"]),
              lambda r: r.content.decode().count('data-testid="pending-row"'),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip
