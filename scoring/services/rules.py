"""Writes to point rules (积分规则). Pages call these; a rule change never rewrites points
already awarded, because every ledger entry stores its own points."""

import datetime
import logging
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from scoring.choices import CapPeriod, RuleCategory
from scoring.models import PointRule

logger = logging.getLogger(__name__)

RULE_FIELDS = (
    "code", "name", "category", "event_kind", "points", "cap_period", "cap_points",
    "needs_evidence", "needs_approval", "valid_from", "valid_to",
)  # fmt: skip

# Dotted lower-case names owned by the emitting app, e.g. `training.attendance.present`.
EVENT_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def rule_check(fields: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Clean and validate a complete set of rule fields; raise one ValidationError naming
    every offending field, or return the cleaned fields."""
    cleaned = {name: fields.get(name) for name in RULE_FIELDS}
    for name in ("code", "name", "event_kind", "cap_period"):
        cleaned[name] = (cleaned[name] or "").strip()
    for name in ("needs_evidence", "needs_approval"):
        cleaned[name] = bool(cleaned[name])
    errors: dict[str, str] = {}
    if not cleaned["code"]:
        errors["code"] = _("请填写编号。")
    elif PointRule.objects.filter(code=cleaned["code"]).exclude(pk=exclude_pk).exists():
        errors["code"] = _("编号“%(code)s”已被其他规则使用。") % {"code": cleaned["code"]}
    if not cleaned["name"]:
        errors["name"] = _("请填写名称。")
    if cleaned["category"] not in RuleCategory.values:
        errors["category"] = _("请选择类别。")
    if not EVENT_KIND.match(cleaned["event_kind"]):
        errors["event_kind"] = _("记分事件须为小写英文的点分名称，如 training.attendance.present。")
    points = cleaned["points"]
    if points is None:
        errors["points"] = _("请填写分值。")
    elif Decimal(points) == 0:
        errors["points"] = _("分值不能为0。")
    period, cap = cleaned["cap_period"], cleaned["cap_points"]
    if period not in CapPeriod.values:
        errors["cap_period"] = _("请选择上限周期。")
    elif period and (cap is None or cap <= 0):
        errors["cap_points"] = _("设置了上限周期时，须填写大于0的周期上限。")
    elif not period and cap is not None:
        errors["cap_period"] = _("填写了周期上限时，须选择上限周期。")
    start, end = cleaned["valid_from"], cleaned["valid_to"]
    if not isinstance(start, datetime.date):
        errors["valid_from"] = _("请填写生效日期。")
    elif end is not None and end < start:
        errors["valid_to"] = _("失效日期不能早于生效日期。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save(rule: PointRule, update_fields: list[str] | None = None) -> PointRule:
    try:
        with transaction.atomic():
            rule.save(update_fields=update_fields)
    except IntegrityError:
        # Another request took the code between the check and the insert.
        raise ValidationError(
            {"code": _("编号“%(code)s”已被其他规则使用。") % {"code": rule.code}}
        ) from None
    return rule


@transaction.atomic
def rule_create(*, actor, **fields: Any) -> PointRule:
    """A new rule. Validation is complete before anything is written: a period cap comes
    as a pair (period and points > 0), validity ends on or after it starts, codes are
    unique."""
    cleaned = rule_check(fields)
    rule = _save(PointRule(**cleaned))
    logger.info("point rule %s created by %s", rule.code, getattr(actor, "pk", None))
    return rule


@transaction.atomic
def rule_update(*, rule: PointRule, actor, **changes: Any) -> PointRule:
    """Change a rule for what is scored from now on. Entries already written keep their
    points and rule link: the ledger is never rewritten by a rule change."""
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    current = {name: getattr(rule, name) for name in RULE_FIELDS}
    cleaned = rule_check({**current, **changes}, exclude_pk=rule.pk)
    changed = [name for name in RULE_FIELDS if cleaned[name] != current[name]]
    if not changed:
        return rule
    for name in changed:
        setattr(rule, name, cleaned[name])
    _save(rule, update_fields=[*changed, "updated_at"])
    logger.info("point rule %s changed by %s: %s", rule.code, getattr(actor, "pk", None), changed)
    return rule
