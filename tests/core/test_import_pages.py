"""The staff import pages with the Django test client: upload → preview → confirm → done,
refusals that leave nothing behind, access, and the Celery path for large files."""

from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cadres.exports import cadres_xlsx
from cadres.models import Cadre
from core import import_jobs
from core.models import ImportJob
from tests import factories as f
from tests.rosterbooks import HEADERS, cadre_row, varied_rows, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW = "/imports/cadres/new/"
TEMPLATE = "/imports/cadres/template.xlsx"
S = ImportJob.Status
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """Texts of the elements with a data-testid, and the preview table's cells."""

    def __init__(self, html: str):
        super().__init__()
        self.texts: dict[str, str] = {}
        self.preview: list[list[tuple[str, str]]] = []  # rows of (td class, text)
        self._stack: list[list] = []  # [tag, attrs, text parts]
        self._row: list[tuple[str, str]] | None = None
        self._in_preview = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-testid") == "preview":
            self._in_preview = True
        if tag == "tr" and self._in_preview:
            self._row = []
        if tag not in VOID:
            self._stack.append([tag, attrs, []])

    def handle_data(self, data):
        for element in self._stack:
            element[2].append(data)

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, attrs, parts = self._stack.pop()
            text = " ".join("".join(parts).split())
            if "data-testid" in attrs:
                self.texts[attrs["data-testid"]] = text
            if open_tag == "td" and self._row is not None:
                self._row.append((attrs.get("class") or "", text))
            if open_tag == "tr" and self._row:
                self.preview.append(self._row)
                self._row = None
            if attrs.get("data-testid") == "preview":
                self._in_preview = False
            if open_tag == tag:
                break

    def counts(self) -> tuple[int, int, int, int]:
        return tuple(
            int(self.texts[f"count-{k}"]) for k in ("new", "updated", "unchanged", "invalid")
        )

    def row(self, number: int) -> dict[str, tuple[str, str]]:
        """The preview row of an Excel row number: {header: (class, text)}, plus 结果."""
        for cells in self.preview:
            if cells[0][1] == str(number):
                return {"结果": cells[1], **dict(zip(HEADERS, cells[2:], strict=True))}
        raise AssertionError(f"row {number} not in the preview")


