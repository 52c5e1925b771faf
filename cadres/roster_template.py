"""Downloadable import templates (导入模板): the cadre roster (干部花名册) and the unit list.

Sheet 1 holds the headers (required ones in red, each with a comment saying what to enter),
drop-downs for the enumerated columns, text format for ID and phone numbers (Excel would
otherwise turn them into numbers and drop digits), and example rows that import cleanly.
Sheet 2 "填写说明" explains every column and the general rules. `template_xlsx` is shared
with the mentor template (`mentoring.roster_template`).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cadres import choices
from cadres.idcard import id_with_check_digit
from cadres.roster import COLUMNS
from cadres.unit_resources import KIND_HEADER, UNIT_HEADER

LAST_ROW = 1_048_576  # validations and formats cover the whole column below the header
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    required: bool
    help: str  # what to enter, for the header's comment and the instructions sheet
    options: Sequence[str] = ()  # drop-down values
    text: bool = False  # stored as text ("@"): ID and phone numbers
    date: bool = False
    width: int = 12


def labels(choice_enum) -> list[str]:
    """The Chinese labels the importer accepts, whatever the active language."""
    with translation.override("zh-hans"):
        return [str(label) for _value, label in choice_enum.choices]


def template_xlsx(
    *,
    title: str,
    columns: Sequence[TemplateColumn],
    examples: Sequence[Sequence],
    rules: Sequence[str],
) -> bytes:
    """A template workbook: the data sheet `title` and the instructions sheet 填写说明."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
        elif column.date:
            dimension.number_format = DATE_FORMAT
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        note = (_("必填。") if column.required else _("选填。")) + column.help
        cell.comment = Comment(note, "青苗", width=260, height=110)
        if column.options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.options) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("请从下拉列表中选择"),
                error=_("可选：%(opts)s") % {"opts": "、".join(column.options)},
            )
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    for row_index, values in enumerate(examples, start=2):
        for col_index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = sheet.cell(row=row_index, column=col_index, value=value)
            if column.text:
                cell.number_format = "@"
            elif column.date and value:
                cell.number_format = DATE_FORMAT
    _instructions(workbook.create_sheet(_("填写说明")), columns, rules)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet, columns: Sequence[TemplateColumn], rules: Sequence[str]) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_("列名"), _("是否必填"), _("填写说明")])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for column in columns:
        sheet.append([column.header, _("是") if column.required else _("否"), column.help])
        sheet.cell(row=sheet.max_row, column=3).alignment = wrap
        if column.required:
            sheet.cell(row=sheet.max_row, column=1).font = REQUIRED_FONT
    sheet.append([])
    sheet.append([_("通用规则")])
    sheet.cell(row=sheet.max_row, column=1).font = HEADER_FONT
    for number, rule in enumerate(rules, start=1):
        sheet.append([f"{number}.", "", rule])
        sheet.cell(row=sheet.max_row, column=3).alignment = wrap


def common_rules(*, key_rule: str) -> list[str]:
    return [
        _(
            "只读取第一个工作表；第1行为表头，表头文字不要改动，列的顺序可以调整，不属于模板的列会被忽略。"
        ),
        _("表头为红色的列必须填写；下拉列表中的列请从下拉列表中选择。"),
        _("整行为空的行会被跳过。"),
        _(
            "全部成功或全部不导入：只要有一行有错误，整个文件都不会导入；错误会逐条列出行号（表头为第1行）、列名和原因，改正后重新导入即可。"
        ),
        key_rule,
        _("导入前可先预览：每行标明新增、更新、无变化或有错误。"),
        _("第2行起为示例数据，导入前请删除或改为真实数据。"),
    ]


# --- the cadre roster (干部花名册) ------------------------------------------------------------

EXAMPLE_BIRTH = datetime.date(1995, 6, 18)
EXAMPLE_UNIT = "金城镇/党政办公室"


