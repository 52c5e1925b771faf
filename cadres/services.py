"""Writes for units, cadres and programmes. Views, API, admin, imports and commands call these.

Every service validates its input completely before writing (nothing half-written), runs in
one transaction, and takes the acting user where the change must be attributable.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from cadres import choices
from cadres.ages import age_on
from cadres.idcard import id_parse
from cadres.models import (
    Cadre,
    Cohort,
    EligibilityRule,
    Enrolment,
    PositionRecord,
    Programme,
    RewardSanction,
    Unit,
)
from cadres.pinyin import pinyin_keys

# Defaults from the seeds: town administrative/institution cadres ≤ 40, village ≤ 35.
DEFAULT_MAX_AGES = {
    choices.CadreCategory.ADMINISTRATIVE: 40,
    choices.CadreCategory.INSTITUTION: 40,
    choices.CadreCategory.SELECTED_GRADUATE: 40,
    choices.CadreCategory.VILLAGE: 35,
}

# Fields a caller may set on a cadre; the rest are derived.
CADRE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "political_status",
    "party_join_date", "education", "degree", "school", "elite_university", "major",
    "work_start_date", "unit", "position", "rank", "category", "phone", "is_reserve",
    "in_talent_pool", "status", "user",
)  # fmt: skip


# --- units -----------------------------------------------------------------------------------


def unit_name_check(*, name: str, parent_full_name: str, exclude_pk: int | None = None):
    """Clean a unit name for a place in the tree; return (name, full name) or raise.

    `parent_full_name` is "" for a top-level unit. Sibling names are unique (the database's
    unique full name backs this up; this check gives the friendly message).
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("单位名称不能为空。")})
    if "/" in name:
        raise ValidationError({"name": _("单位名称不能包含“/”。")})
    full_name = f"{parent_full_name}/{name}" if parent_full_name else name
    if Unit.objects.filter(full_name=full_name).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"name": _("同一上级单位下已有名为“%(name)s”的单位。") % {"name": name}}
        )
    return name, full_name


def unit_parent_full_name(unit: Unit) -> str:
    return unit.full_name.rsplit("/", 1)[0] if "/" in unit.full_name else ""


@transaction.atomic
def unit_create(*, name: str, kind: str, parent: Unit | None = None) -> Unit:
    """Add a unit under `parent` (or as a root). Names are unique among siblings."""
    # treebeard derives the child's path from the parent's numchild: use a fresh, locked row.
    parent = Unit.objects.select_for_update().get(pk=parent.pk) if parent else None
    name, full_name = unit_name_check(
        name=name, parent_full_name=parent.full_name if parent else ""
    )
    fields = {"name": name, "kind": kind, "full_name": full_name}
    if parent:
        return Unit.objects.add_child(parent, fields)
    return Unit.objects.add_root(fields)


