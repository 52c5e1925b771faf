"""The events guidance logs report to the points service (`scoring.services.event_record`).

| kind | reported when | source |
|---|---|---|
| `mentoring.guidance.logged` | a mentor records a guidance log (帮带记录) for a mentee | `mentoring.guidancelog:<id>` |

Deleting a log (its author, within 7 days) withdraws its points
(`scoring.services.event_withdraw`, a reversing entry). Editing a log does not change its
points: the fact "guided on a day" stays scored once. Which kinds earn how many points is
decided by the point rules staff maintain.
"""

GUIDANCE_LOGGED = "mentoring.guidance.logged"


def guidance_source(log) -> str:
    return f"mentoring.guidancelog:{log.pk}"
