"""Odd workbooks and long-lived uploads: each refused or handled with a clear message."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from cadres.models import Cadre
from cadres.resources import CadreRosterResource
from core import import_jobs
from core.importing import import_workbook
from core.models import ImportJob
from tests.rosterbooks import HEADERS, cadre_row, workbook


def _run(content, actor=None):
    return import_workbook(resource=CadreRosterResource(actor=actor), content=content, dry_run=True)


def test_error_values_and_logical_cells_are_not_text(world):
    report = _run(
        workbook(HEADERS, [cadre_row(**{"民族": "#N/A"}), cadre_row(serial=1, **{"姓名": True})])
    )
    assert [str(e) for e in report.errors] == [
        "第2行【民族】单元格是Excel错误值（#N/A），请改为实际内容。",
        "第3行【姓名】单元格是逻辑值（TRUE/FALSE），请填写文字。",
    ]


def test_a_date_typed_as_an_eight_digit_number(world):
    report = _run(workbook(HEADERS, [cadre_row(**{"出生日期": 19920517})]))
    assert (report.new, report.invalid) == (1, 0)


def test_a_workbook_whose_only_sheet_is_a_chart_is_refused(world):
    book = Workbook()
    book.create_chartsheet("图表")
    book.remove(book.worksheets[0])
    buffer = BytesIO()
    book.save(buffer)
    report = _run(buffer.getvalue())
    # openpyxl refuses such a package in read-only mode; either way the user gets one line.
    assert len(report.file_errors) == 1
    assert report.file_errors[0] in (
        "工作簿中没有工作表（第一个表是图表？）。",
        "文件已损坏，无法作为Excel工作簿打开。",
    )


def test_unchanged_rows_are_listed_in_the_preview(world):
    content = workbook(HEADERS, [cadre_row()])
    import_workbook(resource=CadreRosterResource(), content=content, dry_run=False)
    report = _run(content)
    assert [(r["row"], r["status"]) for r in report.rows] == [(2, "unchanged")]


def test_a_job_reports_in_the_uploaders_language_even_in_a_worker(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.QINGMIAO_IMPORT_INLINE_ROWS = 0  # through the (eager) Celery task
    content = workbook(HEADERS, [cadre_row(**{"身份证号": "123"})])
    # The task runs when the capture ends: after the request's English is no longer active.
    with django_capture_on_commit_callbacks(execute=True):
        with translation.override("en"):
            job = import_jobs.import_job_create(
                kind="cadres", content=content, name="r.xlsx", actor=world["users"]["staff"]
            )
        assert translation.get_language() == "zh-hans"
    job.refresh_from_db()
    assert job.language == "en"
    errors = job.report["errors"]
    assert errors[0]["message"] == "The ID number must have 18 characters; it has 3."


def test_previewed_but_unconfirmed_uploads_are_deleted_after_a_day(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = import_jobs.import_job_create(
            kind="cadres",
            content=workbook(HEADERS, [cadre_row(serial=7)]),
            name="r.xlsx",
            actor=world["users"]["staff"],
        )
    job.refresh_from_db()
    assert job.status == "previewed" and job.file
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert import_jobs.import_jobs_expire() == 1
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("failed", "")
    assert list(tmp_path.rglob("*.xlsx")) == []
    assert Cadre.objects.filter(name="张伟").count() == 1  # the world's own, nothing imported


def test_an_oversized_upload_is_refused_before_it_is_read(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.QINGMIAO_IMPORT_MAX_BYTES = 1000
    client.force_login(world["users"]["staff"])
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 5000)
    response = client.post("/imports/cadres/new/", {"file": upload})
    assert response.status_code == 200
    assert "文件过大（0.0 MB），上限为0 MB。" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["庄" * 30])
def test_a_long_name_keeps_its_pinyin_within_the_column(world, name):
    content = workbook(HEADERS, [cadre_row(**{"姓名": name})])
    report = import_workbook(resource=CadreRosterResource(), content=content, dry_run=False)
    assert report.saved
    cadre = Cadre.objects.get(name=name)
    assert len(cadre.name_pinyin) == 120 and cadre.name_pinyin.startswith("zhuangzhuang")
