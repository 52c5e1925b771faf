"""Reading uploaded Excel workbooks safely into tablib Datasets for django-import-export.

Only real `.xlsx` files (a zip with the OOXML parts, no macros) under the size limits are
opened, with openpyxl in read-only mode and `data_only` (cached values, no formula is
evaluated); defusedxml is installed, so openpyxl parses the XML with bomb protection.
Each dataset row carries the spreadsheet row number the user sees in Excel.
"""

import unicodedata
import zipfile
from io import BytesIO

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

ROW_NUMBER = "__row__"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A roster of 50,000 rows expands to ~30 MB; openpyxl holds the shared strings in memory.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024


class WorkbookError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


def header_text(value) -> str:
    """Header cells may carry spaces, full-width characters or line breaks."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def workbook_check(content: bytes) -> None:
    """Refuse anything but a plausible .xlsx within the limits, before openpyxl sees it."""
    limit = settings.QINGMIAO_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise WorkbookError(
            _("文件过大（%(size).1f MB），上限为%(limit).0f MB。")
            % {"size": len(content) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not content.startswith(b"PK\x03\x04"):
        raise WorkbookError(
            _("文件不是Excel工作簿（.xlsx）。如为.xls或.csv，请在Excel中另存为.xlsx。")
        )
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
            shared = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.endswith("sharedStrings.xml")
            )
    except zipfile.BadZipFile:
        raise WorkbookError(_("文件已损坏，无法作为Excel工作簿打开。")) from None
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookError(
            _("文件不是Excel工作簿（.xlsx）。如为.xls或.csv，请在Excel中另存为.xlsx。")
        )
    if "xl/vbaProject.bin" in names:
        raise WorkbookError(_("不接受含宏的工作簿，请另存为普通的.xlsx。"))
    if expanded > MAX_UNCOMPRESSED_BYTES or shared > MAX_SHARED_STRINGS_BYTES:
        raise WorkbookError(_("工作簿解压后过大，疑似异常文件。"))


class NumberedXLSX(XLSX):
    """import-export's XLSX format, reading the *first* sheet, skipping empty rows but
    keeping each row's Excel row number in the `__row__` column, and enforcing the row
    limit while reading."""

    def create_dataset(self, in_stream):
        workbook_check(in_stream)
        try:
            book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged package
            raise WorkbookError(_("文件已损坏，无法作为Excel工作簿打开。")) from None
        try:
            if not book.worksheets:
                raise WorkbookError(_("工作簿中没有工作表（第一个表是图表？）。"))
            return self._read(book.worksheets[0])
        finally:
            book.close()

    def _read(self, sheet) -> tablib.Dataset:
        limit = settings.QINGMIAO_IMPORT_MAX_ROWS
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        headers = [header_text(v) for v in (first or ())]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            raise WorkbookError(_("第一个工作表的第1行没有表头。"))
        duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
        if duplicates:
            raise WorkbookError(_("表头重复：%(h)s") % {"h": "、".join(duplicates)})
        width = len(headers)
        dataset = tablib.Dataset(
            headers=[ROW_NUMBER, *[h or f"__blank{i}" for i, h in enumerate(headers)]]
        )
        for number, values in enumerate(rows, start=2):
            values = list(values[:width]) + [None] * (width - len(values[:width]))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(dataset) >= limit:
                raise WorkbookError(
                    _("数据超过%(limit)d行的上限，请拆分为多个文件导入。") % {"limit": limit}
                )
            dataset.append([number, *values])
        return dataset


def read_dataset(content: bytes) -> tablib.Dataset:
    return NumberedXLSX().create_dataset(content)


def data_row_estimate(content: bytes) -> int:
    """Rows below the header on the first sheet, from the sheet's dimension when the writer
    recorded it (cheap), else by reading; used to choose inline or background work."""
    try:
        book = openpyxl.load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise WorkbookError(_("文件已损坏，无法作为Excel工作簿打开。")) from None
    try:
        if not book.worksheets:
            raise WorkbookError(_("工作簿中没有工作表（第一个表是图表？）。"))
        sheet = book.worksheets[0]
        rows = sheet.max_row if sheet.max_row else sum(1 for _row in sheet.iter_rows())
    finally:
        book.close()
    # Formatting can stretch the dimension past the data; the real row limit is checked
    # while the rows are read.
    return max(rows - 1, 0)


def excel_datetime(value):
    """An aware datetime as local wall-clock time without a zone (Excel has no time zones)."""
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _write_sheet(
    workbook, *, title: str, headers: list[str], rows, widths: dict[str, int] | None = None
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(str(title))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(header, 12)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(row)


def xlsx_book(sheets: list[dict]) -> bytes:
    """A workbook of several sheets, each given as the keyword arguments of `xlsx_bytes`
    (`title`, `headers`, `rows`, optional `widths`), in order."""
    workbook = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, **sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    *, title: str, headers: list[str], rows, widths: dict[str, int] | None = None
) -> bytes:
    """A one-sheet workbook: bold headers, column widths by header (default 12), then `rows`
    (any iterable of value lists, consumed lazily by openpyxl's write-only mode)."""
    return xlsx_book([{"title": title, "headers": headers, "rows": rows, "widths": widths}])


def xlsx_response(content: bytes, filename: str):
    """A download of a generated workbook."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
