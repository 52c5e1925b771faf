"""Celery task of the batch growth-record export (reports.services.growth_exports)."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def growth_export_task(export_id: int) -> str:
    """Thin: re-fetch the export by id and build it (idempotent: a finished one is left)."""
    from reports.services.growth_exports import growth_export_run

    return growth_export_run(export_id=export_id).status
