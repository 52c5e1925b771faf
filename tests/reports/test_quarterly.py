"""Quarterly report (季度报告): figures on a small known dataset, structure-target maths on
edge cases, idempotent regeneration, failure and retry, access per role, the PDF (embedded
CJK fonts, section titles) and the workbook read back."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from cadres.choices import UnitKind
from cadres.models import Cadre
from reports.models import JobStatus, QuarterlyReport
from reports.quarterly_render import section_titles
from reports.selectors.quarterly import quarterly_figures, structure
from reports.services.quarterly import (
    quarterly_report_generate,
    quarterly_report_request,
    quarterly_report_retry,
)
from scoring.models import FollowUp, PointEntry, ScoringPeriod
from tests import factories as f
from tests.pdfs import assert_cjk_fonts_embedded, pdf_text
from training.models import Activity, Budget, Participant, Spending, Writing

Y, Q = 2026, 2
START, END = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
TODAY = datetime.date(2026, 11, 22)


def born(age: int, on: datetime.date = END, *, days: int = 1) -> datetime.date:
    """Born so that on `on` the person is `age` (birthday passed `days` ago; 0 = today)."""
    return on.replace(year=on.year - age) - datetime.timedelta(days=days)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def request_now(django_capture_on_commit_callbacks):
    """Request a report and run the after-commit work (the eager task) as a commit would."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = quarterly_report_request(**kwargs)
        report.refresh_from_db()
        return report

    return run


