"""Mentoring and supervision: the mentor pool and pairings, and (issue 6) guidance logs,
talks, self-reports and their cadences."""

from mentoring.models.duties import DutyKind, DutyRecord
from mentoring.models.guidance import GuidanceLog, GuidanceTask
from mentoring.models.pool import (
    Mentor,
    Pairing,
)
from mentoring.models.self_reports import SelfReport, SelfReportKind, SelfReportStatus
from mentoring.models.talks import Talk

__all__ = [
    "DutyKind",
    "DutyRecord",
    "GuidanceLog",
    "GuidanceTask",
    "Mentor",
    "Pairing",
    "SelfReport",
    "SelfReportKind",
    "SelfReportStatus",
    "Talk",
]
