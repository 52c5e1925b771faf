"""The compliance board (督导看板) as workbooks, with the same columns as the pages."""

from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes


def _unit_name(row, board) -> str:
    if row.unit is None:
        return _("本级") if board.unit is not None else row.path
    return row.unit.full_name


def unit_board_xlsx(board) -> bytes:
    headers = [_("单位"), _("在职干部"), _("未结对"), _("有逾期事项的干部"), _("达标率（%）")]
    headers += [_("谈话逾期：%(level)s") % {"level": r.label} for r in board.talks]
    headers += [_("报告逾期：%(kind)s") % {"kind": r.label} for r in board.self_reports]
    headers += [_("帮带结对"), _("履职逾期的结对")]
    headers += [_("履职逾期：%(duty)s") % {"duty": r.label} for r in board.duties]
    rows = []
    for row in [*board.rows, board.total]:
        name = _("合计") if row is board.total else _unit_name(row, board)
        rows.append(
            [name, row.cadres, row.unpaired, row.behind, row.rate]
            + [row.talks[r.key] for r in board.talks]
            + [row.self_reports[r.key] for r in board.self_reports]
            + [row.pairings, row.pairings_behind]
            + [row.duties[r.key] for r in board.duties]
        )
    return xlsx_bytes(title=_("督导看板（单位）"), headers=headers, rows=rows)


def mentor_board_xlsx(board, rows) -> bytes:
    headers = [_("导师"), _("导师类型"), _("单位"), _("在带人数"), _("最多带教人数"),
               _("履职逾期的结对")]  # fmt: skip
    headers += [_("履职逾期：%(duty)s") % {"duty": r.label} for r in board.duties]
    headers += [_("本季度帮带记录"), _("最近帮带")]
    data = (
        [r.mentor.name, r.mentor.get_mentor_type_display(), r.mentor.unit.full_name, r.active,
         r.mentor.capacity, r.behind, *r.duties.values(), r.logs_quarter, r.last_log]
        for r in rows
    )  # fmt: skip
    return xlsx_bytes(title=_("督导看板（导师）"), headers=headers, rows=data)
