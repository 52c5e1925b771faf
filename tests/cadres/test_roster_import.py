"""Roster import (干部花名册) with real .xlsx files: every rule of issue 3 and
../shared/roster-template.md, checked through the report as users see it."""

import datetime
import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres.exports import cadres_xlsx
from cadres.models import Cadre, Unit
from cadres.resources import IMPORT_REASON, CadreRosterResource
from core.importing import import_workbook
from tests import factories as f
from tests.rosterbooks import (
    HEADERS,
    REQUIRED,
    Serial,
    cadre_row,
    id_number,
    varied_rows,
    with_extra_entry,
    workbook,
)

BIRTH = datetime.date(1992, 5, 17)
NOT_XLSX = "文件不是Excel工作簿（.xlsx）。如为.xls或.csv，请在Excel中另存为.xlsx。"
NUMBER_ID = "该单元格被Excel存成了数字，身份证号末几位已丢失；请把此列设为“文本”后重新填写。"


def run(content: bytes, *, actor=None, dry_run: bool = False, create_units: bool = False):
    resource = CadreRosterResource(actor=actor, create_units=create_units)
    return import_workbook(resource=resource, content=content, dry_run=dry_run)


def errors(report) -> list[str]:
    return [str(issue) for issue in report.errors]


def warnings(report) -> list[str]:
    return [str(issue) for issue in report.warnings]


def book(*rows, headers=HEADERS) -> bytes:
    return workbook(headers, list(rows))


def counts(report) -> tuple[int, int, int, int]:
    return report.new, report.updated, report.unchanged, report.invalid


def snapshot() -> tuple[int, int, int]:
    return Cadre.objects.count(), Cadre.history.count(), Unit.objects.count()


# --- a valid workbook ------------------------------------------------------------------------


def test_valid_workbook_imports_every_field(world):
    admin = world["users"]["admin"]
    row = cadre_row(BIRTH, **{"是否后备干部": "是", "学位": "学士"})
    report = run(book(row), actor=admin)
    assert report.ok and report.saved, (report.file_errors, errors(report))
    assert counts(report) == (1, 0, 0, 0)
    cadre = Cadre.objects.get(id_number=row["身份证号"])
    assert cadre.name == "张伟"
    assert (cadre.name_pinyin, cadre.name_initials) == ("zhangwei", "zw")
    assert cadre.gender == "M"
    assert cadre.birth_date == BIRTH
    assert cadre.political_status == "party_member"
    assert cadre.party_join_date == datetime.date(2014, 6, 30)
    assert cadre.education == "bachelor"
    assert cadre.degree == "bachelor"
    assert cadre.school == "南京大学"
    assert cadre.work_start_date == datetime.date(2015, 8, 1)
    assert cadre.unit == world["units"]["office"]
    assert cadre.rank == "一级科员"
    assert cadre.category == "administrative"
    assert cadre.phone == "13800138000"
    assert cadre.is_reserve is True
    record = cadre.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin
    assert record.history_change_reason == IMPORT_REASON


# --- ID numbers ------------------------------------------------------------------------------


def test_wrong_checksum(world):
    good = id_number(BIRTH)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    report = run(book(cadre_row(BIRTH, serial=1), cadre_row(BIRTH, **{"身份证号": bad})))
    assert errors(report) == ["第3行【身份证号】身份证号校验码不正确。"]
    assert counts(report) == (1, 0, 0, 1)
    assert not report.saved


def test_wrong_length(world):
    report = run(book(cadre_row(BIRTH, **{"身份证号": id_number(BIRTH)[:17]})))
    assert errors(report) == ["第2行【身份证号】身份证号应为18位，当前为17位。"]


@pytest.mark.parametrize("cell", [3.20482199205171e17, 320482199205170011])
def test_id_typed_as_a_number_cell(world, cell):
    report = run(book(cadre_row(BIRTH, **{"身份证号": cell})))
    assert errors(report) == [f"第2行【身份证号】{NUMBER_ID}"]
    assert Cadre.objects.count() == 4


