"""Editing a guidance log (帮带记录) through its page: only the pairing's mentor — its author —
while the pairing is current (the rule of the API's PATCH, `guidance_log_update`); the form
of recording one, the service's refusals beside the fields, extra tasks added, points kept."""

import datetime

import pytest
from django.utils import timezone

from mentoring.models import GuidanceLog
from mentoring.services import pairings as pairing_services
from scoring.models import PointEntry
from tests.mentoring.guidance_helpers import ROLES, expect, make_guidance

TODAY = timezone.localdate()


@pytest.fixture
def guidance(world):
    return make_guidance(world)


def _form(**changes):
    data = {
        "date": (TODAY - datetime.timedelta(days=2)).isoformat(), "method": "exchange",
        "focus": ["skills"], "content": "修改后的帮带内容", "task_1": "", "task_1_due": "",
        "task_2": "", "task_2_due": "", "task_3": "", "task_3_due": "",
    }  # fmt: skip
    data.update(changes)
    return data


EDIT = [
    ("own log", "own", expect(_=403, mentor=200)),
    ("the cadre's log by another mentor", "self", expect(_=403, mentor=404)),
    ("shared mentee, other mentor's log", "shared", expect(_=403, mentor=404)),
    ("other town's log", "far", expect(_=403, mentor=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "log", "statuses"), EDIT, ids=[e[0] for e in EDIT])
@pytest.mark.parametrize("role", ROLES)
def test_edit_page_access_per_role(world, guidance, client_for, name, log, statuses, role):
    client = client_for(world["users"][role])
    url = f"/guidance/{guidance[log].pk}/edit/"
    expected = statuses[ROLES.index(role)]
    assert client.get(url).status_code == expected
    before = GuidanceLog.objects.get(pk=guidance[log].pk).content
    assert client.post(url, _form()).status_code == (302 if expected == 200 else expected)
    changed = GuidanceLog.objects.get(pk=guidance[log].pk).content != before
    assert changed == (expected == 200)


def test_other_mentor_edits_their_own_but_not_the_first_mentors(world, guidance, client_for):
    client = client_for(guidance["other_user"])
    assert client.get(f"/guidance/{guidance['shared'].pk}/edit/").status_code == 200
    assert client.get(f"/guidance/{guidance['own'].pk}/edit/").status_code == 404


def test_author_edits_adds_tasks_and_keeps_points(world, guidance, client_for):
    log = guidance["own"]
    points_before = PointEntry.objects.count()
    client = client_for(world["users"]["mentor"])
    page = client.get(f"/guidance/{log.pk}/edit/")
    html = page.content.decode()
    assert "交流工作思路" in html and "修改帮带记录" in html  # the form holds the log
    response = client.post(
        f"/guidance/{log.pk}/edit/",
        _form(method="frontline", focus=["methods", "skills"], task_1="走访三户困难群众"),
    )
    assert response.status_code == 302 and response.url == f"/guidance/{log.pk}/"
    log.refresh_from_db()
    assert (log.method, log.focus_list, log.content) == (
        "frontline", ["skills", "methods"], "修改后的帮带内容",
    )  # fmt: skip
    assert [t.text for t in log.tasks.order_by("id")] == ["写一篇调研报告", "走访三户困难群众"]
    assert PointEntry.objects.count() == points_before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": (TODAY + datetime.timedelta(days=1)).isoformat()}, "date", "帮带日期不能晚于今天。"),
        ({"date": "2021-12-31"}, "date", "帮带日期不能早于结对开始日期（2022-01-01）。"),
        ({"content": "   "}, "content", "请填写帮带内容。"),
        ({"focus": []}, "focus", "请至少选择一项帮带重点。"),
    ],
)  # fmt: skip
def test_errors_show_beside_the_field(world, guidance, client_for, changes, field, message):
    log = guidance["own"]
    client = client_for(world["users"]["mentor"])
    response = client.post(f"/guidance/{log.pk}/edit/", _form(**changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert f'<div class="invalid-feedback d-block">{message}</div>' in response.content.decode()
    log.refresh_from_db()
    assert log.content == "交流工作思路"


def test_no_edit_once_the_pairing_ended(world, guidance, client_for):
    log = guidance["own"]
    pairing_services.pairing_end(
        actor=world["users"]["staff"], pairing=guidance["own_pairing"], reason="调动",
        end_date=TODAY - datetime.timedelta(days=1),
    )  # fmt: skip
    client = client_for(world["users"]["mentor"])
    assert client.get(f"/guidance/{log.pk}/edit/").status_code == 404  # out of sight
    assert client.post(f"/guidance/{log.pk}/edit/", _form()).status_code == 404


def test_detail_links_to_edit_for_the_author_only(world, guidance, client_for):
    url = f"/guidance/{guidance['own'].pk}/"
    for role in ("mentor", "staff", "admin", "leader"):
        html = client_for(world["users"][role]).get(url).content.decode()
        assert ('data-testid="guidance-edit"' in html) == (role == "mentor"), role
        assert (f"/guidance/{guidance['own'].pk}/edit/" in html) == (role == "mentor"), role
