"""A quarterly report produced by a real Celery worker on the real Redis broker (the
in-process worker of tests/core/test_import_worker.py; `django_db(transaction=True)`)."""

import datetime
import threading
import time

import pytest

import reports.tasks  # noqa: F401  (registers the tasks before the worker starts)
from reports.models import JobStatus, QuarterlyReport
from reports.services.quarterly import quarterly_report_request
from tests.core.test_import_worker import _redis_or_fail, celery_on_redis
from tests.pdfs import assert_cjk_fonts_embedded, pdf_text


@pytest.mark.django_db(transaction=True)
def test_quarterly_report_on_a_real_worker(settings, tmp_path):
    from tests import factories as f

    _redis_or_fail()
    settings.MEDIA_ROOT = tmp_path
    town = f.make_unit("金城镇")
    f.make_unit("东浦村", town, kind="village")
    f.CadreFactory(name="孙悦", unit=town, rank="副科")
    admin = f.UserFactory(username="admin", roles=["admin"])
    with celery_on_redis() as runs:
        report = quarterly_report_request(
            year=2026, quarter=2, unit=town, actor=admin, today=datetime.date(2026, 11, 22)
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if report.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.2)
    assert report.status == JobStatus.DONE, report.error
    assert report.progress == 100 and report.attempts == 0
    content = report.pdf.read()
    assert_cjk_fonts_embedded(content)
    assert "金城镇" in pdf_text(content)
    assert report.xlsx and QuarterlyReport.objects.count() == 1
    name = "reports.tasks_quarterly.quarterly_report_task"
    assert [run[:3] for run in runs] == [(name, (report.pk,), False)]
    assert threading.get_ident() not in {run[3] for run in runs}