def test_id_as_scientific_notation_text(world):
    report = run(book(cadre_row(BIRTH, **{"身份证号": "3.20482E+17"})))
    assert errors(report) == [
        "第2行【身份证号】身份证号显示为科学计数法（3.20482E+17），末几位已丢失；"
        "请把此列设为“文本”后重新填写。"
    ]


def test_birth_date_and_gender_must_agree_with_the_id(world):
    report = run(
        book(
            cadre_row(BIRTH, **{"出生日期": "1992-05-18"}),
            cadre_row(BIRTH, serial=1, **{"性别": "女"}),
        )
    )
    assert errors(report) == [
        "第2行【出生日期】出生日期与身份证号不一致（身份证号为1992-05-17）。",
        "第3行【性别】性别与身份证号不一致（身份证号为男）。",
    ]


# --- normalisation ---------------------------------------------------------------------------


def test_full_width_digits_and_spaces_in_id_and_phone(world):
    number = id_number(BIRTH, male=False)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:6])
    typed = f" {full_width} {number[6:14]}\u3000{number[14:]} "
    phone = "１３９ ００１３\u3000８０００"
    report = run(book(cadre_row(BIRTH, male=False, **{"身份证号": typed, "手机号码": phone})))
    assert report.saved, errors(report)
    cadre = Cadre.objects.get(id_number=number)
    assert cadre.phone == "13900138000"


def test_lower_case_check_letter_phone_as_number_and_full_width_unit_path(world):
    serial = next(n for n in range(500) if id_number(BIRTH, serial=n).endswith("X"))
    number = id_number(BIRTH, serial=serial)
    row = cadre_row(
        BIRTH,
        serial=serial,
        **{"身份证号": number.lower(), "手机号码": 13800138000, "单位": "金城镇／党政办"},
    )
    report = run(book(row))
    assert report.saved, errors(report)
    cadre = Cadre.objects.get(id_number=number)
    assert cadre.phone == "13800138000"
    assert cadre.unit == world["units"]["office"]


def test_gender_accepts_full_words(world):
    report = run(
        book(
            cadre_row(BIRTH, **{"性别": "男性"}),
            cadre_row(BIRTH, male=False, **{"性别": " 女性 "}),
        )
    )
    assert report.saved, errors(report)
    assert {c.gender for c in Cadre.objects.filter(birth_date=BIRTH)} == {"M", "F"}


def test_every_date_format(world):
    births = {
        "1992-05-17": datetime.date(1992, 5, 17),
        "1993/6/8": datetime.date(1993, 6, 8),
        "1994.07": datetime.date(1994, 7, 1),
        "1995年8月9日": datetime.date(1995, 8, 9),
        datetime.datetime(1996, 9, 10): datetime.date(1996, 9, 10),
        Serial.of(datetime.date(1997, 10, 11)): datetime.date(1997, 10, 11),
    }
    rows = [
        cadre_row(
            day,
            **{
                "出生日期": cell,
                "入党时间": ["2019-07-01", "2020/7/1", "2021.07", "2022年7月1日"][n % 4],
                "参加工作时间": [datetime.date(2020, 8, 1), Serial.of(datetime.date(2020, 8, 1))][
                    n % 2
                ],
            },
        )
        for n, (cell, day) in enumerate(births.items())
    ]
    report = run(book(*rows))
    assert report.saved, errors(report)
    assert counts(report) == (6, 0, 0, 0)
    stored = {c.birth_date: c for c in Cadre.objects.filter(birth_date__in=births.values())}
    assert set(stored) == set(births.values())
    assert stored[datetime.date(1994, 7, 1)].party_join_date == datetime.date(2021, 7, 1)
    assert stored[datetime.date(1995, 8, 9)].party_join_date == datetime.date(2022, 7, 1)
    assert stored[datetime.date(1993, 6, 8)].party_join_date == datetime.date(2020, 7, 1)
    assert {c.work_start_date for c in stored.values()} == {datetime.date(2020, 8, 1)}


def test_header_cells_with_surrounding_spaces_and_column_order(world):
    headers = [f" {h} " if n % 2 else f"{h}\u3000" for n, h in enumerate(reversed(HEADERS))]
    row = cadre_row(BIRTH)
    report = run(workbook(headers, [[row[h] for h in reversed(HEADERS)]]))
    assert report.saved, (report.file_errors, errors(report))
    assert Cadre.objects.get(id_number=row["身份证号"]).unit == world["units"]["office"]


