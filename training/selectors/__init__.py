"""Scoped reads of training data for pages, the API, exports and reports."""

from training.selectors.activities import (
    activities_managed_by,
    activities_visible_to,
    activity_list,
    feedback_of,
    roll,
)

__all__ = [
    "activities_managed_by",
    "activities_visible_to",
    "activity_list",
    "feedback_of",
    "roll",
]
