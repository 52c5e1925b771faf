"""The events self-reports (思想汇报 yearly, 月小结 monthly) report to the points service
(`scoring.services.event_record`).

| kind | reported when | source |
|---|---|---|
| `mentoring.self_report.accepted` | a mentor of the cadre or staff in scope accepts a self-report (again after a return: a new version) | `mentoring.selfreport:<id>#<review_version>` |
| `mentoring.self_report.overdue` | a required self-report's period has lapsed without a report not returned (reported by the daily job, once per cadre, kind and period) | `mentoring.self_report.overdue:<cadre id>:<kind>:<period start>` |

Returning an accepted report withdraws the points of that acceptance; accepting it again after
a revision reports it under the next review version. The acceptance is booked on the last day
of the period reported on (or the day of acceptance if that is earlier). Which kinds earn or
cost how many points is decided by the point rules staff maintain (the demo scores
`mentoring.self_report.accepted`). The cadences per kind are `settings.QINGMIAO_SELF_REPORTS`
(see `mentoring.selectors.self_reports`).
"""

import datetime

ACCEPTED = "mentoring.self_report.accepted"
OVERDUE = "mentoring.self_report.overdue"


def accepted_source(report, version: int | None = None) -> str:
    return (
        f"mentoring.selfreport:{report.pk}#{report.review_version if version is None else version}"
    )


def overdue_source(cadre_id: int, kind: str, period_start: datetime.date) -> str:
    return f"mentoring.self_report.overdue:{cadre_id}:{kind}:{period_start.isoformat()}"