def test_extra_columns_are_ignored_with_a_warning(world):
    row = {**cadre_row(BIRTH), "备注": "借调", "家庭住址": "金城镇"}
    report = run(workbook([*HEADERS, "备注", "家庭住址"], [row]))
    assert report.saved
    assert warnings(report) == ["第1行：以下列不属于模板，已忽略：备注、家庭住址"]


def test_empty_rows_are_skipped_and_later_rows_keep_their_excel_numbers(world):
    blank = dict.fromkeys(HEADERS, "  ")
    report = run(
        book(
            cadre_row(BIRTH),  # row 2
            None,  # row 3: nothing on it
            blank,  # row 4: only spaces
            cadre_row(BIRTH, serial=1, **{"学历": "小学"}),  # row 5
        )
    )
    assert counts(report) == (1, 0, 0, 1)
    assert errors(report) == [
        "第5行【学历】“小学”不是可选值（可选：研究生、大学本科、大学专科、中专、高中及以下）。"
    ]


# --- choices, dates, required cells ----------------------------------------------------------


def test_unknown_choice_labels(world):
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"性别": "未知"}),
            cadre_row(BIRTH, serial=1, **{"政治面貌": "党外人士", "入党时间": ""}),
            cadre_row(BIRTH, serial=2, **{"学历": "小学"}),
            cadre_row(BIRTH, serial=3, **{"学位": "博士后"}),
            cadre_row(BIRTH, serial=4, **{"干部类别": "公务员"}),
            cadre_row(BIRTH, serial=5, **{"是否后备干部": "可能"}),
        )
    )
    assert errors(report) == [
        "第2行【性别】“未知”不是可选值（可选：男、女）。",
        "第3行【政治面貌】“党外人士”不是可选值（可选：中共党员、中共预备党员、共青团员、群众、民主党派）。",
        "第4行【学历】“小学”不是可选值（可选：研究生、大学本科、大学专科、中专、高中及以下）。",
        "第5行【学位】“博士后”不是可选值（可选：博士、硕士、学士、无）。",
        "第6行【干部类别】“公务员”不是可选值（可选：行政、事业、村（社区）、选调生）。",
        "第7行【是否后备干部】请填写“是”或“否”。",
    ]
    assert counts(report) == (0, 0, 0, 6)


def test_a_misspelt_political_status_does_not_blame_the_party_join_date(world):
    """The 入党时间 rule depends on 政治面貌: when that cell is wrong, only it is reported."""
    report = run(book(cadre_row(BIRTH, **{"政治面貌": "党外人士"})))
    assert errors(report) == [
        "第2行【政治面貌】“党外人士”不是可选值（可选：中共党员、中共预备党员、共青团员、群众、民主党派）。"
    ]


def test_unparseable_and_non_existent_dates(world):
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"出生日期": "1992-05"}),
            cadre_row(BIRTH, serial=1, **{"出生日期": "1992年2月30日"}),
            cadre_row(BIRTH, serial=2, **{"参加工作时间": "2015-02-29"}),
            cadre_row(BIRTH, serial=3, **{"入党时间": "去年"}),
        )
    )
    assert errors(report) == [
        "第2行【出生日期】“1992-05”不是可识别的日期（可用：2024-03-01、2024/3/1、2024.03、2024年3月1日）。",
        "第3行【出生日期】“1992年2月30日”不是存在的日期。",
        "第4行【参加工作时间】“2015-02-29”不是存在的日期。",
        "第5行【入党时间】“去年”不是可识别的日期（可用：2024-03-01、2024/3/1、2024.03、2024年3月1日）。",
    ]


def test_required_cells_left_empty(world):
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"姓名": " "}),
            cadre_row(BIRTH, serial=1, **{"性别": ""}),
            cadre_row(BIRTH, serial=2, **{"单位": ""}),
            cadre_row(BIRTH, serial=3, **{"身份证号": ""}),
        )
    )
    assert errors(report) == [
        "第2行【姓名】姓名不能为空。",
        "第3行【性别】不能为空。",
        "第4行【单位】不能为空。",
        "第5行【身份证号】身份证号应为18位，当前为0位。",
    ]


