"""The daily job's part for mentor duties "四个一" (导师履职), sources of `core.reminders`.

For each current pairing and configured duty, where it stands today
(`mentoring.selectors.duties.duty_standings`, `core.cadence.standing`):
- coming due (`due`): a period not done (the current one, or the one before it while in its
  grace) whose deadline is at most `QINGMIAO_REMINDER_DAYS_BEFORE` days away → the mentor's
  account;
- overdue (`overdue`): the last lapsed period had nothing done and nothing was done since →
  the mentor's account; and `mentoring.duty.overdue` is reported for the pairing's cadre,
  once per pairing, duty and period.
Keys `mentoring.duty:<pairing>:<kind>:<period start>:<due|overdue>` make re-runs send nothing
twice. Two queries (current pairings, their recent records), whatever the number of pairings."""

import datetime
import functools
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from cadres.choices import CadreStatus
from core.cadence import PeriodStatus
from core.models import Notification
from core.notifications import NotificationRow
from core.reminders import run_cached
from mentoring import events_duties as events
from mentoring.selectors.duties import duty_standings
from mentoring.selectors.pool import current_pairings


def _key(pairing_id: int, kind: str, start: datetime.date, stage: str) -> str:
    return f"mentoring.duty:{pairing_id}:{kind}:{start.isoformat()}:{stage}"


def _standings(today: datetime.date, *, with_user: bool):
    """(pairing, DutyStatus) of every current pairing (whose mentor has an active account, if
    asked) and configured duty; computed once per run of the daily job."""
    rows = run_cached(("mentoring.duties", today), lambda: list(_all_standings(today)))
    if not with_user:
        return rows
    return [(p, s) for p, s in rows if p.mentor.user_id]


def _all_standings(today: datetime.date):
    # Serving cadres with a mentor still in the pool: nobody owes duties to a cadre who left,
    # and a mentor taken out of the pool records nothing more.
    pairings = list(
        current_pairings(on=today)
        .filter(cadre__status=CadreStatus.ACTIVE, mentor__is_active=True)
        .select_related("mentor", "cadre")
    )
    standings = duty_standings(pairings, today, recent=True)
    for pairing in pairings:
        for status in standings[pairing.pk]:
            if status.standing is not None:
                yield pairing, status


def duty_reminders(today: datetime.date) -> Iterator[NotificationRow]:
    before = datetime.timedelta(days=settings.QINGMIAO_REMINDER_DAYS_BEFORE)
    for pairing, status in _standings(today, with_user=True):
        url = _duties_url(pairing.pk)
        if status.standing.status == PeriodStatus.OVERDUE:
            period = status.standing.period
            yield NotificationRow(
                user_id=pairing.mentor.user_id,
                key=_key(pairing.pk, status.kind, period.start, "overdue"),
                title=_("对%(cadre)s的%(duty)s已逾期") % _names(pairing, status, period),
                body=_("%(start)s至%(end)s期间对%(cadre)s的%(duty)s未记录，已逾期%(days)s天"
                       "（截止%(deadline)s）。") % _names(pairing, status, period),
                url=url,
                level=Notification.Level.WARNING,
            )  # fmt: skip
        # The current period, or the one before it while still in its grace.
        for row in status.periods[:2]:
            period = row.period
            if period.status != PeriodStatus.DUE or period.deadline - today > before:
                continue
            yield NotificationRow(
                user_id=pairing.mentor.user_id,
                key=_key(pairing.pk, status.kind, period.start, "due"),
                title=_("对%(cadre)s的%(duty)s即将到期") % _names(pairing, status, period),
                body=_("请于%(deadline)s前完成并记录%(start)s至%(end)s期间对%(cadre)s的"
                       "%(duty)s。") % _names(pairing, status, period),
                url=url,
                level=Notification.Level.INFO,
            )  # fmt: skip


@functools.cache
def _duties_url_pattern() -> str:
    # reverse() per row costs more than all the period maths; the path differs only by the id.
    return reverse("pairing_duties", args=[987654321]).replace("987654321", "{}")


def _duties_url(pairing_id: int) -> str:
    return _duties_url_pattern().format(pairing_id)


def _names(pairing, status, period) -> dict:
    return {
        "cadre": pairing.cadre.name, "duty": status.label, "start": f"{period.start:%Y-%m-%d}",
        "end": f"{period.end:%Y-%m-%d}", "deadline": f"{period.deadline:%Y-%m-%d}",
        "days": period.days_overdue,
    }  # fmt: skip


def duty_overdue_events(today: datetime.date) -> int:
    """Report `mentoring.duty.overdue` for each current pairing's duty standing overdue today,
    dated the day after the lapsed period's deadline; returns how many were new."""
    from scoring.services import events_record_new

    items = [
        (
            pairing.cadre_id,
            status.standing.period.deadline + datetime.timedelta(days=1),
            events.overdue_source(pairing.pk, status.kind, status.standing.period.start),
        )
        for pairing, status in _standings(today, with_user=False)
        if status.standing.status == PeriodStatus.OVERDUE
    ]
    return events_record_new(kind=events.OVERDUE, items=items)
