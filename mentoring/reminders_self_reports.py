"""Self-reports (思想汇报, 月小结) in the daily job (`core.reminders`).

`self_report_reminders(today)` (a notification source), per serving cadre with an account and
configured kind:
- coming due (`due`): a period not yet filed (or returned and not revised) whose deadline is at
  most `QINGMIAO_REMINDER_DAYS_BEFORE` days away → the cadre;
- overdue (`overdue`): the standing is overdue (`core.cadence.standing`) → the cadre, about the
  lapsed period.
Keys `mentoring.selfreport:<cadre>:<kind>:<period start>:<due|overdue>`: once per period and
stage, whatever the number of runs.

`self_report_overdue_events(today)` (an event source) reports `mentoring.self_report.overdue`
for each serving cadre and kind whose standing is overdue, about that lapsed period.

Both read two queries (the serving cadres, then their filed periods) and compute in Python.
"""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.cadence import PeriodStatus
from core.models import Notification
from core.notifications import NotificationRow
from core.reminders import run_cached
from mentoring.events_self_reports import OVERDUE, overdue_source
from mentoring.models import SelfReportKind
from mentoring.selectors.self_reports import (
    filed_periods,
    kind_standing,
    period_label,
    self_report_kinds,
)
from scoring.services import events_record_new

ONE_DAY = datetime.timedelta(days=1)


def _key(cadre_id: int, kind: str, start: datetime.date, stage: str) -> str:
    return f"mentoring.selfreport:{cadre_id}:{kind}:{start.isoformat()}:{stage}"


def _submit_url(kind: str, start: datetime.date) -> str:
    query = urlencode({"period": f"{kind}:{start.isoformat()}"})
    return f"{reverse('self_report_create')}?{query}"


def _standings(today: datetime.date, *, with_account: bool):
    """(cadre, kind, KindStanding) of every serving cadre (with an account, if asked) and
    configured kind; computed once per run of the daily job."""
    rows = run_cached(("mentoring.self_reports", today), lambda: list(_all_standings(today)))
    return [row for row in rows if row[0].user_id or not with_account]


def _all_standings(today: datetime.date):
    kinds = self_report_kinds()
    if not kinds:
        return
    cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE)
    cadres = list(cadres.only("pk", "user_id", "created_at", "status").order_by("pk"))
    since = today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS + 366)
    done = filed_periods([c.pk for c in cadres], kinds, since)
    for cadre in cadres:
        for kind in kinds:
            now = kind_standing(cadre, kind, done.get((cadre.pk, kind), ()), today=today)
            if now is not None:
                yield cadre, kind, now


def self_report_reminders(today: datetime.date) -> Iterator[NotificationRow]:
    before = datetime.timedelta(days=settings.QINGMIAO_REMINDER_DAYS_BEFORE)
    texts: dict[tuple, tuple[str, str, str]] = {}  # the same for every cadre: made once

    def text(kind: str, period, stage: str) -> tuple[str, str, str]:
        if (kind, period.start, stage) not in texts:
            what = {"period": period_label(kind, period.start),
                    "kind": SelfReportKind(kind).label,
                    "deadline": f"{period.deadline:%Y-%m-%d}", "days": period.days_overdue}  # fmt: skip
            if stage == "due":
                title = _("%(period)s%(kind)s即将到期") % what
                body = _("请于%(deadline)s前提交%(period)s%(kind)s。") % what
            else:
                title = _("%(period)s%(kind)s已逾期") % what
                body = (
                    _("%(period)s%(kind)s已逾期%(days)s天（截止%(deadline)s），请尽快提交。") % what
                )
            texts[kind, period.start, stage] = (title, body, _submit_url(kind, period.start))
        return texts[kind, period.start, stage]

    for cadre, kind, now in _standings(today, with_account=True):
        for period in now.periods:
            if period.status != PeriodStatus.DUE or period.deadline - today > before:
                continue
            title, body, url = text(kind, period, "due")
            yield NotificationRow(
                user_id=cadre.user_id, key=_key(cadre.pk, kind, period.start, "due"),
                title=title, body=body, url=url, level=Notification.Level.INFO,
            )  # fmt: skip
        if now.status == PeriodStatus.OVERDUE:
            title, body, url = text(kind, now.period, "overdue")
            yield NotificationRow(
                user_id=cadre.user_id, key=_key(cadre.pk, kind, now.period.start, "overdue"),
                title=title, body=body, url=url, level=Notification.Level.WARNING,
            )  # fmt: skip


def self_report_overdue_events(today: datetime.date) -> int:
    items = [
        (cadre.pk, min(now.period.deadline + ONE_DAY, today),
         overdue_source(cadre.pk, kind, now.period.start))
        for cadre, kind, now in _standings(today, with_account=False)
        if now.status == PeriodStatus.OVERDUE
    ]  # fmt: skip
    return events_record_new(kind=OVERDUE, items=items)
