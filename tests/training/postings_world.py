"""Shared data for the practice-posting tests: the `world` plus a supervisor without a role,
a task force, and postings in and out of the staff's town."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories as f
from training.services import postings as services

TODAY = timezone.localdate()


def months_ago(n: int) -> datetime.date:
    first = TODAY.replace(day=1)
    for _ in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")


def png(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")


def not_a_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an exe", "application/pdf")


def make_postings(world) -> dict:
    units, cadres = world["units"], world["cadres"]
    supervisor = f.UserFactory(username="supervisor")  # 村支书: no role at all
    world["users"]["supervisor"] = supervisor
    task_force = services.task_force_create(
        actor=None, name="人居环境整治专班", goal="三个月完成村庄整治", unit=units["town"],
        starts_on=months_ago(2), ends_on=TODAY + datetime.timedelta(days=60),
    )  # fmt: skip
    own = services.posting_create(
        actor=None, cadre=cadres["self"], type="village", host_unit=units["village"],
        role="村支书助理", task_force=None, starts_on=months_ago(3) + datetime.timedelta(days=9),
        ends_on=TODAY + datetime.timedelta(days=90), supervisor=supervisor,
        goals="熟悉村务工作", needs_monthly_reports=True,
    )  # fmt: skip
    member = services.task_force_member_add(
        task_force=task_force, actor=None, cadre=cadres["mentee"], role="专班联络员"
    )
    other = services.posting_create(
        actor=None, cadre=cadres["outsider"], type="rotation", host_unit=units["other_town"],
        role="", task_force=None, starts_on=months_ago(2), ends_on=TODAY,
        supervisor=None, goals="岗位轮换", needs_monthly_reports=True,
    )  # fmt: skip
    report = services.monthly_report_file(
        posting=own, month=months_ago(3), actor=world["users"]["cadre"],
        work_done="走访农户30户", attachment=pdf(),
    )  # fmt: skip
    return {
        "supervisor": supervisor,
        "task_force": task_force,
        "own": own,
        "member": member,
        "other": other,
        "report": report,
    }


def workbook_rows(content: bytes) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]
