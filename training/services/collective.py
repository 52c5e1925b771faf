"""Collective activities (集体活动: 志愿服务 / 义务劳动 / 素质拓展 / 其他): staff record the
activity and who took part; each participation is reported to points as
`training.collective.<kind>` under `training.collectiveparticipation:<id>`, and removing a
participant withdraws it.

An activity's kind and date are fixed once participants are recorded: points are idempotent
on (kind, source), so a kind changed and changed back could not be scored again under the
same source. To correct them, remove the participants (their points are withdrawn), change
the activity and record them again (new participations, new sources)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import assign_fields, current_with, refuse_unknown_fields
from scoring.services import event_record, event_withdraw, rules_for
from training.choices import CollectiveKind
from training.events import versioned_source
from training.models import CollectiveActivity, CollectiveParticipation

COLLECTIVE_FIELDS = ("title", "kind", "unit", "held_on", "place", "hours", "description")
COLLECTIVE = "training.collective.{kind}"


def collective_kind(kind: str) -> str:
    return COLLECTIVE.format(kind=kind)


def _clean(fields: dict) -> dict:
    errors = {}
    fields["title"] = (fields.get("title") or "").strip()
    fields["place"] = (fields.get("place") or "").strip()
    fields["description"] = (fields.get("description") or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写名称。")
    if fields.get("kind") not in CollectiveKind.values:
        errors["kind"] = _("请选择类别。")
    if fields.get("unit") is None:
        errors["unit"] = _("请选择组织单位。")
    if fields.get("held_on") is None:
        errors["held_on"] = _("请填写日期。")
    hours = fields.get("hours")
    if hours is None or Decimal(hours) <= 0:
        errors["hours"] = _("时长必须大于0。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def collective_create(*, actor, **fields) -> CollectiveActivity:
    refuse_unknown_fields(fields, COLLECTIVE_FIELDS)
    return CollectiveActivity.objects.create(created_by=actor, **_clean(fields))


@transaction.atomic
def collective_update(*, activity: CollectiveActivity, actor, **fields) -> CollectiveActivity:
    """Change an activity. Its kind and date cannot change once participants are recorded
    (see the module's note)."""
    activity = CollectiveActivity.objects.select_for_update().get(pk=activity.pk)
    refuse_unknown_fields(fields, COLLECTIVE_FIELDS)
    current = current_with(activity, COLLECTIVE_FIELDS, fields)
    current = _clean(current)
    if activity.participations.exists():
        errors = {}
        if current["kind"] != activity.kind:
            errors["kind"] = _(
                "已登记参加人员的活动不能更改类别；请先移除参加人员，更改后重新登记。"
            )
        if current["held_on"] != activity.held_on:
            errors["held_on"] = _(
                "已登记参加人员的活动不能更改日期；请先移除参加人员，更改后重新登记。"
            )
        if errors:
            raise ValidationError(errors)
    assign_fields(activity, current)
    activity.save()
    return activity


@transaction.atomic
def participants_record(
    *, activity: CollectiveActivity, cadres, actor, note: str = ""
) -> list[CollectiveParticipation]:
    """Record that cadres took part (by hand, a cohort or a unit subtree: the caller resolves
    them and checks they are in scope). Those already recorded stay as they are; each new
    participation is reported to points. Returns the new participations."""
    activity = CollectiveActivity.objects.select_for_update().get(pk=activity.pk)
    cadres = list({c.pk: c for c in cadres}.values())
    if not cadres:
        raise ValidationError({"cadres": _("请选择参加的干部。")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("表现说明不能超过200字。")})
    existing = set(activity.participations.values_list("cadre_id", flat=True))
    new = [
        CollectiveParticipation(activity=activity, cadre=c, note=note, recorded_by=actor)
        for c in cadres
        if c.pk not in existing
    ]
    # PostgreSQL returns the primary keys of bulk-created rows; the lock above keeps
    # concurrent recording of the same activity from racing the unique constraint.
    CollectiveParticipation.objects.bulk_create(new)
    kind = collective_kind(activity.kind)
    if not new or not rules_for(kind, activity.held_on).filter(needs_approval=False).exists():
        return new  # no rule scores this kind on that day: nothing to report, one query
    for row in new:
        event_record(
            kind=kind,
            cadre=row.cadre,
            occurred_on=activity.held_on,
            source=versioned_source(row),
            actor=actor,
        )
    return new


@transaction.atomic
def participants_remove(*, activity: CollectiveActivity, participations, actor) -> int:
    """Remove participations of this activity; their points are withdrawn (reversing
    entries). Returns how many were removed."""
    rows = list(
        CollectiveParticipation.objects.select_for_update()
        .select_related("activity")
        .filter(activity=activity, pk__in=[p.pk for p in participations])
    )
    if not rows:
        raise ValidationError({"participations": _("请选择要移除的参加人员。")})
    kind = collective_kind(activity.kind)
    for row in rows:
        event_withdraw(kind=kind, source=versioned_source(row), actor=actor)
    CollectiveParticipation.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
