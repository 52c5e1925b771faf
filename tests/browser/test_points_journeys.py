"""In a real headless Chromium: an evaluator fills a form on a phone-sized screen, and a cadre
reads their published points with the trend and the six-dimension radar."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring import services
from scoring.choices import Dimension
from scoring.models import EvaluationAssignment
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-qingmiao-1"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def _quarter_start(day):
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def test_evaluator_rates_a_cadre_on_a_phone(live_server, browser, screenshot):
    town = f.make_unit("金城镇")
    cadre = f.CadreFactory(name="张伟", unit=town, position="综合科科长")
    evaluator = f.UserFactory(username="pingjia", roles=["evaluator"])
    today = timezone.localdate()
    round_ = services.round_create(
        actor=None, name="本季度评鉴", kind="quarter", unit=town, cohort=None,
        period_start=_quarter_start(today), period_end=today,
        opens_on=today, closes_on=today + datetime.timedelta(days=7),
    )  # fmt: skip
    services.assignments_add(
        round_=round_, cadres=[cadre], evaluators=[evaluator], group="colleague", actor=None
    )
    services.round_open(round_=round_, actor=None)

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server, "pingjia")
    page.get_by_test_id("evaluation-tasks").get_by_role("link", name="去填写").click()
    page.get_by_role("link", name="张伟").first.click()
    expect(page.get_by_test_id("cadre")).to_contain_text("综合科科长")
    labels = [str(d.label) for d in Dimension]
    for label in labels[:-1]:
        page.get_by_label(label).fill("88")
    page.get_by_label(labels[-1]).fill("101")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    assert EvaluationAssignment.objects.get().status == "pending"  # nothing half-saved
    page.get_by_label(labels[-1]).fill("90")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("已提交").first).to_be_visible()
    assignment = EvaluationAssignment.objects.get()
    assert assignment.status == "submitted"
    assert sorted(assignment.scores.values_list("score", flat=True)) == [88] * 5 + [90]
    # Nothing on a phone needs scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("evaluator-phone-form")
    context.close()


def test_cadre_reads_published_points_with_trend_and_radar(live_server, page, screenshot):
    town = f.make_unit("金城镇")
    me = f.CadreFactory(name="张伟", unit=town)
    peer = f.CadreFactory(name="王芳", unit=town, male=False)
    me.user = f.UserFactory(username="zhangwei", roles=["cadre"])
    me.save(update_fields=["user"])
    this_quarter = _quarter_start(timezone.localdate())
    end = this_quarter - datetime.timedelta(days=1)
    start = _quarter_start(end)
    for cadre, points, reason in [(me, "6", "主持读书分享"), (peer, "9", "王芳的论坛发言")]:
        services.points_award(
            cadre=cadre, points=Decimal(points), reason=reason, actor=None, occurred_on=start
        )
    period = services.period_create(actor=None, name="上季度积分", unit=town, start=start, end=end)
    services.period_publish(period=period, actor=None)

    _login(page, live_server, "zhangwei")
    page.get_by_role("link", name="我的积分").first.click()
    expect(page.get_by_test_id("latest-standing")).to_contain_text("6.00")
    expect(page.get_by_test_id("latest-standing")).to_contain_text("2 / 2")
    expect(page.get_by_test_id("entries")).to_contain_text("主持读书分享")
    expect(page.locator('svg[data-chart="trend"]')).to_be_visible()
    assert "王芳" not in page.content()
    expect(page.get_by_test_id("window-open")).to_be_visible()
    page.get_by_role("link", name="提出异议").click()
    page.get_by_label("异议内容").fill("读书分享应为主讲，分值偏低。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("读书分享应为主讲").first).to_be_visible()
    assert period.objections.get().cadre == me
    page.goto(f"{live_server.url}/points/mine/")
    screenshot("cadre-points-page")