@pytest.fixture
def retry_now(django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = quarterly_report_retry(**kwargs)
        report.refresh_from_db()
        return report

    return run


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def data(world):
    town, office = world["units"]["town"], world["units"]["office"]
    c = world["cadres"]
    # Middle-level (cadres.structure): positions naming a middle-level post.
    young = f.CadreFactory(name="孙悦", unit=office, position="党政办副主任", birth_date=born(28))
    f.CadreFactory(name="周敏", unit=office, position="农业服务站站长", birth_date=born(45))
    f.CadreFactory(name="吴磊", unit=office, position="中层副职", birth_date=born(40))
    # Activities in the quarter (and one outside it).
    a1 = Activity.objects.create(
        title="理论学习", type="theory", unit=town, starts_at=at(datetime.date(2026, 4, 10)),
        ends_at=at(datetime.date(2026, 4, 10), 11), place="会议室", hours=Decimal("2"),
    )  # fmt: skip
    a2 = Activity.objects.create(
        title="参观", type="study_trip", unit=town, starts_at=at(datetime.date(2026, 6, 30), 20),
        ends_at=at(datetime.date(2026, 6, 30), 22), place="某地", hours=Decimal("3.5"),
    )  # fmt: skip
    Activity.objects.create(
        title="七月", type="theory", unit=town, starts_at=at(datetime.date(2026, 7, 1), 1),
        ends_at=at(datetime.date(2026, 7, 1), 2), place="x", hours=Decimal("9"),
    )  # fmt: skip
    for cadre, mark in ((c["self"], "present"), (c["bystander"], "late"), (young, "absent")):
        Participant.objects.create(activity=a1, cadre=cadre, attendance=mark)
    Participant.objects.create(activity=a2, cadre=c["mentee"], attendance="leave")
    Participant.objects.create(activity=a2, cadre=c["self"], attendance="present")
    # Writing: accepted in the quarter at 区 level; one returned, one outside.
    for status, day, level in (
        ("accepted", datetime.date(2026, 5, 2), "district"),
        ("returned", datetime.date(2026, 5, 3), "district"),
        ("accepted", datetime.date(2026, 7, 3), "town"),
    ):
        Writing.objects.create(
            cadre=c["self"], kind="gov_info", title="稿件", outlet="区委办", published_on=day,
            level=level, status=status,
        )  # fmt: skip
    # Points: this quarter and the one before.
    for cadre, now, before in ((c["self"], 30, 5), (c["bystander"], 2, 20), (young, 12, 12)):
        PointEntry.objects.create(cadre=cadre, points=now, kind="manual", occurred_on=START)
        PointEntry.objects.create(
            cadre=cadre, points=before, kind="manual", occurred_on=datetime.date(2026, 2, 1)
        )
    period = ScoringPeriod.objects.create(name="二季度", unit=town, start=START, end=END)
    fu = FollowUp.objects.create(
        period=period, cadre=c["bystander"], reason="低分", total=2, rank=5, due_on=END
    )
    FollowUp.objects.filter(pk=fu.pk).update(created_at=at(datetime.date(2026, 5, 1)))
    fu2 = FollowUp.objects.create(
        period=period, cadre=c["self"], reason="低分", total=2, rank=4, due_on=END,
        status="done", talked_on=datetime.date(2026, 6, 1),
    )  # fmt: skip
    FollowUp.objects.filter(pk=fu2.pk).update(created_at=at(datetime.date(2026, 5, 2)))
    # Fund.
    budget = Budget.objects.create(year=2026, unit=town, source="finance", amount=Decimal("10000"))
    for day, amount in ((datetime.date(2026, 2, 1), 1000), (datetime.date(2026, 5, 1), 2500)):
        Spending.objects.create(budget=budget, spent_on=day, amount=amount, purpose="培训")
    return {**world, "young": young}


def test_figures_on_a_known_dataset(data, django_assert_max_num_queries):
    town = data["units"]["town"]
    with django_assert_max_num_queries(20):
        fig = quarterly_figures(year=Y, quarter=Q, unit=town)
    acts = {r.type: (r.count, r.hours) for r in fig.activities}
    assert acts["theory"] == (1, Decimal("2")) and acts["study_trip"] == (1, Decimal("3.5"))
    # Attendance: present + late over invited, per unit below 金城镇.
    by_unit = {r.unit: r for r in fig.attendance}
    office = by_unit["金城镇/党政办"]
    assert (office.invited, office.present, office.late, office.absent) == (4, 2, 1, 1)
    assert office.rate == Decimal("75.0")
    assert by_unit["金城镇/东浦村"].rate == Decimal("0.0")
    assert fig.attendance_total.invited == 5 and fig.attendance_total.rate == Decimal("60.0")
    # Writing: only the accepted one of the quarter, at 区 level.
    assert fig.writing["total"] == 1
    district = next(r for r in fig.writing["rows"] if r["level"] == "区")
    assert district["total"] == 1
    # Points: bands and movers against Q1.
    assert (
        sum(n for _, n in fig.bands)
        == Cadre.objects.filter(unit__path__startswith=town.path).count()
    )
    assert [m.name for m in fig.top_movers] == ["张伟"] and fig.top_movers[0].change == 25
    assert [m.name for m in fig.bottom_movers] == ["王芳"] and fig.bottom_movers[0].change == -18
    assert (fig.follow_ups_opened, fig.follow_ups_closed, fig.follow_ups_open_at_end) == (2, 1, 1)
    assert fig.fund_total.budget == 10000
    assert fig.fund_total.spent_quarter == 2500 and fig.fund_total.spent_to_date == 3500
    assert fig.fund_total.percent == Decimal("35.0")
    # Compliance board totals cover the town's serving cadres.
    assert fig.compliance_total.cadres == fig.cadres
    s = fig.structure
    assert (s.middle, s.middle_under_35, s.middle_under_30) == (3, 1, 1)
    assert [t.passed for t in s.targets] == [True, True, True, False]  # no reserve in 东浦村


def test_figures_query_count_does_not_grow(data, django_assert_max_num_queries):
    office = data["units"]["office"]
    for _ in range(30):
        f.CadreFactory(unit=office, position="中层正职", birth_date=born(33))
    with django_assert_max_num_queries(20):
        quarterly_figures(year=Y, quarter=Q, unit=None)


@pytest.mark.django_db
def test_structure_edge_cases():
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    v1 = f.make_unit("东浦村", town, kind=UnitKind.VILLAGE)
    v2 = f.make_unit("西浦社区", town, kind=UnitKind.COMMUNITY)
    serving = Cadre.objects.filter(status="active")
    # No middle-level cadre at all: both share targets are not applicable (不适用).
    s = structure(serving, None, END)
    assert s.middle == 0 and [t.passed for t in s.targets[:2]] == [None, None]
    assert {v.unit for v in s.villages_without_under_35} == {v1.full_name, v2.full_name}
    # Exactly 20 %: 1 of 5 is 35 or under; that one is 30 or under → 1/1 ≥ 1/3.
    f.CadreFactory(unit=office, position="中层副职", birth_date=born(29))
    for _ in range(4):
        f.CadreFactory(unit=office, position="站长", birth_date=born(50))
    s = structure(serving, None, END)
    assert (s.middle, s.middle_under_35, s.middle_under_30) == (5, 1, 1)
    assert s.targets[0].passed and s.targets[1].passed
    # 35岁以下 counts 35 itself: one turning 35 on the quarter's last day counts (2 of 6) …
    f.CadreFactory(unit=office, position="中层正职", birth_date=born(35, days=0))
    s = structure(serving, None, END)
    assert (s.middle, s.middle_under_35) == (6, 2) and s.targets[0].passed
    # … one turning 36 that day does not (2 of 7 = 28.6 %), though on the day before they did.
    f.CadreFactory(unit=office, position="中层正职", birth_date=born(36, days=0))
    s = structure(serving, None, END)
    assert (s.middle, s.middle_under_35) == (7, 2) and s.targets[0].passed
    assert structure(serving, None, END - datetime.timedelta(days=1)).middle_under_35 == 3
    # Of those 35 or under, 1 of 3 aged 30 or under is exactly 1/3: passes; 1 of 4 fails.
    f.CadreFactory(unit=office, position="中层副职", birth_date=born(33))
    s = structure(serving, None, END)
    assert (s.middle_under_35, s.middle_under_30) == (3, 1) and s.targets[1].passed
    f.CadreFactory(unit=office, position="中层副职", birth_date=born(34))
    s = structure(serving, None, END)
    assert (s.middle_under_35, s.middle_under_30) == (4, 1) and s.targets[1].passed is False
    # A village cadre never counts as middle-level, whatever the position says.
    f.CadreFactory(unit=v1, position="村委会主任", birth_date=born(60), category="village")
    assert structure(serving, None, END).middle == 9
    # Villages: one under 35 and one reserve under 40 in 东浦村; 西浦社区 has none.
    f.CadreFactory(unit=v1, birth_date=born(34), category="village")
    f.CadreFactory(unit=v1, birth_date=born(39), is_reserve=True, category="village")
    f.CadreFactory(unit=v2, birth_date=born(36, days=0), is_reserve=True, category="village")
    s = structure(serving, None, END)
    rows = {v.unit: v for v in s.villages}
    assert rows[v1.full_name].passes_under_35 and rows[v1.full_name].passes_reserve
    assert not rows[v2.full_name].passes_under_35 and rows[v2.full_name].reserve_under_40 == 1
    assert not s.targets[2].passed and s.targets[2].value == "1/2"
    # Scoped to 东浦村 alone: passes.
    assert structure(serving.filter(unit__path__startswith=v1.path), v1, END).targets[2].passed


def test_regeneration_replaces_the_files_of_the_same_row(data, media, request_now):
    town = data["units"]["town"]
    staff = data["users"]["staff"]
    r1 = request_now(year=Y, quarter=Q, unit=town, actor=staff)
    r1.refresh_from_db()
    assert r1.status == JobStatus.DONE and r1.progress == 100  # eager in tests
    old_pdf, old_xlsx = r1.pdf.name, r1.xlsx.name
    assert (media / old_pdf).exists()
    r2 = request_now(year=Y, quarter=Q, unit=town.pk, actor=staff)
    r2.refresh_from_db()
    assert r2.pk == r1.pk and QuarterlyReport.objects.count() == 1
    assert r2.pdf.name != old_pdf and r2.xlsx.name != old_xlsx
    assert not (media / old_pdf).exists() and not (media / old_xlsx).exists()
    assert (media / r2.pdf.name).exists()
    # Overall (unit None) is its own single row too.
    admin = data["users"]["admin"]
    request_now(year=Y, quarter=Q, actor=admin)
    request_now(year=Y, quarter=Q, actor=admin)
    assert QuarterlyReport.objects.filter(unit__isnull=True).count() == 1


def test_failure_is_recorded_and_retry_succeeds(data, media, monkeypatch, request_now, retry_now):
    import reports.quarterly_render as render

    town = data["units"]["town"]
    staff = data["users"]["staff"]

    def broken(figures):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(render, "quarterly_pdf", broken)
    report = request_now(year=Y, quarter=Q, unit=town, actor=staff)
    report.refresh_from_db()
    assert report.status == JobStatus.FAILED and report.error == "字体缺失" and report.attempts == 1
    assert not report.pdf
    # A redelivered task does not run a failed report again.
    assert quarterly_report_generate(report.pk).attempts == 1
    monkeypatch.undo()
    report = retry_now(report=report, actor=staff)
    report.refresh_from_db()
    assert report.status == JobStatus.DONE and report.error == "" and report.pdf


def test_a_request_during_generation_is_not_overwritten_by_the_run_before_it(
    data, media, monkeypatch
):
    """Requested again while a run works: that run writes nothing and the report stays queued
    for the new run, which then produces it."""
    import reports.services.quarterly as service

    town, staff = data["units"]["town"], data["users"]["staff"]
    report = quarterly_report_request(year=Y, quarter=Q, unit=town, actor=staff, dispatch=False)
    real = service.quarterly_report_files

    def meanwhile(report, *, progress=None):
        quarterly_report_request(year=Y, quarter=Q, unit=town, actor=staff, dispatch=False)
        return real(report, progress=progress)

    monkeypatch.setattr(service, "quarterly_report_files", meanwhile)
    first = quarterly_report_generate(report.pk)
    assert first.status == JobStatus.QUEUED and not first.pdf and first.attempts == 0
    monkeypatch.undo()
    second = quarterly_report_generate(report.pk)
    assert second.status == JobStatus.DONE and second.pdf and second.xlsx


def test_request_refusals(data):
    staff = data["users"]["staff"]
    with pytest.raises(ValidationError) as exc:
        quarterly_report_request(year=2026, quarter=4, actor=staff, today=TODAY)
    assert "quarter" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        quarterly_report_request(year=Y, quarter=Q, unit=999999, actor=staff)
    assert "unit" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # another town
        quarterly_report_request(year=Y, quarter=Q, unit=data["units"]["other_town"], actor=staff)
    with pytest.raises(PermissionDenied):  # the overall report is the administrators'
        quarterly_report_request(year=Y, quarter=Q, actor=staff)
    with pytest.raises(PermissionDenied):  # leaders read only
        quarterly_report_request(
            year=Y, quarter=Q, unit=data["units"]["town"], actor=data["users"]["leader"]
        )
    assert QuarterlyReport.objects.count() == 0


def test_pdf_has_cjk_fonts_and_sections_and_xlsx_reads_back(data, media, request_now):
    report = request_now(
        year=Y, quarter=Q, unit=data["units"]["town"], actor=data["users"]["admin"]
    )
    report.refresh_from_db()
    content = report.pdf.read()
    assert_cjk_fonts_embedded(content)
    text = pdf_text(content)
    assert "年轻干部培养工作报告" in text and "金城镇" in text
    for title in section_titles():
        assert title in text, title
    assert "达标" in text and "未达标" in text
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames == [t[2:] for t in section_titles()]
    att = list(book["出勤情况"].values)
    assert att[0][0] == "单位" and att[-1][0] == "合计" and att[-1][-1] == 60.0
    targets = list(book["班子结构目标"].values)
    assert targets[1][3] == "达标"


def test_cli_writes_the_pdf(data, media, tmp_path):
    out = tmp_path / "q.pdf"
    call_command("quarterly_report", "--year", str(Y), "--quarter", str(Q), "--unit",
                 str(data["units"]["town"].pk), "-o", str(out), stdout=io.StringIO())  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="尚未结束"):
        call_command("quarterly_report", "--year", "2030", "--quarter", "1", "-o", str(out))


