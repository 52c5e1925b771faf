"""The events talks (谈心谈话) report to the points service (`scoring.services.event_record`).

| kind | reported when | source |
|---|---|---|
| `mentoring.talk.recorded` | a talk with a cadre is recorded (any level) | `mentoring.talk:<id>#<version>` |
| `mentoring.talk.overdue` | a required talk's period has lapsed without a talk (reported by the daily job, `mentoring.reminders_talks.talk_overdue_events`, once per cadre, level and lapsed period) | `mentoring.talk.overdue:<cadre id>:<level>:<period start>` |

Correcting a talk's date withdraws the points of the earlier date and reports the talk again
under the next version; other corrections leave the points alone. The required cadences per
level are `settings.QINGMIAO_TALK_CADENCES` (see `mentoring.selectors.talks`); the 导师 level
has none. Which kinds earn or cost how many points is decided by the point rules staff
maintain (the demo has `mentoring.talk.overdue` at −2).
"""

import datetime

RECORDED = "mentoring.talk.recorded"
OVERDUE = "mentoring.talk.overdue"


def recorded_source(talk) -> str:
    return f"mentoring.talk:{talk.pk}#{talk.version}"


def overdue_source(cadre_id: int, level: str, period_start: datetime.date) -> str:
    return f"mentoring.talk.overdue:{cadre_id}:{level}:{period_start.isoformat()}"
