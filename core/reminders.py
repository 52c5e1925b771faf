"""The daily reminder job (每日提醒): gathers notifications from every registered source and
writes them through `core.notifications.notify_many`.

A source is a function `(today) -> iterable of NotificationRow`, named by its dotted path in
`SOURCES` (imported when the job runs, so core does not import the apps at load time). Each
row's key names the thing, the period and the stage (e.g.
`training.monthlyreport:<posting>:<yyyy-mm>:overdue`), so running the job twice a day, or
re-delivering it, never sends a reminder twice. A source that fails is logged; the others
still run."""

import contextvars
import datetime
import logging
from collections.abc import Callable

from django.utils.module_loading import import_string

from core.notifications import notify_many

logger = logging.getLogger(__name__)

SOURCES: list[str] = [
    "training.reminders.monthly_report_reminders",
    "mentoring.reminders_talks.talk_reminders",
    "mentoring.reminders_self_reports.self_report_reminders",
    "mentoring.reminders_duties.duty_reminders",
]
# Functions `(today) -> int` run after the notifications: reporters of overdue facts to the
# points service (e.g. `mentoring.talk.overdue`) through `scoring.services.events_record_new`,
# idempotent per (kind, source) where the source names the period, and daily upkeep (e.g.
# ending pairings past their end date), idempotent too; each returns how many things it did.
EVENT_SOURCES: list[str] = [
    "mentoring.services.pairings.pairings_end_expired",
    "mentoring.reminders_talks.talk_overdue_events",
    "mentoring.reminders_self_reports.self_report_overdue_events",
    "mentoring.reminders_duties.duty_overdue_events",
    "reports.services.growth_exports.growth_exports_expire",
]


# What several sources of one run need alike (e.g. the duty standings, for the reminders and for
# the overdue events): computed once per run, never kept between runs.
_run_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "reminders_run", default=None
)


def run_cached(key, compute: Callable):
    """`compute()` once per `reminders_run` for `key`; outside a run, every time."""
    cache = _run_cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def reminders_run(
    today: datetime.date,
    *,
    sources: list[str] | None = None,
    event_sources: list[str] | None = None,
) -> dict[str, int]:
    """Run every source for `today`; returns how many new notifications (or, for an event
    source, new facts reported) each one made."""
    made: dict[str, int] = {}
    token = _run_cache.set({})
    try:
        for path in SOURCES if sources is None else sources:
            try:
                made[path] = notify_many(import_string(path)(today))
            except Exception:
                logger.exception("reminder source %s failed", path)
                made[path] = 0
        for path in EVENT_SOURCES if event_sources is None else event_sources:
            try:
                made[path] = import_string(path)(today)
            except Exception:
                logger.exception("event source %s failed", path)
                made[path] = 0
    finally:
        _run_cache.reset(token)
    return made
