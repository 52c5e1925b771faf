"""Mentoring operations. Views, the API, imports, the admin, tasks and commands call these."""

from mentoring.services.pool import (
    CAPACITY_MAX,
    MENTOR_FIELDS,
    mentor_create,
    mentor_fields_clean,
    mentor_update,
)
from mentoring.services.talks import talk_record, talk_update

__all__ = [
    "CAPACITY_MAX",
    "MENTOR_FIELDS",
    "mentor_create",
    "mentor_fields_clean",
    "mentor_update",
    "talk_record",
    "talk_update",
]
