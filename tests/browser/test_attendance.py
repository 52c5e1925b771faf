"""In a real headless Chromium: organisation staff mark attendance for a 60-person class with
"全部出席" and two exceptions, in one submit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f
from training import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_marks_attendance_for_a_60_person_class(live_server, page, screenshot):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    staff = f.UserFactory(username="orgstaff", roles=["staff"], unit=town)
    cadres = [f.CadreFactory(name=f"学员{i:02d}", unit=office) for i in range(1, 61)]
    starts_at = timezone.now() - datetime.timedelta(hours=1)
    activity = services.activity_create(
        actor=staff, title="青年干部理论学习", type="theory", theme="party_building", unit=town,
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2),
        place="党校报告厅", hours=Decimal("2"),
    )  # fmt: skip
    services.participants_invite(activity=activity, cadres=cadres, actor=staff)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("orgstaff")
    page.get_by_label("密码").fill("pw-qingmiao-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")

    page.goto(f"{live_server.url}/training/{activity.pk}/")
    page.get_by_role("link", name="登记考勤").click()
    expect(page.locator("[data-qm-row]")).to_have_count(60)
    page.get_by_role("button", name="全部出席").click()
    expect(page.locator("input[type=radio][value=present]:checked")).to_have_count(60)
    page.get_by_test_id("row-学员07").locator("label", has_text="请假").click()
    page.get_by_test_id("row-学员42").locator("label", has_text="缺席").click()
    screenshot("attendance-60")
    page.get_by_role("button", name="保存考勤").first.click()
    expect(page.get_by_role("alert")).to_contain_text("考勤已保存，更新60人。")

    marks = dict(activity.participants.values_list("cadre__name", "attendance"))
    assert marks.pop("学员07") == "leave"
    assert marks.pop("学员42") == "absent"
    assert set(marks.values()) == {"present"}
    assert len(marks) == 58
    # The saved marks are shown when the page is opened again.
    expect(page.locator("input[type=radio][value=present]:checked")).to_have_count(58)
