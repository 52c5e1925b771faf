"""Celery tasks of the reports app (autodiscovered): each part keeps its tasks in its own
module, imported here so the worker registers them."""

from reports.tasks_exports import growth_export_task  # noqa: F401
from reports.tasks_quarterly import quarterly_report_beat_task, quarterly_report_task  # noqa: F401