@transaction.atomic
def unit_rename(*, unit: Unit, name: str) -> Unit:
    """Rename a unit and rewrite the full names of its whole subtree in one UPDATE."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old_prefix = unit.full_name
    name, new_prefix = unit_name_check(
        name=name, parent_full_name=unit_parent_full_name(unit), exclude_pk=unit.pk
    )
    if new_prefix == old_prefix:
        return unit
    Unit.objects.filter(unit.subtree_q()).update(
        full_name=Concat(Value(new_prefix), Substr(F("full_name"), len(old_prefix) + 1))
    )
    Unit.objects.filter(pk=unit.pk).update(name=name)
    unit.refresh_from_db()
    return unit


def unit_get_or_create_path(*, path: str, kind_leaf: str = choices.UnitKind.OFFICE) -> Unit:
    """Find or create every unit along `金城镇/党政办` (used by imports and demo data)."""
    parent = None
    for part in [p.strip() for p in path.split("/") if p.strip()]:
        siblings = Unit.objects.get_children(parent) if parent else Unit.objects.get_root_nodes()
        found = siblings.filter(name=part).first()
        kind = kind_leaf if parent else choices.UnitKind.TOWN
        parent = found or unit_create(name=part, kind=kind, parent=parent)
    if parent is None:
        raise ValidationError({"unit": _("单位路径不能为空。")})
    return parent


# --- cadres ----------------------------------------------------------------------------------


def cadre_fields_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and cross-check a full set of cadre fields, without touching the database;
    raise with every field's error. (Imports call it once per row.)"""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    cleaned["name"] = "".join(str(data.get("name", "")).split())
    if not cleaned["name"]:
        errors.setdefault("name", []).append(_("姓名不能为空。"))
    elif len(cleaned["name"]) > 30:
        errors.setdefault("name", []).append(_("姓名不能超过30个字。"))
    try:
        facts = id_parse(data.get("id_number", ""))
    except ValidationError as exc:
        errors.setdefault("id_number", []).extend(exc.messages)
    else:
        cleaned["id_number"] = facts.number
        birth = data.get("birth_date")
        if birth and birth != facts.birth_date:
            errors.setdefault("birth_date", []).append(
                _("出生日期与身份证号不一致（身份证号为%(date)s）。")
                % {"date": facts.birth_date.isoformat()}
            )
        cleaned["birth_date"] = facts.birth_date
        gender = data.get("gender")
        if gender and gender != facts.gender:
            errors.setdefault("gender", []).append(
                _("性别与身份证号不一致（身份证号为%(g)s）。")
                % {"g": choices.Gender(facts.gender).label}
            )
        cleaned["gender"] = facts.gender
    phone = "".join(str(data.get("phone") or "").split())
    if phone and not (
        len(phone) == 11 and phone.isascii() and phone.isdigit() and phone.startswith("1")
    ):
        errors.setdefault("phone", []).append(_("手机号码应为以1开头的11位数字。"))
    cleaned["phone"] = phone
    birth = cleaned.get("birth_date")
    today = timezone.localdate()
    for field, label in (
        ("party_join_date", _("入党时间")),
        ("work_start_date", _("参加工作时间")),
    ):
        value = data.get(field)
        if value and birth and value <= birth:
            errors.setdefault(field, []).append(_("%(f)s不能早于出生日期。") % {"f": label})
        if value and value > today:
            errors.setdefault(field, []).append(_("%(f)s不能晚于今天。") % {"f": label})
    status = data.get("political_status")
    # Judged only against a valid status: a wrong 政治面貌 is reported on its own.
    if (
        data.get("party_join_date")
        and status in choices.PoliticalStatus.values
        and status
        not in (choices.PoliticalStatus.PARTY_MEMBER, choices.PoliticalStatus.PROBATIONARY)
    ):
        errors.setdefault("party_join_date", []).append(_("只有中共党员或预备党员填写入党时间。"))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _cadre_unique_check(cleaned: dict[str, Any], *, exclude_pk: int | None) -> None:
    others = Cadre.objects.exclude(pk=exclude_pk)
    errors = {}
    if others.filter(id_number=cleaned["id_number"]).exists():
        errors["id_number"] = _("该身份证号已存在于干部档案中。")
    if cleaned.get("user") and others.filter(user=cleaned["user"]).exists():
        errors["user"] = _("该登录账号已关联其他干部档案。")
    if errors:
        raise ValidationError(errors)


def cadre_check(fields: dict[str, Any], *, exclude_pk: int | None) -> dict[str, Any]:
    """Every check a profile must pass, without writing: the normalised fields, or a
    ValidationError naming each bad field. Forms that cannot call the service first
    (the admin's) use it to show errors beside the fields."""
    cleaned = cadre_fields_clean(fields)
    _cadre_unique_check(cleaned, exclude_pk=exclude_pk)
    return cleaned


