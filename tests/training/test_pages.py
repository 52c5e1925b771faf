"""Pages of training activities (菁学课堂): access for every role, creating and inviting,
marking attendance (with points), QR sign-in, and constant query counts."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from tests import factories as f
from training import services
from training.models import Activity, Participant

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_names = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def make_activity(unit, *, starts_at=None, title="理论学习班", actor=None, **fields):
    starts_at = starts_at or timezone.now() + datetime.timedelta(days=1)
    values = {
        "title": title,
        "type": "theory",
        "theme": "party_building",
        "unit": unit,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "place": "党校报告厅",
        "hours": Decimal("2.0"),
        **fields,
    }
    return services.activity_create(actor=actor, **values)


def invite(activity, *cadres):
    services.participants_invite(activity=activity, cadres=cadres, actor=None)


@pytest.fixture
def activities(world):
    town_activity = make_activity(world["units"]["town"])
    invite(town_activity, world["cadres"]["self"], world["cadres"]["mentee"])
    other = make_activity(world["units"]["other_town"], title="东湖镇学习班")
    invite(other, world["cadres"]["outsider"])
    return {"own": town_activity, "other": other}


# (name, url template, expected statuses in ROLES order)
PAGES = [
    ("list", "/training/", _expect(_=200, evaluator=403)),
    ("list filtered", "/training/?type=theory&start=2020-01-01", _expect(_=200, evaluator=403)),
    ("new", "/training/new/", _expect(_=403, admin=200, staff=200)),
    ("detail", "/training/{own}/", _expect(_=200, evaluator=403)),
    ("other town's detail", "/training/{other}/", _expect(_=404, admin=200, evaluator=403)),
    ("edit", "/training/{own}/edit/", _expect(_=403, admin=200, staff=200)),
    ("edit other town's", "/training/{other}/edit/", _expect(_=403, admin=200, staff=404)),
    ("candidates", "/training/{own}/candidates/?q=w", _expect(_=403, admin=200, staff=200)),
    (
        "other town's candidates",
        "/training/{other}/candidates/?q=w",
        _expect(_=403, admin=200, staff=404),
    ),
    ("attendance", "/training/{own}/attendance/", _expect(_=403, admin=200, staff=200)),
    (
        "other town's attendance",
        "/training/{other}/attendance/",
        _expect(_=403, admin=200, staff=404),
    ),
    ("qr", "/training/{own}/qr/", _expect(_=403, admin=200, staff=200)),
    ("qr other town's", "/training/{other}/qr/", _expect(_=403, admin=200, staff=404)),
    ("qr code", "/training/{own}/qr/code/", _expect(_=403, admin=200, staff=200)),
    ("qr code other town's", "/training/{other}/qr/code/", _expect(_=403, admin=200, staff=404)),
    ("sign-in confirm", "/training/{own}/signin/abc/", _expect(_=200)),
    ("sign-in other town's", "/training/{other}/signin/abc/", _expect(_=200)),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, activities, client, name, url, expected, role):
    client.force_login(world["users"][role])
    path = url.format(own=activities["own"].pk, other=activities["other"].pk)
    assert client.get(path).status_code == expected[ROLES.index(role)]


POSTS = [
    ("invite", "/training/{own}/invite/", _expect(_=403, admin=302, staff=302)),
    ("invite other town's", "/training/{other}/invite/", _expect(_=403, admin=302, staff=404)),
    ("attendance", "/training/{own}/attendance/", _expect(_=403, admin=302, staff=302)),
    (
        "attendance other town's",
        "/training/{other}/attendance/",
        _expect(_=403, admin=302, staff=404),
    ),
    ("edit other town's", "/training/{other}/edit/", _expect(_=403, admin=200, staff=404)),
]


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, activities, client, name, url, expected, role):
    client.force_login(world["users"][role])
    path = url.format(own=activities["own"].pk, other=activities["other"].pk)
    data = {"unit": world["units"]["office"].pk} if "invite" in name else {}
    before = Participant.objects.count()
    assert client.post(path, data).status_code == expected[ROLES.index(role)]
    if expected[ROLES.index(role)] in (403, 404):
        assert Participant.objects.count() == before


def test_anonymous_is_sent_to_login(activities, client):
    for path in ("/training/", f"/training/{activities['own'].pk}/signin/abc/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_cadre_sees_only_their_activities(world, activities, client_for):
    make_activity(world["units"]["town"], title="未邀请的课")
    response = client_for(world["users"]["cadre"]).get("/training/")
    content = response.content.decode()
    assert "理论学习班" in content
    assert "未邀请的课" not in content
    assert "东湖镇学习班" not in content


def test_list_filters_by_type_theme_and_dates(world, client_for):
    town = world["units"]["town"]
    day = timezone.make_aware(datetime.datetime(2025, 3, 10, 9))
    make_activity(town, title="三月党性课", type="party_spirit", starts_at=day)
    make_activity(town, title="五月调研", type="study_trip", theme="agriculture",
                  starts_at=day + datetime.timedelta(days=60))  # fmt: skip
    client = client_for(world["users"]["staff"])

    def titles(query):
        content = client.get(f"/training/?{query}").content.decode()
        return [t for t in ("三月党性课", "五月调研") if t in content]

    assert titles("") == ["三月党性课", "五月调研"]
    assert titles("type=study_trip") == ["五月调研"]
    assert titles("theme=agriculture") == ["五月调研"]
    assert titles("start=2025-03-01&end=2025-03-31") == ["三月党性课"]
    assert titles("start=2025-04-01") == ["五月调研"]


def _form(unit, **overrides):
    return {
        "title": "紧缺技能培训",
        "type": "scarce_skills",
        "theme": "governance",
        "unit": unit.pk,
        "starts_at": "2026-05-01T09:00",
        "ends_at": "2026-05-01T11:30",
        "place": "镇会议室",
        "speaker": "王老师",
        "hours": "2.5",
        "capacity": "40",
        "cost": "",
        "signin_opens_before": "30",
        "signin_closes_after": "30",
        "late_after": "5",
        **overrides,
    }


def test_staff_creates_and_edits_an_activity(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post("/training/new/", _form(world["units"]["office"]))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/{activity.pk}/"
    assert activity.created_by == world["users"]["staff"]
    assert activity.hours == Decimal("2.5")
    assert timezone.localtime(activity.starts_at).hour == 9

    response = client.post(
        f"/training/{activity.pk}/edit/", _form(world["units"]["office"], place="党校")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.place == "党校"


def test_create_errors_are_shown_and_nothing_saved(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post(
        "/training/new/", _form(world["units"]["office"], ends_at="2026-05-01T08:00")
    )
    assert response.status_code == 200
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    # A unit outside the staff member's subtree is not offered and not accepted.
    response = client.post("/training/new/", _form(world["units"]["other_town"]))
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_invite_a_cohort_and_warn_about_conflicts(world, client_for):
    town = world["units"]["town"]
    activity = make_activity(town)
    clash = make_activity(town, title="同时段的调研", starts_at=activity.starts_at)
    invite(clash, world["cadres"]["mentee"])
    client = client_for(world["users"]["staff"])

    response = client.post(
        f"/training/{activity.pk}/invite/", {"cohort": world["cohort"].pk}, follow=True
    )
    content = response.content.decode()
    assert list(activity.participants.values_list("cadre__name", flat=True)) == ["李娜"]
    assert "已邀请1人。" in content
    assert "alert-warning" in content
    assert "时间冲突" in content
    assert "李娜" in content
    assert "同时段的调研" in content


def test_invite_a_unit_subtree_and_by_hand(world, client_for):
    activity = make_activity(world["units"]["town"])
    client = client_for(world["users"]["staff"])
    client.post(f"/training/{activity.pk}/invite/", {"unit": world["units"]["office"].pk})
    names = set(activity.participants.values_list("cadre__name", flat=True))
    assert names == {"张伟", "王芳"}

    found = client.get(f"/training/{activity.pk}/candidates/?q=ln").content.decode()
    assert "李娜" in found
    response = client.post(
        f"/training/{activity.pk}/invite/", {"cadre": world["cadres"]["mentee"].pk}, follow=True
    )
    assert "时间冲突" not in response.content.decode()
    assert activity.participants.count() == 3
    # Already invited are not offered again.
    assert "李娜" not in client.get(f"/training/{activity.pk}/candidates/?q=ln").content.decode()


def test_staff_cannot_invite_a_cadre_outside_their_town(world, client_for):
    activity = make_activity(world["units"]["town"])
    client = client_for(world["users"]["staff"])
    response = client.post(
        f"/training/{activity.pk}/invite/", {"cadre": world["cadres"]["outsider"].pk}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert not activity.participants.exists()
    assert "赵敏" not in client.get(f"/training/{activity.pk}/candidates/?q=zm").content.decode()


def test_capacity_error_is_shown(world, client_for):
    activity = make_activity(world["units"]["town"], capacity=1)
    client = client_for(world["users"]["staff"])
    response = client.post(
        f"/training/{activity.pk}/invite/", {"unit": world["units"]["office"].pk}, follow=True
    )
    assert "人数上限为1人" in response.content.decode()
    assert not activity.participants.exists()


@pytest.fixture
def present_rule(db):
    return PointRule.objects.create(
        code="XK-01",
        name="参加菁学课堂",
        category="learn",
        event_kind="training.attendance.present",
        points=Decimal("2"),
        valid_from=datetime.date(2020, 1, 1),
    )


def _points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def test_marking_attendance_awards_and_withdraws_points(world, activities, present_rule,
                                                        client_for):  # fmt: skip
    activity = activities["own"]
    me, mentee = world["cadres"]["self"], world["cadres"]["mentee"]
    rows = {p.cadre_id: p for p in activity.participants.all()}
    client = client_for(world["users"]["staff"])
    url = f"/training/{activity.pk}/attendance/"

    page = client.get(url).content.decode()
    assert page.count('type="radio"') == 2 * 4
    assert "全部出席" in page

    response = client.post(
        url, {f"p-{rows[me.pk].pk}": "present", f"p-{rows[mentee.pk].pk}": "leave"}, follow=True
    )
    assert "考勤已保存，更新2人。" in response.content.decode()
    assert dict(activity.participants.values_list("cadre_id", "attendance")) == {
        me.pk: "present",
        mentee.pk: "leave",
    }
    assert _points(me) == Decimal("2")
    assert _points(mentee) == 0

    # Submitting the same marks changes nothing.
    response = client.post(
        url, {f"p-{rows[me.pk].pk}": "present", f"p-{rows[mentee.pk].pk}": "leave"}, follow=True
    )
    assert "更新0人" in response.content.decode()
    assert PointEntry.objects.count() == 1

    # Corrected to absent: the points are withdrawn by a reversing entry.
    client.post(url, {f"p-{rows[me.pk].pk}": "absent"})
    assert Participant.objects.get(pk=rows[me.pk].pk).attendance == "absent"
    assert _points(me) == 0
    assert PointEntry.objects.filter(cadre=me).count() == 2


def test_invalid_attendance_status_is_refused(world, activities, client_for):
    activity = activities["own"]
    row = activity.participants.first()
    client = client_for(world["users"]["staff"])
    response = client.post(f"/training/{activity.pk}/attendance/", {f"p-{row.pk}": "bogus"})
    assert response.status_code == 200
    assert "考勤状态不正确。" in response.content.decode()
    row.refresh_from_db()
    assert row.attendance == ""


# --- QR sign-in ------------------------------------------------------------------------------


@pytest.fixture
def class_now(world):
    """A class starting now that the cadre (张伟) is invited to."""
    activity = make_activity(world["units"]["town"], starts_at=timezone.now(), title="正在上的课")
    invite(activity, world["cadres"]["self"])
    return activity


def test_qr_page_shows_the_current_sign_in_link_and_refreshes(world, class_now, client_for):
    client = client_for(world["users"]["staff"])
    code = services.signin_code(class_now)
    content = client.get(f"/training/{class_now.pk}/qr/").content.decode()
    assert "<svg" in content
    assert f"http://testserver/training/{class_now.pk}/signin/{code}/" in content
    assert f'hx-get="/training/{class_now.pk}/qr/code/"' in content
    assert 'hx-trigger="every 20s"' in content
    partial = client.get(f"/training/{class_now.pk}/qr/code/").content.decode()
    assert "<svg" in partial
    assert "<html" not in partial


def test_cadre_signs_in_by_scanning_and_a_second_scan_changes_nothing(
    world, class_now, present_rule, client_for
):
    client = client_for(world["users"]["cadre"])
    url = f"/training/{class_now.pk}/signin/{services.signin_code(class_now)}/"
    page = client.get(url).content.decode()
    assert "正在上的课" in page
    assert "确认签到" in page
    row = class_now.participants.get()
    assert row.attendance == ""  # opening the page does not sign in

    response = client.post(url)
    assert response.status_code == 200
    assert "签到成功（出席）" in response.content.decode()
    row.refresh_from_db()
    assert row.attendance == "present"
    assert row.signed_in_at is not None
    assert _points(world["cadres"]["self"]) == Decimal("2")

    response = client.post(url)
    assert response.status_code == 200
    assert "您已签到" in response.content.decode()
    assert PointEntry.objects.count() == 1


def test_sign_in_late(world, client_for):
    activity = make_activity(
        world["units"]["town"], starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    invite(activity, world["cadres"]["self"])
    client = client_for(world["users"]["cadre"])
    response = client.post(f"/training/{activity.pk}/signin/{services.signin_code(activity)}/")
    assert "签到成功（迟到）" in response.content.decode()
    assert activity.participants.get().attendance == "late"


def test_sign_in_outside_the_window(world, client_for):
    activity = make_activity(world["units"]["town"])  # tomorrow
    invite(activity, world["cadres"]["self"])
    client = client_for(world["users"]["cadre"])
    response = client.post(f"/training/{activity.pk}/signin/{services.signin_code(activity)}/")
    assert response.status_code == 400
    assert "签到时间为" in response.content.decode()
    assert activity.participants.get().attendance == ""


def test_sign_in_with_an_expired_code(world, class_now, client_for):
    old = services.signin_code(class_now, at=timezone.now() - datetime.timedelta(minutes=2))
    client = client_for(world["users"]["cadre"])
    response = client.post(f"/training/{class_now.pk}/signin/{old}/")
    assert response.status_code == 400
    assert "二维码已过期" in response.content.decode()
    assert class_now.participants.get().attendance == ""


def test_sign_in_when_not_invited_shows_the_error_not_the_activity(world, client_for):
    activity = make_activity(world["units"]["town"], starts_at=timezone.now(), title="机密课程")
    invite(activity, world["cadres"]["bystander"])
    client = client_for(world["users"]["cadre"])
    url = f"/training/{activity.pk}/signin/{services.signin_code(activity)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "机密课程" not in page.content.decode()
    response = client.post(url)
    assert response.status_code == 400
    content = response.content.decode()
    assert "您不在本次活动的邀请名单中。" in content
    assert "机密课程" not in content
    assert activity.participants.get().attendance == ""


# --- query counts ----------------------------------------------------------------------------

N = 5


def _new_cadre(world):
    unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
    return f.CadreFactory(unit=unit)


@pytest.fixture
def staff_client(world, client):
    client.force_login(world["users"]["staff"])
    return client


def _constant(client, url, grow, count, django_assert_max_num_queries, django_assert_num_queries):
    grow(N)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        response = client.get(url)
    assert response.status_code == 200
    shown = count(response)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert count(response) == shown + 4 * N


def test_activity_list_queries_are_constant(
    world, staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            activity = make_activity(unit)
            invite(activity, _new_cadre(world), _new_cadre(world))

    def count(response):
        return response.content.decode().count('data-testid="activity-row"')

    _constant(staff_client, "/training/", grow, count,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_attendance_page_queries_are_constant(
    world, staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    activity = make_activity(world["units"]["town"])

    def grow(n):
        invite(activity, *[_new_cadre(world) for _ in range(n)])

    def count(response):
        return response.content.decode().count("data-qm-row")

    _constant(staff_client, f"/training/{activity.pk}/attendance/", grow, count,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_saving_attendance_for_a_large_class(world, staff_client):
    activity = make_activity(world["units"]["town"])
    invite(activity, *[_new_cadre(world) for _ in range(200)])
    rows = list(activity.participants.values_list("pk", flat=True))
    data = {f"p-{pk}": "present" for pk in rows}
    data[f"p-{rows[0]}"] = "absent"
    response = staff_client.post(f"/training/{activity.pk}/attendance/", data)
    assert response.status_code == 302
    marks = list(activity.participants.values_list("attendance", flat=True))
    assert marks.count("present") == 199
    assert marks.count("absent") == 1
