"""Pages of guidance logs (帮带记录): access for every role, the mentor's form with its
validation messages by field, the cadre's response, task follow-up, deletion within 7 days,
points appearing and withdrawn, the export, and constant query counts."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from mentoring.models import GuidanceLog, GuidanceTask, Pairing
from scoring.models import PointEntry, PointRule
from tests.mentoring.guidance_helpers import ROLES, expect, log_for, make_guidance


@pytest.fixture
def guidance(world):
    return make_guidance(world)


PAGES = [
    ("list", "/guidance/", expect(_=200, evaluator=403)),
    ("mentees", "/guidance/mentees/", expect(_=403, admin=200, mentor=200)),
    ("new for own mentee", "/guidance/new/{own_pairing}/", expect(_=403, admin=404, mentor=200)),
    ("new for other's mentee", "/guidance/new/{self_pairing}/", expect(_=403, admin=404, mentor=404)),
    ("own log", "/guidance/{own}/", expect(_=200, evaluator=403, cadre=404)),
    ("cadre's log", "/guidance/{self}/", expect(_=200, evaluator=403, mentor=404)),
    ("shared mentee, other mentor", "/guidance/{shared}/", expect(_=200, evaluator=403, mentor=404, cadre=404)),
    ("other town's log", "/guidance/{far}/", expect(_=404, admin=200, evaluator=403)),
    ("export", "/guidance/?format=xlsx", expect(_=200, evaluator=403)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "statuses"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access(world, guidance, client_for, name, url, statuses, role):
    ids = {k: v.pk for k, v in guidance.items() if hasattr(v, "pk")}
    response = client_for(world["users"][role]).get(url.format(**ids))
    assert response.status_code == statuses[ROLES.index(role)]


def _listed(client, url="/guidance/"):
    return {log.pk for log in client.get(url).context["page"].object_list}


def test_lists_are_scoped(world, guidance, client_for):
    g = guidance
    assert _listed(client_for(world["users"]["mentor"])) == {g["own"].pk}
    assert _listed(client_for(world["users"]["cadre"])) == {g["self"].pk}
    assert _listed(client_for(world["users"]["staff"])) == {
        g["own"].pk,
        g["self"].pk,
        g["shared"].pk,
    }
    assert _listed(client_for(g["other_user"])) == {g["self"].pk, g["shared"].pk}
    per_mentee = f"/guidance/?cadre={world['cadres']['mentee'].pk}"
    assert _listed(client_for(world["users"]["staff"]), per_mentee) == {g["own"].pk, g["shared"].pk}


def test_mentees_page_lists_only_own_mentees(world, guidance, client_for):
    response = client_for(world["users"]["mentor"]).get("/guidance/mentees/")
    assert [p.cadre.name for p in response.context["pairings"]] == ["李娜"]


@pytest.fixture
def rule():
    return PointRule.objects.create(
        code="DB-01", name="导师帮带", category="learn", event_kind="mentoring.guidance.logged",
        points=Decimal("1"), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip


def _post(pairing, **overrides):
    today = timezone.localdate()
    data = {
        "date": (today - datetime.timedelta(days=2)).isoformat(),
        "method": "frontline",
        "focus": ["skills", "coordination"],
        "content": "带领参加信访接待",
        "task_1": "整理走访记录",
        "task_1_due": (today + datetime.timedelta(days=14)).isoformat(),
        "task_2": "",
        "task_2_due": "",
        "task_3": "",
        "task_3_due": "",
        **overrides,
    }
    return f"/guidance/new/{pairing.pk}/", data


def test_mentor_logs_guidance_and_points_appear(world, guidance, client_for, rule):
    url, data = _post(guidance["own_pairing"])
    response = client_for(world["users"]["mentor"]).post(url, data)
    assert response.status_code == 302
    log = GuidanceLog.objects.latest("id")
    assert (log.method, log.focus, log.created_by) == (
        "frontline",
        "skills,coordination",
        world["users"]["mentor"],
    )
    assert list(log.tasks.values_list("text", "status")) == [("整理走访记录", "open")]
    entry = PointEntry.objects.get(source=f"mentoring.guidancelog:{log.pk}")
    assert (entry.cadre, entry.points, entry.event_kind) == (
        world["cadres"]["mentee"],
        Decimal("1"),
        "mentoring.guidance.logged",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2999-01-01"}, "date", "帮带日期不能晚于今天。"),
        ({"date": "2021-06-01"}, "date", "帮带日期不能早于结对开始日期（2022-01-01）。"),
        ({"focus": []}, "focus", "请至少选择一项帮带重点。"),
        ({"method": "poetry"}, "method", "选择一个有效的选项。 poetry 不在可用的选项中。"),
        ({"content": "   "}, "content", "请填写帮带内容。"),
        ({"task_1": "", "task_1_due": "2030-01-01"}, "__all__", "布置任务必须填写任务内容。"),
    ],
)
def test_form_errors_by_field(world, guidance, client_for, overrides, field, message):
    url, data = _post(guidance["own_pairing"], **overrides)
    before = GuidanceLog.objects.count()
    response = client_for(world["users"]["mentor"]).post(url, data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert GuidanceLog.objects.count() == before


def test_mentor_cannot_log_for_another_mentors_mentee(world, guidance, client_for):
    url, data = _post(guidance["self_pairing"])
    assert client_for(world["users"]["mentor"]).post(url, data).status_code == 404
    assert not GuidanceLog.objects.filter(
        pairing=guidance["self_pairing"], created_by=world["users"]["mentor"]
    ).exists()


def test_ended_pairing_refuses_new_logs(world, guidance, client_for):
    pairing = guidance["own_pairing"]
    pairing.end_date = timezone.localdate() - datetime.timedelta(days=1)
    pairing.save(update_fields=["end_date"])
    url, data = _post(pairing)
    assert client_for(world["users"]["mentor"]).post(url, data).status_code == 404


def test_cadre_responds_to_own_log_only(world, guidance, client_for):
    client = client_for(world["users"]["cadre"])
    response = client.post(
        f"/guidance/{guidance['self'].pk}/respond/", {"response": "收到，按期完成"}
    )
    assert response.status_code == 302
    guidance["self"].refresh_from_db()
    assert guidance["self"].response == "收到，按期完成"
    assert guidance["self"].responded_at is not None
    assert (
        client.post(f"/guidance/{guidance['own'].pk}/respond/", {"response": "x"}).status_code
        == 404
    )
    # The mentee's mentor sees the log but may not answer for the cadre.
    mentor = client_for(guidance["other_user"])
    assert (
        mentor.post(f"/guidance/{guidance['self'].pk}/respond/", {"response": "x"}).status_code
        == 403
    )


def test_task_follow_up_by_the_mentor(world, guidance, client_for):
    task = GuidanceTask.objects.get(log=guidance["own"])
    client = client_for(world["users"]["mentor"])
    response = client.post(
        f"/guidance/tasks/{task.pk}/", {"status": "done", "note": ""}, follow=True
    )
    assert "标记完成时请填写跟进情况。" in response.content.decode()
    client.post(f"/guidance/tasks/{task.pk}/", {"status": "done", "note": "报告已交"})
    task.refresh_from_db()
    assert (task.status, task.follow_up) == ("done", "报告已交")
    other = client_for(guidance["other_user"])
    assert other.post(f"/guidance/tasks/{task.pk}/", {"status": "open"}).status_code == 404


def test_author_deletes_within_7_days_and_points_are_withdrawn(world, guidance, client_for, rule):
    log = log_for(guidance["own_pairing"], days_ago=0)
    source = f"mentoring.guidancelog:{log.pk}"
    assert PointEntry.objects.filter(source=source).count() == 1
    other = client_for(guidance["other_user"])
    assert other.post(f"/guidance/{log.pk}/delete/").status_code == 404
    client = client_for(world["users"]["mentor"])
    assert client.post(f"/guidance/{log.pk}/delete/").status_code == 302
    assert not GuidanceLog.objects.filter(pk=log.pk).exists()
    total = sum(e.points for e in PointEntry.objects.filter(source=source))
    assert total == 0


def test_delete_after_7_days_is_refused(world, guidance, client_for):
    log = guidance["own"]
    GuidanceLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    response = client_for(world["users"]["mentor"]).post(f"/guidance/{log.pk}/delete/", follow=True)
    assert "帮带记录只能在记录后7天内删除。" in response.content.decode()
    assert GuidanceLog.objects.filter(pk=log.pk).exists()


def test_export_opens_with_openpyxl(world, guidance, client_for):
    response = client_for(world["users"]["staff"]).get("/guidance/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("干部", "单位", "导师")
    assert sorted(r[0] for r in rows[1:]) == sorted(["李娜", "李娜", "张伟"])


def _many(world, n):
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    for i in range(n):
        log_for(pairing, days_ago=i % 30, tasks=[{"text": f"任务{i}", "due_on": None}])


@pytest.mark.parametrize("role", ["staff", "mentor"])
def test_list_query_count_is_constant(world, client_for, django_assert_max_num_queries, role):
    client = client_for(world["users"][role])
    _many(world, 3)
    with django_assert_max_num_queries(12) as small:
        client.get("/guidance/")
    _many(world, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/guidance/").context["page"].object_list) == 15
