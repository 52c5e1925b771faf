"""The roster workbook's columns (干部花名册, ../shared/roster-template.md).

One list serves the export now and the importer later, so an exported file re-imports
as "unchanged".
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.import_widgets import neutralise


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False


COLUMNS: list[Column] = [
    Column("姓名", "name", True),
    Column("性别", "gender", True),
    Column("民族", "ethnicity"),
    Column("出生日期", "birth_date", True),
    Column("身份证号", "id_number", True),
    Column("政治面貌", "political_status", True),
    Column("入党时间", "party_join_date"),
    Column("学历", "education", True),
    Column("学位", "degree"),
    Column("毕业院校", "school"),
    Column("专业", "major"),
    Column("参加工作时间", "work_start_date"),
    Column("单位", "unit", True),
    Column("职务", "position"),
    Column("职级", "rank"),
    Column("干部类别", "category", True),
    Column("手机号码", "phone"),
    Column("是否后备干部", "is_reserve"),
]

YES, NO = "是", "否"
SHEET_TITLE = _("干部花名册")


def row_values(cadre: Cadre, *, full_id: bool) -> list:
    out: list = []
    for column in COLUMNS:
        if column.field == "unit":
            value = cadre.unit.full_name
        elif column.field == "id_number":
            value = cadre.id_number if full_id else cadre.id_number_masked
        elif column.field == "is_reserve":
            value = YES if cadre.is_reserve else NO
        else:
            value = getattr(cadre, column.field)
            field = Cadre._meta.get_field(column.field)
            if field.choices and value:
                # Export the Chinese label the importer accepts, whatever the UI language.
                value = _CHINESE_LABELS[column.field][value]
        if isinstance(value, datetime.date):
            out.append(value.isoformat())
        elif isinstance(value, str):
            out.append(neutralise(value))
        else:
            out.append(value if value is not None else "")
    return out


def _chinese_labels() -> dict[str, dict[str, str]]:
    from django.utils import translation

    with translation.override("zh-hans"):
        return {
            c.field: {k: str(v) for k, v in Cadre._meta.get_field(c.field).flatchoices}
            for c in COLUMNS
            if c.field not in ("unit", "is_reserve") and Cadre._meta.get_field(c.field).choices
        }


_CHINESE_LABELS = _chinese_labels()
