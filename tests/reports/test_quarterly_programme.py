"""Quarterly report of a programme (培养计划): only the cadres enrolled in its cohorts during
the quarter are counted, one row per quarter and programme, scope checks, per-role access
and the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import QuarterlyReport
from reports.selectors.quarterly import quarterly_figures
from reports.services.quarterly import quarterly_report_request
from tests import factories as f
from tests.pdfs import pdf_text
from tests.reports.test_quarterly import Q, Y, data, media, request_now  # noqa: F401


@pytest.fixture
def prog(data):  # noqa: F811
    c = data["cadres"]
    programme = f.ProgrammeFactory(name="青苗计划", owner_unit=data["units"]["town"])
    cohort = f.CohortFactory(programme=programme, start_date=datetime.date(2025, 1, 1))
    # Enrolled during the quarter (joined in May).
    f.EnrolmentFactory(cohort=cohort, cadre=c["self"], joined_on=datetime.date(2026, 5, 1))
    # Left before the quarter started.
    f.EnrolmentFactory(
        cohort=cohort,
        cadre=data["young"],
        joined_on=datetime.date(2025, 3, 1),
        left_on=datetime.date(2026, 3, 15),
        status="left",
    )
    # Joined after the quarter ended.
    f.EnrolmentFactory(cohort=cohort, cadre=c["mentee"], joined_on=datetime.date(2026, 7, 5))
    # 王芳 (bystander) is not enrolled at all.
    return programme


def test_programme_figures_count_only_its_enrolled_cadres(
    data,  # noqa: F811
    prog,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(20):
        fig = quarterly_figures(year=Y, quarter=Q, programme=prog)
    assert fig.cadres == 1 and fig.scope_label == "青苗计划"
    # 张伟 attended both activities (present twice); 王芳 and 孙悦 are not counted.
    assert fig.attendance_total.invited == 2 and fig.attendance_total.present == 2
    assert fig.attendance_total.late == 0 and fig.attendance_total.absent == 0
    acts = {r.type: r.count for r in fig.activities}
    assert acts["theory"] == 1 and acts["study_trip"] == 1
    assert fig.writing["total"] == 1
    assert sum(n for _, n in fig.bands) == 1
    assert [m.name for m in fig.top_movers] == ["张伟"] and not fig.bottom_movers
    # 王芳's open follow-up is not theirs; 张伟's was opened and closed in the quarter.
    assert (fig.follow_ups_opened, fig.follow_ups_closed, fig.follow_ups_open_at_end) == (1, 1, 0)
    assert fig.fund_total.budget == 10000  # the owner unit's budget
    assert fig.compliance_total.cadres == 1
    assert fig.structure.middle == 0


def test_programme_query_count_does_not_grow(data, prog, django_assert_max_num_queries):  # noqa: F811
    cohort = prog.cohorts.get()
    for _ in range(25):
        f.EnrolmentFactory(
            cohort=cohort,
            cadre=f.CadreFactory(unit=data["units"]["office"]),
            joined_on=datetime.date(2026, 1, 1),
        )
    with django_assert_max_num_queries(20):
        fig = quarterly_figures(year=Y, quarter=Q, programme=prog)
    assert fig.cadres == 26


def test_request_twice_is_the_same_row_and_pdf_names_the_programme(
    data,  # noqa: F811
    prog,
    media,  # noqa: F811
    request_now,  # noqa: F811
):
    staff = data["users"]["staff"]
    first = request_now(year=Y, quarter=Q, programme=prog.pk, actor=staff)
    second = request_now(year=Y, quarter=Q, programme=prog, actor=staff)
    assert first.pk == second.pk and second.status == "done"
    assert QuarterlyReport.objects.filter(programme=prog).count() == 1
    with second.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "青苗计划" in text
    # A unit report of the same quarter is another row.
    unit_r = request_now(year=Y, quarter=Q, unit=data["units"]["town"], actor=staff)
    assert unit_r.pk != first.pk


def test_request_refusals_for_programmes(data, prog):  # noqa: F811
    staff = data["users"]["staff"]
    with pytest.raises(ValidationError) as exc:
        quarterly_report_request(
            year=Y, quarter=Q, unit=data["units"]["town"], programme=prog, actor=staff
        )
    assert "programme" in exc.value.message_dict
    assert "单位和培养计划" in exc.value.message_dict["programme"][0]
    with pytest.raises(ValidationError) as exc:
        quarterly_report_request(year=Y, quarter=Q, programme=999999, actor=staff)
    assert "programme" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # owned by another town, no cadre of theirs in it
        quarterly_report_request(year=Y, quarter=Q, programme=data["other_programme"], actor=staff)
    with pytest.raises(PermissionDenied):  # leaders read only
        quarterly_report_request(year=Y, quarter=Q, programme=prog, actor=data["users"]["leader"])
    assert QuarterlyReport.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "ok", "may_request"),
    [
        ("admin", True, True),
        ("staff", True, True),
        ("leader", True, False),
        ("mentor", False, False),
        ("evaluator", False, False),
        ("cadre", False, False),
    ],
)
def test_programme_report_access_per_role(
    data,  # noqa: F811
    prog,
    media,  # noqa: F811
    client_for,
    request_now,  # noqa: F811
    role,
    ok,
    may_request,
):
    admin = data["users"]["admin"]
    mine = request_now(year=Y, quarter=Q, programme=prog, actor=admin)
    other = request_now(year=Y, quarter=Q, programme=data["other_programme"], actor=admin)
    client = client_for(data["users"][role])
    for report, allowed in ((mine, ok), (other, role == "admin")):
        for url in (f"/reports/quarterly/{report.pk}/", f"/reports/quarterly/{report.pk}/pdf/",
                    f"/api/v1/quarterly-reports/{report.pk}/",
                    f"/api/v1/quarterly-reports/{report.pk}/xlsx/"):  # fmt: skip
            code = client.get(url).status_code
            assert (code == 200) == allowed, (url, code)
    listed = client.get("/reports/quarterly/")
    assert listed.status_code == (200 if ok else 403)
    if ok:
        assert "青苗计划" in listed.content.decode()
        api = client.get("/api/v1/quarterly-reports/", {"programme": prog.pk}).json()
        assert [r["id"] for r in api["results"]] == [mine.pk]
        assert api["results"][0]["programme_name"] == "青苗计划"
    created = client.post(
        "/api/v1/quarterly-reports/",
        {"year": Y, "quarter": Q, "programme": prog.pk},
        content_type="application/json",
    )
    assert (created.status_code == 201) == may_request, created.content
    if may_request:
        assert created.json()["id"] == mine.pk and created.json()["programme"] == prog.pk
    assert QuarterlyReport.objects.count() == 2


def test_api_and_page_refuse_unit_and_programme_together(data, prog, client_for):  # noqa: F811
    client = client_for(data["users"]["staff"])
    both = {"year": Y, "quarter": Q, "unit": data["units"]["town"].pk, "programme": prog.pk}
    api = client.post("/api/v1/quarterly-reports/", both, content_type="application/json")
    assert api.status_code == 400 and "programme" in api.json()
    page = client.post("/reports/quarterly/", both)
    assert page.status_code == 200 and "单位和培养计划只能选择其一" in page.content.decode()
    assert QuarterlyReport.objects.count() == 0


def test_page_requests_a_programme_report(data, prog, media, client_for):  # noqa: F811
    client = client_for(data["users"]["staff"])
    posted = client.post("/reports/quarterly/", {"year": Y, "quarter": Q, "programme": prog.pk})
    assert posted.status_code == 302
    report = QuarterlyReport.objects.get()
    assert report.programme == prog and report.unit is None
    assert client.get(f"/reports/quarterly/{report.pk}/").status_code == 200
