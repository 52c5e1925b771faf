"""Business operations of practice postings (菁岗练兵 / 挂职锻炼): task forces (攻坚专班),
postings, monthly reports (挂职月报) with the supervisor's review, and the final assessment.

Points (see `training/events.py`): an accepted monthly report is
`training.posting.report.accepted` from `training.monthlyreport:<id>#<review_version>`; a
later return withdraws it. A final grade is `training.posting.assessed.<grade>` from
`training.posting:<id>#<assessment_version>`; a reassessment withdraws the earlier grade.
Who may call what (scope, supervisor) is decided by the callers through
`training.selectors.postings`; the services check what only they can (the filer is the
posting's cadre, dates, states).
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cadence import Frequency, Rule, calendar_start
from core.services import assign_fields, current_with, refuse_unknown_fields
from core.uploads import DOCUMENTS, EVIDENCE, file_replace, upload_check
from scoring.services import event_record, event_withdraw
from training.choices import Assessment, PostingType, Review
from training.events import versioned_source
from training.models import MonthlyReport, Posting, TaskForce

TASK_FORCE_FIELDS = ("name", "goal", "unit", "starts_on", "ends_on")
POSTING_FIELDS = (
    "cadre", "type", "host_unit", "role", "task_force", "starts_on", "ends_on", "supervisor",
    "goals", "needs_monthly_reports",
)  # fmt: skip
REPORT_FIELDS = ("work_done", "lessons", "next_plan")
ATTACHMENT_TYPES = tuple(dict.fromkeys((*DOCUMENTS, *EVIDENCE)))  # PDF, Word, JPEG, PNG
REPORT_ACCEPTED = "training.posting.report.accepted"
ASSESSED = "training.posting.assessed.{grade}"


class PostingStatus(models.TextChoices):  # derived from the dates and the assessment
    PLANNED = "planned", gettext_lazy("未开始")
    ONGOING = "ongoing", gettext_lazy("锻炼中")
    ENDED = "ended", gettext_lazy("已期满")
    ASSESSED = "assessed", gettext_lazy("已考核")


def assessed_kind(grade: str) -> str:
    return ASSESSED.format(grade=grade)


# --- task forces (攻坚专班) ----------------------------------------------------------------------


def _task_force_clean(fields: dict) -> dict:
    errors = {}
    fields["name"] = (fields.get("name") or "").strip()
    fields["goal"] = (fields.get("goal") or "").strip()
    if not fields["name"]:
        errors["name"] = _("请填写专班名称。")
    if not fields["goal"]:
        errors["goal"] = _("请填写工作目标。")
    if fields.get("unit") is None:
        errors["unit"] = _("请选择牵头单位。")
    if fields.get("starts_on") is None:
        errors["starts_on"] = _("请填写开始日期。")
    elif fields.get("ends_on") is not None and fields["ends_on"] < fields["starts_on"]:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def task_force_create(*, actor, **fields) -> TaskForce:
    refuse_unknown_fields(fields, TASK_FORCE_FIELDS)
    return TaskForce.objects.create(created_by=actor, **_task_force_clean(fields))


@transaction.atomic
def task_force_update(*, task_force: TaskForce, actor, **fields) -> TaskForce:
    refuse_unknown_fields(fields, TASK_FORCE_FIELDS)
    task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    current = current_with(task_force, TASK_FORCE_FIELDS, fields)
    assign_fields(task_force, _task_force_clean(current))
    task_force.save()
    return task_force


# --- postings ----------------------------------------------------------------------------------


def _posting_clean(fields: dict) -> dict:
    errors = {}
    fields["role"] = (fields.get("role") or "").strip()
    fields["goals"] = (fields.get("goals") or "").strip()
    fields.setdefault("needs_monthly_reports", True)
    if fields.get("cadre") is None:
        errors["cadre"] = _("请选择干部。")
    if fields.get("type") not in PostingType.values:
        errors["type"] = _("请选择锻炼方式。")
    if fields.get("host_unit") is None:
        errors["host_unit"] = _("请选择锻炼单位。")
    if fields.get("type") == PostingType.TASK_FORCE and fields.get("task_force") is None:
        errors["task_force"] = _("攻坚专班锻炼须选择所在专班。")
    elif fields.get("type") != PostingType.TASK_FORCE and fields.get("task_force") is not None:
        errors["task_force"] = _("只有攻坚专班锻炼才能选择专班。")
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts is None:
        errors["starts_on"] = _("请填写开始日期。")
    if ends is None:
        errors["ends_on"] = _("请填写结束日期。")
    elif starts is not None and ends < starts:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if not fields["goals"]:
        errors["goals"] = _("请填写锻炼目标。")
    if errors:
        raise ValidationError(errors)
    return fields


def posting_overlaps(posting: Posting) -> list[Posting]:
    """Other postings of the same cadre whose periods overlap this one (a warning, not an
    error: a cadre may sit in a task force while seconded to a village)."""
    return list(
        Posting.objects.filter(
            cadre=posting.cadre_id,
            starts_on__lte=posting.ends_on,
            ends_on__gte=posting.starts_on,
        )
        .exclude(pk=posting.pk)
        .select_related("host_unit")
        .order_by("starts_on", "id")
    )


@transaction.atomic
def posting_create(*, actor, **fields) -> Posting:
    """A posting of a cadre the caller may manage. Overlaps are allowed (see
    `posting_overlaps`)."""
    refuse_unknown_fields(fields, POSTING_FIELDS)
    return Posting.objects.create(created_by=actor, **_posting_clean(fields))


@transaction.atomic
def posting_update(*, posting: Posting, actor, **fields) -> Posting:
    """Change a posting. Months already reported stay reported; a shortened posting keeps
    its reports (they are the cadre's record)."""
    refuse_unknown_fields(fields, POSTING_FIELDS)
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    current = current_with(posting, POSTING_FIELDS, fields)
    if current["cadre"].pk != posting.cadre_id and posting.reports.exists():
        raise ValidationError({"cadre": _("已有月报的锻炼不能更换干部。")})
    if current["cadre"].pk != posting.cadre_id and posting.assessment:
        # The grade's points belong to the cadre who was assessed.
        raise ValidationError({"cadre": _("已考核的锻炼不能更换干部。")})
    assign_fields(posting, _posting_clean(current))
    posting.save()
    return posting


@transaction.atomic
def task_force_member_add(
    *, task_force: TaskForce, actor, cadre, host_unit=None, starts_on=None, ends_on=None, **fields
) -> Posting:
    """Add a cadre to a task force: a posting of type task force into it, by default at the
    lead unit for the task force's period."""
    refuse_unknown_fields(fields, ("role", "supervisor", "goals", "needs_monthly_reports"))
    ends_on = ends_on or task_force.ends_on
    fields["goals"] = (fields.get("goals") or "").strip() or task_force.goal
    if ends_on is None:
        raise ValidationError({"ends_on": _("专班没有结束日期，请填写该成员的结束日期。")})
    return posting_create(
        actor=actor,
        cadre=cadre,
        type=PostingType.TASK_FORCE,
        task_force=task_force,
        host_unit=host_unit or task_force.unit,
        starts_on=starts_on or task_force.starts_on,
        ends_on=ends_on,
        **fields,
    )


def posting_status(posting: Posting, today: datetime.date) -> PostingStatus:
    if posting.assessment:
        return PostingStatus.ASSESSED
    if today < posting.starts_on:
        return PostingStatus.PLANNED
    if today <= posting.ends_on:
        return PostingStatus.ONGOING
    return PostingStatus.ENDED


@transaction.atomic
def posting_assess(
    *, posting: Posting, grade: str, comment: str, actor, today: datetime.date | None = None
) -> Posting:
    """The final assessment (期满考核), on or after the end date. Changing the grade withdraws
    the earlier grade's points and scores the new one as a new fact (a fresh version); the same
    grade again only updates the comment."""
    today = today or timezone.localdate()
    posting = Posting.objects.select_for_update().select_related("cadre").get(pk=posting.pk)
    errors = {}
    if grade not in Assessment.values or not grade:
        errors["grade"] = _("请选择考核等次。")
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("请填写考核评语。")
    if today < posting.ends_on:
        errors["grade"] = _("锻炼期满（%(day)s）后才能考核。") % {"day": posting.ends_on}
    if errors:
        raise ValidationError(errors)
    old, old_version = posting.assessment, posting.assessment_version
    posting.assessment_comment = comment
    posting.assessed_at = timezone.now()
    posting.assessed_by = actor
    if grade == old:
        posting.save(update_fields=["assessment_comment", "assessed_at", "assessed_by"])
        return posting
    posting.assessment = grade
    posting.assessment_version = old_version + 1
    posting.save()
    if old:
        event_withdraw(
            kind=assessed_kind(old), source=versioned_source(posting, old_version), actor=actor
        )
    event_record(
        kind=assessed_kind(grade),
        cadre=posting.cadre,
        occurred_on=min(today, posting.ends_on),
        source=versioned_source(posting, posting.assessment_version),
        actor=actor,
    )
    return posting


# --- monthly reports (挂职月报) -------------------------------------------------------------------


def grace_days() -> int:
    return settings.QINGMIAO_MONTHLY_REPORT_GRACE_DAYS


def report_rule(posting: Posting) -> Rule:
    """Calendar months from the posting's first month to its last, overdue `grace_days()`
    after each month ends."""
    return Rule(
        Frequency.MONTH,
        calendar_start(Frequency.MONTH, posting.starts_on),
        ends_on=posting.ends_on,
        grace_days=grace_days(),
    )


def report_months(posting: Posting, today: datetime.date) -> list[datetime.date]:
    """The months (their first days) a cadre may report on: from the start to the earlier of
    the end and the current month."""
    first = calendar_start(Frequency.MONTH, posting.starts_on)
    last = calendar_start(Frequency.MONTH, min(posting.ends_on, today))
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _report_clean(fields: dict) -> dict:
    for name in REPORT_FIELDS:
        fields[name] = (fields.get(name) or "").strip()
    if not fields["work_done"]:
        raise ValidationError({"work_done": _("请填写本月工作。")})
    return fields


def _attach(report: MonthlyReport, attachment) -> None:
    if attachment:
        suffix = upload_check(attachment, field="attachment", allowed=ATTACHMENT_TYPES)
        file_replace(report.attachment, attachment, stem="report", suffix=suffix)


@transaction.atomic
def monthly_report_file(
    *,
    posting: Posting,
    month: datetime.date,
    actor,
    attachment=None,
    today: datetime.date | None = None,
    **fields,
) -> MonthlyReport:
    """The posting's cadre files the report for one month of the posting (one per month)."""
    refuse_unknown_fields(fields, REPORT_FIELDS)
    today = today or timezone.localdate()
    posting = Posting.objects.select_for_update().select_related("cadre").get(pk=posting.pk)
    if posting.cadre.user_id is None or posting.cadre.user_id != actor.pk:
        raise ValidationError({"posting": _("只有锻炼干部本人可以报送月报。")})
    if not posting.needs_monthly_reports:
        raise ValidationError({"posting": _("该锻炼无须报送月报。")})
    month = month.replace(day=1) if month else None
    if month not in report_months(posting, today):
        raise ValidationError({"month": _("只能报送锻炼期间已开始的月份。")})
    if MonthlyReport.objects.filter(posting=posting, month=month).exists():
        message = _("%(month)s的月报已报送，请修改原月报。") % {"month": f"{month:%Y-%m}"}
        raise ValidationError({"month": message})
    report = MonthlyReport(
        posting=posting, month=month, submitted_at=timezone.now(), **_report_clean(fields)
    )
    _attach(report, attachment)
    report.save()
    return report


@transaction.atomic
def monthly_report_update(
    *, report: MonthlyReport, actor, attachment=None, **fields
) -> MonthlyReport:
    """The cadre revises a report not yet accepted; a returned report goes back for review."""
    refuse_unknown_fields(fields, REPORT_FIELDS)
    report = (
        MonthlyReport.objects.select_for_update().select_related("posting__cadre").get(pk=report.pk)
    )
    if report.posting.cadre.user_id != actor.pk:
        raise ValidationError({"posting": _("只有锻炼干部本人可以修改月报。")})
    if report.status == Review.ACCEPTED:
        raise ValidationError({"status": _("月报已审核通过，不能再修改。")})
    current = current_with(report, REPORT_FIELDS, fields)
    assign_fields(report, _report_clean(current))
    _attach(report, attachment)
    report.status = Review.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def monthly_report_review(
    *, report: MonthlyReport, accept: bool, comment: str = "", actor
) -> MonthlyReport:
    """The supervisor (or staff) accepts a report, scoring it, or returns it with a comment;
    returning an accepted report withdraws its points. Each review is a new version."""
    report = (
        MonthlyReport.objects.select_for_update().select_related("posting__cadre").get(pk=report.pk)
    )
    comment = (comment or "").strip()
    if accept and report.status == Review.ACCEPTED:
        raise ValidationError({"status": _("该月报已审核通过。")})
    if not accept and report.status == Review.RETURNED:
        raise ValidationError({"status": _("该月报已退回，等待干部修改。")})
    if not accept and not comment:
        raise ValidationError({"comment": _("退回月报须填写审核意见。")})
    old_status, old_version = report.status, report.review_version
    report.status = Review.ACCEPTED if accept else Review.RETURNED
    report.review_comment = comment
    report.review_version = old_version + 1
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save()
    if old_status == Review.ACCEPTED:
        event_withdraw(
            kind=REPORT_ACCEPTED, source=versioned_source(report, old_version), actor=actor
        )
    if accept:
        event_record(
            kind=REPORT_ACCEPTED,
            cadre=report.posting.cadre,
            occurred_on=min(month_end(report.month), timezone.localdate()),
            source=versioned_source(report, report.review_version),
            actor=actor,
        )
    return report
