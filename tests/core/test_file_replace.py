"""`core.uploads.file_replace`: a replaced attachment's old file goes only when the change
commits, so a failed save keeps the row's file."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.uploads import file_replace
from mentoring.models import SelfReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _report(world, tmp_path, settings) -> SelfReport:
    settings.MEDIA_ROOT = tmp_path
    report = SelfReport(
        cadre=world["cadres"]["self"], kind="monthly", period_start=datetime.date(2026, 3, 1),
        title="月小结", content="本月工作", submitted_at=timezone.now(),
    )  # fmt: skip
    report.attachment.save("first.pdf", SimpleUploadedFile("a.pdf", PDF), save=True)
    return report


def test_old_file_is_deleted_once_the_change_commits(
    world, tmp_path, settings, django_capture_on_commit_callbacks
):
    report = _report(world, tmp_path, settings)
    old = report.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        file_replace(
            report.attachment, SimpleUploadedFile("b.pdf", PDF), stem="report", suffix=".pdf"
        )
        report.save()
    assert report.attachment.name != old and report.attachment.name.endswith(".pdf")
    assert report.attachment.storage.exists(report.attachment.name)
    assert not report.attachment.storage.exists(old)


def test_old_file_stays_when_the_change_does_not_commit(
    world, tmp_path, settings, django_capture_on_commit_callbacks
):
    report = _report(world, tmp_path, settings)
    old = report.attachment.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_replace(
            report.attachment, SimpleUploadedFile("b.pdf", PDF), stem="report", suffix=".pdf"
        )
    assert len(callbacks) == 1  # the deletion waits for the commit that never comes
    assert report.attachment.storage.exists(old)
    assert SelfReport.objects.get(pk=report.pk).attachment.name == old