@transaction.atomic
def unit_update(*, unit: Unit, name: str, kind: str, is_active: bool) -> Unit:
    """Change a unit's name (rewriting its subtree's full names), kind and active flag."""
    if kind not in choices.UnitKind.values:
        raise ValidationError({"kind": _("未知的单位类型。")})
    unit = unit_rename(unit=unit, name=name)
    Unit.objects.filter(pk=unit.pk).update(kind=kind, is_active=is_active)
    unit.refresh_from_db()
    return unit


def _apply_pinyin(cadre: Cadre) -> None:
    cadre.name_pinyin, cadre.name_initials = pinyin_keys(cadre.name)


@transaction.atomic
def cadre_create(*, actor, photo=None, **fields: Any) -> Cadre:
    """Create a profile. The ID number must be valid and unique; birth date and gender,
    if given, must agree with it (they are derived from it otherwise). All checks,
    the photo's included, pass before anything is written."""
    unknown = set(fields) - set(CADRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown cadre fields: {sorted(unknown)}")
    if photo is not None:
        photo_check(photo)
    cleaned = cadre_check(fields, exclude_pk=None)
    cadre = Cadre(**cleaned)
    _apply_pinyin(cadre)
    cadre._history_user = actor
    cadre.full_clean(exclude=["photo", "user", "unit"])
    cadre.save()
    if photo is not None:
        _photo_store(cadre=cadre, upload=photo, actor=actor)
    return cadre


@transaction.atomic
def cadre_update(*, cadre: Cadre, actor, reason: str = "", photo=None, **changes: Any) -> Cadre:
    """Change a profile; the history row records who, when and the before/after values.
    A new photo replaces the old one (whose file is deleted after commit)."""
    unknown = set(changes) - set(CADRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown cadre fields: {sorted(unknown)}")
    if photo is not None:
        photo_check(photo)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    merged = {**{f: getattr(cadre, f) for f in CADRE_FIELDS}, **changes}
    cleaned = cadre_check(merged, exclude_pk=cadre.pk)
    changed = [f for f in changes if getattr(cadre, f) != cleaned.get(f, changes[f])]
    if changed:
        for field in changed:
            setattr(cadre, field, cleaned.get(field, changes[field]))
        _apply_pinyin(cadre)
        cadre._history_user = actor
        cadre.full_clean(exclude=["photo", "user", "unit"])
        cadre.save()
        if reason:
            update_change_reason(cadre, reason)
    if photo is not None:
        _photo_store(cadre=cadre, upload=photo, actor=actor)
    return cadre


PHOTO_MAX_PIXELS = 40_000_000  # a few KB of PNG can describe a 14000×14000 image


def photo_check(upload) -> None:
    """Refuse photos over the size limit, over 40 megapixels, or that are not JPEG/PNG
    images (judged by content, not by name)."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.QINGMIAO_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("照片不能超过%(mb).1f MB。") % {"mb": limit / 1024 / 1024}}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": _("照片像素过大，请缩小后再上传。")})
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError({"photo": _("照片像素过大，请缩小后再上传。")}) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError({"photo": _("照片必须是JPEG或PNG图片。")}) from None
    finally:
        upload.seek(0)
    if image_format not in ("JPEG", "PNG"):
        raise ValidationError({"photo": _("照片必须是JPEG或PNG图片。")})


def _photo_store(*, cadre: Cadre, upload, actor) -> None:
    """Store a checked photo re-encoded as JPEG (metadata stripped); drop the old file."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((600, 800))
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=88)
    old = cadre.photo.name if cadre.photo else ""
    cadre._history_user = actor
    cadre.photo.save("photo.jpg", ContentFile(buffer.getvalue()), save=True)
    if old:
        storage = cadre.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


# --- programmes and cohorts -----------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    name: str,
    owner_unit: Unit,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    framework: list[str] | None = None,
    description: str = "",
    max_ages: dict[str, int] | None = None,
) -> Programme:
    """Create a programme with an age rule per cadre category (defaults from the seeds)."""
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    framework = list(framework if framework is not None else choices.Framework.values)
    bad = [f for f in framework if f not in choices.Framework.values]
    if bad:
        raise ValidationError({"framework": _("未知的培养框架：%(v)s") % {"v": ", ".join(bad)}})
    ages = {**DEFAULT_MAX_AGES, **(max_ages or {})}
    _max_ages_check(ages)
    programme = Programme.objects.create(
        name=name.strip(),
        owner_unit=owner_unit,
        start_date=start_date,
        end_date=end_date,
        framework=framework,
        description=description,
    )
    EligibilityRule.objects.bulk_create(
        EligibilityRule(programme=programme, category=c, max_age=a) for c, a in ages.items()
    )
    return programme


