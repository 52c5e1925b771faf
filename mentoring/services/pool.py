"""Writes for the mentor pool (导师库). Imports, forms and the admin call these."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.idcard import id_parse
from mentoring.choices import MentorType
from mentoring.models import Mentor

MENTOR_FIELDS = (
    "name", "id_number", "phone", "unit", "mentor_type", "position", "expertise",
    "capacity", "is_active", "user", "cadre",
)  # fmt: skip
CAPACITY_MAX = 99


def mentor_fields_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check a mentor's fields without touching the database; raise with every
    field's error. A mentor is identified by an ID number or, failing that, a mobile number,
    so at least one of the two is required."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    cleaned["name"] = "".join(str(data.get("name") or "").split())
    if not cleaned["name"]:
        errors.setdefault("name", []).append(_("姓名不能为空。"))
    elif len(cleaned["name"]) > 30:
        errors.setdefault("name", []).append(_("姓名不能超过30个字。"))
    id_number = str(data.get("id_number") or "")
    if id_number:
        try:
            cleaned["id_number"] = id_parse(id_number).number
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
    phone = "".join(str(data.get("phone") or "").split())
    if phone and not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        errors.setdefault("phone", []).append(_("手机号码应为以1开头的11位数字。"))
    cleaned["phone"] = phone
    if not id_number and not phone:
        errors.setdefault("id_number", []).append(_("身份证号和手机号码至少填写一项。"))
    if data.get("mentor_type") not in MentorType.values:
        errors.setdefault("mentor_type", []).append(_("未知的导师类型。"))
    capacity = data.get("capacity")
    if capacity is not None and not (isinstance(capacity, int) and 1 <= capacity <= CAPACITY_MAX):
        errors.setdefault("capacity", []).append(
            _("最多带教人数应为1到%(max)d之间的整数。") % {"max": CAPACITY_MAX}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _unique_check(cleaned: dict[str, Any], *, exclude_pk: int | None) -> None:
    number = cleaned.get("id_number")
    if number and Mentor.objects.exclude(pk=exclude_pk).filter(id_number=number).exists():
        raise ValidationError({"id_number": _("该身份证号已存在于导师库中。")})


@transaction.atomic
def mentor_create(**fields: Any) -> Mentor:
    """Add a mentor; the ID number, when given, is unique in the pool."""
    unknown = set(fields) - set(MENTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown mentor fields: {sorted(unknown)}")
    cleaned = mentor_fields_clean(fields)
    _unique_check(cleaned, exclude_pk=None)
    mentor = Mentor(**cleaned)
    mentor.save()
    return mentor


@transaction.atomic
def mentor_update(*, mentor: Mentor, **changes: Any) -> Mentor:
    """Change a mentor's fields (all checks as for `mentor_create`); writes only what changed."""
    unknown = set(changes) - set(MENTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown mentor fields: {sorted(unknown)}")
    current = Mentor.objects.select_for_update().get(pk=mentor.pk)
    merged = {f: getattr(current, f) for f in MENTOR_FIELDS} | changes
    cleaned = mentor_fields_clean(merged)
    _unique_check(cleaned, exclude_pk=current.pk)
    changed = [f for f in MENTOR_FIELDS if getattr(current, f) != cleaned[f]]
    for field in changed:
        setattr(current, field, cleaned[field])
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
    return current
