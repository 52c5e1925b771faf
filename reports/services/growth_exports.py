"""Batch export of growth records (成长档案批量导出): one PDF per cadre in a ZIP, built by a
Celery task (inline without REDIS_URL), kept for `QINGMIAO_EXPORT_TTL_HOURS` hours and then
deleted by the daily upkeep.

Only the requester may download it, and only while they may still see every cadre in it."""

import datetime
import logging
import tempfile
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from core.roles import Role, has_role
from reports.models import GrowthExport, JobStatus
from reports.services.growth_pdf import growth_record_pdf

logger = logging.getLogger(__name__)
S = JobStatus


def export_allowed(user) -> bool:
    """Administrators, organisation staff and leaders export records of their scope."""
    return has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER)


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "QINGMIAO_EXPORT_TTL_HOURS", 72))


@transaction.atomic
def growth_export_request(*, actor, cadres, title: str, year: int | None = None) -> GrowthExport:
    """Queue the export of the growth records of `cadres` (a queryset or ids), every one of
    them in `actor`'s scope; the task starts once the transaction commits."""
    if not export_allowed(actor):
        raise PermissionDenied
    ids = sorted(
        {int(getattr(c, "pk", c)) for c in cadres}
        if not hasattr(cadres, "values_list")
        else set(cadres.values_list("pk", flat=True))
    )
    if not ids:
        raise ValidationError({"cadres": _("没有可导出的干部，请选择包含干部的单位或批次。")})
    visible = set(cadres_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [i for i in ids if i not in visible]:
        raise ValidationError(
            {"cadres": _("有%(n)d名干部不在您的查看范围内，不能导出。") % {"n": len(missing)}}
        )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写导出名称。")})
    if year is not None and not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度应在2000至2100之间。")})
    export = GrowthExport.objects.create(
        title=title[:200], cadre_ids=ids, year=year, total=len(ids), requested_by=actor
    )
    from reports.tasks_exports import growth_export_task

    transaction.on_commit(lambda: growth_export_task.delay(export.pk))
    return export


def growth_export_run(*, export_id: int) -> GrowthExport:
    """Build the ZIP of a queued (or interrupted, redelivered) export; a finished one is left
    as it is. Failures are stored on the row with their reason."""
    with transaction.atomic():
        export = (
            GrowthExport.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .get(pk=export_id)
        )
        if export.status not in (S.QUEUED, S.RUNNING):
            return export  # done or failed already: a redelivered task does nothing
        export.status = S.RUNNING
        export.progress = 0
        export.error = ""
        export.attempts += 1
        export.started_at = timezone.now()
        export.save(update_fields=["status", "progress", "error", "attempts", "started_at"])

    current = None
    try:
        viewer = export.requested_by
        if viewer is None:
            raise ValidationError(_("申请人账号已删除。"))
        cadres = list(
            cadres_visible_to(viewer).filter(pk__in=export.cadre_ids).select_related("unit")
        )
        if len(cadres) != len(export.cadre_ids):
            raise ValidationError(_("申请人已无权查看其中部分干部的成长档案。"))
        cadres.sort(key=lambda c: export.cadre_ids.index(c.pk))
        step = max(1, min(10, len(cadres) // 20))
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                for done, cadre in enumerate(cadres, start=1):
                    current = cadre
                    pdf = growth_record_pdf(viewer=viewer, cadre=cadre, year=export.year)
                    archive.writestr(_member_name(cadre), pdf)
                    if done % step == 0 and done < len(cadres):
                        GrowthExport.objects.filter(pk=export.pk).update(
                            progress=min(99, done * 100 // len(cadres))
                        )
            current = None
            handle.seek(0)
            # A rebuild (redelivered task): the old ZIP goes only once the row names the new one.
            replaced = export.file.name if export.file else ""
            export.file.save("growth-records.zip", File(handle), save=False)
    except Exception as exc:  # stored for the requester; the trace goes to the log
        logger.exception("growth export %s failed", export_id)
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        if current is not None:
            reason = _("生成%(name)s的成长档案时出错：%(reason)s") % {
                "name": current.name,
                "reason": reason or exc.__class__.__name__,
            }
        GrowthExport.objects.filter(pk=export.pk).update(
            status=S.FAILED, error=reason or exc.__class__.__name__, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    now = timezone.now()
    export.status = S.DONE
    export.progress = 100
    export.finished_at = now
    export.expires_at = now + ttl()
    export.save(update_fields=["file", "status", "progress", "finished_at", "expires_at"])
    if replaced:
        export.file.storage.delete(replaced)
    return export


def _member_name(cadre: Cadre) -> str:
    safe = "".join(ch for ch in cadre.name if ch not in '/\\:*?"<>|').strip() or "cadre"
    return f"{safe}-{cadre.pk}.pdf"


def growth_export_downloadable(export: GrowthExport, user) -> bool:
    """The requester only, and only while every cadre in it is still in their scope."""
    if export.requested_by_id is None or export.requested_by_id != user.pk:
        return False
    ids = export.cadre_ids
    return cadres_visible_to(user).filter(pk__in=ids).count() == len(set(ids))


def growth_export_expired(export: GrowthExport, now=None) -> bool:
    return export.expires_at is not None and export.expires_at <= (now or timezone.now())


def growth_exports_expire(today=None) -> int:
    """Daily upkeep (core.reminders.EVENT_SOURCES): delete the ZIPs of expired exports (they
    hold personal data); the rows stay, with their expiry shown. Returns how many."""
    count = 0
    for export in GrowthExport.objects.filter(expires_at__lte=timezone.now()).exclude(file=""):
        export.file.delete(save=False)
        GrowthExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    return count
