"""Quarterly reports (季度报告): request (get-or-create the one row per year, quarter and unit,
queue its generation after commit) and generate (the task body: figures → PDF and .xlsx,
stored in place of the old files once committed).

Who may see and request which report (`quarterly_reports_visible_to`, `quarterly_scope_check`):
- administrators: every report, the overall one (no unit, no programme) included;
- organisation staff and leaders: the reports of units in their subtree and of programmes
  they may see (`cadres.selectors.programmes_visible_to`); the overall report only when
  their subtree is every unit (their unit is the single top unit);
- staff and administrators request and retry (model permission `reports.add_quarterlyreport`);
  leaders read and download.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Programme, Unit
from cadres.selectors import programmes_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from reports.models import JobStatus, QuarterlyReport
from reports.selectors.quarterly import quarter_bounds

logger = logging.getLogger(__name__)


def covers_everything(user) -> bool:
    """Whether the user's scope is every unit (the overall report is theirs to read)."""
    if is_admin(user):
        return True
    if not has_role(user, Role.STAFF, Role.LEADER) or not getattr(user, "unit_id", None):
        return False
    unit = user.unit
    return unit.depth == 1 and not Unit.objects.filter(depth=1).exclude(pk=unit.pk).exists()


def quarterly_reports_visible_to(user) -> QuerySet[QuarterlyReport]:
    if not has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER):
        return QuarterlyReport.objects.none()
    if is_admin(user):
        return QuarterlyReport.objects.all()
    allowed = Q(unit__in=units_visible_to(user)) | Q(programme__in=programmes_visible_to(user))
    if covers_everything(user):
        allowed |= Q(unit__isnull=True, programme__isnull=True)
    return QuarterlyReport.objects.filter(allowed)


def quarterly_may_request(user) -> bool:
    return has_role(user, Role.ADMIN, Role.STAFF) and user.has_perm("reports.add_quarterlyreport")


def quarterly_scope_check(user, unit: Unit | None, programme: Programme | None = None) -> None:
    """Raise PermissionDenied unless `user` may request the report of `unit` or `programme`
    (neither: all)."""
    if user is None:
        return  # the beat task and the CLI
    if not quarterly_may_request(user):
        raise PermissionDenied
    if programme is not None:
        if not programmes_visible_to(user).filter(pk=programme.pk).exists():
            raise PermissionDenied
    elif unit is None:
        if not covers_everything(user):
            raise PermissionDenied
    elif not units_visible_to(user).filter(pk=unit.pk).exists():
        raise PermissionDenied


def last_ended_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


@transaction.atomic
def quarterly_report_request(
    *,
    year: int,
    quarter: int,
    unit: Unit | int | None = None,
    programme: Programme | int | None = None,
    actor=None,
    today: datetime.date | None = None,
    dispatch: bool = True,
) -> QuarterlyReport:
    """Get or create the report of (year, quarter, unit or programme), reset it to queued and
    queue its generation after commit. Requesting it again regenerates the same row."""
    today = today or timezone.localdate()
    errors = {}
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("季度须为1至4。")
    if not 2000 <= (year or 0) <= 2100:
        errors["year"] = _("年度不正确。")
    if unit is not None and programme is not None:
        errors["programme"] = _("单位和培养计划只能选择其一：请选择单位，或选择培养计划。")
    if errors:
        raise ValidationError(errors)
    if quarter_bounds(year, quarter)[1] >= today:
        raise ValidationError(
            {"quarter": _("%(y)s年第%(q)s季度尚未结束，不能生成报告。") % {"y": year, "q": quarter}}
        )
    if unit is not None and not isinstance(unit, Unit):
        found = Unit.objects.filter(pk=unit).first()
        if found is None:
            raise ValidationError({"unit": _("单位不存在：%(id)s。") % {"id": unit}})
        unit = found
    if programme is not None and not isinstance(programme, Programme):
        found = Programme.objects.filter(pk=programme).first()
        if found is None:
            raise ValidationError({"programme": _("培养计划不存在：%(id)s。") % {"id": programme}})
        programme = found
    quarterly_scope_check(actor, unit, programme)
    # The unique constraints back this: of two concurrent first requests, get_or_create
    # turns the loser's IntegrityError into a read of the winner's row.
    created = QuarterlyReport.objects.get_or_create(
        year=year, quarter=quarter, unit=unit, programme=programme
    )[0]
    report = QuarterlyReport.objects.select_for_update().order_by().get(pk=created.pk)
    report.status = JobStatus.QUEUED
    report.progress = 0
    report.error = ""
    report.started_at = report.finished_at = None
    report.requested_by = actor if getattr(actor, "pk", None) else None
    report.save()
    if dispatch:
        from reports.tasks_quarterly import quarterly_report_task

        quarterly_report_task.delay_on_commit(report.pk)
    return report


