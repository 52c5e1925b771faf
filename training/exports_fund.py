"""Excel exports: the activity list (same filters and scoping as the page) and a year of the
training fund (budgets, spending and activity costs, one sheet each)."""

from io import BytesIO

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.import_widgets import neutralise
from core.workbooks import xlsx_bytes


def _text(value) -> str:
    return neutralise(str(value or ""))


def _local(value):
    # Excel has no time zones: local wall-clock time, as on the page.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def activities_xlsx(activities) -> bytes:
    """`activities` from `selectors.activity_list` (with `invited` and `attended`)."""
    headers = [
        _("名称"),
        _("类型"),
        _("主题"),
        _("组织单位"),
        _("开始时间"),
        _("地点"),
        _("主讲人"),
        _("学时"),
        _("人数上限"),
        _("邀请人数"),
        _("出席人数"),
        _("费用（元）"),
    ]
    rows = (
        [
            _text(a.title),
            a.get_type_display(),
            a.get_theme_display() if a.theme else "",
            a.unit.full_name,
            _local(a.starts_at),
            _text(a.place),
            _text(a.speaker),
            a.hours,
            a.capacity,
            a.invited,
            a.attended,
            a.cost,
        ]
        for a in activities.iterator(chunk_size=1000)
    )
    widths = {headers[0]: 30, headers[3]: 24, headers[4]: 18, headers[5]: 24}
    return xlsx_bytes(title=_("培训活动"), headers=headers, rows=rows, widths=widths)


def _sheet(workbook, title: str, headers: list[str], rows, widths: dict[int, int]) -> None:
    sheet = workbook.create_sheet(title)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 12)
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)


def fund_xlsx(fund, spendings, costs) -> bytes:
    """`fund` from `selectors.fund_year`, `spendings` a queryset from `spending_list`, `costs`
    from `activity_costs`."""
    workbook = openpyxl.Workbook(write_only=True)
    _sheet(
        workbook,
        _("预算"),
        [
            _("年度"),
            _("单位"),
            _("经费来源"),
            _("预算金额（元）"),
            _("已支出（元）"),
            _("余额（元）"),
            _("使用比例（%）"),
            _("说明"),
        ],
        (
            [
                b.year,
                b.unit.full_name,
                b.get_source_display(),
                b.amount,
                b.spent,
                b.balance,
                b.percent,
                _text(b.note),
            ]
            for b in fund.budgets
        ),
        {2: 28, 8: 30},
    )
    _sheet(
        workbook,
        _("支出"),
        [
            _("支出日期"),
            _("单位"),
            _("经费来源"),
            _("金额（元）"),
            _("用途"),
            _("培训活动"),
            _("登记人"),
        ],
        (
            [
                s.spent_on,
                s.budget.unit.full_name,
                s.budget.get_source_display(),
                s.amount,
                _text(s.purpose),
                _text(s.activity.title if s.activity else ""),
                str(s.created_by) if s.created_by else "",
            ]
            for s in spendings.iterator(chunk_size=1000)
        ),
        {1: 12, 2: 28, 5: 36, 6: 30, 7: 16},
    )
    _sheet(
        workbook,
        _("活动成本"),
        [
            _("培训活动"),
            _("开始时间"),
            _("计划费用（元）"),
            _("实际支出（元）"),
            _("出席人数"),
            _("学时"),
            _("人·学时"),
            _("每人·学时成本（元）"),
        ],
        (
            [
                _text(c.activity.title),
                _local(c.activity.starts_at),
                c.activity.cost,
                c.spent,
                c.attended,
                c.activity.hours,
                c.attendee_hours,
                c.per_attendee_hour,
            ]
            for c in costs
        ),
        {1: 30, 2: 18, 8: 18},
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