def _max_ages_check(ages: dict[str, int | None]) -> None:
    """Categories must exist; ages lie in 16–70 (None, "no limit", passes)."""
    bad_ages = [
        f"{category}={age}"
        for category, age in ages.items()
        if category not in choices.CadreCategory.values
        or (age is not None and not 16 <= int(age) <= 70)
    ]
    if bad_ages:
        raise ValidationError(
            {
                "max_ages": _("年龄条件无效（干部类别须为已有类别，年龄须在16至70之间）：%(v)s")
                % {"v": ", ".join(bad_ages)}
            }
        )


@transaction.atomic
def eligibility_rules_set(*, programme: Programme, max_ages: dict[str, int | None], actor) -> None:
    """Set the age limit of each given cadre category for future enrolments; None removes
    the limit. Memberships already made keep their recorded age and exception reason."""
    _max_ages_check(max_ages)
    limits = {c: a for c, a in max_ages.items() if a is not None}
    for category, max_age in limits.items():
        EligibilityRule.objects.update_or_create(
            programme=programme, category=category, defaults={"max_age": max_age}
        )
    removed = [c for c, a in max_ages.items() if a is None]
    programme.eligibility.filter(category__in=removed).delete()


@transaction.atomic
def cohort_create(
    *, programme: Programme, name: str, start_date: datetime.date, end_date=None
) -> Cohort:
    name = name.strip()
    if Cohort.objects.filter(programme=programme, name=name).exists():
        raise ValidationError({"name": _("该培养计划下已有同名批次。")})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    return Cohort.objects.create(
        programme=programme, name=name, start_date=start_date, end_date=end_date
    )


def eligibility_check(*, cadre: Cadre, programme: Programme, on: datetime.date) -> str | None:
    """None if eligible on `on`, else the reason in the user's language."""
    rule = programme.eligibility.filter(category=cadre.category).first()
    if rule is None:
        return None
    age = age_on(cadre.birth_date, on)
    if age > rule.max_age:
        return _("%(name)s入选时%(age)d周岁，超过“%(category)s”类干部的年龄上限%(max)d周岁。") % {
            "name": cadre.name,
            "age": age,
            "category": cadre.get_category_display(),
            "max": rule.max_age,
        }
    return None


@transaction.atomic
def enrolment_create(
    *,
    cohort: Cohort,
    cadre: Cadre,
    joined_on: datetime.date,
    actor,
    exception_reason: str = "",
) -> Enrolment:
    """Enrol a cadre into a cohort.

    Refuses an ineligible cadre (age at `joined_on` above the programme's rule for the
    cadre's category) unless an exception reason is given, which is stored with the row.
    A cadre is at most once active in a cohort (database constraint).
    """
    exception_reason = exception_reason.strip()
    # Serialise concurrent enrolments of one cadre (a double-clicked button) so the second
    # gets the friendly "already in this cohort" instead of the constraint's IntegrityError.
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cohort.end_date and joined_on > cohort.end_date:
        raise ValidationError({"joined_on": _("加入日期晚于批次结束日期。")})
    if joined_on < cohort.start_date:
        raise ValidationError({"joined_on": _("加入日期早于批次开始日期。")})
    if cadre.status != choices.CadreStatus.ACTIVE:
        raise ValidationError({"cadre": _("只有在职干部可以入选培养。")})
    problem = eligibility_check(cadre=cadre, programme=cohort.programme, on=joined_on)
    if problem and not exception_reason:
        raise ValidationError({"exception_reason": problem + " " + _("如需破格入选，请填写理由。")})
    if Enrolment.objects.filter(
        cohort=cohort, cadre=cadre, status=choices.EnrolmentStatus.ACTIVE
    ).exists():
        raise ValidationError({"cadre": _("%(name)s已在该批次中。") % {"name": cadre.name}})
    return Enrolment.objects.create(
        cohort=cohort,
        cadre=cadre,
        joined_on=joined_on,
        age_at_enrolment=age_on(cadre.birth_date, joined_on),
        exception_reason=exception_reason if problem else "",
        enrolled_by=actor,
    )


