"""In a real headless Chromium: organisation staff find a cadre by pinyin initials."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_orgstaff_finds_cadre_by_pinyin_initials_and_opens_profile(live_server, page, screenshot):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    target = f.CadreFactory(name="张伟", unit=office, position="综合科科长")
    f.CadreFactory(name="李娜", unit=office, male=False)
    f.CadreFactory(name="周子伟", unit=office)  # initials zzw: must not match "zw"
    f.UserFactory(username="orgstaff", roles=["staff"], unit=town)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("orgstaff")
    page.get_by_label("密码").fill("pw-qingmiao-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")

    page.get_by_role("link", name="干部档案").first.click()
    expect(page.get_by_test_id("result-count")).to_contain_text("3")
    page.get_by_label("姓名 / 拼音 / 首字母").fill("zw")
    # htmx replaces the table as the user types; no submit needed.
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    expect(page.get_by_role("link", name="李娜")).to_have_count(0)
    # The export link follows the live search, so the workbook matches the screen.
    expect(page.locator("#qm-export")).to_have_attribute("href", re.compile(r"[?&]q=zw(&|$)"))
    page.get_by_role("link", name="张伟").click()

    expect(page).to_have_url(f"{live_server.url}/cadres/{target.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("张伟")
    expect(page.get_by_role("heading", level=1)).to_contain_text("金城镇/党政办")
    expect(page.get_by_test_id("id-number")).to_have_text(target.id_number)
    screenshot("orgstaff-cadre-profile")
