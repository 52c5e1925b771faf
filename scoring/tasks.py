from celery import shared_task


@shared_task
def periods_close_due_task() -> int:
    """Daily (beat): close every published period whose window has passed and that has no
    open objection, opening the low-score follow-ups (约谈). Idempotent: a closed period is
    not closed again."""
    from scoring.services.periods import periods_close_due

    return len(periods_close_due())
