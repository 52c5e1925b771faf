"""The quarterly report's files: the PDF (`templates/reports/pdf/quarterly.html`) and the
workbook (one sheet per section), both from `QuarterlyFigures`."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.workbooks import xlsx_book
from reports.pdf import render_pdf
from reports.selectors.quarterly import QuarterlyFigures


def section_titles() -> list[str]:
    return [
        _("一、培训活动"),
        _("二、出勤情况"),
        _("三、导师帮带与谈心谈话"),
        _("四、信息宣传"),
        _("五、积分情况"),
        _("六、低分约谈"),
        _("七、培训基金"),
        _("八、班子结构目标"),
    ]


def quarterly_pdf(f: QuarterlyFigures) -> bytes:
    titles = section_titles()
    return render_pdf(
        "reports/pdf/quarterly.html",
        {
            "f": f,
            "titles": titles,
            "pdf_header": f.scope_label,
            "pdf_footer": _("生成于 %(d)s") % {"d": timezone.localdate().isoformat()},
        },
    )


def _sheet(title: str) -> str:
    """A section title as a sheet name: without its numbering (“一、”, “1. ”), at most the 31
    characters Excel allows."""
    return re.sub(r"^\s*(\S+、|\d+\.\s*)", "", title)[:31]


def _mark(passed) -> str:
    return _("不适用") if passed is None else (_("达标") if passed else _("未达标"))


def quarterly_xlsx(f: QuarterlyFigures) -> bytes:
    t = section_titles()
    talk_keys = list(f.talk_labels)
    sheets = [
        {
            "title": _sheet(t[0]),
            "headers": [_("类型"), _("场次"), _("学时")],
            "rows": [[r.label, r.count, float(r.hours)] for r in f.activities],
        },
        {
            "title": _sheet(t[1]),
            "headers": [
                _("单位"),
                _("受邀"),
                _("出席"),
                _("迟到"),
                _("请假"),
                _("缺席"),
                _("出勤率（%）"),
            ],
            "rows": [
                [
                    r.unit,
                    r.invited,
                    r.present,
                    r.late,
                    r.leave,
                    r.absent,
                    None if r.rate is None else float(r.rate),
                ]
                for r in [*f.attendance, f.attendance_total]
            ],
        },
        {
            "title": _sheet(t[2]),
            "headers": [
                _("单位"),
                _("干部数"),
                _("有逾期"),
                _("按时率（%）"),
                *[f.talk_labels[k] + _("逾期") for k in talk_keys],
                _("结对数"),
                _("履职逾期结对"),
                _("履职按时率（%）"),
            ],
            "rows": [
                [
                    r.unit,
                    r.cadres,
                    r.behind,
                    r.rate,
                    *[r.talks.get(k, 0) for k in talk_keys],
                    r.pairings,
                    r.pairings_behind,
                    r.duty_rate,
                ]
                for r in [*f.compliance, f.compliance_total]
            ],
        },
        {
            "title": _sheet(t[3]),
            "headers": [_("采用层级"), *f.writing["kinds"], _("合计")],
            "rows": [
                *[[r["level"], *r["cells"], r["total"]] for r in f.writing["rows"]],
                [_("合计"), *f.writing["totals"], f.writing["total"]],
            ],
        },
        {
            "title": _sheet(t[4]),
            "headers": [_("项目"), _("姓名/分段"), _("单位"), _("本季度"), _("上季度"), _("变化")],
            "rows": [
                *[[_("积分分布"), label, "", n, None, None] for label, n in f.bands],
                *[
                    [
                        _("进步最大"),
                        m.name,
                        m.unit,
                        float(m.total),
                        float(m.previous),
                        float(m.change),
                    ]
                    for m in f.top_movers
                ],
                *[
                    [
                        _("退步最大"),
                        m.name,
                        m.unit,
                        float(m.total),
                        float(m.previous),
                        float(m.change),
                    ]
                    for m in f.bottom_movers
                ],
            ],
        },
        {
            "title": _sheet(t[5]),
            "headers": [_("本季度新增约谈"), _("本季度完成约谈"), _("季末未完成")],
            "rows": [[f.follow_ups_opened, f.follow_ups_closed, f.follow_ups_open_at_end]],
        },
        {
            "title": _sheet(t[6]),
            "headers": [
                _("单位"),
                _("经费来源"),
                _("年度预算"),
                _("本季度支出"),
                _("年初至季末支出"),
                _("执行率（%）"),
            ],
            "rows": [
                [
                    r.unit,
                    r.source,
                    float(r.budget),
                    float(r.spent_quarter),
                    float(r.spent_to_date),
                    None if r.percent is None else float(r.percent),
                ]
                for r in [*f.fund, f.fund_total]
            ],
        },
        {
            "title": _sheet(t[7]),
            "headers": [_("指标/村（社区）"), _("实际"), _("要求"), _("结果")],
            "rows": [
                *[[x.label, x.value, x.required, _mark(x.passed)] for x in f.structure.targets],
                *[
                    [
                        v.unit,
                        _("干部%(n)s人，35岁以下%(u)s人，40岁以下后备%(r)s人")
                        % {"n": v.cadres, "u": v.under_35, "r": v.reserve_under_40},
                        "",
                        _mark(v.passes_under_35 and v.passes_reserve),
                    ]
                    for v in f.structure.villages
                ],
            ],
        },
    ]
    for sheet in sheets:  # lazy translations (choice labels) as plain text for openpyxl
        sheet["title"] = str(sheet["title"])
        sheet["headers"] = [_plain(h) for h in sheet["headers"]]
        sheet["rows"] = [[_plain(v) for v in row] for row in sheet["rows"]]
    return xlsx_book(sheets)


def _plain(value):
    return str(value) if isinstance(value, Promise) else value