@transaction.atomic
def enrolment_end(
    *, enrolment: Enrolment, status: str, left_on: datetime.date, actor, reason: str = ""
) -> Enrolment:
    """Close a membership as graduated, left or withdrawn (withdrawal needs a reason)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != choices.EnrolmentStatus.ACTIVE:
        raise ValidationError({"status": _("该成员已不在培，不能重复结束。")})
    if status not in (
        choices.EnrolmentStatus.GRADUATED,
        choices.EnrolmentStatus.LEFT,
        choices.EnrolmentStatus.WITHDRAWN,
    ):
        raise ValidationError({"status": _("请选择结业、离开或退出。")})
    if left_on < enrolment.joined_on:
        raise ValidationError({"left_on": _("离开日期不能早于加入日期。")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("离开日期不能晚于今天。")})
    reason = reason.strip()
    if status == choices.EnrolmentStatus.WITHDRAWN and not reason:
        raise ValidationError({"reason": _("退出培养必须填写原因。")})
    enrolment.status = status
    enrolment.left_on = left_on
    enrolment.end_reason = reason
    enrolment.ended_by = actor
    enrolment.save(update_fields=["status", "left_on", "end_reason", "ended_by", "updated_at"])
    return enrolment


# --- career records --------------------------------------------------------------------------


@transaction.atomic
def position_add(
    *,
    cadre: Cadre,
    actor,
    unit_name: str,
    position: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    rank: str = "",
    is_promotion: bool = False,
    note: str = "",
) -> PositionRecord:
    """Add a line to the cadre's position history (a promotion when `is_promotion`)."""
    errors = {}
    if not unit_name.strip():
        errors["unit_name"] = _("请填写任职单位。")
    if not position.strip():
        errors["position"] = _("请填写职务。")
    if end_date and end_date < start_date:
        errors["end_date"] = _("结束时间不能早于开始时间。")
    if start_date < cadre.birth_date:
        errors["start_date"] = _("开始时间不能早于出生日期。")
    if errors:
        raise ValidationError(errors)
    record = PositionRecord(
        cadre=cadre,
        unit_name=unit_name.strip(),
        position=position.strip(),
        rank=rank.strip(),
        start_date=start_date,
        end_date=end_date,
        is_promotion=is_promotion,
        note=note.strip(),
    )
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def reward_sanction_add(
    *,
    cadre: Cadre,
    actor,
    kind: str,
    title: str,
    date: datetime.date,
    level: str = "",
    issuer: str = "",
    note: str = "",
) -> RewardSanction:
    """Record an award (奖励) or a sanction (处分) with its date and issuing body."""
    if kind not in choices.RecordKind.values:
        raise ValidationError({"kind": _("请选择奖励或处分。")})
    if not title.strip():
        raise ValidationError({"title": _("请填写名称。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("时间不能晚于今天。")})
    record = RewardSanction(
        cadre=cadre,
        kind=kind,
        title=title.strip(),
        date=date,
        level=level.strip(),
        issuer=issuer.strip(),
        note=note.strip(),
    )
    record._history_user = actor
    record.save()
    return record
