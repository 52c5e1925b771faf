"""Batch export of growth records (成长档案批量导出): a unit's or a cohort's records as one ZIP
of PDFs built by the task (inline here), refused for an empty set or cadres out of scope, a
failed render stored with its reason, re-runs harmless, and the download only for the requester
while every cadre is still in their scope, never after expiry."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.reminders import EVENT_SOURCES
from reports.models import GrowthExport, JobStatus
from reports.services.growth_exports import (
    growth_export_request,
    growth_export_run,
    growth_exports_expire,
)
from tests import factories as f
from tests.pdfs import pdf_text
from tests.reports import growth_source

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


@pytest.fixture(autouse=True)
def _source(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("core.growth.SOURCES", [growth_source.SOURCE])
    growth_source.FAIL_FOR.clear()
    settings.MEDIA_ROOT = tmp_path


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def _export(world, cadres, *, user="staff", capture):
    with capture(execute=True):
        export = growth_export_request(actor=world["users"][user], cadres=cadres, title="导出")
    export.refresh_from_db()
    return export


def test_unit_export_from_the_page_builds_one_pdf_per_cadre(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world["users"]["staff"])
    assert client.get("/growth/exports/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/growth/exports/new/", {"unit": world["units"]["town"].pk})
    export = GrowthExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/growth/exports/{export.pk}/"
    assert export.status == JobStatus.DONE and export.progress == 100 and export.total == 3
    assert export.title == "金城镇成长档案" and export.attempts == 1
    ttl = export.expires_at - export.finished_at
    assert ttl == datetime.timedelta(hours=72)
    c = world["cadres"]
    names = {f"{c[k].name}-{c[k].pk}.pdf" for k in ("self", "mentee", "bystander")}
    response = client.get(f"/growth/exports/{export.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = _zip(b"".join(response.streaming_content))
    assert set(archive.namelist()) == names
    for name in names:
        assert name.split("-")[0] in pdf_text(archive.read(name))
    page = client.get(f"/growth/exports/{export.pk}/").content.decode()
    assert f"/growth/exports/{export.pk}/download/" in page
    assert client.get(f"/growth/exports/{export.pk}/status/").json()["status"] == "done"
    assert "金城镇成长档案" in client.get("/growth/exports/").content.decode()


def test_cohort_export_through_the_api(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world["users"]["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/growth-exports/", {"cohort": world["cohort"].pk, "year": 2025},
            content_type="application/json",
        )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    status = client.get(f"/api/v1/growth-exports/{pk}/").json()
    assert status["status"] == "done" and status["total"] == 1 and status["year"] == 2025
    download = client.get(f"/api/v1/growth-exports/{pk}/download/")
    assert download.status_code == 200
    mentee = world["cadres"]["mentee"]
    assert _zip(b"".join(download.streaming_content)).namelist() == [f"李娜-{mentee.pk}.pdf"]
    assert [e["id"] for e in client.get("/api/v1/growth-exports/").json()["results"]] == [pk]


def test_the_cohort_page_offers_the_export(world, client_for):
    page = client_for(world["users"]["staff"]).get(f"/cohorts/{world['cohort'].pk}/")
    assert f"/growth/exports/new/?cohort={world['cohort'].pk}" in page.content.decode()


def test_refuses_an_empty_set_and_cadres_out_of_scope(world, client_for):
    staff = world["users"]["staff"]
    empty = f.make_unit("空白村", world["units"]["town"], kind="village")
    with pytest.raises(ValidationError) as exc:
        growth_export_request(actor=staff, cadres=empty.cadres.all(), title="x")
    assert "没有可导出的干部" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        growth_export_request(actor=staff, cadres=[world["cadres"]["outsider"].pk], title="x")
    assert "有1名干部不在您的查看范围内" in str(exc.value)
    response = client_for(staff).post(
        "/api/v1/growth-exports/", {"cadres": [world["cadres"]["outsider"].pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "查看范围" in response.content.decode()
    response = client_for(staff).post("/growth/exports/new/", {"unit": empty.pk})
    assert response.status_code == 200 and "没有可导出的干部" in response.content.decode()
    with pytest.raises(PermissionDenied):
        growth_export_request(
            actor=world["users"]["mentor"], cadres=[world["cadres"]["mentee"].pk], title="x"
        )
    assert not GrowthExport.objects.exists()


def test_a_failing_render_marks_the_job_failed_with_its_reason(
    world, client_for, django_capture_on_commit_callbacks
):
    c = world["cadres"]
    growth_source.FAIL_FOR.add(c["mentee"].pk)
    export = _export(
        world, [c["self"].pk, c["mentee"].pk], capture=django_capture_on_commit_callbacks
    )
    assert export.status == JobStatus.FAILED
    assert "李娜" in export.error and "测试数据源故障" in export.error
    assert not export.file and export.finished_at is not None
    client = client_for(world["users"]["staff"])
    assert "测试数据源故障" in client.get(f"/growth/exports/{export.pk}/").content.decode()
    assert client.get(f"/growth/exports/{export.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/growth-exports/{export.pk}/").json()["status"] == "failed"


def test_a_rerun_of_a_finished_job_does_nothing(world, django_capture_on_commit_callbacks):
    export = _export(
        world, [world["cadres"]["self"].pk], capture=django_capture_on_commit_callbacks
    )
    before = (export.file.name, export.attempts, export.finished_at)
    again = growth_export_run(export_id=export.pk)
    assert (again.file.name, again.attempts, again.finished_at) == before


def test_an_interrupted_job_is_rebuilt_on_redelivery(world):
    export = GrowthExport.objects.create(
        title="重投", cadre_ids=[world["cadres"]["self"].pk], total=1, status=JobStatus.RUNNING,
        attempts=1, requested_by=world["users"]["staff"],
    )  # fmt: skip
    export = growth_export_run(export_id=export.pk)
    assert export.status == JobStatus.DONE and export.attempts == 2 and export.file


def test_download_only_by_the_requester(world, client_for, django_capture_on_commit_callbacks):
    export = _export(
        world, [world["cadres"]["mentee"].pk], capture=django_capture_on_commit_callbacks
    )
    url = f"/growth/exports/{export.pk}/download/"
    colleague = f.UserFactory(username="staff2", roles=["staff"], unit=world["units"]["town"])
    for user in (colleague, world["users"]["admin"], world["users"]["leader"]):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(f"/api/v1/growth-exports/{export.pk}/download/").status_code == 404
        assert client.get(f"/growth/exports/{export.pk}/status/").status_code == 404
    assert client_for(world["users"]["staff"]).get(url).status_code == 200


def test_download_refused_once_the_scope_has_shrunk(
    world, client_for, django_capture_on_commit_callbacks
):
    c = world["cadres"]
    export = _export(
        world, [c["self"].pk, c["mentee"].pk], capture=django_capture_on_commit_callbacks
    )
    staff = world["users"]["staff"]
    staff.unit = world["units"]["office"]  # moved: the village is no longer theirs
    staff.save(update_fields=["unit"])
    client = client_for(staff)
    assert client.get(f"/growth/exports/{export.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/growth-exports/{export.pk}/download/").status_code == 404


def test_download_gone_after_expiry_and_the_upkeep_deletes_the_file(
    world, client_for, django_capture_on_commit_callbacks
):
    export = _export(
        world, [world["cadres"]["self"].pk], capture=django_capture_on_commit_callbacks
    )
    GrowthExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = client_for(world["users"]["staff"])
    response = client.get(f"/growth/exports/{export.pk}/download/")
    assert response.status_code == 410 and "已过期" in response.content.decode()
    assert client.get(f"/api/v1/growth-exports/{export.pk}/download/").status_code == 410
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    assert "reports.services.growth_exports.growth_exports_expire" in EVENT_SOURCES
    assert growth_exports_expire(timezone.localdate()) == 1
    assert not storage.exists(name)
    assert growth_exports_expire(timezone.localdate()) == 0
    assert client.get(f"/growth/exports/{export.pk}/download/").status_code == 410


def test_ttl_follows_the_setting(world, settings, django_capture_on_commit_callbacks):
    settings.QINGMIAO_EXPORT_TTL_HOURS = 5
    export = _export(
        world, [world["cadres"]["self"].pk], capture=django_capture_on_commit_callbacks
    )
    assert export.expires_at - export.finished_at == datetime.timedelta(hours=5)


PAGES = [
    ("list", "/growth/exports/", [200, 200, 200, 403, 403, 403]),
    ("new", "/growth/exports/new/", [200, 200, 200, 403, 403, 403]),
    ("detail", "/growth/exports/{pk}/", [404, 200, 404, 403, 403, 403]),
    ("status", "/growth/exports/{pk}/status/", [404, 200, 404, 403, 403, 403]),
    ("download", "/growth/exports/{pk}/download/", [404, 200, 404, 403, 403, 403]),
    ("api list", "/api/v1/growth-exports/", [200, 200, 200, 403, 403, 403]),
    ("api detail", "/api/v1/growth-exports/{pk}/", [404, 200, 404, 403, 403, 403]),
    ("api download", "/api/v1/growth-exports/{pk}/download/", [404, 200, 404, 403, 403, 403]),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_export_pages_per_role(
    world, client, django_capture_on_commit_callbacks, name, url, expected, role
):
    export = _export(
        world, [world["cadres"]["self"].pk], capture=django_capture_on_commit_callbacks
    )
    client.force_login(world["users"][role])
    assert client.get(url.format(pk=export.pk)).status_code == expected[ROLES.index(role)]


@pytest.mark.parametrize("role", ["mentor", "evaluator", "cadre"])
def test_only_exporters_may_start_an_export(world, client, role):
    client.force_login(world["users"][role])
    mentee = world["cadres"]["mentee"].pk
    assert client.post("/api/v1/growth-exports/", {"cadres": [mentee]},
                       content_type="application/json").status_code == 403  # fmt: skip
    assert (
        client.post("/growth/exports/new/", {"unit": world["units"]["town"].pk}).status_code == 403
    )
    assert not GrowthExport.objects.exists()


SEEN: list[int] = []


def progress_probe(*, cadres, start=None, end=None, viewer=None):
    """A timeline source noting the export's progress as each record is rendered."""
    SEEN.append(GrowthExport.objects.values_list("progress", flat=True).get())
    return []


def test_progress_moves_while_the_records_are_rendered(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    SEEN.clear()
    monkeypatch.setattr("core.growth.SOURCES", [growth_source.SOURCE, f"{__name__}.progress_probe"])
    c = world["cadres"]
    ids = [c["self"].pk, c["mentee"].pk, c["bystander"].pk]
    export = _export(world, ids, capture=django_capture_on_commit_callbacks)
    assert SEEN == [0, 33, 66] and export.progress == 100
