"""Import jobs: upload → preview (dry run) → confirm → import, inline or through Celery.

Every entry point (staff page, CLI, task) runs the same `import_job_run`; it re-fetches the
job, is idempotent (a redelivered task finds the phase already finished and returns), and
stores the report on the job. Files that cannot be confirmed any more are deleted.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.importing import ImportReport, import_workbook
from core.models import ImportJob
from core.roles import Role, has_role
from core.workbooks import WorkbookError, data_row_estimate, read_dataset, workbook_check

logger = logging.getLogger(__name__)

RESOURCES = {
    ImportJob.Kind.CADRES: "cadres.resources.CadreRosterResource",
    ImportJob.Kind.UNITS: "cadres.unit_resources.UnitRosterResource",
    ImportJob.Kind.MENTORS: "mentoring.resources.MentorRosterResource",
}
PERMISSIONS = {
    ImportJob.Kind.CADRES: "cadres.add_cadre",
    ImportJob.Kind.UNITS: "cadres.add_unit",
    ImportJob.Kind.MENTORS: "mentoring.add_mentor",
}
S = ImportJob.Status


def import_allowed(user, kind: str) -> bool:
    """Administrators and organisation staff, with the model's add permission."""
    return has_role(user, Role.ADMIN, Role.STAFF) and user.has_perm(PERMISSIONS[kind])


def resource_for(job: ImportJob, *, progress=None):
    resource_class = import_string(RESOURCES[job.kind])
    kwargs = {"actor": job.uploaded_by, "progress": progress}
    if job.kind == ImportJob.Kind.CADRES:
        kwargs["create_units"] = job.create_units
    return resource_class(**kwargs)


@transaction.atomic
def import_job_create(
    *, kind: str, content: bytes, name: str, actor, create_units: bool = False
) -> ImportJob:
    """Check the file (size, real .xlsx, row limit) before storing anything, then store it
    under a random name and queue its preview. A refused file leaves nothing behind."""
    if kind not in RESOURCES:
        raise ValidationError({"kind": _("未知的导入类型。")})
    if actor is not None and not import_allowed(actor, kind):
        raise PermissionDenied
    try:
        workbook_check(content)
        rows = data_row_estimate(content)
        if rows > settings.QINGMIAO_IMPORT_MAX_ROWS:
            # The sheet's dimension may count formatted empty rows: count the real ones.
            rows = len(read_dataset(content))
    except WorkbookError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if rows == 0:
        raise ValidationError({"file": _("工作表中没有数据行。")})
    job = ImportJob(
        kind=kind,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        original_name=name[:255],
        uploaded_by=actor,
        create_units=create_units,
        row_count=rows,
        total=rows,
    )
    job.file.save("upload.xlsx", ContentFile(content), save=False)
    job.save()
    _dispatch(job, commit=False)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Queue the real import of a previewed job whose preview found no invalid row."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.uploaded_by_id != getattr(actor, "pk", None) and not has_role(actor, Role.ADMIN):
        raise PermissionDenied
    if job.status != S.PREVIEWED or not ImportReport.from_dict(job.report).ok or not job.file:
        raise ValidationError({"status": _("该文件尚未通过预检，不能导入。")})
    job.status = S.IMPORT_QUEUED
    job.done = 0
    job.save(update_fields=["status", "done"])
    _dispatch(job, commit=True)
    return job


def _dispatch(job: ImportJob, *, commit: bool) -> None:
    """Small files run now, in the request; large ones go to a Celery worker after commit."""
    if job.row_count <= settings.QINGMIAO_IMPORT_INLINE_ROWS:
        transaction.on_commit(lambda: import_job_run(job_id=job.pk, commit=commit))
    else:
        from core.tasks import import_job_task

        import_job_task.delay_on_commit(job.pk, commit)


def import_job_run(*, job_id: int, commit: bool) -> ImportJob:
    """Run the preview (commit=False) or the import (commit=True) of a job. Idempotent."""
    queued, running, finished = (
        (S.IMPORT_QUEUED, S.IMPORTING, S.DONE)
        if commit
        else (S.PREVIEW_QUEUED, S.PREVIEWING, S.PREVIEWED)
    )
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (queued, running):
            return job  # already finished (a redelivered task) or moved on
        job.status = running
        job.done = 0
        job.save(update_fields=["status", "done"])

    def progress(done: int, total: int) -> None:
        # Through the cache: the import runs inside one transaction, whose row updates the
        # page polling from another connection could not see until the end.
        cache.set(_progress_key(job_id), (done, total), timeout=6 * 3600)

    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = import_workbook(
                resource=resource_for(job, progress=progress), content=content, dry_run=not commit
            )
    except Exception:  # a bug or a lost file: logged for the operator, plain words for the user
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=S.FAILED,
            error=_("导入时发生系统错误，未保存任何数据；请联系系统管理员。"),
            finished_at=timezone.now(),
        )
        _drop_file(job)
        job.refresh_from_db()
        return job
    job.report = report.as_dict()
    job.done = job.total
    if commit and not report.saved:
        job.status = S.FAILED
        job.error = "\n".join(report.file_errors) or _("导入未完成，未保存任何数据。")
    else:
        job.status = finished
    if commit or job.status == S.FAILED or not report.ok:
        job.finished_at = timezone.now()
    job.save(update_fields=["report", "done", "status", "error", "finished_at"])
    if commit or not report.ok:
        _drop_file(job)
    return job


def _progress_key(job_id: int) -> str:
    return f"qingmiao:import-progress:{job_id}"


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a running job, as the worker last reported them."""
    if not job.running:
        return job.done, job.total
    return cache.get(_progress_key(job.pk)) or (0, job.total)


def import_jobs_expire(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete the files of jobs previewed but not confirmed within `older_than` (they hold
    personal data); the jobs stay, marked failed with the reason. Returns how many."""
    cutoff = timezone.now() - older_than
    expired = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        if job.running:
            continue
        _drop_file(job)
        ImportJob.objects.filter(pk=job.pk, status=S.PREVIEWED).update(
            status=S.FAILED,
            error=_("预检后超过%(h)d小时未确认，文件已删除，请重新上传。")
            % {"h": older_than.total_seconds() // 3600},
            finished_at=timezone.now(),
        )
        expired += 1
    return expired


def _drop_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
