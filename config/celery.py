"""Celery application. Without REDIS_URL the settings make every task run inline (eager),
so only production-like deployments start workers: they default to production settings,
like wsgi.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("qingmiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
