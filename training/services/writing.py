"""Written output (信息宣传): a cadre (or staff on their behalf) submits a piece; staff verify
it at the level that adopted it, correct the level or return it. Only verified pieces adopted
at some level are reported to points (`training.writing.adopted.<level>`), each verification
under its own source `training.writing:<id>#<verify_version>`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.services import assign_fields, current_with, refuse_unknown_fields
from core.uploads import upload_check
from scoring.services import event_record, event_withdraw
from training.choices import AdoptionLevel, Review, WritingKind
from training.events import versioned_source
from training.models import Writing

WRITING_FIELDS = ("kind", "title", "outlet", "published_on", "level")
ADOPTED = "training.writing.adopted.{level}"


def writing_kind(level: str) -> str:
    """The event kind of a piece verified as adopted at `level` (never called for 未采用)."""
    return ADOPTED.format(level=level)


def _clean(fields: dict, *, has_evidence: bool) -> dict:
    errors = {}
    for name in ("title", "outlet"):
        fields[name] = (fields.get(name) or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写标题。")
    if not fields["outlet"]:
        errors["outlet"] = _("请填写采用单位或媒体。")
    if fields.get("kind") not in WritingKind.values:
        errors["kind"] = _("请选择类别。")
    fields["level"] = fields.get("level") or ""
    if fields["level"] not in AdoptionLevel.values:
        errors["level"] = _("采用层级不正确。")
    day = fields.get("published_on")
    if not isinstance(day, datetime.date):
        errors["published_on"] = _("请填写采用日期。")
    elif day > timezone.localdate():
        errors["published_on"] = _("采用日期不能晚于今天。")
    if fields["level"] and not has_evidence and "level" not in errors:
        errors["evidence"] = _("填写了采用层级的，须上传佐证材料（采用通知、刊发截图等）。")
    if errors:
        raise ValidationError(errors)
    return fields


def writing_duplicates(*, cadre: Cadre, title: str, published_on, exclude: int | None = None):
    """Pieces of the same cadre with the same title and date (a warning, not a refusal:
    the same article may be adopted twice, but usually it is a second submission)."""
    rows = Writing.objects.filter(cadre=cadre, title=title.strip(), published_on=published_on)
    return rows.exclude(pk=exclude) if exclude else rows


@transaction.atomic
def writing_submit(*, cadre: Cadre, actor, evidence=None, **fields) -> Writing:
    """Record a piece for `cadre`, waiting for verification. Evidence (PDF/JPEG/PNG, 10 MB)
    is required when a level is claimed. Assumes the caller checked that `actor` is the cadre
    or manages them."""
    refuse_unknown_fields(fields, WRITING_FIELDS)
    fields = _clean(fields, has_evidence=evidence is not None)
    suffix = upload_check(evidence, field="evidence") if evidence is not None else ""
    writing = Writing(cadre=cadre, submitted_by=actor, status=Review.SUBMITTED, **fields)
    if evidence is not None:
        writing.evidence.save(f"evidence{suffix}", evidence, save=False)
    writing.save()
    return writing


def _refuse_verified(writing: Writing) -> None:
    if writing.status == Review.ACCEPTED:
        raise ValidationError({"status": _("已审核通过的稿件不能修改或撤回。")})


@transaction.atomic
def writing_update(*, writing: Writing, actor, evidence=None, **fields) -> Writing:
    """Change a piece not yet verified (a new file replaces the evidence). A returned piece
    goes back to the review queue."""
    writing = Writing.objects.select_for_update().get(pk=writing.pk)
    _refuse_verified(writing)
    refuse_unknown_fields(fields, WRITING_FIELDS)
    current = current_with(writing, WRITING_FIELDS, fields)
    current = _clean(current, has_evidence=evidence is not None or bool(writing.evidence))
    suffix = upload_check(evidence, field="evidence") if evidence is not None else ""
    assign_fields(writing, current)
    old_file = writing.evidence.name if evidence is not None else ""
    if evidence is not None:
        writing.evidence.save(f"evidence{suffix}", evidence, save=False)
    writing.status = Review.SUBMITTED
    writing.save()
    if old_file:
        storage = writing.evidence.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return writing


@transaction.atomic
def writing_withdraw(*, writing: Writing, actor) -> None:
    """The submitter takes back a piece not yet verified: the row and its file are removed.
    (A piece verified earlier and since returned has had its points withdrawn already.)"""
    writing = Writing.objects.select_for_update().get(pk=writing.pk)
    _refuse_verified(writing)
    name, storage = writing.evidence.name, writing.evidence.storage
    writing.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _take_back(writing: Writing, actor) -> None:
    if writing.status == Review.ACCEPTED and writing.level:
        event_withdraw(
            kind=writing_kind(writing.level),
            source=versioned_source(writing, writing.verify_version),
            actor=actor,
        )


@transaction.atomic
def writing_verify(*, writing: Writing, actor, level: str | None = None, comment: str = ""):
    """Staff confirm a piece, at the claimed level or a corrected one (`level`; "" = 未采用).
    Each verification that changes the outcome is a new version: the earlier version's
    points are withdrawn and the new level is reported (未采用 earns nothing). Verifying
    again at the same level changes nothing but the comment. Assumes `actor` may review
    the cadre (training.change_writing, cadre in their subtree)."""
    writing = Writing.objects.select_for_update().select_related("cadre").get(pk=writing.pk)
    level = writing.level if level is None else level
    if level not in AdoptionLevel.values:
        raise ValidationError({"level": _("采用层级不正确。")})
    if level and not writing.evidence:
        raise ValidationError(
            {"level": _("没有佐证材料，不能认定采用层级；请退回，由提交人补充佐证材料。")}
        )
    comment = comment.strip()[:300]
    if writing.status == Review.ACCEPTED and writing.level == level:
        writing.review_comment = comment or writing.review_comment
        writing.save(update_fields=["review_comment", "updated_at"])
        return writing
    _take_back(writing, actor)
    writing.level = level
    writing.status = Review.ACCEPTED
    writing.verify_version += 1
    writing.review_comment = comment
    writing.reviewed_at = timezone.now()
    writing.reviewed_by = actor
    writing.save()
    if level:
        event_record(
            kind=writing_kind(level),
            cadre=writing.cadre,
            occurred_on=writing.published_on,
            source=versioned_source(writing, writing.verify_version),
            actor=actor,
        )
    return writing


@transaction.atomic
def writing_return(*, writing: Writing, actor, comment: str) -> Writing:
    """Staff send a piece back for correction with a comment (required). A piece verified
    before loses its points until it is verified again."""
    writing = Writing.objects.select_for_update().select_related("cadre").get(pk=writing.pk)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时须填写审核意见。")})
    if writing.status == Review.RETURNED:
        raise ValidationError({"status": _("该稿件已退回，等待提交人修改。")})
    _take_back(writing, actor)
    writing.status = Review.RETURNED
    writing.review_comment = comment[:300]
    writing.reviewed_at = timezone.now()
    writing.reviewed_by = actor
    writing.save()
    return writing