def test_dates_that_contradict_each_other(world):
    next_year = datetime.date.today().year + 1
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"入党时间": "1990-01-01"}),
            cadre_row(BIRTH, serial=1, **{"参加工作时间": f"{next_year}-01-01"}),
            cadre_row(BIRTH, serial=2, **{"政治面貌": "群众"}),
        )
    )
    assert errors(report) == [
        "第2行【入党时间】入党时间不能早于出生日期。",
        "第3行【参加工作时间】参加工作时间不能晚于今天。",
        "第4行【入党时间】只有中共党员或预备党员填写入党时间。",
    ]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (("出生日期",), "缺少必填列：出生日期"),
        (("身份证号",), "缺少必填列：身份证号"),
        (("出生日期", "身份证号", "单位"), "缺少必填列：出生日期、身份证号、单位"),
    ],
    ids=["birth-date", "id-number", "three"],
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_missing_required_columns_is_a_file_error(world, missing, message, dry_run):
    """One clear file error; no row is processed (no database error with a row's
    personal data in the report)."""
    before = snapshot()
    headers = [h for h in HEADERS if h not in missing]
    report = run(workbook(headers, [cadre_row(BIRTH)]), dry_run=dry_run)
    assert report.file_errors == [message]
    assert counts(report) == (0, 0, 0, 0)
    assert not report.ok and not report.saved
    assert snapshot() == before


def test_only_the_required_columns_are_enough(world):
    row = cadre_row(BIRTH)
    report = run(workbook(REQUIRED, [row]))
    assert report.saved, (report.file_errors, errors(report))
    assert Cadre.objects.get(id_number=row["身份证号"]).position == ""


# --- units -----------------------------------------------------------------------------------


def test_unknown_unit(world):
    report = run(book(cadre_row(BIRTH, **{"单位": "金城镇/不存在办"})))
    assert errors(report) == [
        "第2行【单位】单位“金城镇/不存在办”不存在（可先导入单位，或选择自动创建单位）。"
    ]


def test_unit_by_unique_leaf_name_and_ambiguous_leaf_name(world):
    f.make_unit("党政办", world["units"]["other_town"])  # 东湖镇/党政办 as well as 金城镇/党政办
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"单位": "东浦村"}),
            cadre_row(BIRTH, serial=1, **{"单位": "党政办"}),
            cadre_row(BIRTH, serial=2, **{"单位": " 金城镇 / 党政办 "}),
        ),
        dry_run=True,
    )
    assert errors(report) == [
        "第3行【单位】有多个单位名为“党政办”，请填写完整路径（如“金城镇/党政办”）。"
    ]
    assert counts(report) == (2, 0, 0, 1)


def test_staff_may_import_only_into_their_subtree(world):
    staff = world["users"]["staff"]  # 金城镇
    before = snapshot()
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"单位": "金城镇/东浦村", "干部类别": "村（社区）"}),
            cadre_row(BIRTH, serial=1, **{"单位": "东湖镇"}),
        ),
        actor=staff,
    )
    assert errors(report) == [
        "第3行【单位】单位“东湖镇”不存在或不在您管理的范围内（可先导入单位，或选择自动创建单位）。"
    ]
    assert not report.saved
    assert snapshot() == before


def test_staff_cannot_update_a_cadre_of_another_town_by_its_id_number(world):
    """The outsider belongs to 东湖镇: a staff member of 金城镇 must not move or change it."""
    outsider = world["cadres"]["outsider"]
    row = {**_exported(outsider), "单位": "金城镇/党政办"}
    report = run(book(row), actor=world["users"]["staff"])
    assert not report.ok and not report.saved
    assert errors(report) == [
        "第2行【身份证号】该身份证号属于您管理范围以外的干部，不能通过导入修改。"
    ]
    outsider.refresh_from_db()
    assert outsider.unit == world["units"]["other_town"]


