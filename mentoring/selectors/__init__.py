"""Scoped reads of mentoring data."""

from mentoring.selectors.pool import (
    current_pairings,
    mentee_ids_of_user,
    mentors_visible_to,
)
from mentoring.selectors.talks import talk_compliance, talks_visible_to

__all__ = [
    "current_pairings",
    "mentee_ids_of_user",
    "mentors_visible_to",
    "talk_compliance",
    "talks_visible_to",
]
