"""The events training reports to the points service (`scoring.services.event_record`).

| kind | reported when | source |
|---|---|---|
| `training.attendance.present` | a participant is marked present (by staff or QR sign-in) | `training.participant:<id>#<mark>` |
| `training.attendance.late` | marked late | same |
| `training.attendance.leave` | marked on leave | same |
| `training.attendance.absent` | marked absent | same |
| `training.trip_report.submitted` | a participant uploads a study-trip report | `training.tripreport:<id>` |
| `training.forum.speaker` | a forum's results are published: each speaker | `training.forumspeaker:<id>#<results version>` |
| `training.forum.rank.1` / `.2` / `.3` | same: the speakers ranked first, second, third | same |
| `training.forum.attendee` | a cadre is recorded as having attended a forum | `training.forumattendee:<id>` |
| `training.posting.report.accepted` | the supervisor accepts a monthly report (挂职月报) | `training.monthlyreport:<id>#<review>` |
| `training.posting.assessed.excellent` / `.pass` / `.basic` / `.fail` | a posting's final assessment | `training.posting:<id>#<assessment>` |
| `training.research.completed.leader` / `.member` | a defense's results are published: each member of each topic | `training.researchmember:<id>#<results version>` |
| `training.research.rank.1` / `.2` / `.3` | same: the members of the topics ranked first to third | same |
| `training.writing.adopted.<level>` (`town` … `national`) | staff verify a piece of writing adopted at that level | `training.writing:<id>#<verification>` |
| `training.collective.<kind>` (`volunteer`, `labour`, `outward`, `other`) | a cadre's participation in a collective activity is recorded | `training.collectiveparticipation:<id>` |

A correction withdraws the earlier fact's points (`scoring.services.event_withdraw`, a
reversing entry) and reports the new fact; `#<n>` numbers the versions of one fact so that
each is scored once, and a fact corrected back to an earlier value is scored again.
Which kinds earn how many points is decided by the point rules staff maintain.
"""

ATTENDANCE = "training.attendance.{status}"


def attendance_kind(status: str) -> str:
    return ATTENDANCE.format(status=status)


def attendance_source(participant_id: int, version: int) -> str:
    return f"training.participant:{participant_id}#{version}"


def versioned_source(row, version: int | None = None) -> str:
    """`training.<model>:<id>` or, for facts that can be corrected, `…#<version>`."""
    source = f"training.{row._meta.model_name}:{row.pk}"
    return source if version is None else f"{source}#{version}"