def test_create_units(world):
    before_units = Unit.objects.count()
    rows = [
        cadre_row(BIRTH, serial=0, **{"单位": "金城镇/新设办"}),
        cadre_row(BIRTH, serial=1, **{"单位": "金城镇/新设办"}),
        cadre_row(BIRTH, serial=2, **{"单位": "西山镇/综合办"}),
    ]
    refused = run(book(*rows))
    assert [e.header for e in refused.errors] == ["单位"] * 3
    dry = run(book(*rows), dry_run=True, create_units=True)
    assert dry.ok and counts(dry) == (3, 0, 0, 0)
    assert Unit.objects.count() == before_units  # a dry run creates no unit either
    report = run(book(*rows), actor=world["users"]["admin"], create_units=True)
    assert report.saved, (report.file_errors, errors(report))
    assert Unit.objects.count() == before_units + 3  # 新设办, 西山镇, 西山镇/综合办
    assert Cadre.objects.filter(unit__full_name="金城镇/新设办").count() == 2
    assert (
        Unit.objects.get_parent(Unit.objects.get(full_name="金城镇/新设办"))
        == world["units"]["town"]
    )


def test_staff_may_create_units_only_below_their_own(world):
    staff = world["users"]["staff"]
    before = snapshot()
    report = run(
        book(
            cadre_row(BIRTH, serial=0, **{"单位": "金城镇/新设办"}),
            cadre_row(BIRTH, serial=1, **{"单位": "东湖镇/新设办"}),
            cadre_row(BIRTH, serial=2, **{"单位": "西山镇"}),
        ),
        actor=staff,
        create_units=True,
    )
    assert errors(report) == [
        "第3行【单位】单位“东湖镇/新设办”不在您管理的范围内。",
        "第4行【单位】单位“西山镇”不在您管理的范围内。",
    ]
    assert snapshot() == before  # nothing saved, not even 金城镇/新设办


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_id_numbers_are_errors_on_every_row_involved(world):
    number = id_number(BIRTH)
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    report = run(
        book(
            cadre_row(BIRTH, serial=0),  # row 2
            cadre_row(BIRTH, serial=1),  # row 3
            cadre_row(BIRTH, serial=0, **{"姓名": "张卫"}),  # row 4
            cadre_row(BIRTH, serial=0, **{"身份证号": spaced}),  # row 5, same after normalising
        )
    )
    assert errors(report) == [
        "第2行【身份证号】与第4、5行重复。",
        "第4行【身份证号】与第2、5行重复。",
        "第5行【身份证号】与第2、4行重复。",
    ]
    assert counts(report) == (1, 0, 0, 3)
    assert not report.saved


def test_an_unchanged_existing_cadre_listed_twice_is_a_duplicate_too(world):
    row = _exported(world["cadres"]["bystander"])
    report = run(book(row, cadre_row(BIRTH), row))
    assert errors(report) == [
        "第2行【身份证号】与第4行重复。",
        "第4行【身份证号】与第2行重复。",
    ]
    assert not report.saved


def test_every_error_of_a_row_is_reported(world):
    report = run(
        book(
            cadre_row(
                BIRTH,
                **{"性别": "女", "出生日期": "1992-05-18", "手机号码": "12345", "干部类别": "工人"},
            )
        )
    )
    assert set(errors(report)) == {
        "第2行【性别】性别与身份证号不一致（身份证号为男）。",
        "第2行【出生日期】出生日期与身份证号不一致（身份证号为1992-05-17）。",
        "第2行【手机号码】手机号码应为以1开头的11位数字。",
        "第2行【干部类别】“工人”不是可选值（可选：行政、事业、村（社区）、选调生）。",
    }
    assert report.invalid == 1


# --- all or nothing, dry run, re-import, updates ---------------------------------------------


def test_one_invalid_row_saves_nothing(world):
    before = snapshot()
    rows = varied_rows(20, ["金城镇/党政办", "金城镇/东浦村"])
    rows[13]["身份证号"] = rows[13]["身份证号"][:17] + "Y"
    report = run(book(*rows), actor=world["users"]["admin"])
    assert counts(report) == (19, 0, 0, 1)
    assert errors(report) == ["第15行【身份证号】身份证号只能包含数字，最后一位可以是X。"]
    assert not report.saved
    assert snapshot() == before


