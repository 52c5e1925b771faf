"""The downloadable import templates (cadre roster and unit list): their layout, and that they
import cleanly as downloaded."""

from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cadres.idcard import id_parse
from cadres.models import Cadre, Unit
from cadres.resources import CadreRosterResource
from cadres.roster import COLUMNS
from cadres.roster_template import roster_template_xlsx, unit_template_xlsx
from cadres.unit_resources import UnitRosterResource
from core.importing import import_workbook

CADRE_OPTIONS = {
    "性别": ["男", "女"],
    "政治面貌": ["中共党员", "中共预备党员", "共青团员", "群众", "民主党派"],
    "学历": ["研究生", "大学本科", "大学专科", "中专", "高中及以下"],
    "学位": ["博士", "硕士", "学士", "无"],
    "干部类别": ["行政", "事业", "村（社区）", "选调生"],
    "是否后备干部": ["是", "否"],
}


def open_book(content: bytes):
    return load_workbook(BytesIO(content))


def drop_downs(sheet) -> dict[str, list[str]]:
    """Header → the values of the list validation covering its column below the header."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            assert cell_range.min_row == 2 and cell_range.max_row == 1_048_576
            found[headers[letter]] = validation.formula1.strip('"').split(",")
    return found


def column_of(sheet, header: str) -> str:
    return next(c.column_letter for c in sheet[1] if c.value == header)


# --- the cadre roster template -----------------------------------------------------------------


def test_roster_template_layout():
    book = open_book(roster_template_xlsx())
    assert book.sheetnames == ["干部花名册", "填写说明"]
    sheet = book["干部花名册"]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        assert cell.font.b
        assert (cell.font.color is not None and cell.font.color.rgb == "00C00000") == (
            column.required
        ), column.header
        assert cell.comment is not None and cell.comment.text.startswith(
            "必填。" if column.required else "选填。"
        )
        assert sheet.column_dimensions[cell.column_letter].width >= 12
    assert drop_downs(sheet) == CADRE_OPTIONS
    for header in ("身份证号", "手机号码"):
        letter = column_of(sheet, header)
        assert sheet.column_dimensions[letter].number_format == "@"
        example = sheet[f"{letter}2"]
        assert example.number_format == "@" and example.data_type == "s"
    assert sheet.max_row == 2  # the header and one example
    assert sheet.freeze_panes == "A2"


def test_roster_template_example_row_is_consistent():
    sheet = open_book(roster_template_xlsx())["干部花名册"]
    example = {c.value: sheet.cell(row=2, column=c.column).value for c in sheet[1]}
    facts = id_parse(example["身份证号"])
    assert facts.birth_date == example["出生日期"].date()
    assert facts.gender == "M" and example["性别"] == "男"
    assert example["单位"] == "金城镇/党政办公室"
    for header, options in CADRE_OPTIONS.items():
        assert example[header] in options, header


def test_roster_template_instructions_sheet():
    sheet = open_book(roster_template_xlsx())["填写说明"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("列名", "是否必填", "填写说明")
    per_column = rows[1 : 1 + len(COLUMNS)]
    assert [(r[0], r[1]) for r in per_column] == [
        (c.header, "是" if c.required else "否") for c in COLUMNS
    ]
    assert all(r[2] for r in per_column)
    assert "校验码" in {r[0]: r[2] for r in per_column}["身份证号"]
    rules = " ".join(r[2] for r in rows[1 + len(COLUMNS) :] if r and r[2])
    for words in ("只读取第一个工作表", "第1行为表头", "整行为空的行会被跳过", "全部不导入"):
        assert words in rules
    assert "再次导入同一身份证号会更新" in rules


@pytest.mark.django_db
def test_roster_template_imports_unchanged_as_one_new_cadre():
    content = roster_template_xlsx()
    report = import_workbook(
        resource=CadreRosterResource(create_units=True), content=content, dry_run=True
    )
    assert (report.file_errors, [str(e) for e in report.errors]) == ([], [])
    assert (report.new, report.updated, report.unchanged, report.invalid) == (1, 0, 0, 0)
    assert report.warnings == []
    assert not Cadre.objects.exists() and not Unit.objects.exists()

    saved = import_workbook(
        resource=CadreRosterResource(create_units=True), content=content, dry_run=False
    )
    assert saved.saved
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.unit.full_name, cadre.category) == (
        "张三",
        "金城镇/党政办公室",
        "administrative",
    )
    again = import_workbook(resource=CadreRosterResource(), content=content, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.django_db
def test_roster_template_in_english_keeps_the_chinese_headers_and_values():
    with translation.override("en"):
        content = roster_template_xlsx()
    sheet = open_book(content).worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert drop_downs(sheet) == CADRE_OPTIONS
    report = import_workbook(
        resource=CadreRosterResource(create_units=True), content=content, dry_run=True
    )
    assert report.ok and report.new == 1


# --- the unit list template --------------------------------------------------------------------


def test_unit_template_layout():
    book = open_book(unit_template_xlsx())
    assert book.sheetnames == ["单位", "填写说明"]
    sheet = book["单位"]
    assert [c.value for c in sheet[1]] == ["单位", "类型"]
    assert sheet["A1"].font.color.rgb == "00C00000"  # required
    assert sheet["B1"].font.color is None
    assert drop_downs(sheet) == {
        "类型": ["县（区）", "乡镇（街道）", "党政机关", "事业单位", "村", "社区", "其他"]
    }
    assert [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("金城镇", "乡镇（街道）"),
        ("金城镇/党政办公室", "党政机关"),
        ("金城镇/东浦村", "村"),
    ]
    instructions = list(book["填写说明"].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in instructions[1:3]] == [("单位", "是"), ("类型", "否")]


@pytest.mark.django_db
def test_unit_template_imports_cleanly_and_then_unchanged():
    content = unit_template_xlsx()
    report = import_workbook(resource=UnitRosterResource(), content=content, dry_run=False)
    assert report.saved, (report.file_errors, [str(e) for e in report.errors])
    assert (report.new, report.updated, report.unchanged, report.invalid) == (3, 0, 0, 0)
    assert dict(Unit.objects.values_list("full_name", "kind")) == {
        "金城镇": "town",
        "金城镇/党政办公室": "office",
        "金城镇/东浦村": "village",
    }
    again = import_workbook(resource=UnitRosterResource(), content=content, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
