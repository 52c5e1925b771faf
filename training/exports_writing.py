"""Excel export of the (filtered, scoped) list of written output, row by row."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.import_widgets import neutralise
from core.workbooks import excel_datetime, xlsx_bytes
from training.models import Writing


def writing_xlsx(writings: QuerySet[Writing]) -> bytes:
    headers = [
        _("编号"), _("干部"), _("单位"), _("类别"), _("标题"), _("采用单位或媒体"),
        _("采用日期"), _("采用层级"), _("状态"), _("审核意见"), _("审核人"), _("审核时间"),
    ]  # fmt: skip

    def rows():
        for w in writings.select_related("cadre", "cadre__unit", "reviewed_by").iterator(
            chunk_size=2000
        ):
            yield [
                w.pk,
                w.cadre.name,
                w.cadre.unit.full_name,
                w.get_kind_display(),
                neutralise(w.title),
                neutralise(w.outlet),
                w.published_on,
                w.get_level_display(),
                w.get_status_display(),
                neutralise(w.review_comment),
                str(w.reviewed_by or ""),
                excel_datetime(w.reviewed_at),
            ]

    widths = {_("标题"): 40, _("单位"): 24, _("采用单位或媒体"): 24, _("审核意见"): 30}
    return xlsx_bytes(title=_("信息宣传"), headers=headers, rows=rows(), widths=widths)