def test_dry_run_saves_nothing(world):
    before = snapshot()
    report = run(book(*varied_rows(10, ["金城镇/党政办"])), dry_run=True)
    assert report.ok and not report.saved
    assert counts(report) == (10, 0, 0, 0)
    assert snapshot() == before


def test_reimporting_the_same_workbook_changes_nothing(world):
    content = book(*varied_rows(25, ["金城镇/党政办", "金城镇/东浦村", "金城镇"]))
    first = run(content, actor=world["users"]["admin"])
    assert first.saved and counts(first) == (25, 0, 0, 0)
    before = snapshot()
    second = run(content, actor=world["users"]["admin"])
    assert second.ok
    assert counts(second) == (0, 0, 25, 0)
    assert {r["status"] for r in second.rows} == {"unchanged"}  # listed, marked unchanged
    assert snapshot() == before  # not even a history row


def test_an_update_changes_only_the_changed_field_and_records_history(world):
    admin = world["users"]["admin"]
    rows = [cadre_row(BIRTH, serial=n) for n in range(3)]
    run(book(*rows), actor=admin)
    target = Cadre.objects.get(id_number=rows[1]["身份证号"])
    before_history = Cadre.history.count()
    rows[1] = {**rows[1], "职务": "党政办副主任"}
    report = run(book(*rows), actor=admin)
    assert report.saved
    assert counts(report) == (0, 1, 2, 0)
    assert [r for r in report.rows if r["status"] != "unchanged"] == [
        {
            "row": 3,
            "status": "updated",
            "values": {h: str(rows[1][h]) for h in HEADERS},
            "changed": ["职务"],
            "errors": {},
        }
    ]
    target.refresh_from_db()
    assert target.position == "党政办副主任"
    assert Cadre.history.count() == before_history + 1
    latest, previous = target.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == admin
    assert latest.history_change_reason == "花名册导入"
    assert latest.diff_against(previous).changed_fields == ["position"]


def test_a_renamed_cadre_gets_new_pinyin_keys(world):
    row = cadre_row(BIRTH)
    run(book(row))
    report = run(book({**row, "姓名": "李明"}))
    assert counts(report) == (0, 1, 0, 0)
    cadre = Cadre.objects.get(id_number=row["身份证号"])
    assert (cadre.name, cadre.name_pinyin, cadre.name_initials) == ("李明", "liming", "lm")


def test_update_of_an_existing_profile_keeps_what_the_roster_does_not_hold(world):
    cadre = world["cadres"]["self"]  # linked to a login account
    Cadre.objects.filter(pk=cadre.pk).update(in_talent_pool=True, elite_university="985")
    row = {**_exported(cadre), "手机号码": "13911112222"}
    report = run(book(row), actor=world["users"]["staff"])
    assert report.saved and counts(report) == (0, 1, 0, 0)
    assert [r["changed"] for r in report.rows if r["status"] == "updated"] == [["手机号码"]]
    cadre.refresh_from_db()
    assert cadre.phone == "13911112222"
    assert cadre.user == world["users"]["cadre"]
    assert cadre.in_talent_pool is True and cadre.elite_university == "985"
    assert cadre.history.first().history_user == world["users"]["staff"]


def test_columns_absent_from_the_workbook_are_not_blanked(world):
    cadre = world["cadres"]["bystander"]
    report = run(workbook(REQUIRED, [_exported(cadre)]))
    assert counts(report) == (0, 0, 1, 0)
    cadre.refresh_from_db()
    assert cadre.position == "科员"


def test_age_ineligible_cadres_import_with_a_warning(world):
    old = f.birth_for_age(45)
    old_village = f.birth_for_age(36)
    limit = f.birth_for_age(40)
    report = run(
        book(
            cadre_row(old, serial=0),
            cadre_row(old_village, serial=0, **{"干部类别": "村（社区）", "单位": "金城镇/东浦村"}),
            cadre_row(limit, serial=0),
        )
    )
    assert report.saved and counts(report) == (3, 0, 0, 0)
    assert warnings(report) == [
        "第2行【出生日期】45周岁，超过“行政”类培养对象的默认年龄上限40周岁（仍会导入）。",
        "第3行【出生日期】36周岁，超过“村（社区）”类培养对象的默认年龄上限35周岁（仍会导入）。",
    ]


