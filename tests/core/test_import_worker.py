"""A large roster import through a real Celery worker on the real Redis broker.

The worker runs in this process (`celery.contrib.testing.worker.start_worker`, solo pool,
its own thread and database connection), so the test database must be committed to:
`django_db(transaction=True)`. A unique queue keeps any other worker on the same Redis away
from these tasks. Without Redis the test fails: the Celery path must not go untested.
"""

import os
import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.db import connections

import core.tasks  # noqa: F401  (registers the task with the app before the worker starts)
from cadres.models import Cadre
from config.celery import app
from core.import_jobs import import_job_confirm, import_job_create
from core.models import ImportJob
from tests.rosterbooks import HEADERS, varied_rows, workbook

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
ROWS = 600
S = ImportJob.Status


def _redis_or_fail() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        problem = str(exc)
    else:
        return
    pytest.fail(
        f"Redis is not reachable at {REDIS_URL} ({problem}). This test runs a real Celery "
        "worker and needs the broker: start redis-server or set REDIS_URL.",
        pytrace=False,
    )


def _reset_connections() -> None:
    """Drop the app's broker pool and routing (built from the old configuration)."""
    app.close()
    app._pool = None
    app.__dict__.pop("amqp", None)


@contextmanager
def celery_on_redis():
    """The app pointed at Redis (not eager), with a worker consuming a private queue;
    yields the list of task runs (name, args, eager?, thread id)."""
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    queue = f"qingmiao-test-{uuid.uuid4().hex[:12]}"
    _reset_connections()
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)

    def close_worker_db(**kwargs):  # runs in the worker's thread after each task
        connections.close_all()

    runs: list[tuple] = []

    def record(task=None, args=None, **kwargs):
        runs.append((task.name, tuple(args), task.request.is_eager, threading.get_ident()))

    task_prerun.connect(record, weak=False)
    task_postrun.connect(close_worker_db, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield runs
    finally:
        task_prerun.disconnect(record)
        task_postrun.disconnect(close_worker_db)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        _reset_connections()
        app.conf.update(saved)


def _wait_for(job: ImportJob, statuses: set[str], seconds: float = 30) -> ImportJob:
    deadline = time.monotonic() + seconds
    seen = set()
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add((job.status, job.done))
        if job.status in statuses:
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job.pk} still {job.status} after {seconds} s (seen: {sorted(seen)})")


@pytest.mark.django_db(transaction=True)
def test_large_import_runs_on_a_real_worker(settings, tmp_path):
    _redis_or_fail()
    with celery_on_redis() as runs:
        _import_through_the_worker(settings, tmp_path, runs)


def _import_through_the_worker(settings, tmp_path, runs: list[tuple]) -> None:
    from tests import factories as f

    settings.MEDIA_ROOT = tmp_path
    settings.QINGMIAO_IMPORT_INLINE_ROWS = 100  # 600 rows: a background job
    town = f.make_unit("金城镇")
    f.make_unit("党政办", town)
    f.make_unit("东浦村", town, kind="village")
    staff = f.UserFactory(username="staff", roles=["staff"], unit=town)
    rows = varied_rows(ROWS, ["金城镇/党政办", "金城镇/东浦村", "金城镇"])

    job = import_job_create(
        kind=ImportJob.Kind.CADRES,
        content=workbook(HEADERS, rows),
        name="花名册.xlsx",
        actor=staff,
    )
    assert job.row_count == ROWS > settings.QINGMIAO_IMPORT_INLINE_ROWS
    job = _wait_for(job, {S.PREVIEWED, S.FAILED})
    assert job.status == S.PREVIEWED, job.error
    assert job.report["new"] == ROWS and job.report["file_errors"] == []
    assert job.done == job.total == ROWS
    assert Cadre.objects.count() == 0  # the preview saved nothing

    import_job_confirm(job=job, actor=staff)
    job = _wait_for(job, {S.DONE, S.FAILED})
    assert job.status == S.DONE, job.error
    assert job.done == job.total == ROWS and job.percent == 100
    assert Cadre.objects.count() == ROWS
    assert Cadre.history.filter(history_user=staff).count() == ROWS
    assert not job.file and not any(p.is_file() for p in tmp_path.rglob("*"))
    # Both phases went through the broker to the worker's thread, not run eagerly here.
    name = "core.tasks.import_job_task"
    assert [run[:3] for run in runs] == [
        (name, (job.pk, False), False),
        (name, (job.pk, True), False),
    ]
    assert threading.get_ident() not in {run[3] for run in runs}
