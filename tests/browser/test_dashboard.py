"""In a real headless Chromium: a leader opens the dashboard (数据看板); every chart is drawn
(an ECharts canvas per dataset) with no console error, on a desktop and on a phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.services.ledger import points_award
from tests import factories as f
from training.models import Activity, Participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("ages", "attendance", "compliance", "points", "programmes")


def _world():
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    staff = f.UserFactory(username="staff", roles=["staff"], unit=town)
    f.UserFactory(username="leader", roles=["leader"], unit=town)
    cohort = f.CohortFactory(programme=f.ProgrammeFactory(owner_unit=town, name="磐石计划"))
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    activity = Activity.objects.create(
        title="理论政策专题课", type="course", unit=office, starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), place="党校", hours=Decimal("2"),
    )  # fmt: skip
    for i, age in enumerate((26, 29, 33, 38, 45)):
        cadre = f.CadreFactory(unit=office, age=age, position="党政办主任" if i == 1 else "科员")
        f.EnrolmentFactory(cohort=cohort, cadre=cadre)
        Participant.objects.create(
            activity=activity, cadre=cadre, attendance="present" if i % 2 else "absent"
        )
        points_award(
            cadre=cadre, points=Decimal(5 + 7 * i), reason="测试", actor=staff, occurred_on=today
        )


@pytest.mark.parametrize("width", [1366, 390])
def test_leader_sees_every_chart_drawn(live_server, page, screenshot, width):
    _world()
    errors = []

    def console(message):
        # The browser's own /favicon.ico request (the site has none) is not the page's doing.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("pw-qingmiao-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")

    page.get_by_test_id("dashboard-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("数据看板")
    for chart in CHARTS:
        expect(page.locator(f"#qm-chart-{chart} canvas")).to_have_count(1)
    expect(page.locator('[data-kpi="cadres"]')).to_have_text("5")
    expect(page.locator('[data-kpi="attendance_rate"]')).to_have_text("40.0%")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"dashboard-{width}")
    assert errors == []
