"""In a real headless Chromium on a 390 px wide phone screen: a mentor picks a mentee and
records guidance (记一笔帮带) with a task; the log appears in the mentee's list."""

import datetime

import pytest
from playwright.sync_api import expect

from mentoring.models import GuidanceLog
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentor_logs_guidance_on_a_phone(live_server, page, screenshot):
    town = f.make_unit("金城镇")
    village = f.make_unit("东浦村", town, kind="village")
    user = f.UserFactory(username="mentor", roles=["mentor"])
    mentor = f.MentorFactory(user=user, unit=town, name="周建华")
    f.PairingFactory(mentor=mentor, cadre=f.CadreFactory(name="李娜", unit=village, male=False))
    f.PairingFactory(mentor=mentor, cadre=f.CadreFactory(name="陈晨", unit=village))
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("mentor")
    page.get_by_label("密码").fill("pw-qingmiao-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")

    page.goto(f"{live_server.url}/guidance/mentees/")
    page.get_by_test_id("mentee-李娜").get_by_role("link", name="记一笔").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("李娜")
    page.get_by_text("一线实践法").click()
    page.get_by_text("业务能力").click()
    page.get_by_text("沟通协调").click()
    page.get_by_label("帮带内容").fill("带领参加信访接待，会后复盘沟通要点。")
    page.get_by_label("布置任务1", exact=True).fill("整理一次走访记录")
    # Nothing is wider than the phone's screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("guidance-390")
    page.get_by_role("button", name="保存帮带记录").click()

    expect(page.get_by_role("alert")).to_contain_text("已记录对李娜的帮带。")
    expect(page.get_by_test_id("guidance-row")).to_have_count(1)
    log = GuidanceLog.objects.get()
    assert (log.method, log.focus, log.date) == (
        "frontline",
        "skills,coordination",
        datetime.date.today(),
    )
    assert list(log.tasks.values_list("text", flat=True)) == ["整理一次走访记录"]
