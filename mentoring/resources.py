"""Import and export of the mentor pool (导师库) in the roster style.

Headers: 姓名, 身份证号, 手机号码, 单位, 导师类型, 职务, 擅长领域, 最多带教人数.

A row is matched to a stored mentor by 身份证号 when given (or, for a stored mentor without
an ID number, by the same 手机号码: the import then adds the ID number), otherwise by
手机号码. A row with neither is invalid. An empty 身份证号 never erases a stored one; an ID
number masked by an export (`3204**********1234`) counts as not given but must match the
mentor found by phone. An empty 最多带教人数 keeps the stored value (3 for a new mentor).
Rows are saved one by one through `mentoring.services`; the import is all-or-nothing.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, widgets

from cadres.idcard import mask
from cadres.unit_lookup import UnitLookup, UnitPathWidget
from core.import_widgets import (
    ChoiceWidget,
    IdNumberWidget,
    PhoneWidget,
    TextWidget,
    neutralise,
    text,
)
from core.importing import RosterResource
from core.workbooks import ROW_NUMBER, WorkbookError, xlsx_bytes
from mentoring import services
from mentoring.choices import MentorType
from mentoring.models import Mentor

NAME, ID_NUMBER, PHONE, UNIT, MENTOR_TYPE, POSITION, EXPERTISE, CAPACITY = (
    "姓名", "身份证号", "手机号码", "单位", "导师类型", "职务", "擅长领域", "最多带教人数",
)  # fmt: skip
HEADERS = (NAME, ID_NUMBER, PHONE, UNIT, MENTOR_TYPE, POSITION, EXPERTISE, CAPACITY)
MASKED_ID = re.compile(r"\d{4}\*{4,}\d{3}[\dX]")
MENTOR_TYPE_ALIASES = {
    "村书记": MentorType.VILLAGE_SECRETARY,
    "社区书记": MentorType.VILLAGE_SECRETARY,
    "村(社区)党组织书记": MentorType.VILLAGE_SECRETARY,
    "镇书记": MentorType.TOWN_SECRETARY,
    "乡镇党委书记": MentorType.TOWN_SECRETARY,
}


class MentorIdWidget(IdNumberWidget):
    """Empty or masked → None (not given); number cells are refused as for cadres."""

    def clean(self, value, row=None, **kwargs):
        raw = super().clean(value, row=row, **kwargs)
        if not raw or MASKED_ID.fullmatch(raw):
            return None
        return raw


class CapacityWidget(widgets.Widget):
    """A whole number (`3`, `３`, 3.0); empty → None (not given)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("请填写整数。"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return value
        raw = "".join(text(value).split())
        if not raw:
            return None
        if not raw.isdigit():
            raise ValueError(_("“%(v)s”不是整数。") % {"v": raw})
        return int(raw)

    def render(self, value, obj=None, **kwargs):
        return value


@dataclass
class RowKey:
    id_number: str | None  # as typed (normalised), None when empty, masked or unreadable
    masked: str | None  # the masked ID cell, if any
    phone: str
    id_error: bool = False  # the ID cell itself is wrong (reported by its widget)
    match: Mentor | None = None
    ambiguous: int = 0  # stored mentors sharing the phone, when that made the match fail


class MentorRosterResource(RosterResource):
    key = "id_number"
    required_headers = (NAME, UNIT, MENTOR_TYPE)

    name = fields.Field("name", NAME, widget=TextWidget(max_length=30, squeeze=True))
    id_number = fields.Field(
        "id_number", ID_NUMBER, widget=MentorIdWidget(), saves_null_values=False
    )
    phone = fields.Field("phone", PHONE, widget=PhoneWidget())
    mentor_type = fields.Field(
        "mentor_type",
        MENTOR_TYPE,
        widget=ChoiceWidget(MentorType.choices, aliases=MENTOR_TYPE_ALIASES),
    )
    position = fields.Field("position", POSITION, widget=TextWidget(max_length=100))
    expertise = fields.Field("expertise", EXPERTISE, widget=TextWidget(max_length=200))
    capacity = fields.Field("capacity", CAPACITY, widget=CapacityWidget(), saves_null_values=False)

    class Meta:
        model = Mentor
        fields = [
            "name", "id_number", "phone", "unit", "mentor_type", "position", "expertise",
            "capacity",
        ]  # fmt: skip
        import_id_fields = []  # matching is ours (ID number, else phone): see `get_instance`
        use_bulk = False  # few rows; each goes through mentor_create / mentor_update
        skip_diff = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, actor=None, create_units: bool = False, progress=None):
        super().__init__(actor=actor, progress=progress)
        self.units = UnitLookup(actor=actor, create=create_units)
        self.fields["unit"] = fields.Field("unit", UNIT, widget=UnitPathWidget(self.units))
        self.keys: dict[int, RowKey] = {}
        self.same_mentor: dict[int, list[int]] = {}
        self.same_phone: dict[int, list[int]] = {}

    # --- matching rows to stored mentors ---------------------------------------------------------

    def existing_for(self, keys):
        return Mentor.objects.filter(id_number__in=keys).select_related("unit")

    def _row_key(self, row) -> RowKey:
        id_number = masked = None
        try:
            id_number = self.fields["id_number"].clean(row)
        except ValueError:
            return RowKey(id_number=None, masked=None, phone="", id_error=True)
        if id_number is None:
            raw = "".join(text(row[ID_NUMBER]).split()).upper()
            masked = raw if MASKED_ID.fullmatch(raw) else None
        phone = PhoneWidget().clean(row.get(PHONE))
        return RowKey(id_number=id_number, masked=masked, phone=phone)

    def before_import(self, dataset, **kwargs):
        headers = set(dataset.headers)
        if ID_NUMBER not in headers and PHONE not in headers:
            raise WorkbookError(_("缺少必填列：身份证号或手机号码（至少一列）"))
        if ID_NUMBER not in headers:  # a phone-only roster: an empty ID column for the engine
            dataset.append_col([None] * len(dataset), header=ID_NUMBER)
        super().before_import(dataset, **kwargs)  # header checks, ID duplicates, by-ID lookup
        if ID_NUMBER not in headers:
            self.report.headers.remove(ID_NUMBER)
        rows = [(values[ROW_NUMBER], self._row_key(values)) for values in dataset.dict]
        phones = sorted({k.phone for _n, k in rows if k.phone})
        by_phone: dict[str, list[Mentor]] = defaultdict(list)
        for start in range(0, len(phones), 2000):
            chunk = phones[start : start + 2000]
            for mentor in Mentor.objects.filter(phone__in=chunk).select_related("unit"):
                by_phone[mentor.phone].append(mentor)
        rows_by_mentor: dict[int, list[int]] = defaultdict(list)
        rows_by_phone: dict[str, list[int]] = defaultdict(list)
        for number, key in rows:
            candidates = by_phone.get(key.phone, []) if key.phone else []
            if key.id_number:
                key.match = self.existing.get(key.id_number)
                # A mentor stored without an ID number gets it from this row.
                without_id = [m for m in candidates if not m.id_number]
                if key.match is None and len(without_id) == 1:
                    key.match = without_id[0]
            elif len(candidates) == 1:
                key.match = candidates[0]
            elif len(candidates) > 1:
                key.ambiguous = len(candidates)
            if key.match is not None:
                rows_by_mentor[key.match.pk].append(number)
            if key.phone:
                rows_by_phone[key.phone].append(number)
            self.keys[number] = key
        for numbers in rows_by_mentor.values():
            for number in numbers:
                self.same_mentor[number] = [n for n in numbers if n != number]
        for number, key in self.keys.items():
            if key.phone and not key.id_number:
                self.same_phone[number] = [n for n in rows_by_phone[key.phone] if n != number]

    def get_instance(self, instance_loader, row):
        return self.keys[row[ROW_NUMBER]].match

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # An unchanged row that repeats another must still be reported (validate_instance).
        number = row[ROW_NUMBER]
        repeated = bool(
            self.same_mentor.get(number)
            or self.same_phone.get(number)
            or self.keys[number].id_number in self.duplicates
        )
        return super().skip_row(instance, original, row, import_validation_errors) and not repeated

    # --- checks ---------------------------------------------------------------------------------

    def row_check(self, instance, row):
        number = row[ROW_NUMBER]
        key = self.keys[number]
        key_attribute = "id_number" if key.id_number or key.masked else "phone"
        errors: dict[str, list[str]] = defaultdict(list)
        values = {a: getattr(instance, a, None) for a in self._meta.fields if a != "unit"}
        try:
            cleaned = services.mentor_fields_clean(values)
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                if not (attribute == "id_number" and key.masked):
                    errors[attribute].extend(messages)
        else:
            instance.name, instance.phone = cleaned["name"], cleaned["phone"]
            instance.id_number = cleaned["id_number"]
        if key.masked:
            if key.match is None:
                errors["id_number"].append(
                    _("身份证号已打码，无法识别导师：请填写完整的身份证号或已登记的手机号码。")
                )
            elif mask(key.match.id_number) != key.masked:
                errors["id_number"].append(
                    _("已打码的身份证号与该手机号码对应导师的身份证号不一致。")
                )
        if key.ambiguous:
            errors["phone"].append(_("导师库中有多名导师使用该手机号码，请填写身份证号以区分。"))
        id_duplicates = set(self.duplicates.get(key.id_number, ()))
        others = [n for n in self.same_mentor.get(number, ()) if n not in id_duplicates]
        if others:
            errors[key_attribute].append(
                _("与第%(rows)s行是同一名导师。") % {"rows": "、".join(map(str, others))}
            )
        elif self.same_phone.get(number):
            errors["phone"].append(
                _("与第%(rows)s行的手机号码相同，请填写身份证号以区分。")
                % {"rows": "、".join(map(str, self.same_phone[number]))}
            )
        stored_unit = self._snapshot.get("unit")
        if stored_unit is not None and not self.units.in_scope(stored_unit):
            # Say nothing of who the mentor is or where: the importer may not see them.
            errors[key_attribute].append(_("该导师不在您管理的范围内，不能通过导入修改。"))
        return dict(errors)

    # --- saving ---------------------------------------------------------------------------------

    def do_instance_save(self, instance, is_create):
        values = {a: getattr(instance, a) for a in self._meta.fields}
        if is_create:
            saved = services.mentor_create(**values)
        else:
            saved = services.mentor_update(mentor=instance, **values)
        instance.pk = saved.pk


# --- export -----------------------------------------------------------------------------------


def mentor_row(mentor: Mentor, *, full_id: bool, type_labels: dict[str, str]) -> list:
    return [
        neutralise(mentor.name),
        mentor.id_number if full_id else mask(mentor.id_number),
        mentor.phone,
        neutralise(mentor.unit.full_name),
        type_labels.get(mentor.mentor_type, ""),
        neutralise(mentor.position),
        neutralise(mentor.expertise),
        mentor.capacity,
    ]


def mentors_xlsx(mentors, *, full_id: bool = False) -> bytes:
    """The mentors as a mentor roster that re-imports as unchanged; ID numbers masked unless
    `full_id` (a masked row is then matched by its mobile number)."""
    with translation.override("zh-hans"):
        type_labels = {value: str(label) for value, label in MentorType.choices}
    if hasattr(mentors, "select_related"):
        mentors = mentors.select_related("unit")
    rows = (mentor_row(m, full_id=full_id, type_labels=type_labels) for m in mentors)
    widths = {ID_NUMBER: 22, PHONE: 14, UNIT: 28, MENTOR_TYPE: 16, EXPERTISE: 24}
    return xlsx_bytes(title=_("导师库"), headers=list(HEADERS), rows=rows, widths=widths)
