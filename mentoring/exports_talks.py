"""Talks (谈心谈话) and overdue talks as workbooks: the confidential note is a column only of a
talk whose `note_visible` is true, and absent altogether for a reader who may read none."""

from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes


def talks_xlsx(talks, *, with_notes: bool) -> bytes:
    headers = [_("干部"), _("单位"), _("谈话层级"), _("谈话日期"), _("谈话人"), _("谈话主题"),
               _("反映的问题"), _("后续措施"), _("办结的约谈任务")]  # fmt: skip
    if with_notes:
        headers.append(_("保密记录"))
    rows = []
    for t in talks:
        row = [t.cadre.name, t.cadre.unit.full_name, t.get_level_display(), t.talked_on,
               t.talker.get_full_name() or t.talker.username, t.topics, t.concerns, t.actions,
               str(t.follow_up) if t.follow_up_id else ""]  # fmt: skip
        if with_notes:
            row.append(t.confidential_note if t.note_visible else "")
        rows.append(row)
    return xlsx_bytes(title=_("谈心谈话"), headers=headers, rows=rows)


def overdue_xlsx(rows) -> bytes:
    headers = [_("干部"), _("单位"), _("谈话层级"), _("逾期周期开始"), _("截止日期"),
               _("逾期天数"), _("近一年缺谈次数"), _("最近谈话")]  # fmt: skip
    data = [
        [r.cadre.name, r.cadre.unit.full_name, str(r.status.label), r.status.period_start,
         r.status.deadline, r.status.days_overdue, r.status.missed, r.status.last_talk]
        for r in rows
    ]  # fmt: skip
    return xlsx_bytes(title=_("逾期谈话"), headers=headers, rows=data)
