"""Excel export of the (filtered) cadre list, streamed row by row with openpyxl write-only."""

from io import BytesIO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cadres.models import Cadre
from cadres.roster import COLUMNS, SHEET_TITLE, row_values


def cadres_xlsx(cadres: QuerySet[Cadre], *, full_id: bool) -> bytes:
    """The cadres as a roster workbook; ID numbers masked unless `full_id`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET_TITLE))
    widths = {"身份证号": 22, "单位": 28, "毕业院校": 20, "出生日期": 12, "入党时间": 12}
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[_letter(index)].width = widths.get(column.header, 12)
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for cadre in cadres.select_related("unit").iterator(chunk_size=2000):
        sheet.append(row_values(cadre, full_id=full_id))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    return get_column_letter(index + 1)
