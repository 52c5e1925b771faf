"""`/api/v1/activities/{id}/trip-reports/` and `{id}/trip-report/`: who sees which study-trip
reports, uploading and replacing one's own through the service (errors keyed by field, nothing
written on refusal, points once), the download link, constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from tests import factories as f
from tests.training.test_fund_trip_reports import PDF, _user_for, docx, upload
from tests.training.test_pages import ROLES, _expect, invite, make_activity
from training import services as activity_services
from training.models import TripReport
from training.services.trip_reports import trip_report_submit


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


def _started():
    return timezone.now() - datetime.timedelta(hours=1)


@pytest.fixture
def trip(world):
    """A study trip of 金城镇 that started an hour ago; 张伟 (the cadre) and 李娜 invited."""
    activity = make_activity(
        world["units"]["town"], title="乡村振兴示范村调研", type="study_trip", starts_at=_started()
    )
    invite(activity, world["cadres"]["self"], world["cadres"]["mentee"])
    return activity


@pytest.fixture
def reports(world, trip):
    mine = trip_report_submit(
        activity=trip, user=world["users"]["cadre"], title="张伟的报告", file=upload()
    )
    mentee_user = _user_for(world["cadres"]["mentee"], "mentee")
    theirs = trip_report_submit(activity=trip, user=mentee_user, title="李娜的报告", file=upload())
    return {"mine": mine, "mentee": theirs}


@pytest.fixture
def other_trip(world):
    """东湖镇's study trip, with its own cadre's report: out of sight of 金城镇's accounts."""
    activity = make_activity(
        world["units"]["other_town"], title="东湖镇调研", type="study_trip", starts_at=_started()
    )
    invite(activity, world["cadres"]["outsider"])
    user = _user_for(world["cadres"]["outsider"], "outsider")
    trip_report_submit(activity=activity, user=user, title="赵敏的报告", file=upload())
    return activity


def _post(client, activity, **data):
    return client.post(f"/api/v1/activities/{activity.pk}/trip-report/", data)


LISTS = [
    (
        "own town's trip",
        "trip",
        _expect(
            admin=["张伟的报告", "李娜的报告"],
            staff=["张伟的报告", "李娜的报告"],
            leader=["张伟的报告", "李娜的报告"],
            mentor=["李娜的报告"],
            evaluator=403,
            cadre=["张伟的报告"],
        ),
    ),
    ("other town's trip", "other_trip", _expect(_=404, admin=["赵敏的报告"], evaluator=403)),
]


