"""Unit list import (单位, one full path per row) and export, with real .xlsx files."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from cadres.models import Unit
from cadres.unit_resources import UnitRosterResource, units_xlsx
from core.importing import import_workbook
from tests import factories as f

HEADERS = ["单位", "类型"]
KIND_OPTIONS = "县（区）、乡镇（街道）、党政机关、事业单位、村、社区、其他"


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(content: bytes, *, actor=None, dry_run: bool = False):
    return import_workbook(
        resource=UnitRosterResource(actor=actor), content=content, dry_run=dry_run
    )


def counts(report) -> tuple[int, int, int, int]:
    return report.new, report.updated, report.unchanged, report.invalid


def errors(report) -> list[str]:
    return [str(issue) for issue in report.errors]


def units() -> dict[str, str]:
    return dict(Unit.objects.values_list("full_name", "kind"))


# --- new, unchanged, updated -------------------------------------------------------------------


def test_new_units_with_parents_listed_later_or_not_at_all(db):
    report = run(
        xlsx(
            [
                ["金城镇/党政办公室", "党政机关"],
                ["金城镇/东浦村", "村"],
                ["金城镇", "乡镇（街道）"],  # the parent, after its children
                ["新区/管委会/综合科", None],  # neither 新区 nor 新区/管委会 listed
                ["新区", "其他"],  # …except 新区, later, with its own kind
            ]
        )
    )
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (5, 0, 0, 0)
    assert units() == {
        "金城镇": "town",
        "金城镇/党政办公室": "office",
        "金城镇/东浦村": "village",
        "新区": "other",
        "新区/管委会": "office",
        "新区/管委会/综合科": "office",
    }
    town = Unit.objects.get(full_name="金城镇")
    assert [u.full_name for u in Unit.objects.get_children(town)] == [
        "金城镇/党政办公室",
        "金城镇/东浦村",
    ]
    assert (
        Unit.objects.get_parent(Unit.objects.get(full_name="新区/管委会/综合科")).full_name
        == "新区/管委会"
    )
    assert [r["status"] for r in report.rows] == ["new"] * 5


def test_unchanged_updated_and_new_against_existing_units(world):
    report = run(
        xlsx(
            [
                ["金城镇", "乡镇(街道)"],  # half-width brackets: the same label
                ["金城镇/东浦村", "社区"],  # village → community
                [" 金城镇 ／ 党政办 ", None],  # spaces, full-width slash; empty kind keeps it
                ["金城镇/新设办", ""],  # new, default kind below a town: 党政机关
                ["西山镇", None],  # new top-level unit, default 乡镇（街道）
            ]
        )
    )
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (2, 1, 2, 0)
    assert [
        (r["row"], r["status"], r["changed"]) for r in report.rows if r["status"] != "unchanged"
    ] == [
        (3, "updated", ["类型"]),
        (5, "new", []),
        (6, "new", []),
    ]
    assert units()["金城镇/东浦村"] == "community"
    assert units()["金城镇/新设办"] == "office"
    assert units()["西山镇"] == "town"
    assert units()["金城镇/党政办"] == "office"


def test_only_the_unit_column_is_enough(world):
    report = run(xlsx([["金城镇/东浦村"], ["金城镇/新设办"]], headers=["单位"]))
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (1, 0, 1, 0)
    assert units()["金城镇/东浦村"] == "village"


def test_reimporting_the_same_workbook_changes_nothing(world):
    content = xlsx([["金城镇/新设办", "事业单位"], ["东湖镇/南村", "村"], ["金城镇", None]])
    first = run(content)
    assert first.saved and counts(first) == (2, 0, 1, 0)
    before = units()
    second = run(content)
    assert second.saved and counts(second) == (0, 0, 3, 0)
    assert {r["status"] for r in second.rows} == {"unchanged"}
    assert units() == before


def test_export_then_import_reports_all_unchanged(world):
    f.make_unit("+新区")  # formula-like name: exported with an apostrophe
    f.make_unit("社区甲", world["units"]["village"], kind="community")
    content = units_xlsx(Unit.objects.all())
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("单位", "类型")
    assert ("'+新区", "乡镇（街道）") in rows
    assert ("金城镇/东浦村/社区甲", "社区") in rows
    before = units()
    report = run(content)
    assert report.ok, (report.file_errors, errors(report))
    assert counts(report) == (0, 0, Unit.objects.count(), 0)
    assert units() == before


def test_dry_run_saves_nothing(world):
    before = units()
    report = run(xlsx([["金城镇/新设办", None], ["金城镇/东浦村", "社区"]]), dry_run=True)
    assert report.ok and not report.saved
    assert counts(report) == (1, 1, 0, 0)
    assert units() == before


# --- invalid rows ------------------------------------------------------------------------------


def test_invalid_rows_are_named_by_row_and_header_and_nothing_is_saved(world):
    before = units()
    report = run(
        xlsx(
            [
                ["金城镇/新设办", "党政机关"],  # valid, but not saved either
                ["金城镇/南村", "乡镇政府"],
                [None, "村"],
                ["金城镇/" + "长" * 101, None],
                ["东湖镇/西村", None],
                [" 东湖镇 / 西村 ", "村"],
            ]
        )
    )
    assert errors(report) == [
        f"第3行【类型】“乡镇政府”不是可选值（可选：{KIND_OPTIONS}）。",
        "第4行【单位】不能为空。",
        f"第5行【单位】单位名称“{'长' * 101}”超过100个字。",
        "第6行【单位】与第7行重复。",
        "第7行【单位】与第6行重复。",
    ]
    assert counts(report) == (1, 0, 0, 5)
    assert not report.saved
    assert units() == before


def test_repeated_rows_are_errors_even_when_unchanged(world):
    report = run(xlsx([["金城镇", None], ["金城镇/党政办", None], ["金城镇", "乡镇（街道）"]]))
    assert errors(report) == ["第2行【单位】与第4行重复。", "第4行【单位】与第2行重复。"]
    assert counts(report) == (0, 0, 1, 2)


def test_missing_unit_column_is_a_file_error(world):
    report = run(xlsx([["乡镇（街道）"]], headers=["类型"]))
    assert report.file_errors[0] == "缺少必填列：单位"
    assert counts(report) == (0, 0, 0, 0)
    assert not report.saved


# --- staff scope -------------------------------------------------------------------------------


def test_staff_may_create_and_change_units_only_in_their_subtree(world):
    staff = world["users"]["staff"]  # 金城镇
    before = units()
    report = run(
        xlsx(
            [
                ["金城镇/新设办/一科", None],  # allowed: 金城镇 is theirs (新设办 made too)
                ["东湖镇/西村", "村"],
                ["东湖镇", None],  # exists, unchanged, but not theirs
                ["西山镇", None],  # a new top-level unit
            ]
        ),
        actor=staff,
    )
    assert errors(report) == [
        "第3行【单位】单位“东湖镇/西村”不在您管理的范围内。",
        "第4行【单位】单位“东湖镇”不在您管理的范围内。",
        "第5行【单位】单位“西山镇”不在您管理的范围内。",
    ]
    assert not report.saved
    assert units() == before


def test_staff_import_within_their_subtree(world):
    staff = world["users"]["staff"]
    report = run(
        xlsx([["金城镇/新设办/一科", None], ["金城镇/东浦村", "社区"], ["金城镇", None]]),
        actor=staff,
    )
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (1, 1, 1, 0)
    assert units()["金城镇/新设办"] == "office"
    assert units()["金城镇/东浦村"] == "community"


def test_admin_may_create_top_level_units(world):
    report = run(xlsx([["西山镇/综合办", None]]), actor=world["users"]["admin"])
    assert report.saved and counts(report) == (1, 0, 0, 0)
    assert units()["西山镇"] == "town"