# --- round trip ------------------------------------------------------------------------------


def _exported(cadre: Cadre) -> dict:
    """The cadre's row as the export writes it (full ID number)."""
    content = cadres_xlsx(Cadre.objects.filter(pk=cadre.pk), full_id=True)
    return dict(zip(HEADERS, _rows(content)[0], strict=True))


def _rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    return rows[1:]


def test_export_then_import_reports_all_unchanged(world):
    admin = world["users"]["admin"]
    assert run(
        book(*varied_rows(40, ["金城镇/党政办", "金城镇/东浦村", "东湖镇"])), actor=admin
    ).saved
    total = Cadre.objects.count()
    before = snapshot()
    report = run(cadres_xlsx(Cadre.objects.all(), full_id=True), actor=admin)
    assert report.ok, (report.file_errors, errors(report))
    assert counts(report) == (0, 0, total, 0)
    assert snapshot() == before


def test_formula_like_text_exported_with_an_apostrophe_reimports_unchanged(world):
    cadre = world["cadres"]["bystander"]
    Cadre.objects.filter(pk=cadre.pk).update(
        position='=HYPERLINK("http://evil")', major="+1", school="@SUM(A1)", rank="-副科"
    )
    content = cadres_xlsx(Cadre.objects.filter(pk=cadre.pk), full_id=True)
    row = dict(zip(HEADERS, _rows(content)[0], strict=True))
    assert row["职务"] == '\'=HYPERLINK("http://evil")'
    report = run(content)
    assert report.ok and counts(report) == (0, 0, 1, 0)
    cadre.refresh_from_db()
    assert (cadre.position, cadre.major, cadre.school, cadre.rank) == (
        '=HYPERLINK("http://evil")',
        "+1",
        "@SUM(A1)",
        "-副科",
    )


def test_masked_export_does_not_import(world):
    content = cadres_xlsx(Cadre.objects.all(), full_id=False)
    report = run(content)
    assert report.invalid == 4 and not report.saved
    assert {e.header for e in report.errors} == {"身份证号"}


# --- file-level refusals ---------------------------------------------------------------------


def _refused(content: bytes) -> list[str]:
    before = snapshot()
    report = run(content, actor=None)
    assert not report.ok and not report.saved
    assert counts(report) == (0, 0, 0, 0) and report.errors == []
    assert snapshot() == before
    return report.file_errors


def test_a_csv_renamed_to_xlsx_is_refused(world):
    csv = ",".join(HEADERS).encode("utf-8-sig") + b"\r\n" + ",".join(cadre_row().values()).encode()
    assert _refused(csv) == [NOT_XLSX]


def test_an_xls_renamed_to_xlsx_is_refused(world):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    assert _refused(ole2) == [NOT_XLSX]


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert _refused(buffer.getvalue()) == [NOT_XLSX]


