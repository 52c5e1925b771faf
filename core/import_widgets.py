"""django-import-export widgets that read what clerks really type into Excel.

Each `clean()` normalises (full-width characters, stray spaces, Excel serial dates, numbers
stored as text) and raises ValueError with a message for the user; the resource turns it
into "第N行【表头】message".
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import widgets

EXCEL_EPOCH = datetime.date(1899, 12, 30)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
)


def text(value) -> str:
    """NFKC (full-width → half-width), outer spaces removed; an export's leading apostrophe
    that neutralised a formula-like text is dropped again. Excel error values and TRUE/FALSE
    cells are not text and are refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(_("单元格是逻辑值（TRUE/FALSE），请填写文字。"))
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        raise ValueError(_("单元格是Excel错误值（%(v)s），请改为实际内容。") % {"v": value.strip()})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = unicodedata.normalize("NFKC", str(value)).strip()
    if result.startswith("'") and result[1:].startswith(FORMULA_PREFIXES):
        result = result[1:]
    return result


def neutralise(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula (export side)."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class TextWidget(widgets.Widget):
    def __init__(self, max_length: int | None = None, squeeze: bool = False):
        super().__init__(coerce_to_string=True)
        self.max_length = max_length
        self.squeeze = squeeze

    def clean(self, value, row=None, **kwargs):
        result = text(value)
        if self.squeeze:
            result = "".join(result.split())
        if self.max_length and len(result) > self.max_length:
            raise ValueError(_("不能超过%(n)d个字符。") % {"n": self.max_length})
        return result

    def render(self, value, obj=None, **kwargs):
        return neutralise(str(value or ""))


class ChoiceWidget(widgets.Widget):
    """A cell holding a choice's Chinese label (or an accepted alias) → the stored value."""

    def __init__(self, choices, aliases: dict[str, str] | None = None, required: bool = True):
        super().__init__(coerce_to_string=True)
        from django.utils import translation

        with translation.override("zh-hans"):
            self.labels = {str(label): value for value, label in choices}
            self.render_labels = {value: str(label) for value, label in choices}
        # Cells are folded (NFKC, no spaces) before the lookup, so fold the keys the same
        # way: the label 村（社区） must match a cell holding exactly 村（社区）.
        self.lookup = {_key(k): v for k, v in {**self.labels, **(aliases or {})}.items()}
        self.required = required

    def clean(self, value, row=None, **kwargs):
        key = _key(value)
        if not key:
            if self.required:
                raise ValueError(_("不能为空。"))
            return ""
        if key in self.lookup:
            return self.lookup[key]
        raise ValueError(
            _("“%(v)s”不是可选值（可选：%(opts)s）。") % {"v": key, "opts": "、".join(self.labels)}
        )

    def render(self, value, obj=None, **kwargs):
        return self.render_labels.get(value, "")


def _key(value) -> str:
    return "".join(text(value).split())


class OptionalChoiceWidget(ChoiceWidget):
    """An empty cell means "not given" (None): with `saves_null_values=False` on the field,
    an existing record keeps its value and a new one gets the model default."""

    def __init__(self, choices, aliases: dict[str, str] | None = None):
        super().__init__(choices, aliases=aliases, required=False)

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row=row, **kwargs) or None


class YesNoWidget(widgets.Widget):
    YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
    NO = {"否", "N", "NO", "FALSE", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = text(value).upper()
        if key in self.YES:
            return True
        if key in self.NO:
            return False
        raise ValueError(_("请填写“是”或“否”。"))

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), True),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), True),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), True),
    (re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"), True),
    (re.compile(r"^(\d{4})\.(\d{1,2})$"), False),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), False),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), True),
]


class DateWidget(widgets.Widget):
    """An Excel date cell, an Excel serial number, or `YYYY-MM-DD`, `YYYY/MM/DD`,
    `YYYY.MM` (the 1st of the month), `YYYY年M月D日`."""

    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if 1 <= value < 100_000:
                return EXCEL_EPOCH + datetime.timedelta(days=int(value))
            if float(value).is_integer() and 10_000_101 <= value <= 99_991_231:
                value = str(int(value))  # 19920517 typed into a number cell
            else:
                raise ValueError(_("不是有效的日期。"))
        raw = "".join(text(value).split())
        if not raw:
            if self.required:
                raise ValueError(_("不能为空。"))
            return None
        for pattern, has_day in _DATE_PATTERNS:
            match = pattern.match(raw)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                day = int(match.group(3)) if has_day else 1
                try:
                    return datetime.date(year, month, day)
                except ValueError:
                    raise ValueError(_("“%(v)s”不是存在的日期。") % {"v": raw}) from None
        raise ValueError(
            _("“%(v)s”不是可识别的日期（可用：2024-03-01、2024/3/1、2024.03、2024年3月1日）。")
            % {"v": raw}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class IdNumberWidget(widgets.Widget):
    """ID numbers must be text: a number cell has lost its last digits already."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float | Decimal) or (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            raise ValueError(
                _("该单元格被Excel存成了数字，身份证号末几位已丢失；请把此列设为“文本”后重新填写。")
            )
        raw = "".join(text(value).split()).upper()
        if re.fullmatch(r"\d(\.\d+)?E\+?\d+", raw):
            raise ValueError(
                _("身份证号显示为科学计数法（%(v)s），末几位已丢失；请把此列设为“文本”后重新填写。")
                % {"v": raw}
            )
        return raw

    def render(self, value, obj=None, **kwargs):
        return value or ""


class PhoneWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return "".join(ch for ch in text(value) if not ch.isspace() and ch != "-")

    def render(self, value, obj=None, **kwargs):
        return value or ""
