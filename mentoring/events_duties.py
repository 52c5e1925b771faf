"""The events mentor duties "四个一" (导师履职) report to the points service
(`scoring.services.event_record`), for the pairing's cadre.

| kind | reported when | source |
|---|---|---|
| `mentoring.duty.done` | a mentor (or staff for them) records a duty done for a pairing | `mentoring.dutyrecord:<id>#<version>` |
| `mentoring.duty.overdue` | a duty's period has lapsed without a record (reported by the daily job, once per pairing, duty and period: the most recently lapsed one) | `mentoring.duty.overdue:<pairing id>:<kind>:<period start>` |

Correcting a record's date or duty withdraws the points of the earlier fact and reports the
record again under the next version; other corrections leave the points alone. Deleting a record
withdraws its points. The duties and their rhythm are `settings.QINGMIAO_MENTOR_DUTIES` (see
`mentoring.selectors.duties`). Which kinds earn or cost how many points is decided by the point
rules staff maintain (the demo has `mentoring.duty.done` at +1).
"""

import datetime

DONE = "mentoring.duty.done"
OVERDUE = "mentoring.duty.overdue"


def done_source(record) -> str:
    return f"mentoring.dutyrecord:{record.pk}#{record.version}"


def overdue_source(pairing_id: int, kind: str, period_start: datetime.date) -> str:
    return f"mentoring.duty.overdue:{pairing_id}:{kind}:{period_start.isoformat()}"