def upload(content: bytes, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def exported_row(cadre: Cadre) -> dict:
    sheet = load_workbook(
        BytesIO(cadres_xlsx(Cadre.objects.filter(pk=cadre.pk), full_id=True)), read_only=True
    ).worksheets[0]
    return dict(zip(HEADERS, list(sheet.iter_rows(values_only=True))[1], strict=True))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def post_upload(client, django_capture_on_commit_callbacks):
    """POST an upload as the logged-in user, running the on-commit work (the preview)."""

    def send(content: bytes, name: str = "花名册.xlsx", **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NEW, {"file": upload(content, name), **data})

    return send


def test_upload_preview_confirm_done(
    world, client, media, post_upload, django_capture_on_commit_callbacks
):
    staff = world["users"]["staff"]
    client.force_login(staff)
    bystander = world["cadres"]["bystander"]
    changed = {**exported_row(bystander), "职务": "党政办副主任"}
    unchanged = exported_row(world["cadres"]["self"])
    new_rows = [cadre_row(serial=1), cadre_row(serial=2, **{"单位": "金城镇/东浦村"})]
    before = Cadre.objects.count()

    response = post_upload(workbook(HEADERS, [changed, unchanged, *new_rows]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/imports/{job.pk}/"
    assert job.status == S.PREVIEWED and job.uploaded_by == staff
    assert job.row_count == 4 and job.done == job.total == 4
    assert len(stored_files(media)) == 1  # kept until confirmed

    page = Page(client.get(response.url).content.decode())
    assert page.counts() == (2, 1, 1, 0)
    assert "errors" not in page.texts
    assert "confirm" in page.texts
    assert [cells[0][1] for cells in page.preview] == ["2", "3", "4", "5"]  # every row, marked
    updated = page.row(2)
    assert updated["结果"][1] == "更新"
    assert updated["职务"] == ("table-warning", "党政办副主任")
    assert {h for h, (cls, _text) in updated.items() if cls == "table-warning"} == {"职务"}
    assert page.row(4)["结果"][1] == "新增"
    assert Cadre.objects.count() == before  # the preview saved nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/confirm/")
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == S.DONE and job.finished_at is not None
    assert Cadre.objects.count() == before + 2
    bystander.refresh_from_db()
    assert bystander.position == "党政办副主任"
    assert bystander.history.first().history_user == staff
    page = Page(client.get(response.url).content.decode())
    assert "import-done" in page.texts and "confirm" not in page.texts
    assert page.counts() == (2, 1, 1, 0)
    assert stored_files(media) == []  # the upload is deleted once imported

    # A second confirmation of the same job does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/confirm/")
    assert Cadre.objects.count() == before + 2


def test_invalid_workbook_cannot_be_confirmed_and_its_file_is_deleted(
    world, client, media, post_upload, django_capture_on_commit_callbacks
):
    client.force_login(world["users"]["staff"])
    before = (Cadre.objects.count(), Cadre.history.count())
    rows = [cadre_row(serial=1), cadre_row(serial=2, **{"学历": "小学"}), cadre_row(serial=3)]
    response = post_upload(workbook(HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.status == S.PREVIEWED
    assert not job.file and stored_files(media) == []

    page = Page(client.get(response.url).content.decode())
    assert page.counts() == (2, 0, 0, 1)
    assert page.texts["errors"] == (
        "第3行【学历】“小学”不是可选值（可选：研究生、大学本科、大学专科、中专、高中及以下）。"
    )
    assert "confirm" not in page.texts
    bad = page.row(3)
    assert bad["结果"][1] == "错误"
    assert bad["学历"][0] == "table-danger" and "不是可选值" in bad["学历"][1]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/confirm/", follow=True)
    assert "该文件尚未通过预检，不能导入。" in response.content.decode()
    job.refresh_from_db()
    assert job.status == S.PREVIEWED
    assert (Cadre.objects.count(), Cadre.history.count()) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x80\xa7\xe5\x88\xab\r\n", "文件不是Excel工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "文件不是Excel工作簿"),
        (workbook(HEADERS, []), "工作表中没有数据行。"),
    ],
    ids=["csv", "xls", "no-rows"],
)
def test_refused_file_leaves_no_job_and_no_file(
    world, client, media, post_upload, content, message
):
    client.force_login(world["users"]["staff"])
    response = post_upload(content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_too_big_file_is_refused_before_anything_is_stored(
    world, client, media, post_upload, settings
):
    settings.QINGMIAO_IMPORT_MAX_BYTES = 4096
    client.force_login(world["users"]["staff"])
    content = workbook(HEADERS, varied_rows(50, ["金城镇/党政办"]))
    assert len(content) > 4096
    response = post_upload(content)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_too_many_rows_is_refused(world, client, media, post_upload, settings):
    settings.QINGMIAO_IMPORT_MAX_ROWS = 3
    client.force_login(world["users"]["staff"])
    response = post_upload(workbook(HEADERS, varied_rows(4, ["金城镇/党政办"])))
    # Refused on upload (nothing stored), or at the latest by the preview (file deleted).
    text = response.content.decode() if response.status_code == 200 else ""
    job = ImportJob.objects.first()
    if job is None:
        assert "数据超过3行的上限" in text
    else:
        assert job.report["file_errors"] == ["数据超过3行的上限，请拆分为多个文件导入。"]
        assert not job.file
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("leader", 403),
        ("mentor", 403),
        ("evaluator", 403),
        ("cadre", 403),
    ],
)
@pytest.mark.parametrize("url", [NEW, TEMPLATE], ids=["upload-page", "template"])
def test_only_admin_and_staff_may_import(world, client, role, status, url):
    client.force_login(world["users"][role])
    assert client.get(url).status_code == status


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(NEW)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_others_may_not_upload(world, client, media):
    client.force_login(world["users"]["leader"])
    response = client.post(NEW, {"file": upload(workbook(HEADERS, [cadre_row()]))})
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and stored_files(media) == []


def test_a_user_cannot_see_or_confirm_another_users_job(
    world, client, media, post_upload, django_capture_on_commit_callbacks
):
    client.force_login(world["users"]["staff"])
    post_upload(workbook(HEADERS, [cadre_row(serial=1)]))
    job = ImportJob.objects.get()
    assert job.status == S.PREVIEWED
    colleague = f.UserFactory(username="staff2", roles=["staff"], unit=world["units"]["town"])
    client.force_login(colleague)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404
    job.refresh_from_db()
    assert job.status == S.PREVIEWED
    assert not Cadre.objects.filter(id_number=cadre_row(serial=1)["身份证号"]).exists()
    client.force_login(world["users"]["admin"])
    assert client.get(f"/imports/{job.pk}/").status_code == 200


def test_template_download_is_a_real_roster_workbook(world, client):
    client.force_login(world["users"]["staff"])
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [h for h in rows[0] if h] == HEADERS
    assert len([r for r in rows[1:] if any(v not in (None, "") for v in r)]) >= 1  # example row
    assert len(book.worksheets) >= 2  # instructions sheet
    letters = {h: sheet.cell(row=1, column=n).column_letter for n, h in enumerate(rows[0], 1)}
    validated = {
        str(ref).split(":")[0].rstrip("0123456789")
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
        for ref in dv.sqref.ranges
    }
    for header in ("性别", "政治面貌", "学历", "干部类别"):
        assert letters[header] in validated, header


def test_running_job_page_polls_and_shows_progress(world, client, media, post_upload):
    client.force_login(world["users"]["staff"])
    post_upload(workbook(HEADERS, [cadre_row(serial=1)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=S.IMPORTING, done=0, total=4)
    # The worker reports progress through the cache (its rows are inside a transaction).
    cache.set(import_jobs._progress_key(job.pk), (1, 4))
    fragment = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="25"' in fragment and "1 / 4" in fragment
    assert "<html" not in fragment


def test_large_file_runs_as_a_celery_task(
    world, client, media, post_upload, settings, django_capture_on_commit_callbacks
):
    settings.QINGMIAO_IMPORT_INLINE_ROWS = 5
    ran: list[tuple] = []

    def record(sender=None, args=None, **kwargs):
        ran.append((sender.name, tuple(args or ())))

    task_prerun.connect(record, weak=False)
    try:
        client.force_login(world["users"]["staff"])
        rows = varied_rows(8, ["金城镇/党政办", "金城镇/东浦村"])
        post_upload(workbook(HEADERS, rows))
        job = ImportJob.objects.get()
        assert ran == [("core.tasks.import_job_task", (job.pk, False))]
        assert job.status == S.PREVIEWED
        assert job.done == job.total == 8
        assert job.report["new"] == 8
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{job.pk}/confirm/")
        assert ran[1:] == [("core.tasks.import_job_task", (job.pk, True))]
        job.refresh_from_db()
        assert job.status == S.DONE and job.percent == 100
        assert Cadre.objects.filter(id_number__in=[r["身份证号"] for r in rows]).count() == 8
    finally:
        task_prerun.disconnect(record)
