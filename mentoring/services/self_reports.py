"""Self-reports (思想汇报 yearly, 月小结 monthly): a cadre submits one per period for
themself, revises it while it waits or after it was returned, and a current mentor of the
cadre or staff in scope reviews it (accept, or return with a reason).

Points (see `mentoring/events_self_reports.py`): an acceptance is
`mentoring.self_report.accepted` from `mentoring.selfreport:<id>#<review_version>`; returning
an accepted report withdraws it, and accepting the revision scores again under the next
version."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.cadence import calendar_start
from core.services import assign_fields, current_with, refuse_unknown_fields
from core.uploads import file_replace, upload_check
from mentoring.events_self_reports import ACCEPTED, accepted_source
from mentoring.models import SelfReport, SelfReportKind, SelfReportStatus
from mentoring.selectors.self_reports import (
    kind_frequency,
    may_review,
    period_label,
    self_report_kinds,
    self_report_rule,
)
from scoring.services import event_record, event_withdraw

FIELDS = ("title", "content")
ATTACHMENT_TYPES = (".pdf", ".docx", ".jpg", ".png")


def period_end(kind: str, start: datetime.date) -> datetime.date:
    if kind_frequency(kind) == "year":
        return datetime.date(start.year, 12, 31)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _clean(fields: dict) -> dict:
    for name in FIELDS:
        fields[name] = (fields.get(name) or "").strip()
    if not fields["title"]:
        raise ValidationError({"title": _("请填写标题。")})
    if not fields["content"]:
        raise ValidationError({"content": _("请填写正文。")})
    return fields


def _attach(report: SelfReport, attachment) -> None:
    if attachment:
        suffix = upload_check(attachment, field="attachment", allowed=ATTACHMENT_TYPES)
        file_replace(report.attachment, attachment, stem="report", suffix=suffix)


def _check_period(kind: str, start, today: datetime.date, cadre) -> datetime.date:
    if kind not in self_report_kinds():
        raise ValidationError({"kind": _("该类报告无须提交。")})
    if not isinstance(start, datetime.date):
        raise ValidationError({"period_start": _("请选择所属期间。")})
    if start != calendar_start(kind_frequency(kind), start):
        if kind_frequency(kind) == "year":
            message = _("思想汇报的所属期间须为某年1月1日。")
        else:
            message = _("月小结的所属期间须为某月1日。")
        raise ValidationError({"period_start": message})
    if start > today:
        message = _("%(period)s尚未开始，不能提前提交%(kind)s。") % {
            "period": period_label(kind, start), "kind": SelfReportKind(kind).label,
        }  # fmt: skip
        raise ValidationError({"period_start": message})
    # Only the periods the cadence asks of this cadre (the look-back window, not before the
    # cadre was entered): an accepted report scores, so no back-filling of old periods.
    earliest = self_report_rule(cadre, kind, today).anchor
    if start < earliest:
        message = _("只能提交%(period)s及以后的%(kind)s。") % {
            "period": period_label(kind, earliest), "kind": SelfReportKind(kind).label,
        }  # fmt: skip
        raise ValidationError({"period_start": message})
    return start


@transaction.atomic
def self_report_submit(
    *,
    actor,
    kind: str,
    period_start: datetime.date,
    title: str,
    content: str,
    attachment=None,
    today: datetime.date | None = None,
) -> SelfReport:
    """The cadre linked to `actor` files `kind` for the period starting `period_start` (one
    per period)."""
    today = today or timezone.localdate()
    cadre = Cadre.objects.select_for_update().filter(user_id=getattr(actor, "pk", None)).first()
    if cadre is None:
        raise ValidationError({"cadre": _("只有干部本人可以提交个人报告。")})
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError({"cadre": _("只有在职干部需要提交个人报告。")})
    period_start = _check_period(kind, period_start, today, cadre)
    existing = SelfReport.objects.filter(cadre=cadre, kind=kind, period_start=period_start).first()
    if existing is not None:
        message = _("%(period)s的%(kind)s已于%(day)s提交（%(status)s），请修改原报告。") % {
            "period": period_label(kind, period_start), "kind": existing.get_kind_display(),
            "day": f"{timezone.localtime(existing.submitted_at):%Y-%m-%d}",
            "status": existing.get_status_display(),
        }  # fmt: skip
        raise ValidationError({"period_start": message})
    fields = _clean({"title": title, "content": content})
    report = SelfReport(
        cadre=cadre, kind=kind, period_start=period_start, submitted_at=timezone.now(), **fields
    )
    _attach(report, attachment)
    report.save()
    return report


@transaction.atomic
def self_report_revise(*, report: SelfReport, actor, attachment=None, **fields) -> SelfReport:
    """The author revises a report waiting for review or returned; a returned report goes back
    for review."""
    refuse_unknown_fields(fields, FIELDS)
    report = SelfReport.objects.select_for_update().select_related("cadre").get(pk=report.pk)
    if report.cadre.user_id is None or report.cadre.user_id != getattr(actor, "pk", None):
        raise ValidationError({"cadre": _("只有干部本人可以修改个人报告。")})
    if report.status == SelfReportStatus.ACCEPTED:
        raise ValidationError({"status": _("报告已审阅通过，不能再修改。")})
    assign_fields(report, _clean(current_with(report, FIELDS, fields)))
    _attach(report, attachment)
    report.status = SelfReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def self_report_review(*, report: SelfReport, accept: bool, note: str = "", actor) -> SelfReport:
    """A current mentor of the cadre, or staff in scope, accepts the report (scored) or
    returns it with a reason (withdrawing an earlier acceptance). Each review is a version."""
    report = SelfReport.objects.select_for_update().select_related("cadre").get(pk=report.pk)
    if not may_review(actor, report):
        raise ValidationError(
            {"report": _("只有干部的现任导师或范围内的组织部门工作人员可以审阅该报告。")}
        )
    note = (note or "").strip()
    if accept and report.status == SelfReportStatus.ACCEPTED:
        raise ValidationError({"status": _("该报告已审阅通过。")})
    if report.status == SelfReportStatus.RETURNED:
        raise ValidationError({"status": _("该报告已退回，等待干部修改。")})
    if not accept and not note:
        raise ValidationError({"note": _("退回报告须填写理由。")})
    old_status, old_version = report.status, report.review_version
    report.status = SelfReportStatus.ACCEPTED if accept else SelfReportStatus.RETURNED
    report.review_note = note
    report.review_version = old_version + 1
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save()
    if old_status == SelfReportStatus.ACCEPTED:
        event_withdraw(kind=ACCEPTED, source=accepted_source(report, old_version), actor=actor)
    if accept:
        event_record(
            kind=ACCEPTED,
            cadre=report.cadre,
            occurred_on=min(period_end(report.kind, report.period_start), timezone.localdate()),
            source=accepted_source(report),
            actor=actor,
        )
    return report
