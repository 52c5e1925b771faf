"""The events training reports to the points service (`scoring.services.event_record`).

| kind | reported when | source |
|---|---|---|
| `training.attendance.present` | a participant is marked present (by staff or QR sign-in) | `training.participant:<id>#<mark>` |
| `training.attendance.late` | marked late | same |
| `training.attendance.leave` | marked on leave | same |
| `training.attendance.absent` | marked absent | same |

A change of mark withdraws the previous mark's points (a reversing entry) and reports the new
one; `#<mark>` numbers the marks of one participant so that each is scored once.
"""

ATTENDANCE = "training.attendance.{status}"


def attendance_kind(status: str) -> str:
    return ATTENDANCE.format(status=status)


def attendance_source(participant_id: int, version: int) -> str:
    return f"training.participant:{participant_id}#{version}"
