"""Training operations. Views, the API, the admin, tasks and commands all call these."""

from training.services.activities import (
    ACTIVITY_FIELDS,
    CODE_STEP_SECONDS,
    activity_create,
    activity_update,
    attendance_mark,
    cadres_of,
    conflicts,
    feedback_submit,
    participant_remove,
    participants_invite,
    signin,
    signin_code,
    signin_window,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "CODE_STEP_SECONDS",
    "activity_create",
    "activity_update",
    "attendance_mark",
    "cadres_of",
    "conflicts",
    "feedback_submit",
    "participant_remove",
    "participants_invite",
    "signin",
    "signin_code",
    "signin_window",
]
