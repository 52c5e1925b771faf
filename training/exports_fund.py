"""Excel exports: the activity list (same filters and scoping as the page) and a year of the
training fund (budgets, spending and activity costs, one sheet each)."""

from django.utils.translation import gettext as _

from core.import_widgets import neutralise
from core.workbooks import excel_datetime, xlsx_book, xlsx_bytes


def _text(value) -> str:
    return neutralise(str(value or ""))


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
            excel_datetime(a.starts_at),
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


def fund_xlsx(fund, spendings, costs) -> bytes:
    """`fund` from `selectors.fund_year`, `spendings` a queryset from `spending_list`, `costs`
    from `activity_costs`."""
    budget_headers = [
        _("年度"), _("单位"), _("经费来源"), _("预算金额（元）"), _("已支出（元）"),
        _("余额（元）"), _("使用比例（%）"), _("说明"),
    ]  # fmt: skip
    budget_rows = (
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
    )
    spending_headers = [
        _("支出日期"), _("单位"), _("经费来源"), _("金额（元）"), _("用途"), _("培训活动"),
        _("登记人"),
    ]  # fmt: skip
    spending_rows = (
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
    )
    cost_headers = [
        _("培训活动"), _("开始时间"), _("计划费用（元）"), _("实际支出（元）"), _("出席人数"),
        _("学时"), _("人·学时"), _("每人·学时成本（元）"),
    ]  # fmt: skip
    cost_rows = (
        [
            _text(c.activity.title),
            excel_datetime(c.activity.starts_at),
            c.activity.cost,
            c.spent,
            c.attended,
            c.activity.hours,
            c.attendee_hours,
            c.per_attendee_hour,
        ]
        for c in costs
    )
    return xlsx_book(
        [
            {
                "title": _("预算"),
                "headers": budget_headers,
                "rows": budget_rows,
                "widths": {_("单位"): 28, _("说明"): 30},
            },
            {
                "title": _("支出"),
                "headers": spending_headers,
                "rows": spending_rows,
                "widths": {_("单位"): 28, _("用途"): 36, _("培训活动"): 30, _("登记人"): 16},
            },
            {
                "title": _("活动成本"),
                "headers": cost_headers,
                "rows": cost_rows,
                "widths": {_("培训活动"): 30, _("开始时间"): 18, _("每人·学时成本（元）"): 18},
            },
        ]
    )
