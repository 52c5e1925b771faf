from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_task(job_id: int, commit: bool) -> str:
    """Thin: re-fetch the job by id and run it (idempotent, so redelivery is harmless)."""
    from core.import_jobs import import_job_run

    return import_job_run(job_id=job_id, commit=commit).status


@shared_task
def import_jobs_expire_task() -> int:
    """Hourly (beat): drop uploaded files that were previewed but never confirmed."""
    from core.import_jobs import import_jobs_expire

    return import_jobs_expire()


@shared_task
def reminders_run_task(today: str | None = None) -> dict[str, int]:
    """Daily (beat): reminders from every registered source (`core.reminders`); `today` as
    ISO date for a re-run of a missed day, else the local date."""
    import datetime

    from django.utils import timezone

    from core.reminders import reminders_run

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return reminders_run(day)