def test_beat_requests_the_quarter_just_ended(data, media, django_capture_on_commit_callbacks):
    from reports.tasks_quarterly import quarterly_report_beat_task

    with django_capture_on_commit_callbacks(execute=True):
        pk = quarterly_report_beat_task("2026-07-01")
    report = QuarterlyReport.objects.get(pk=pk)
    assert (report.year, report.quarter, report.unit_id, report.status) == (2026, 2, None, "done")
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-report"]
    assert entry["task"] == "reports.tasks_quarterly.quarterly_report_beat_task"
    assert entry["schedule"].month_of_year == {1, 4, 7, 10} and entry["schedule"].day_of_month == {
        1
    }


ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


@pytest.mark.parametrize(
    ("role", "town_ok", "overall_ok", "may_request"),
    [
        ("admin", True, True, True),
        ("staff", True, False, True),
        ("leader", True, False, False),
        ("mentor", False, False, False),
        ("evaluator", False, False, False),
        ("cadre", False, False, False),
    ],
)
def test_access_per_role(
    data, media, client_for, role, town_ok, overall_ok, may_request, request_now
):
    admin = data["users"]["admin"]
    town_r = request_now(year=Y, quarter=Q, unit=data["units"]["town"], actor=admin)
    other_r = request_now(year=Y, quarter=Q, unit=data["units"]["other_town"], actor=admin)
    overall = request_now(year=Y, quarter=Q, actor=admin)
    client = client_for(data["users"][role])
    listed = client.get("/reports/quarterly/")
    assert listed.status_code == (200 if town_ok else 403)
    for report, ok in ((town_r, town_ok), (overall, overall_ok), (other_r, role == "admin")):
        for url in (f"/reports/quarterly/{report.pk}/", f"/reports/quarterly/{report.pk}/status/",
                    f"/reports/quarterly/{report.pk}/pdf/", f"/reports/quarterly/{report.pk}/xlsx/",
                    f"/api/v1/quarterly-reports/{report.pk}/", f"/api/v1/quarterly-reports/{report.pk}/pdf/",
                    f"/api/v1/quarterly-reports/{report.pk}/xlsx/"):  # fmt: skip
            code = client.get(url).status_code
            assert (code == 200) == ok, (url, code)
    api = client.get("/api/v1/quarterly-reports/")
    if town_ok:
        ids = {r["id"] for r in api.json()["results"]}
        assert (town_r.pk in ids) and ((overall.pk in ids) == overall_ok)
    else:
        assert api.status_code == 403
    if town_ok:
        page = listed.content.decode()
        assert ("生成报告" in page) == may_request
    created = client.post(
        "/api/v1/quarterly-reports/",
        {"year": Y, "quarter": Q, "unit": data["units"]["town"].pk},
        content_type="application/json",
    )
    assert (created.status_code == 201) == may_request, created.content
    retry = client.post(f"/api/v1/quarterly-reports/{town_r.pk}/retry/")
    assert (retry.status_code == 202) == may_request
    assert QuarterlyReport.objects.count() == 3


def test_detail_page_and_status_json(data, media, client_for, request_now):
    report = request_now(
        year=Y, quarter=Q, unit=data["units"]["town"], actor=data["users"]["staff"]
    )
    client = client_for(data["users"]["staff"])
    page = client.get(f"/reports/quarterly/{report.pk}/").content.decode()
    assert "quarterly_report.js" in page and "下载PDF" in page
    status = client.get(f"/reports/quarterly/{report.pk}/status/").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["pdf"]
    response = client.get(status["pdf"])
    assert response["Content-Type"] == "application/pdf"
    posted = client.post(
        "/reports/quarterly/", {"year": Y, "quarter": 4, "unit": data["units"]["town"].pk}
    )
    assert posted.status_code == 200 and "尚未结束" in posted.content.decode()
