"""Demo notifications: the daily reminder job run once for `today`."""

import datetime

from core.reminders import reminders_run


def seed_notifications(today: datetime.date) -> dict[str, int]:
    return reminders_run(today)
