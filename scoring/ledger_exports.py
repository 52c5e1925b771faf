"""Excel export of the (filtered) points ledger, streamed row by row with openpyxl."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes
from scoring.choices import EntryKind
from scoring.models import PointEntry


def _headers() -> list[str]:
    return [
        _("明细编号"),
        _("发生日期"),
        _("干部"),
        _("单位"),
        _("分值"),
        _("来源类型"),
        _("规则编号"),
        _("规则名称"),
        _("说明"),
        _("来源"),
        _("记录人"),
        _("记录时间"),
        _("冲销情况"),
    ]


def _reversal_note(entry: PointEntry) -> str:
    if entry.reverses_id is not None:
        return _("冲销第%(id)s号明细") % {"id": entry.reverses_id}
    if getattr(entry, "reversal_id", None) is not None:
        return _("已被第%(id)s号明细冲销") % {"id": entry.reversal_id}
    return ""


def _row(entry: PointEntry, kinds: dict[str, str]) -> list:
    author = entry.author
    return [
        entry.pk,
        entry.occurred_on,
        entry.cadre.name,
        entry.cadre.unit.full_name,
        entry.points,
        kinds.get(entry.kind, entry.kind),
        entry.rule.code if entry.rule else "",
        entry.rule.name if entry.rule else "",
        entry.reason,
        entry.source,
        str(author) if author else _("系统"),
        # Excel has no time zones: local wall-clock time, as on the page.
        timezone.localtime(entry.created_at).replace(tzinfo=None),
        _reversal_note(entry),
    ]


def ledger_xlsx(entries: QuerySet[PointEntry]) -> bytes:
    """The entries as one sheet, in the queryset's order. The queryset should carry the
    `reversal_id` annotation and `select_related` of cadre, unit, rule and author."""
    kinds = {value: str(label) for value, label in EntryKind.choices}
    headers = _headers()
    widths = {headers[1]: 12, headers[3]: 28, headers[7]: 24, headers[8]: 40, headers[11]: 18}
    rows = (_row(entry, kinds) for entry in entries.iterator(chunk_size=2000))
    return xlsx_bytes(title=_("积分明细"), headers=headers, rows=rows, widths=widths)
