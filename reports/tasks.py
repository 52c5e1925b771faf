"""Celery tasks of the reports app (autodiscovered): each part keeps its tasks in its own
module, imported here so the worker registers them."""

from reports.tasks_exports import growth_export_task  # noqa: F401
