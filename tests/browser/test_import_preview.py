"""In a real headless Chromium: staff upload a roster, read the preview, fix the row, import."""

import datetime
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from cadres.models import Cadre
from cadres.roster import COLUMNS
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workbook(path, id_number: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in COLUMNS])
    birth = datetime.date(1994, 8, 9)
    sheet.append(["钱多多", "女", "汉族", "1994-08-09", f.id_number_for(birth, male=False),
                  "中共党员", "", "大学本科", "", "", "", "", "金城镇/党政办", "科员", "", "行政", "", "否"])  # fmt: skip
    sheet.append(["孙小圣", "男", "汉族", "1995/1/2", id_number,
                  "共青团员", "", "研究生", "", "", "", "", "党政办", "", "", "选调生", "", ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_staff_preview_shows_the_bad_cell_then_imports_the_fixed_file(
    live_server, page, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    town = f.make_unit("金城镇")
    f.make_unit("党政办", town)
    f.UserFactory(username="orgstaff", roles=["staff"], unit=town)
    bad, good = tmp_path / "roster-bad.xlsx", tmp_path / "roster.xlsx"
    _workbook(bad, "320482199501020012")
    _workbook(good, f.id_number_for(datetime.date(1995, 1, 2), male=True))

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("orgstaff")
    page.get_by_label("密码").fill("pw-qingmiao-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/imports/cadres/new/")
    page.get_by_label("Excel文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预检").click()

    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-invalid")).to_have_text("1")
    expect(page.get_by_test_id("errors")).to_contain_text("第3行【身份证号】身份证号校验码不正确。")
    bad_cell = page.get_by_test_id("preview").locator("td.table-danger")
    expect(bad_cell).to_contain_text("身份证号校验码不正确。")
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    assert Cadre.objects.count() == 0

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("Excel文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预检").click()
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("import-done")).to_be_visible()
    screenshot("orgstaff-roster-imported")
    assert sorted(Cadre.objects.values_list("name", flat=True)) == ["孙小圣", "钱多多"]