def quarterly_report_retry(*, report: QuarterlyReport, actor=None) -> QuarterlyReport:
    """Queue a failed (or finished) report again."""
    return quarterly_report_request(
        year=report.year,
        quarter=report.quarter,
        unit=report.unit,
        programme=report.programme,
        actor=actor,
    )


def _progress(report_id: int, value: int) -> None:
    QuarterlyReport.objects.filter(pk=report_id).update(progress=value)


def quarterly_report_generate(report_id: int) -> QuarterlyReport:
    """The task body. Idempotent: a report already done (a redelivered task) is left alone;
    a queued or running one is (re)generated. Failures are recorded with their reason."""
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update(of=("self",))
            .select_related("unit", "programme__owner_unit")
            .order_by()
            .get(pk=report_id)
        )
        if report.status in (JobStatus.DONE, JobStatus.FAILED):
            return report
        report.status = JobStatus.RUNNING
        report.progress = 5
        report.started_at = timezone.now()
        report.save(update_fields=["status", "progress", "started_at", "updated_at"])
    try:
        pdf, xlsx = quarterly_report_files(report, progress=lambda v: _progress(report_id, v))
        with transaction.atomic():
            report = QuarterlyReport.objects.select_for_update().order_by().get(pk=report_id)
            if report.status != JobStatus.RUNNING:
                # Requested again while this run worked (back to queued): the figures here may
                # be stale, and the new run that is queued writes the files.
                return report
            stem = f"quarterly-{report.year}q{report.quarter}"
            for fieldfile, content, suffix in (
                (report.pdf, pdf, ".pdf"),
                (report.xlsx, xlsx, ".xlsx"),
            ):
                old, storage = fieldfile.name, fieldfile.storage
                fieldfile.save(f"{stem}{suffix}", ContentFile(content), save=False)
                if old:
                    transaction.on_commit(lambda old=old, storage=storage: storage.delete(old))
            report.status = JobStatus.DONE
            report.progress = 100
            report.error = ""
            report.finished_at = timezone.now()
            report.save()
    except Exception as exc:
        logger.exception("quarterly report %s failed", report_id)
        # Only this run's failure: a report requested again meanwhile stays queued for the new run.
        QuarterlyReport.objects.filter(pk=report_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            error=str(exc) or exc.__class__.__name__,
            finished_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        return QuarterlyReport.objects.get(pk=report_id)
    return report


def quarterly_report_files(report: QuarterlyReport, *, progress=None) -> tuple[bytes, bytes]:
    """The PDF and the workbook of a report (no write)."""
    from reports.quarterly_render import quarterly_pdf, quarterly_xlsx
    from reports.selectors.quarterly import quarterly_figures

    progress = progress or (lambda v: None)
    figures = quarterly_figures(
        year=report.year, quarter=report.quarter, unit=report.unit, programme=report.programme
    )
    progress(40)
    pdf = quarterly_pdf(figures)
    progress(80)
    xlsx = quarterly_xlsx(figures)
    progress(95)
    return pdf, xlsx
