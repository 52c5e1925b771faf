"""Excel export of the (filtered) cadre list, streamed row by row with openpyxl write-only."""

from django.db.models import QuerySet

from cadres.models import Cadre
from cadres.roster import COLUMNS, SHEET_TITLE, row_values
from core.workbooks import xlsx_bytes

WIDTHS = {"身份证号": 22, "单位": 28, "毕业院校": 20, "出生日期": 12, "入党时间": 12}


def cadres_xlsx(cadres: QuerySet[Cadre], *, full_id: bool) -> bytes:
    """The cadres as a roster workbook; ID numbers masked unless `full_id`."""
    rows = (
        row_values(cadre, full_id=full_id)
        for cadre in cadres.select_related("unit").iterator(chunk_size=2000)
    )
    return xlsx_bytes(
        title=SHEET_TITLE, headers=[c.header for c in COLUMNS], rows=rows, widths=WIDTHS
    )