def test_a_damaged_workbook_is_refused(world):
    content = book(cadre_row())
    assert _refused(content[: len(content) // 2]) == ["文件已损坏，无法作为Excel工作簿打开。"]


def test_a_macro_workbook_is_refused(world):
    content = with_extra_entry(book(cadre_row()), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    assert _refused(content) == ["不接受含宏的工作簿，请另存为普通的.xlsx。"]


def test_a_workbook_over_the_size_limit_is_refused(world, settings):
    import os

    settings.QINGMIAO_IMPORT_MAX_BYTES = 1024 * 1024
    content = with_extra_entry(book(cadre_row()), "xl/media/image1.png", os.urandom(1_300_000))
    assert len(content) > 1024 * 1024
    assert _refused(content) == [f"文件过大（{len(content) / 1024 / 1024:.1f} MB），上限为1 MB。"]


def test_a_zip_bomb_is_refused_before_it_is_opened(world):
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(book(cadre_row()))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        with target.open("xl/media/padding.bin", "w") as padding:
            chunk = bytes(16 * 1024 * 1024)
            for _ in range(19):  # 304 MiB of zeros, ~300 KB compressed
                padding.write(chunk)
    assert len(buffer.getvalue()) < 1024 * 1024
    assert _refused(buffer.getvalue()) == ["工作簿解压后过大，疑似异常文件。"]


def test_a_workbook_over_the_row_limit_is_refused(world, settings):
    settings.QINGMIAO_IMPORT_MAX_ROWS = 3
    assert run(book(*varied_rows(3, ["金城镇"])), dry_run=True).ok
    assert _refused(book(*varied_rows(4, ["金城镇"]))) == [
        "数据超过3行的上限，请拆分为多个文件导入。"
    ]


def test_a_workbook_with_a_repeated_header_is_refused(world):
    headers = [*HEADERS, " 职务 "]
    assert _refused(workbook(headers, [[*cadre_row().values(), "主任"]])) == ["表头重复：职务"]


def test_a_workbook_without_headers_is_refused(world):
    assert _refused(workbook([], [])) == ["第一个工作表的第1行没有表头。"]


# --- queries ---------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_rows(world, django_assert_max_num_queries):
    staff = world["users"]["staff"]
    units = ["金城镇/党政办", "金城镇/东浦村", "金城镇"]
    small = varied_rows(300, units)
    large = varied_rows(1200, units, start=300)
    with CaptureQueriesContext(connection) as small_queries:
        assert run(book(*small), actor=staff).saved
    limit = len(small_queries.captured_queries) + 8  # a few more batches, never per row
    with django_assert_max_num_queries(limit):
        assert run(book(*large), actor=staff).saved
    for row in large:
        row["职务"] = "主任科员"
    with django_assert_max_num_queries(limit):
        report = run(book(*large), actor=staff)
    assert report.saved and report.updated == 1200
    assert len(small_queries.captured_queries) <= 30


# --- the command -----------------------------------------------------------------------------


def _command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_dry_run_prints_the_counts_and_saves_nothing(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    rows = varied_rows(5, ["金城镇/党政办"])
    changed = {**_exported(world["cadres"]["self"]), "职务": "主任"}
    bystander = _exported(world["cadres"]["bystander"])
    path.write_bytes(book(*rows, changed, bystander))
    before = snapshot()
    out, err = _command(str(path), "--dry-run")
    assert "new 5, updated 1, unchanged 1, invalid 0" in out
    assert "dry run: nothing saved" in out
    assert err == ""
    assert snapshot() == before
    out, _err = _command(str(path))
    assert "new 5, updated 1, unchanged 1, invalid 0" in out
    assert Cadre.objects.count() == before[0] + 5
    out, _err = _command(str(path))
    assert "new 0, updated 0, unchanged 7, invalid 0" in out


def test_cli_invalid_file_prints_every_error_and_exits_1(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    rows = varied_rows(4, ["金城镇/党政办"])
    rows[1]["学历"] = "小学"
    rows[3]["单位"] = "不存在镇"
    path.write_bytes(book(*rows))
    before = snapshot()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", str(path), stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "第3行【学历】“小学”不是可选值（可选：研究生、大学本科、大学专科、中专、高中及以下）。",
        "第5行【单位】单位“不存在镇”不存在（可先导入单位，或选择自动创建单位）。",
    ]
    assert "new 2, updated 0, unchanged 0, invalid 2" in out.getvalue()
    assert snapshot() == before


def test_cli_refused_file_exits_1(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x80\xa7\xe5\x88\xab\r\n")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", str(path), stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 1
    assert err.getvalue().strip() == NOT_XLSX


def test_cli_create_units(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(book(cadre_row(BIRTH, **{"单位": "金城镇/新设办"})))
    with pytest.raises(CommandError):
        _command(str(path))
    out, _err = _command(str(path), "--create-units")
    assert "new 1, updated 0, unchanged 0, invalid 0" in out
    assert Cadre.objects.get(id_number=id_number(BIRTH)).unit.full_name == "金城镇/新设办"