@pytest.mark.parametrize(("name", "which", "expected"), LISTS, ids=[x[0] for x in LISTS])
@pytest.mark.parametrize("role", ROLES)
def test_list_access_per_role(
    world, reports, trip, other_trip, client, name, which, expected, role
):
    client.force_login(world["users"][role])
    activity = {"trip": trip, "other_trip": other_trip}[which]
    response = client.get(f"/api/v1/activities/{activity.pk}/trip-reports/")
    want = expected[ROLES.index(role)]
    if isinstance(want, int):
        assert response.status_code == want
        return
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert sorted(r["title"] for r in rows) == want
    for row in rows:
        report = TripReport.objects.select_related("participant__cadre").get(pk=row["id"])
        assert row["cadre"] == report.participant.cadre_id
        assert row["cadre_name"] == report.participant.cadre.name
        assert row["download"] == f"http://testserver/training/trip-reports/{report.pk}/download/"
        assert {"created_at", "updated_at"} <= set(row)
        # The link is the scoped download view, and works for whoever got it listed.
        download = client.get(row["download"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_cadre_cannot_follow_another_cadres_download_link(world, reports, client_for):
    staff_rows = (
        client_for(world["users"]["staff"])
        .get(f"/api/v1/activities/{reports['mine'].participant.activity_id}/trip-reports/")
        .json()["results"]
    )
    mentee_link = next(r["download"] for r in staff_rows if r["title"] == "李娜的报告")
    assert client_for(world["users"]["cadre"]).get(mentee_link).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_upload_access_per_role(world, trip, other_trip, rule, client, role):
    client.force_login(world["users"][role])
    # Administrators hold every permission; they are on no invitation list: the service refuses.
    expected = _expect(_=403, admin=400, cadre=201)[ROLES.index(role)]
    before = TripReport.objects.count()
    response = _post(client, trip, title="我的调研报告", file=upload())
    assert response.status_code == expected, response.content
    if role == "admin":
        assert response.json() == {"file": ["您不在本次活动的邀请名单中。"]}
    if role != "cadre":
        assert TripReport.objects.count() == before
    out_of_sight = _expect(_=403, admin=400, cadre=404)[ROLES.index(role)]
    assert _post(client, other_trip, title="越界", file=upload()).status_code == out_of_sight


def test_cadre_uploads_then_replaces_points_once(
    world, trip, rule, client_for, media, django_capture_on_commit_callbacks
):
    client = client_for(world["users"]["cadre"])
    first = _post(client, trip, title="示范村产业调研", file=upload())
    assert first.status_code == 201, first.content
    body = first.json()
    report = TripReport.objects.get()
    assert body["id"] == report.pk
    assert body["cadre"] == world["cadres"]["self"].pk
    assert (body["cadre_name"], body["title"]) == ("张伟", "示范村产业调研")
    assert body["download"].endswith(f"/training/trip-reports/{report.pk}/download/")
    entry = PointEntry.objects.get()
    assert (entry.cadre, entry.points, entry.event_kind, entry.source) == (
        world["cadres"]["self"], Decimal("3"), "training.trip_report.submitted",
        f"training.tripreport:{report.pk}",
    )  # fmt: skip
    first_file = media / report.file.name
    assert first_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        second = _post(
            client, trip, title="示范村产业调研（修订）", file=upload(docx(), "修订.docx")
        )
    assert second.status_code == 200, second.content
    assert second.json()["id"] == report.pk
    assert second.json()["title"] == "示范村产业调研（修订）"
    report.refresh_from_db()
    assert report.file.name.endswith(".docx")
    assert not first_file.exists()  # the replaced file is gone
    assert TripReport.objects.count() == 1
    assert PointEntry.objects.count() == 1  # nothing more on replacement
    listed = client.get(f"/api/v1/activities/{trip.pk}/trip-reports/").json()["results"]
    assert [r["title"] for r in listed] == ["示范村产业调研（修订）"]


def test_a_refused_replacement_keeps_the_report(world, trip, rule, client_for, media):
    client = client_for(world["users"]["cadre"])
    assert _post(client, trip, title="原报告", file=upload()).status_code == 201
    report = TripReport.objects.get()
    response = _post(client, trip, title="新报告", file=upload(b"MZ\x90\x00 no", "新.pdf"))
    assert response.status_code == 400
    assert response.json() == {"file": ["文件须为PDF、Word (.docx)格式。"]}
    report.refresh_from_db()
    assert report.title == "原报告"
    assert (media / report.file.name).exists()
    assert PointEntry.objects.count() == 1


def _files(media):
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("case", "errors"),
    [
        ("not a study trip", {"file": ["只有外出参观调研活动需要提交调研报告。"]}),
        # A cadre sees only activities they are invited to (the admin case above shows the
        # service's refusal for someone who sees the activity but is not invited).
        ("not invited", 404),
        ("absent", {"file": ["您本次活动登记为缺席，不能提交调研报告。"]}),
        ("before start", {"file": ["活动开始后才能提交调研报告。"]}),
        ("wrong type", {"file": ["文件须为PDF、Word (.docx)格式。"]}),
        ("too large", {"file": ["文件不能超过10 MB。"]}),
        ("blank title", {"title": ["请填写报告标题。"]}),
        ("no title, no file", {"title": ["请填写报告标题。"], "file": ["请选择报告文件。"]}),
        ("file sent as text", {"file": ["请选择报告文件。"]}),
    ],
)
def test_upload_refusals_are_keyed_by_field(world, trip, rule, client_for, media, case, errors):
    c = world["cadres"]
    activity, data = trip, {"title": "调研报告", "file": upload()}
    if case == "not a study trip":
        activity = make_activity(world["units"]["town"], starts_at=_started())
        invite(activity, c["self"])
    elif case == "not invited":
        activity = make_activity(world["units"]["town"], type="study_trip", starts_at=_started())
        invite(activity, c["bystander"])
    elif case == "absent":
        row = trip.participants.get(cadre=c["self"])
        activity_services.attendance_mark(activity=trip, marks={row.pk: "absent"}, actor=None)
    elif case == "before start":
        activity = make_activity(world["units"]["town"], type="study_trip")  # tomorrow
        invite(activity, c["self"])
    elif case == "wrong type":
        data["file"] = upload(b"MZ\x90\x00 not a document", "报告.pdf")
    elif case == "too large":
        data["file"] = upload(PDF + b"0" * (10 * 1024 * 1024), "大报告.pdf")
    elif case == "blank title":
        data["title"] = "   "
    elif case == "no title, no file":
        data = {}
    elif case == "file sent as text":
        data["file"] = "not a file"
    response = _post(client_for(world["users"]["cadre"]), activity, **data)
    if errors == 404:
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert response.json() == errors
    assert not TripReport.objects.exists()
    assert not PointEntry.objects.exists()
    assert _files(media) == []


def test_json_is_not_accepted_for_an_upload(world, trip, client_for):
    response = client_for(world["users"]["cadre"]).post(
        f"/api/v1/activities/{trip.pk}/trip-report/",
        {"title": "报告"},
        content_type="application/json",
    )
    assert response.status_code == 415
    assert not TripReport.objects.exists()


def test_the_report_list_runs_constant_queries(
    world, trip, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            cadre = f.CadreFactory(unit=world["units"]["office"])
            cadre.user = f.UserFactory(roles=["cadre"])
            cadre.save(update_fields=["user"])
            invite(trip, cadre)
            trip_report_submit(activity=trip, user=cadre.user, title="报告", file=upload())

    client = client_for(world["users"]["staff"])
    url = f"/api/v1/activities/{trip.pk}/trip-reports/"
    grow(2)
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        assert client.get(url).json()["count"] == 2
    grow(8)
    with django_assert_num_queries(len(small)):
        assert client.get(url).json()["count"] == 10
