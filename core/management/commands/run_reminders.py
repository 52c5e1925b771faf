"""`python manage.py run_reminders [--date YYYY-MM-DD]`: the daily job (notifications, overdue
events, upkeep) by hand, e.g. to catch up a day the beat missed. Safe to repeat."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.reminders import reminders_run


class Command(BaseCommand):
    help = "Run the daily reminder job (every notification and event source) for a day."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for (YYYY-MM-DD); default today")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        for source, made in reminders_run(day).items():
            self.stdout.write(f"{made:8d}  {source}")
