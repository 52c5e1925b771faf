"""Celery tasks of the quarterly report: generate one (thin, idempotent) and, from beat on
the first day of each quarter, request the overall report of the quarter just ended."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def quarterly_report_task(report_id: int) -> str:
    """Re-fetch the report by id and generate it; a redelivered task finds it done."""
    from reports.services.quarterly import quarterly_report_generate

    return quarterly_report_generate(report_id).status


@shared_task
def quarterly_report_beat_task(today: str | None = None) -> int:
    """1 Jan/Apr/Jul/Oct 02:00 (beat): the overall report of the quarter just ended."""
    import datetime

    from django.utils import timezone

    from reports.services.quarterly import last_ended_quarter, quarterly_report_request

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    year, quarter = last_ended_quarter(day)
    return quarterly_report_request(year=year, quarter=quarter, unit=None, today=day).pk
