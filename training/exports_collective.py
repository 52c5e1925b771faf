"""Excel export of the (filtered, scoped) list of collective activities with participant
counts."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.import_widgets import neutralise
from core.workbooks import xlsx_bytes
from training.models import CollectiveActivity


def collective_xlsx(activities: QuerySet[CollectiveActivity]) -> bytes:
    """`activities` come from `collective_list` (annotated with `participants`)."""
    headers = [
        _("编号"), _("名称"), _("类别"), _("组织单位"), _("日期"), _("地点"), _("时长（小时）"),
        _("参加人数"), _("活动内容"),
    ]  # fmt: skip

    def rows():
        for a in activities.iterator(chunk_size=2000):
            yield [
                a.pk,
                neutralise(a.title),
                a.get_kind_display(),
                a.unit.full_name,
                a.held_on,
                neutralise(a.place),
                float(a.hours),
                a.participants,
                neutralise(a.description),
            ]

    widths = {_("名称"): 30, _("组织单位"): 24, _("地点"): 20, _("活动内容"): 40}
    return xlsx_bytes(title=_("集体活动"), headers=headers, rows=rows(), widths=widths)
