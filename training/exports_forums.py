"""菁才论坛 workbooks: the (scoped, filtered) forum list and one forum's results."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes


def forum_list_xlsx(forums) -> bytes:
    headers = [
        _("论坛品牌"), _("名称"), _("形式"), _("主题"), _("组织单位"), _("开始时间"),
        _("结束时间"), _("地点"), _("学时"), _("主讲人数"), _("参加人数"), _("结果"),
    ]  # fmt: skip
    rows = (
        [
            f.series,
            f.title,
            f.get_format_display(),
            f.topic,
            f.unit.full_name,
            timezone.localtime(f.starts_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(f.ends_at).strftime("%Y-%m-%d %H:%M"),
            f.place,
            float(f.hours),
            f.speaker_count,
            f.attendee_count,
            _("已发布") if f.results_published_at else _("未发布"),
        ]
        for f in forums.iterator(chunk_size=500)
    )
    widths = {_("名称"): 28, _("主题"): 30, _("组织单位"): 24, _("开始时间"): 17}
    return xlsx_bytes(title=_("菁才论坛"), headers=headers, rows=rows, widths=widths)


def forum_results_xlsx(forum, table: dict) -> bytes:
    criteria = table["criteria"]
    headers = [
        _("名次"), _("主讲人"), _("单位"), _("发言题目"),
        *[f"{c.name}（{c.max_score}）" for c in criteria],
        _("平均总分"), _("已评评委数"), _("评委总数"),
    ]  # fmt: skip
    rows = (
        [
            row.result.rank,
            row.subject.cadre.name,
            row.subject.cadre.unit.full_name,
            row.subject.talk_title,
            *[float(m) if m is not None else None for m in row.by_criterion],
            float(row.result.mean) if row.result.mean is not None else None,
            row.result.judges,
            len(table["judges"]),
        ]
        for row in table["rows"]
    )
    widths = {_("主讲人"): 12, _("单位"): 24, _("发言题目"): 36}
    return xlsx_bytes(title=_("评分结果"), headers=headers, rows=rows, widths=widths)
