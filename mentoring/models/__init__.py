"""Mentoring and supervision: the mentor pool and pairings, and (issue 6) guidance logs,
talks, self-reports and their cadences."""

from mentoring.models.guidance import GuidanceLog, GuidanceTask
from mentoring.models.pool import (
    Mentor,
    Pairing,
)

__all__ = [
    "GuidanceLog",
    "GuidanceTask",
    "Mentor",
    "Pairing",
]
