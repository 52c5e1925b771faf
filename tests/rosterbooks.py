"""Real .xlsx roster workbooks for import tests, built with openpyxl.

`workbook(headers, rows)` writes the cells exactly as given: str, int, float, datetime/date
(a date cell), an Excel serial number (`Serial(32939)`, a plain number cell) or None. Rows
are lists in header order or dicts keyed by header (missing keys are empty cells); `None`
as a whole row writes an empty row.
"""

import datetime
import zipfile
from io import BytesIO

from openpyxl import Workbook

from cadres.idcard import id_with_check_digit
from cadres.roster import COLUMNS

HEADERS = [c.header for c in COLUMNS]
REQUIRED = [c.header for c in COLUMNS if c.required]
EXCEL_EPOCH = datetime.date(1899, 12, 30)


class Serial(int):
    """An Excel serial date (days since 1899-12-30) written as a plain number cell."""

    @classmethod
    def of(cls, day: datetime.date) -> "Serial":
        return cls((day - EXCEL_EPOCH).days)


def workbook(headers: list[str], rows: list, *, sheet_title: str = "干部花名册") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(headers)
    for number, row in enumerate(rows, start=2):
        if row is None:
            continue  # an empty spreadsheet row: nothing written on it
        values = [row.get(h) for h in headers] if isinstance(row, dict) else list(row)
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column)
            cell.value = int(value) if isinstance(value, Serial) else value
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it looks like a formula
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_extra_entry(content: bytes, name: str, data: bytes) -> bytes:
    """The same zip package with one more entry (e.g. a macro part)."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def id_number(birth: datetime.date, *, male: bool = True, serial: int = 0) -> str:
    """A valid ID number for a birth date and gender; `serial` (0–499) varies it."""
    gender_digit = (serial % 5) * 2 + (1 if male else 0)
    return id_with_check_digit(f"320482{birth:%Y%m%d}{serial // 5 % 100:02d}{gender_digit}")


def cadre_row(
    birth: datetime.date = datetime.date(1992, 5, 17),
    *,
    male: bool = True,
    serial: int = 0,
    **overrides,
) -> dict:
    """A valid roster row (dict by header) whose ID number agrees with birth and gender;
    `overrides` are keyed by header."""
    row = {
        "姓名": "张伟" if male else "李娜",
        "性别": "男" if male else "女",
        "民族": "汉族",
        "出生日期": birth.isoformat(),
        "身份证号": id_number(birth, male=male, serial=serial),
        "政治面貌": "中共党员",
        "入党时间": "2014-06-30",
        "学历": "大学本科",
        "学位": "学士",
        "毕业院校": "南京大学",
        "专业": "汉语言文学",
        "参加工作时间": "2015-08-01",
        "单位": "金城镇/党政办",
        "职务": "科员",
        "职级": "一级科员",
        "干部类别": "行政",
        "手机号码": "13800138000",
        "是否后备干部": "否",
    }
    row.update(overrides)
    return row


SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超"]
POLITICAL = ["中共党员", "中共预备党员", "共青团员", "群众", "民主党派"]
EDUCATION = ["研究生", "大学本科", "大学专科", "中专", "高中及以下"]
DEGREE = ["硕士", "学士", "学士", "无", ""]
CATEGORY = ["行政", "事业", "村（社区）", "选调生"]
RANKS = ["一级科员", "四级主任科员", "副科", "正科", ""]


def varied_rows(count: int, units: list[str], *, start: int = 0) -> list[dict]:
    """`count` valid, varied rows with distinct ID numbers, spread over `units`."""
    rows = []
    base = datetime.date(1990, 1, 1)
    for i in range(start, start + count):
        birth = base + datetime.timedelta(days=(i * 7) % 4000)
        male = i % 3 != 0
        serial = i // 4000 % 500  # i * 7 % 4000 runs through 4,000 distinct days
        political = POLITICAL[i % 5]
        party = political in ("中共党员", "中共预备党员")
        row = cadre_row(
            birth,
            male=male,
            serial=serial,
            **{
                "姓名": SURNAMES[i % 20] + GIVEN[i % 15] + ("华" if i % 4 == 0 else ""),
                "出生日期": [
                    birth.isoformat(),
                    f"{birth:%Y/%m/%d}",
                    f"{birth.year}年{birth.month}月{birth.day}日",
                    birth,
                ][i % 4],
                "政治面貌": political,
                "入党时间": f"{birth.year + 22}-07-01" if party else "",
                "学历": EDUCATION[i % 5],
                "学位": DEGREE[i % 5],
                "单位": units[i % len(units)],
                "职务": ["科员", "副主任", "主任", "村委委员", "办事员"][i % 5],
                "职级": RANKS[i % 5],
                "干部类别": CATEGORY[i % 4],
                "参加工作时间": f"{birth.year + 23}.08",
                "手机号码": f"13{i % 10}{i:08d}"[:11],
                "是否后备干部": "是" if i % 6 == 0 else "否",
            },
        )
        rows.append(row)
    return rows
