"""调研报告: a participant of a study trip uploads their report after the trip has started.

The first upload is reported to points as `training.trip_report.submitted` (source
`training.tripreport:<id>`); replacing the report later changes the file and title only."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from scoring.services import event_record
from training.choices import ActivityType, Attendance
from training.events import versioned_source
from training.models import Activity, Participant, TripReport

TRIP_REPORT_SUBMITTED = "training.trip_report.submitted"


def trip_report_refusal(
    activity: Activity, participant: Participant | None, at: datetime.datetime
) -> str | None:
    """Why `participant` may not upload a report for `activity` now, or None if they may."""
    if activity.type != ActivityType.STUDY_TRIP:
        return _("只有外出参观调研活动需要提交调研报告。")
    if participant is None:
        return _("您不在本次活动的邀请名单中。")
    if participant.attendance == Attendance.ABSENT:
        return _("您本次活动登记为缺席，不能提交调研报告。")
    if at < activity.starts_at:
        return _("活动开始后才能提交调研报告。")
    return None


@transaction.atomic
def trip_report_submit(
    *, activity: Activity, user, title: str, file, at: datetime.datetime | None = None
) -> TripReport:
    """Store `user`'s report (PDF or .docx, at most 10 MB, checked by content) for a study
    trip they were invited to and not marked absent from, after it started. Submitting again
    replaces the title and file; points are reported on the first submission only."""
    at = at or timezone.now()
    participant = (
        Participant.objects.select_for_update()
        .select_related("cadre")
        .filter(activity=activity, cadre__user=user)
        .first()
    )
    refusal = trip_report_refusal(activity, participant, at)
    if refusal:
        raise ValidationError({"file": refusal})
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写报告标题。")
    suffix = ""
    if file is None:
        errors["file"] = _("请选择报告文件。")
    else:
        try:
            suffix = uploads.upload_check(file, field="file", allowed=uploads.DOCUMENTS)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    report = TripReport.objects.filter(participant=participant).first()
    created = report is None
    if created:
        report = TripReport(participant=participant)
    else:
        old = report.file
        storage, old_name = old.storage, old.name
        # The old file goes once the new one is committed; a rollback keeps it.
        transaction.on_commit(lambda: storage.delete(old_name) if old_name else None)
    report.title = title[:200]
    report.file.save(f"report{suffix}", file, save=False)
    report.save()
    if created:
        event_record(
            kind=TRIP_REPORT_SUBMITTED,
            cadre=participant.cadre,
            occurred_on=timezone.localdate(at),
            source=versioned_source(report),
            actor=user,
        )
    return report