def _cadre_columns() -> list[TemplateColumn]:
    date_help = _("Excel日期，或文字2024-03-01、2024/3/1、2024.03、2024年3月1日。")
    spec = {
        "name": (_("1–30个字。"), {}),
        "gender": (_("男或女，须与身份证号一致。"), {"options": labels(choices.Gender)}),
        "ethnicity": (_("如：汉族。"), {}),
        "birth_date": (
            date_help + _("须与身份证号中的出生日期一致。"),
            {"date": True, "width": 13},
        ),
        "id_number": (
            _(
                "18位，校验码须正确（末位可为X）。同一身份证号再次导入时更新该干部。本列为文本格式，请勿改为数字。"
            ),
            {"text": True, "width": 22},
        ),
        "political_status": (
            _("从下拉列表选择。"),
            {"options": labels(choices.PoliticalStatus), "width": 14},
        ),
        "party_join_date": (
            date_help + _("仅中共党员、中共预备党员填写。"),
            {"date": True, "width": 13},
        ),
        "education": (_("从下拉列表选择。"), {"options": labels(choices.Education)}),
        "degree": (_("从下拉列表选择，可不填。"), {"options": labels(choices.Degree)}),
        "school": (_("文字。"), {"width": 18}),
        "major": (_("文字。"), {"width": 14}),
        "work_start_date": (date_help, {"date": True, "width": 13}),
        "unit": (
            _(
                "单位全称或路径，如“金城镇/党政办公室”；单位名称唯一时可只填名称。单位须已存在，或在导入时选择自动创建单位。"
            ),
            {"width": 24},
        ),
        "position": (_("文字，如：科员。"), {"width": 14}),
        "rank": (_("如：一级科员、四级主任科员、副科、正科。"), {"width": 14}),
        "category": (_("从下拉列表选择。"), {"options": labels(choices.CadreCategory)}),
        "phone": (_("以1开头的11位手机号码。本列为文本格式。"), {"text": True, "width": 14}),
        "is_reserve": (_("是或否，不填视为否。"), {"options": ["是", "否"]}),
    }
    columns = []
    for column in COLUMNS:
        help_text, options = spec[column.field]
        columns.append(TemplateColumn(column.header, column.required, help_text, **options))
    return columns


def cadre_example_row() -> dict[str, object]:
    """One cadre that imports cleanly (a male born 1995-06-18, with a valid ID number)."""
    with translation.override("zh-hans"):
        return {
            "name": "张三",
            "gender": str(choices.Gender.MALE.label),
            "ethnicity": "汉族",
            "birth_date": EXAMPLE_BIRTH,
            # 17th digit odd = male; the 18th is the GB 11643 check digit.
            "id_number": id_with_check_digit(f"320482{EXAMPLE_BIRTH:%Y%m%d}123"),
            "political_status": str(choices.PoliticalStatus.PARTY_MEMBER.label),
            "party_join_date": datetime.date(2016, 6, 1),
            "education": str(choices.Education.BACHELOR.label),
            "degree": str(choices.Degree.BACHELOR.label),
            "school": "南京师范大学",
            "major": "汉语言文学",
            "work_start_date": datetime.date(2017, 8, 1),
            "unit": EXAMPLE_UNIT,
            "position": "科员",
            "rank": "一级科员",
            "category": str(choices.CadreCategory.ADMINISTRATIVE.label),
            "phone": "13912345678",
            "is_reserve": "否",
        }


def roster_template_xlsx() -> bytes:
    """The cadre roster template; imported unchanged (creating units) it gives one new cadre."""
    example = cadre_example_row()
    return template_xlsx(
        title=_("干部花名册"),
        columns=_cadre_columns(),
        examples=[[example[c.field] for c in COLUMNS]],
        rules=[
            *common_rules(
                key_rule=_(
                    "身份证号是每名干部的唯一标识：再次导入同一身份证号会更新该干部的信息，内容相同的行不作改动；同一文件中身份证号不能重复。"
                )
            ),
            _(
                "出生日期、性别须与身份证号一致；超过培养对象年龄上限的干部仍会导入，并在结果中提示。"
            ),
        ],
    )


# --- the unit list (单位) ---------------------------------------------------------------------


def unit_template_rows() -> list[list[str]]:
    with translation.override("zh-hans"):
        kind = {value: str(label) for value, label in choices.UnitKind.choices}
    return [
        ["金城镇", kind[choices.UnitKind.TOWN]],
        ["金城镇/党政办公室", kind[choices.UnitKind.OFFICE]],
        ["金城镇/东浦村", kind[choices.UnitKind.VILLAGE]],
    ]


def unit_template_xlsx() -> bytes:
    """The unit list template; imported unchanged it creates 金城镇 and two units below it."""
    columns = [
        TemplateColumn(
            UNIT_HEADER,
            True,
            _(
                "单位的完整路径，上下级之间用“/”分隔，如“金城镇/党政办公室”。上级单位不存在时一并创建。"
            ),
            width=36,
        ),
        TemplateColumn(
            KIND_HEADER,
            False,
            _(
                "从下拉列表选择。不填时：已有单位保持原类型；新单位中顶级单位为“乡镇（街道）”，其余为“党政机关”。"
            ),
            options=labels(choices.UnitKind),
            width=16,
        ),
    ]
    return template_xlsx(
        title=_("单位"),
        columns=columns,
        examples=unit_template_rows(),
        rules=common_rules(
            key_rule=_(
                "单位以完整路径识别：已有的单位类型相同时不作改动，类型不同时更新类型；同一文件中单位不能重复。"
            )
        ),
    )
