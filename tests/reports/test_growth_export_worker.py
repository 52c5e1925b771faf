"""A batch growth-record export through a real Celery worker on the real Redis broker (the
worker runs in this process, see tests/core/test_import_worker.py)."""

import io
import threading
import time
import zipfile

import pytest

import reports.tasks  # noqa: F401  (registers the task with the app before the worker starts)
from reports.models import GrowthExport, JobStatus
from reports.services.growth_exports import growth_export_request
from tests.core.test_import_worker import _redis_or_fail, celery_on_redis
from tests.reports import growth_source


def _wait_for(export: GrowthExport, seconds: float = 60) -> GrowthExport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status in (JobStatus.DONE, JobStatus.FAILED):
            return export
        time.sleep(0.2)
    pytest.fail(f"export {export.pk} still {export.status} after {seconds} s")


@pytest.mark.django_db(transaction=True)
def test_batch_export_runs_on_a_real_worker(settings, tmp_path, monkeypatch):
    from tests import factories as f

    _redis_or_fail()
    monkeypatch.setattr("core.growth.SOURCES", [growth_source.SOURCE])
    settings.MEDIA_ROOT = tmp_path
    town = f.make_unit("金城镇")
    staff = f.UserFactory(username="staff", roles=["staff"], unit=town)
    cadres = [f.CadreFactory(name=n, unit=town) for n in ("张伟", "李娜", "王芳")]
    with celery_on_redis() as runs:
        export = growth_export_request(actor=staff, cadres=[c.pk for c in cadres], title="全镇")
        export = _wait_for(export)
    assert export.status == JobStatus.DONE, export.error
    assert export.progress == 100 and export.expires_at is not None
    with export.file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert sorted(names) == sorted(f"{c.name}-{c.pk}.pdf" for c in cadres)
    assert [run[:3] for run in runs] == [
        ("reports.tasks_exports.growth_export_task", (export.pk,), False)
    ]
    assert threading.get_ident() not in {run[3] for run in runs}
