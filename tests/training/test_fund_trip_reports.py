"""Study-trip reports (调研报告): who may upload and when, points on the first upload only,
replacement, the activity page, and who may download (another cadre gets 404)."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from tests.training.test_pages import ROLES, _expect, invite, make_activity
from training import services as activity_services
from training.models import TripReport
from training.services.trip_reports import trip_report_submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(content: bytes = PDF, name: str = "调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rule(db):
    return PointRule.objects.create(
        code="XK-05", name="提交调研报告", category="learn",
        event_kind="training.trip_report.submitted", points=Decimal("3"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip


@pytest.fixture
def trip(world):
    """A study trip that started an hour ago; 张伟 (the cadre) and 李娜 (the mentee) invited."""
    started = timezone.now() - datetime.timedelta(hours=1)
    activity = make_activity(
        world["units"]["town"], title="乡村振兴示范村调研", type="study_trip", starts_at=started
    )
    invite(activity, world["cadres"]["self"], world["cadres"]["mentee"])
    return activity


def _points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def test_cadre_uploads_a_report_and_replaces_it_points_once(
    world, trip, rule, client_for, media, django_capture_on_commit_callbacks
):
    client = client_for(world["users"]["cadre"])
    page = client.get(f"/training/{trip.pk}/").content.decode()
    assert 'data-testid="trip-report-form"' in page

    response = client.post(
        f"/training/{trip.pk}/trip-report/", {"title": "示范村产业调研", "file": upload()}
    )
    assert response.status_code == 302
    report = TripReport.objects.get()
    assert report.participant.cadre == world["cadres"]["self"]
    assert report.file.name.startswith("trip-reports/") and report.file.name.endswith(".pdf")
    assert _points(world["cadres"]["self"]) == Decimal("3")
    entry = PointEntry.objects.get()
    assert (entry.event_kind, entry.source) == (
        "training.trip_report.submitted", f"training.tripreport:{report.pk}",
    )  # fmt: skip
    first_file = media / report.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/training/{trip.pk}/trip-report/",
            {"title": "示范村产业调研（修订）", "file": upload(docx(), "修订.docx")},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "示范村产业调研（修订）"
    assert report.file.name.endswith(".docx")
    assert not first_file.exists()  # the replaced file is gone
    assert TripReport.objects.count() == 1
    assert PointEntry.objects.count() == 1  # nothing more on replacement

    page = client.get(f"/training/{trip.pk}/").content.decode()
    assert "示范村产业调研（修订）" in page
    assert f"/training/trip-reports/{report.pk}/download/" in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not a study trip", "只有外出参观调研活动需要提交调研报告。"),
        ("not invited", "您不在本次活动的邀请名单中。"),
        ("absent", "您本次活动登记为缺席，不能提交调研报告。"),
        ("before start", "活动开始后才能提交调研报告。"),
        ("wrong type", "文件须为PDF、Word (.docx)格式。"),
        ("too large", "文件不能超过10 MB。"),
        ("no title", "请填写报告标题。"),
    ],
)
def test_upload_is_refused(world, trip, rule, case, message):
    c = world["cadres"]
    activity, user, title, file = trip, world["users"]["cadre"], "报告", upload()
    if case == "not a study trip":
        activity = make_activity(
            world["units"]["town"], starts_at=timezone.now() - datetime.timedelta(hours=1)
        )
        invite(activity, c["self"])
    elif case == "not invited":
        activity = make_activity(world["units"]["town"], type="study_trip",
                                 starts_at=timezone.now() - datetime.timedelta(hours=1))  # fmt: skip
        invite(activity, c["bystander"])
    elif case == "absent":
        row = trip.participants.get(cadre=c["self"])
        activity_services.attendance_mark(activity=trip, marks={row.pk: "absent"}, actor=None)
    elif case == "before start":
        activity = make_activity(world["units"]["town"], type="study_trip")  # tomorrow
        invite(activity, c["self"])
    elif case == "wrong type":
        file = upload(b"MZ\x90\x00 not a document", "报告.pdf")
    elif case == "too large":
        file = upload(PDF + b"0" * (10 * 1024 * 1024), "大报告.pdf")
    elif case == "no title":
        title = "  "
    with pytest.raises(ValidationError) as exc:
        trip_report_submit(activity=activity, user=user, title=title, file=file)
    assert message in exc.value.messages
    assert not TripReport.objects.exists()
    assert not PointEntry.objects.exists()


def test_refusal_is_shown_beside_the_field(world, trip, client_for):
    client = client_for(world["users"]["cadre"])
    response = client.post(
        f"/training/{trip.pk}/trip-report/", {"title": "报告", "file": upload(b"hello", "a.pdf")}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "文件须为PDF、Word (.docx)格式。" in content
    assert "invalid-feedback" in content
    assert not TripReport.objects.exists()


def test_absent_cadre_sees_no_upload_form(world, trip, client_for):
    row = trip.participants.get(cadre=world["cadres"]["self"])
    activity_services.attendance_mark(activity=trip, marks={row.pk: "absent"}, actor=None)
    page = client_for(world["users"]["cadre"]).get(f"/training/{trip.pk}/").content.decode()
    assert 'data-testid="trip-reports"' in page
    assert 'data-testid="trip-report-form"' not in page
    response = client_for(world["users"]["cadre"]).get(f"/training/{trip.pk}/trip-report/")
    assert "您本次活动登记为缺席" in response.content.decode()


@pytest.fixture
def reports(world, trip):
    mine = trip_report_submit(
        activity=trip, user=world["users"]["cadre"], title="张伟的报告", file=upload()
    )
    mentee_user = _user_for(world["cadres"]["mentee"], "mentee")
    theirs = trip_report_submit(activity=trip, user=mentee_user, title="李娜的报告", file=upload())
    return {"mine": mine, "mentee": theirs, "mentee_user": mentee_user}


def _user_for(cadre, username):
    from tests import factories as f

    user = f.UserFactory(username=username, roles=["cadre"])
    cadre.user = user
    cadre.save(update_fields=["user"])
    return user


DOWNLOADS = [
    (
        "own report",
        "mine",
        _expect(_=404, admin=200, staff=200, leader=200, cadre=200, evaluator=403),
    ),
    (
        "mentee's report",
        "mentee",
        _expect(_=404, admin=200, staff=200, leader=200, mentor=200, evaluator=403),
    ),
]


@pytest.mark.parametrize(("name", "key", "expected"), DOWNLOADS, ids=[d[0] for d in DOWNLOADS])
@pytest.mark.parametrize("role", ROLES)
def test_download_access_per_role(world, reports, client, name, key, expected, role):
    client.force_login(world["users"][role])
    response = client.get(f"/training/trip-reports/{reports[key].pk}/download/")
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_cadre_guessing_the_url_gets_404(world, reports, client_for):
    client = client_for(reports["mentee_user"])
    assert client.get(f"/training/trip-reports/{reports['mentee'].pk}/download/").status_code == 200
    assert client.get(f"/training/trip-reports/{reports['mine'].pk}/download/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_upload_page_access_per_role(world, trip, client, role):
    client.force_login(world["users"][role])
    # Administrators hold every permission: they get the page, and the service's refusal.
    expected = _expect(_=403, cadre=200, admin=200)[ROLES.index(role)]
    assert client.get(f"/training/{trip.pk}/trip-report/").status_code == expected
    before = TripReport.objects.count()
    response = client.post(f"/training/{trip.pk}/trip-report/", {"title": "x", "file": upload()})
    assert response.status_code == _expect(_=403, cadre=302, admin=400)[ROLES.index(role)]
    if role != "cadre":
        assert TripReport.objects.count() == before


def test_upload_page_of_an_activity_out_of_sight_is_404(world, client_for):
    activity = make_activity(world["units"]["other_town"], type="study_trip")
    client = client_for(world["users"]["cadre"])
    assert client.get(f"/training/{activity.pk}/trip-report/").status_code == 404


def test_activity_page_lists_reports_in_scope(world, reports, trip, client_for):
    staff_page = client_for(world["users"]["staff"]).get(f"/training/{trip.pk}/").content.decode()
    assert staff_page.count('data-testid="trip-report-row"') == 2
    assert 'data-testid="trip-report-form"' not in staff_page
    mentor_page = client_for(world["users"]["mentor"]).get(f"/training/{trip.pk}/").content.decode()
    assert "李娜的报告" in mentor_page and "张伟的报告" not in mentor_page
    cadre_page = client_for(world["users"]["cadre"]).get(f"/training/{trip.pk}/").content.decode()
    assert "张伟的报告" in cadre_page and "李娜的报告" not in cadre_page
