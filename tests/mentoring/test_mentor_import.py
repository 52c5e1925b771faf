"""Mentor roster (导师库) import, export and template, with real .xlsx files."""

from io import BytesIO

import pytest
from django.db import IntegrityError
from openpyxl import Workbook, load_workbook

from cadres.idcard import id_with_check_digit, mask
from cadres.models import Unit
from core.importing import import_workbook
from mentoring.models import Mentor
from mentoring.resources import HEADERS, MentorRosterResource, mentors_xlsx
from mentoring.roster_template import mentor_template_xlsx
from tests import factories as f

ID_A = id_with_check_digit("32048219750312051")  # male, 1975-03-12
ID_B = id_with_check_digit("32048219800101002")  # female, 1980-01-01
TYPE_OPTIONS = "镇党委书记、村（社区）书记、中层干部、资深干部"


def xlsx(rows, headers=HEADERS) -> bytes:
    """Rows are dicts keyed by header (missing keys are empty cells)."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for number, row in enumerate(rows, start=2):
        for column, header in enumerate(headers, start=1):
            value = row.get(header)
            if value is not None:
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mentor_row(**overrides) -> dict:
    row = {
        "姓名": "李明",
        "身份证号": ID_A,
        "手机号码": "13912340001",
        "单位": "金城镇/党政办",
        "导师类型": "中层干部",
        "职务": "党政办主任",
        "擅长领域": "公文写作",
        "最多带教人数": 2,
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def run(content: bytes, *, actor=None, dry_run: bool = False, create_units: bool = False):
    resource = MentorRosterResource(actor=actor, create_units=create_units)
    return import_workbook(resource=resource, content=content, dry_run=dry_run)


def counts(report) -> tuple[int, int, int, int]:
    return report.new, report.updated, report.unchanged, report.invalid


def errors(report) -> list[str]:
    return [str(issue) for issue in report.errors]


def mentors() -> list[tuple]:
    return list(
        Mentor.objects.order_by("pk").values_list(
            "name",
            "id_number",
            "phone",
            "unit__full_name",
            "mentor_type",
            "position",
            "expertise",
            "capacity",
        )
    )


# --- new, updated, unchanged -------------------------------------------------------------------


def test_new_mentors_by_id_number_or_phone(world):
    before = Mentor.objects.count()
    report = run(
        xlsx(
            [
                mentor_row(),
                mentor_row(
                    **{
                        "姓名": "王 红",
                        "身份证号": None,
                        "手机号码": "139 1234 0002",
                        "单位": "东浦村",  # a unique unit name is enough
                        "导师类型": "村书记",  # alias
                        "最多带教人数": None,  # default 3
                    }
                ),
                mentor_row(
                    **{
                        "姓名": "赵强",
                        "身份证号": ID_B.lower()[:17] + ID_B[17],
                        "手机号码": None,
                        "导师类型": "村（社区）书记",
                        "最多带教人数": "４",  # full-width digit, as text
                    }
                ),
            ]
        )
    )
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (3, 0, 0, 0)
    assert Mentor.objects.count() == before + 3
    assert mentors()[-3:] == [
        ("李明", ID_A, "13912340001", "金城镇/党政办", "middle_level", "党政办主任", "公文写作", 2),
        (
            "王红",
            "",
            "13912340002",
            "金城镇/东浦村",
            "village_secretary",
            "党政办主任",
            "公文写作",
            3,
        ),
        ("赵强", ID_B, "", "金城镇/党政办", "village_secretary", "党政办主任", "公文写作", 4),
    ]


def test_updates_are_matched_by_id_number_then_phone(world):
    by_id = f.MentorFactory(
        name="李明", id_number=ID_A, phone="13912340001", unit=world["units"]["office"]
    )
    by_phone = f.MentorFactory(name="王红", phone="13912340002", unit=world["units"]["town"])
    gets_id = f.MentorFactory(name="赵强", phone="13912340003", unit=world["units"]["town"])
    report = run(
        xlsx(
            [
                mentor_row(**{"最多带教人数": 5}),  # capacity 3 → 5
                mentor_row(
                    **{
                        "姓名": "王红",
                        "身份证号": None,
                        "手机号码": "13912340002",
                        "单位": "金城镇",
                        "导师类型": "中层干部",
                        "职务": None,
                        "擅长领域": None,
                        "最多带教人数": None,
                    }
                ),  # unchanged
                mentor_row(
                    **{
                        "姓名": "赵强",
                        "身份证号": ID_B,  # stored without an ID number: found by phone
                        "手机号码": "13912340003",
                        "单位": "金城镇",
                        "职务": None,
                        "擅长领域": None,
                        "最多带教人数": None,
                    }
                ),
            ]
        )
    )
    assert report.saved, (report.file_errors, errors(report))
    assert counts(report) == (0, 2, 1, 0)
    assert [
        (r["row"], r["status"], r["changed"]) for r in report.rows if r["status"] != "unchanged"
    ] == [
        (2, "updated", ["职务", "擅长领域", "最多带教人数"]),
        (4, "updated", ["身份证号"]),
    ]
    by_id.refresh_from_db()
    gets_id.refresh_from_db()
    by_phone.refresh_from_db()
    assert (by_id.capacity, by_id.position) == (5, "党政办主任")
    assert gets_id.id_number == ID_B
    assert by_phone.capacity == 3


def test_an_empty_id_cell_does_not_erase_a_stored_id_number(world):
    mentor = f.MentorFactory(
        name="李明", id_number=ID_A, phone="13912340001", unit=world["units"]["office"]
    )
    report = run(xlsx([mentor_row(**{"身份证号": None, "职务": "主任"})]))
    assert report.saved and counts(report) == (0, 1, 0, 0)
    mentor.refresh_from_db()
    assert (mentor.id_number, mentor.position) == (ID_A, "主任")


def test_reimporting_the_same_workbook_changes_nothing(world):
    content = xlsx(
        [
            mentor_row(),
            mentor_row(**{"姓名": "王红", "身份证号": None, "手机号码": "13912340002"}),
        ]
    )
    first = run(content)
    assert first.saved and counts(first) == (2, 0, 0, 0)
    before = mentors()
    second = run(content)
    assert second.saved and counts(second) == (0, 0, 2, 0)
    assert mentors() == before


def test_export_with_full_ids_then_import_reports_all_unchanged(world):
    f.MentorFactory(name="李明", id_number=ID_A, phone="13912340001", expertise="=1+1")
    f.MentorFactory(name="王红", phone="13912340002", unit=world["units"]["village"])
    # (The world's mentor has neither an ID number nor a phone: no row could identify it.)
    content = mentors_xlsx(Mentor.objects.exclude(id_number="", phone=""), full_id=True)
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert ("李明", ID_A) in [r[:2] for r in rows]
    assert "'=1+1" in [r[6] for r in rows]  # neutralised formula
    before = mentors()
    report = run(content)
    assert report.ok, (report.file_errors, errors(report))
    assert counts(report) == (0, 0, 2, 0)
    assert mentors() == before


def test_export_masks_id_numbers_and_still_reimports_by_phone(world):
    f.MentorFactory(name="李明", id_number=ID_A, phone="13912340001")
    f.MentorFactory(name="王红", id_number=ID_B, phone="", unit=world["units"]["village"])
    content = mentors_xlsx(Mentor.objects.filter(name__in=["李明", "王红"]).order_by("name"))
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [mask(ID_A), mask(ID_B)]
    report = run(content)
    # 李明 is found by phone; 王红 has no phone, so the masked ID cannot identify her.
    assert errors(report) == [
        "第3行【身份证号】身份证号已打码，无法识别导师：请填写完整的身份证号或已登记的手机号码。"
    ]
    assert counts(report) == (0, 0, 1, 1)


def test_a_masked_id_must_agree_with_the_mentor_found_by_phone(world):
    f.MentorFactory(name="李明", id_number=ID_A, phone="13912340001")
    report = run(xlsx([mentor_row(**{"身份证号": mask(ID_B), "职务": "主任"})]))
    assert errors(report) == [
        "第2行【身份证号】已打码的身份证号与该手机号码对应导师的身份证号不一致。"
    ]


# --- invalid rows ------------------------------------------------------------------------------


def test_invalid_rows_are_named_by_row_and_header_and_nothing_is_saved(world):
    before = mentors()
    bad_checksum = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")
    report = run(
        xlsx(
            [
                mentor_row(),  # valid, but not saved either
                mentor_row(**{"身份证号": None, "手机号码": None}),
                mentor_row(**{"身份证号": bad_checksum}),
                mentor_row(**{"身份证号": int(ID_B[:17]), "手机号码": "13912340010"}),  # a number
                mentor_row(**{"身份证号": ID_B, "手机号码": "1391234"}),
                mentor_row(**{"身份证号": None, "手机号码": "13912340009", "导师类型": "书记"}),
                mentor_row(**{"身份证号": None, "手机号码": "13912340008", "最多带教人数": 0}),
                mentor_row(**{"身份证号": None, "手机号码": "13912340007", "最多带教人数": "三"}),
                mentor_row(
                    **{"身份证号": None, "手机号码": "13912340006", "单位": "金城镇/无此办"}
                ),
                mentor_row(**{"身份证号": None, "手机号码": "13912340005", "姓名": None}),
            ]
        )
    )
    assert errors(report) == [
        "第3行【身份证号】身份证号和手机号码至少填写一项。",
        "第4行【身份证号】身份证号校验码不正确。",
        "第5行【身份证号】该单元格被Excel存成了数字，身份证号末几位已丢失；请把此列设为“文本”后重新填写。",
        "第6行【手机号码】手机号码应为以1开头的11位数字。",
        f"第7行【导师类型】“书记”不是可选值（可选：{TYPE_OPTIONS}）。",
        "第8行【最多带教人数】最多带教人数应为1到99之间的整数。",
        "第9行【最多带教人数】“三”不是整数。",
        "第10行【单位】单位“金城镇/无此办”不存在（可先导入单位，或选择自动创建单位）。",
        "第11行【姓名】姓名不能为空。",
    ]
    assert counts(report) == (1, 0, 0, 9)
    assert not report.saved
    assert mentors() == before


def test_the_same_mentor_twice_is_an_error_on_every_row_involved(world):
    f.MentorFactory(name="李明", id_number=ID_A, phone="13912340001")
    report = run(
        xlsx(
            [
                mentor_row(),  # row 2: ID A
                mentor_row(**{"身份证号": None}),  # row 3: phone of the mentor with ID A
                mentor_row(**{"身份证号": ID_B, "手机号码": "13912340002"}),  # row 4
                mentor_row(**{"身份证号": None, "手机号码": "13912340002"}),  # row 5
                mentor_row(**{"身份证号": ID_B, "手机号码": None}),  # row 6: ID B again
            ]
        )
    )
    assert errors(report) == [
        "第2行【身份证号】与第3行是同一名导师。",
        "第3行【手机号码】与第2行是同一名导师。",
        "第4行【身份证号】与第6行重复。",
        "第5行【手机号码】与第4行的手机号码相同，请填写身份证号以区分。",
        "第6行【身份证号】与第4行重复。",
    ]
    assert counts(report) == (0, 0, 0, 5)


def test_a_phone_shared_by_stored_mentors_needs_an_id_number(world):
    f.MentorFactory(name="李明", id_number=ID_A, phone="13912340001")
    f.MentorFactory(name="李明", id_number=ID_B, phone="13912340001")
    report = run(xlsx([mentor_row(**{"身份证号": None})]))
    assert errors(report) == [
        "第2行【手机号码】导师库中有多名导师使用该手机号码，请填写身份证号以区分。"
    ]


def test_missing_columns_are_file_errors(world):
    no_key = run(xlsx([mentor_row()], headers=["姓名", "单位", "导师类型"]))
    assert no_key.file_errors[0] == "缺少必填列：身份证号或手机号码（至少一列）"
    assert not no_key.saved
    no_type = run(xlsx([mentor_row()], headers=["姓名", "手机号码", "单位"]))
    assert no_type.file_errors[0] == "缺少必填列：导师类型"


def test_phone_only_workbook_without_an_id_column(world):
    report = run(xlsx([mentor_row()], headers=["姓名", "手机号码", "单位", "导师类型"]))
    assert report.saved, (report.file_errors, errors(report))
    assert Mentor.objects.get(phone="13912340001").id_number == ""


def test_create_units_when_told(world):
    row = mentor_row(**{"单位": "金城镇/新设办"})
    refused = run(xlsx([row]))
    assert [str(e) for e in refused.errors] == [
        "第2行【单位】单位“金城镇/新设办”不存在（可先导入单位，或选择自动创建单位）。"
    ]
    report = run(xlsx([row]), create_units=True)
    assert report.saved
    assert Mentor.objects.get(id_number=ID_A).unit.full_name == "金城镇/新设办"


# --- staff scope -------------------------------------------------------------------------------


def test_staff_may_import_only_into_their_subtree(world):
    staff = world["users"]["staff"]  # 金城镇
    outsider = f.MentorFactory(
        name="赵敏", id_number=ID_B, phone="13912340009", unit=world["units"]["other_town"]
    )
    before = mentors()
    report = run(
        xlsx(
            [
                mentor_row(),  # 金城镇/党政办: fine
                mentor_row(**{"身份证号": None, "手机号码": "13912340002", "单位": "东湖镇"}),
                # the 东湖镇 mentor, moved into 金城镇 by their ID number
                mentor_row(**{"姓名": "赵敏", "身份证号": ID_B, "手机号码": "13912340009"}),
            ]
        ),
        actor=staff,
    )
    assert errors(report) == [
        "第3行【单位】单位“东湖镇”不存在或不在您管理的范围内（可先导入单位，或选择自动创建单位）。",
        "第4行【身份证号】该导师不在您管理的范围内，不能通过导入修改。",
    ]
    assert not report.saved
    assert mentors() == before
    outsider.refresh_from_db()
    assert outsider.unit == world["units"]["other_town"]


def test_staff_may_not_create_units_outside_their_subtree(world):
    report = run(
        xlsx([mentor_row(**{"单位": "东湖镇/新设办"})]),
        actor=world["users"]["staff"],
        create_units=True,
    )
    assert errors(report) == ["第2行【单位】单位“东湖镇/新设办”不在您管理的范围内。"]
    assert not Unit.objects.filter(full_name="东湖镇/新设办").exists()


# --- the template and the model ----------------------------------------------------------------


def test_mentor_template_layout_and_clean_import(world):
    content = mentor_template_xlsx()
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["导师库", "填写说明"]
    sheet = book["导师库"]
    assert tuple(c.value for c in sheet[1]) == HEADERS
    [validation] = sheet.data_validations.dataValidation
    assert str(validation.sqref) == "E2:E1048576"
    assert validation.formula1 == '"镇党委书记,村（社区）书记,中层干部,资深干部"'
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.column_dimensions["C"].number_format == "@"
    assert [c.value for c in sheet[1] if c.font.color is not None] == ["姓名", "单位", "导师类型"]
    instructions = list(book["填写说明"].iter_rows(values_only=True))
    assert [r[0] for r in instructions[1:9]] == list(HEADERS)

    dry = run(content, dry_run=True, create_units=True)
    assert (dry.file_errors, errors(dry)) == ([], [])
    assert counts(dry) == (2, 0, 0, 0)
    f.make_unit("党政办公室", world["units"]["town"])
    report = run(content)
    assert report.saved, (report.file_errors, errors(report))
    assert run(content).unchanged == 2


def test_id_numbers_are_unique_in_the_pool_when_given(world):
    f.MentorFactory(id_number="")
    f.MentorFactory(id_number="")  # several mentors without an ID number are fine
    f.MentorFactory(id_number=ID_A)
    with pytest.raises(IntegrityError):
        f.MentorFactory(id_number=ID_A)
