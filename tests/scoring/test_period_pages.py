"""Pages of publication (公示), objections (异议) and follow-ups (约谈): every role on every
page, the staff and cadre flows through the forms, and constant query counts."""

import datetime
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from scoring import services
from scoring.choices import PeriodStatus
from scoring.models import FollowUp, Objection, PeriodStanding, PointEntry, ScoringPeriod
from scoring.selectors.periods import open_follow_ups
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
TODAY = timezone.localdate()
Q4 = (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))
Q1 = (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
Q2 = (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def award(cadre, points, day=datetime.date(2024, 2, 1)):
    return services.points_award(
        cadre=cadre, points=Decimal(points), reason="竞赛获奖", actor=None, occurred_on=day
    )


def period(unit, span, name, **options):
    return services.period_create(
        actor=None, name=name, unit=unit, start=span[0], end=span[1], **options
    )


@pytest.fixture
def periods(world):
    """金城镇: Q4 closed (a follow-up for 李娜), Q1 published with the window open today (an
    objection of 张伟 and one of 王芳), Q2 not yet published. 东湖镇: Q1 published with an
    objection of 赵敏, Q4 closed with a follow-up for 赵敏."""
    u, c = world["units"], world["cadres"]
    entries = {
        "self": award(c["self"], "8"),
        "bystander": award(c["bystander"], "6"),
        "mentee": award(c["mentee"], "4"),
        "outsider": award(c["outsider"], "9"),
        "self_q4": award(c["self"], "5", day=datetime.date(2023, 11, 1)),
    }
    award(c["bystander"], "3", day=datetime.date(2023, 11, 1))
    award(c["mentee"], "1", day=datetime.date(2023, 11, 1))  # last in Q4: the follow-up
    closed = period(u["town"], Q4, "2023年四季度积分", bottom_percent=10)
    services.period_publish(period=closed, actor=None, today=datetime.date(2024, 1, 2))
    services.period_close(period=closed, actor=None, today=datetime.date(2024, 2, 1))
    published = period(u["town"], Q1, "2024年一季度积分")
    services.period_publish(period=published, actor=None, today=TODAY)
    objection = services.objection_file(
        period=published, cadre=c["self"], text="张伟的异议", actor=world["users"]["cadre"]
    )
    services.objection_file(period=published, cadre=c["bystander"], text="王芳的异议", actor=None)
    upcoming = period(u["town"], Q2, "2024年二季度积分")
    other = period(u["other_town"], Q1, "东湖镇一季度积分")
    services.period_publish(period=other, actor=None, today=TODAY)
    other_objection = services.objection_file(
        period=other, cadre=c["outsider"], text="赵敏的异议", actor=None
    )
    other_closed = period(u["other_town"], Q4, "东湖镇四季度积分")
    services.period_publish(period=other_closed, actor=None, today=datetime.date(2024, 1, 2))
    services.period_close(period=other_closed, actor=None, today=datetime.date(2024, 2, 1))
    other_upcoming = period(u["other_town"], Q2, "东湖镇二季度积分")
    return {
        "closed": ScoringPeriod.objects.get(pk=closed.pk),
        "published": ScoringPeriod.objects.get(pk=published.pk),
        "upcoming": upcoming,
        "other": ScoringPeriod.objects.get(pk=other.pk),
        "other_upcoming": other_upcoming,
        "objection": objection,
        "other_objection": other_objection,
        "follow_up": FollowUp.objects.get(period=closed),
        "other_follow_up": FollowUp.objects.get(period=other_closed),
        "entries": entries,
    }


# --- every role on every page ----------------------------------------------------------------

PAGES = [
    ("period list", "/periods/", _expect(_=200, mentor=403, evaluator=403)),
    ("new period", "/periods/new/", _expect(_=403, admin=200, staff=200)),
    ("new period preset", "/periods/new/?preset=quarter", _expect(_=403, admin=200, staff=200)),
    ("published period", "/periods/{published}/", _expect(_=200, mentor=403, evaluator=403)),
    (
        "published period search",
        "/periods/{published}/?q=zw",
        _expect(_=200, mentor=403, evaluator=403),
    ),
    ("closed period", "/periods/{closed}/", _expect(_=200, mentor=403, evaluator=403)),
    (
        "unpublished period (preview)",
        "/periods/{upcoming}/",
        _expect(_=403, admin=200, staff=200, leader=200, cadre=404),
    ),
    (
        "other town's period",
        "/periods/{other}/",
        _expect(_=404, admin=200, mentor=403, evaluator=403),
    ),
    (
        "export",
        "/periods/{published}/export.xlsx",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "export before publication",
        "/periods/{upcoming}/export.xlsx",
        _expect(_=403, admin=404, staff=404, leader=404),
    ),
    (
        "export other town's",
        "/periods/{other}/export.xlsx",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    (
        "objection form",
        "/periods/{published}/objections/new/",
        _expect(_=403, admin=404, cadre=200),
    ),
    (
        "objection form, closed period",
        "/periods/{closed}/objections/new/",
        _expect(_=403, admin=404, cadre=200),
    ),
    (
        "objection form, other town",
        "/periods/{other}/objections/new/",
        _expect(_=403, admin=404, cadre=404),
    ),
    ("answer objection", "/periods/objections/{objection}/", _expect(_=403, admin=200, staff=200)),
    (
        "answer other town's objection",
        "/periods/objections/{other_objection}/",
        _expect(_=403, admin=200, staff=404),
    ),
    (
        "follow-up list",
        "/periods/follow-ups/",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "done follow-ups",
        "/periods/follow-ups/?show=done",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "follow-up",
        "/periods/follow-ups/{follow_up}/",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "other town's follow-up",
        "/periods/follow-ups/{other_follow_up}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    # POST-only actions answer a GET with 405 whoever asks.
    ("publish by GET", "/periods/{upcoming}/publish/", _expect(_=405)),
    ("refresh by GET", "/periods/{published}/refresh/", _expect(_=405)),
    ("close by GET", "/periods/{published}/close/", _expect(_=405)),
]


def _ids(periods) -> dict:
    return {key: value.pk for key, value in periods.items() if hasattr(value, "pk")}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_page(world, periods, client, role):
    client.force_login(world["users"][role])
    ids = _ids(periods)
    failures = []
    for name, template, expected in PAGES:
        url = template.format(**ids)
        status = client.get(url).status_code
        want = expected[ROLES.index(role)]
        if status != want:
            failures.append(f"{name} {url}: got {status}, expected {want}")
    assert failures == []


def test_anonymous_is_sent_to_login(world, periods, client):
    ids = _ids(periods)
    for name, template, _expected in PAGES:
        response = client.get(template.format(**ids))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


# (action, period key, data, expected status per role)
ACTIONS = [
    (
        "publish",
        "upcoming",
        {"window_days": "5"},
        _expect(_=403, admin=302, staff=302),
    ),
    (
        "publish",
        "other_upcoming",
        {"window_days": "5"},
        _expect(_=403, admin=302, staff=404),
    ),
    ("refresh", "published", {}, _expect(_=403, admin=302, staff=302)),
    ("refresh", "other", {}, _expect(_=403, admin=302, staff=404)),
    ("close", "published", {}, _expect(_=403, admin=302, staff=302)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,key,data,expected", ACTIONS)
def test_every_role_on_every_action(world, periods, client, role, action, key, data, expected):
    client.force_login(world["users"][role])
    target = periods[key]
    before = (target.status, target.window_ends_on)
    response = client.post(f"/periods/{target.pk}/{action}/", data)
    assert response.status_code == expected[ROLES.index(role)]
    target.refresh_from_db()
    if response.status_code != 302:
        assert (target.status, target.window_ends_on) == before  # nothing happened
    elif action == "publish":
        assert target.status == PeriodStatus.PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_every_role_answering_and_filing(world, periods, client, role):
    """Only staff (in scope) and administrators answer; only a cadre files, for themself."""
    client.force_login(world["users"][role])
    objection = periods["objection"]
    answered = client.post(
        f"/periods/objections/{objection.pk}/", {"answer": "经核实无误", "correction": "none"}
    )
    assert answered.status_code == {"admin": 302, "staff": 302}.get(role, 403)
    objection.refresh_from_db()
    assert (objection.status == Objection.Status.ANSWERED) == (role in ("admin", "staff"))

    filed = client.post(
        f"/periods/{periods['published'].pk}/objections/new/", {"text": "再提一条异议"}
    )
    assert filed.status_code == {"cadre": 302, "admin": 404}.get(role, 403)
    assert Objection.objects.filter(text="再提一条异议").count() == (1 if role == "cadre" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_changing_a_follow_up(world, periods, client, role):
    client.force_login(world["users"][role])
    follow_up = periods["follow_up"]
    response = client.post(
        f"/periods/follow-ups/{follow_up.pk}/",
        {"action": "plan", "plan-improvement_plan": "每月学习", "plan-due_on": "2030-01-31"},
    )
    assert response.status_code == {"admin": 302, "staff": 302}.get(role, 403)
    follow_up.refresh_from_db()
    assert (follow_up.improvement_plan == "每月学习") == (role in ("admin", "staff"))


# --- a cadre sees only their own line --------------------------------------------------------


def test_a_cadre_sees_only_their_own_line_and_objections(world, periods, client):
    client.force_login(world["users"]["cadre"])
    response = client.get(f"/periods/{periods['published'].pk}/")
    page = response.content.decode()
    assert response.context["line"].cadre == world["cadres"]["self"]
    assert "第 1 名 / 共 3 人" in page
    assert "张伟的异议" in page
    for other in ("王芳", "李娜", "赵敏", "王芳的异议"):
        assert other not in page
    assert "standings" not in page  # no table of others
    assert [e.cadre_id for e in response.context["entries"]] == [world["cadres"]["self"].pk]

    listing = client.get("/periods/").content.decode()
    assert "张伟的异议" in listing and "王芳的异议" not in listing and "赵敏的异议" not in listing
    assert "东湖镇一季度积分" not in listing and "2024年二季度积分" not in listing
    assert "2024年一季度积分" in listing and "2023年四季度积分" in listing


def test_a_cadre_can_only_object_to_their_own_entries(world, periods, client):
    client.force_login(world["users"]["cadre"])
    url = f"/periods/{periods['published'].pk}/objections/new/"
    form = client.get(url).context["form"]
    assert list(form.fields["entry"].queryset) == [periods["entries"]["self"]]
    foreign = client.post(url, {"text": "x", "entry": periods["entries"]["bystander"].pk})
    assert foreign.status_code == 200 and foreign.context["form"].errors["entry"]
    q4_entry = client.post(url, {"text": "x", "entry": periods["entries"]["self_q4"].pk})
    assert q4_entry.context["form"].errors["entry"]  # another period's entry
    assert Objection.objects.filter(text="x").count() == 0

    filed = client.post(url, {"text": "这8分应为10分", "entry": periods["entries"]["self"].pk})
    assert filed.status_code == 302 and filed["Location"] == f"/periods/{periods['published'].pk}/"
    objection = Objection.objects.get(text="这8分应为10分")
    assert objection.entry == periods["entries"]["self"]
    assert objection.filed_by == world["users"]["cadre"]
    assert objection.cadre == world["cadres"]["self"]


def test_outside_the_window_the_form_explains_and_files_nothing(world, periods, client):
    client.force_login(world["users"]["cadre"])
    url = f"/periods/{periods['closed'].pk}/objections/new/"
    page = client.get(url).content.decode()
    assert "公示期已于 2024-01-08 截止" in page and 'name="text"' not in page
    response = client.post(url, {"text": "迟到的异议"})
    assert response.status_code == 200
    assert "只能在公示期内提出异议。" in response.content.decode()
    assert not Objection.objects.filter(text="迟到的异议").exists()


def test_an_empty_objection_is_shown_next_to_the_field(world, periods, client):
    client.force_login(world["users"]["cadre"])
    response = client.post(f"/periods/{periods['published'].pk}/objections/new/", {"text": ""})
    assert response.status_code == 200 and response.context["form"].errors["text"]


# --- staff flows -----------------------------------------------------------------------------


def test_staff_create_a_period_from_a_preset(world, client):
    client.force_login(world["users"]["staff"])
    form = client.get("/periods/new/?preset=quarter").context["form"]
    start, end = form.initial["start"], form.initial["end"]
    assert (end - start).days in range(89, 93) and end < TODAY and start.day == 1
    assert "季度积分" in form.initial["name"]
    assert form.initial["unit"] == world["units"]["town"].pk  # the staff member's own unit
    unit_ids = {u.pk for u in form.fields["unit"].queryset}
    assert world["units"]["other_town"].pk not in unit_ids
    assert world["units"]["village"].pk in unit_ids
    data = {
        "name": "2024年一季度积分",
        "unit": world["units"]["town"].pk,
        "start": "2024-01-01",
        "end": "2024-03-31",
        "window_days": "5",
        "bottom_percent": "10",
        "follow_up_days": "30",
        "low_score_threshold": "2.5",
    }
    response = client.post("/periods/new/", data)
    created = ScoringPeriod.objects.get(name="2024年一季度积分")
    assert response["Location"] == f"/periods/{created.pk}/"
    assert created.low_score_threshold == Decimal("2.5")

    again = client.post("/periods/new/", data)
    assert again.status_code == 200
    assert again.context["form"].errors["start"] == ["该单位已有相同起止日期的积分周期。"]
    outside = client.post("/periods/new/", {**data, "unit": world["units"]["other_town"].pk})
    assert outside.context["form"].errors["unit"]
    backwards = client.post("/periods/new/", {**data, "start": "2024-06-01", "name": "倒置"})
    assert backwards.context["form"].errors["end"] == ["结束日期不能早于开始日期。"]
    assert ScoringPeriod.objects.count() == 1


def test_staff_preview_then_publish_with_a_chosen_window(world, periods, client):
    client.force_login(world["users"]["staff"])
    upcoming = periods["upcoming"]
    award(world["cadres"]["mentee"], "7", day=datetime.date(2024, 5, 1))
    preview = client.get(f"/periods/{upcoming.pk}/")
    assert preview.context["preview"] is True
    rows = [(r.name, r.total, r.overall_rank) for r in preview.context["page"].object_list]
    assert rows[0] == ("李娜", Decimal("7.00"), 1) and len(rows) == 3
    assert "公示" in preview.content.decode() and preview.context["manages"]

    response = client.post(f"/periods/{upcoming.pk}/publish/", {"window_days": "3"}, follow=True)
    upcoming.refresh_from_db()
    assert upcoming.status == PeriodStatus.PUBLISHED and upcoming.window_days == 3
    assert upcoming.window_ends_on == services.working_days_after(TODAY, 3)
    assert "已公示，公示期至" in response.content.decode()
    assert PeriodStanding.objects.filter(period=upcoming).count() == 3


def test_publishing_too_early_shows_why(world, periods, client):
    client.force_login(world["users"]["staff"])
    running = period(world["units"]["town"], (TODAY.replace(day=1), TODAY), "本月积分")
    response = client.post(f"/periods/{running.pk}/publish/", {"window_days": "5"}, follow=True)
    assert f"积分周期{TODAY.isoformat()}结束后才能公示。" in response.content.decode()
    running.refresh_from_db()
    assert running.status == PeriodStatus.OPEN
    bad = client.post(f"/periods/{periods['upcoming'].pk}/publish/", {"window_days": "0"})
    assert bad.status_code == 302
    periods["upcoming"].refresh_from_db()
    assert periods["upcoming"].status == PeriodStatus.OPEN


def test_staff_see_the_published_table_and_recompute_it(world, periods, client):
    client.force_login(world["users"]["staff"])
    published = periods["published"]
    url = f"/periods/{published.pk}/"
    response = client.get(url)
    rows = [(r.cadre.name, r.total, r.rank) for r in response.context["page"].object_list]
    assert rows == [
        ("张伟", Decimal("8.00"), 1),
        ("王芳", Decimal("6.00"), 2),
        ("李娜", Decimal("4.00"), 3),
    ]
    page = response.content.decode()
    assert "张伟的异议" in page and "王芳的异议" in page and "赵敏" not in page
    assert "↑ 3" in page  # 张伟: 8 against 5 in the previous quarter
    assert "公示期满" in page  # the window is open: no close button yet

    award(world["cadres"]["mentee"], "10", day=datetime.date(2024, 3, 1))
    assert client.get(url).context["page"].object_list[0].cadre.name == "张伟"  # published stays
    refreshed = client.post(f"/periods/{published.pk}/refresh/", follow=True)
    assert "已按积分明细重新计算，共3人。" in refreshed.content.decode()
    assert refreshed.context["page"].object_list[0].cadre.name == "李娜"

    found = client.get(url, {"q": "wangfang"})
    assert [r.cadre.name for r in found.context["page"].object_list] == ["王芳"]


def test_closing_inside_the_window_shows_the_service_message(world, periods, client):
    client.force_login(world["users"]["staff"])
    published = periods["published"]
    response = client.post(f"/periods/{published.pk}/close/", follow=True)
    assert f"公示期至{published.window_ends_on.isoformat()}，期满后才能关闭。" in (
        response.content.decode()
    )
    published.refresh_from_db()
    assert published.status == PeriodStatus.PUBLISHED


def test_closing_after_the_window_opens_follow_ups(world, periods, client):
    client.force_login(world["users"]["staff"])
    award(world["cadres"]["self"], "5", day=datetime.date(2024, 5, 1))
    award(world["cadres"]["mentee"], "3", day=datetime.date(2024, 5, 1))
    span = (datetime.date(2024, 4, 1), datetime.date(2024, 6, 15))
    ended = period(world["units"]["town"], span, "已过公示期", bottom_percent=33)
    ended = services.period_publish(period=ended, actor=None, today=datetime.date(2024, 7, 1))
    assert client.get(f"/periods/{ended.pk}/").context["may_close"] is True
    response = client.post(f"/periods/{ended.pk}/close/", follow=True)
    assert "已关闭积分周期，生成1项约谈任务。" in response.content.decode()
    assert response.context["follow_up_count"] == 1
    assert [fu.cadre.name for fu in response.context["follow_ups"]] == ["王芳"]


def test_staff_answer_an_objection_by_reversing_the_entry(world, periods, client):
    client.force_login(world["users"]["staff"])
    objection = services.objection_file(
        period=periods["published"],
        cadre=world["cadres"]["self"],
        text="这8分重复记了",
        actor=None,
        entry=periods["entries"]["self"],
    )
    url = f"/periods/objections/{objection.pk}/"
    assert "这8分重复记了" in client.get(url).content.decode()
    response = client.post(url, {"answer": "确属重复，予以冲销", "correction": "reverse"})
    assert response["Location"] == f"/periods/{periods['published'].pk}/"
    objection.refresh_from_db()
    assert objection.correction.reverses == periods["entries"]["self"]
    table = client.get(response["Location"]).context["page"].object_list
    assert [(r.cadre.name, r.total, r.rank) for r in table][-1] == ("张伟", Decimal("0.00"), 3)
    again = client.post(url, {"answer": "再答", "correction": "none"}, follow=True)
    assert "该异议已答复。" in again.content.decode()


def test_answer_form_errors_are_shown_and_nothing_is_saved(world, periods, client):
    client.force_login(world["users"]["staff"])
    objection = periods["objection"]  # names no entry
    url = f"/periods/objections/{objection.pk}/"
    entries = PointEntry.objects.count()
    no_amount = client.post(url, {"answer": "调整", "correction": "adjust"})
    assert no_amount.context["form"].errors["adjust_points"] == ["请填写不为0的调整分值。"]
    no_entry = client.post(url, {"answer": "冲销", "correction": "reverse"})
    assert no_entry.context["form"].errors["correction"] == [
        "该异议没有指明明细，不能冲销；请改为调整分值。"
    ]
    assert "is-invalid" in no_entry.content.decode()
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN
    assert PointEntry.objects.count() == entries

    adjusted = client.post(url, {"answer": "补记2分", "correction": "adjust", "adjust_points": "2"})
    assert adjusted.status_code == 302
    objection.refresh_from_db()
    assert objection.correction.points == Decimal("2")
    line = PeriodStanding.objects.get(period=periods["published"], cadre=world["cadres"]["self"])
    assert line.total == Decimal("10.00")


def test_leaders_read_but_do_not_act(world, periods, client):
    client.force_login(world["users"]["leader"])
    page = client.get(f"/periods/{periods['published'].pk}/")
    html = page.content.decode()
    assert page.context["manages"] is False and page.context["can_answer"] is False
    assert "/refresh/" not in html and "/close/" not in html and "/periods/objections/" not in html
    follow_up = client.get(f"/periods/follow-ups/{periods['follow_up'].pk}/")
    assert follow_up.context["can_change"] is False
    assert 'name="action"' not in follow_up.content.decode()
    listing = client.get("/periods/").content.decode()
    assert "/periods/new/" not in listing


def test_the_export_holds_the_published_table(world, periods, client):
    client.force_login(world["users"]["staff"])
    response = client.get(f"/periods/{periods['published'].pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "姓名", "单位")
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [
        (1, "张伟", 8),
        (2, "王芳", 6),
        (3, "李娜", 4),
    ]
    assert sheet.title == "2024年一季度积分"


# --- follow-ups ------------------------------------------------------------------------------


def test_follow_up_list_highlights_the_overdue(world, periods, client):
    client.force_login(world["users"]["staff"])
    response = client.get("/periods/follow-ups/")
    [row] = response.context["page"].object_list
    assert row.cadre.name == "李娜" and row.overdue is (row.due_on < TODAY)
    html = response.content.decode()
    assert ("table-danger" in html) == row.overdue and "赵敏" not in html
    assert list(client.get("/periods/follow-ups/?show=done").context["page"].object_list) == []


def test_staff_plan_and_record_a_talk(world, periods, client):
    client.force_login(world["users"]["staff"])
    follow_up = periods["follow_up"]
    url = f"/periods/follow-ups/{follow_up.pk}/"
    due = TODAY + datetime.timedelta(days=20)
    planned = client.post(
        url,
        {"action": "plan", "plan-improvement_plan": "参加两次调研", "plan-due_on": due.isoformat()},
    )
    assert planned.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.improvement_plan, follow_up.due_on) == ("参加两次调研", due)

    missing = client.post(
        url,
        {
            "action": "complete",
            "done-talked_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "done-outcome": "谈了",
            "done-improvement_plan": "参加两次调研",
        },
    )
    assert missing.status_code == 200
    assert missing.context["done_form"].errors["talked_on"] == ["约谈日期不能晚于今天。"]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN

    done = client.post(
        url,
        {
            "action": "complete",
            "done-talked_on": TODAY.isoformat(),
            "done-outcome": "已约谈，本人表示改进",
            "done-improvement_plan": "参加两次调研",
        },
        follow=True,
    )
    assert "已记录约谈，任务办结。" in done.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.done_by == world["users"]["staff"]
    assert done.context["can_change"] is False
    assert list(client.get("/periods/follow-ups/").context["page"].object_list) == []
    assert [
        fu.pk for fu in client.get("/periods/follow-ups/?show=done").context["page"].object_list
    ] == [follow_up.pk]


def test_the_home_page_card_lists_open_follow_ups(world, periods):
    staff = world["users"]["staff"]
    html = render_to_string(
        "scoring/periods/_home_follow_ups.html", {"follow_ups": open_follow_ups(staff)[:10]}
    )
    assert "李娜" in html and "赵敏" not in html
    assert f"/periods/follow-ups/{periods['follow_up'].pk}/" in html
    empty = render_to_string("scoring/periods/_home_follow_ups.html", {"follow_ups": []})
    assert "目前没有待办的约谈任务。" in empty


# --- query counts ----------------------------------------------------------------------------

N = 5
_names = itertools.count(1)
_years = itertools.count(1990)


@pytest.fixture
def constant_queries(world, client, django_assert_max_num_queries, django_assert_num_queries):
    client.force_login(world["users"]["staff"])

    def check(url, *, grow, rows, budget: int) -> None:
        grow(N)
        client.get(url)
        with django_assert_max_num_queries(budget) as small:
            response = client.get(url)
        assert response.status_code == 200
        shown = rows(response)
        grow(4 * N)
        with django_assert_num_queries(len(small)):
            response = client.get(url)
        assert response.status_code == 200
        assert rows(response) == shown + 4 * N

    return check


def _new_unit(world):
    return f.make_unit(f"科室{next(_names)}", world["units"]["town"])


def _page_rows(response) -> int:
    return len(response.context["page"].object_list)


def test_period_list_queries(world, constant_queries):
    def grow(n):
        for _ in range(n):
            unit = _new_unit(world)
            f.CadreFactory(unit=unit)
            p = period(unit, Q1, "科室积分", bottom_percent=100)
            services.period_publish(period=p, actor=None, today=datetime.date(2024, 4, 1))
            services.objection_file(
                period=p,
                cadre=unit.cadres.get(),
                text="x",
                actor=None,
                today=datetime.date(2024, 4, 1),
            )

    constant_queries("/periods/", grow=grow, rows=_page_rows, budget=8)


def test_cadre_period_list_queries(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["cadre"])
    town = world["units"]["town"]

    def grow(n):
        for i in range(n):
            start = datetime.date(next(_years), 1, 1)
            p = period(town, (start, start.replace(month=3, day=31)), f"积分{i}")
            services.period_publish(period=p, actor=None, today=TODAY)
            services.objection_file(
                period=p, cadre=world["cadres"]["self"], text="x", actor=None, today=TODAY
            )

    grow(2)
    client.get("/periods/")
    with django_assert_max_num_queries(9) as small:
        client.get("/periods/")
    grow(8)
    with django_assert_num_queries(len(small)):
        response = client.get("/periods/")
    assert len(response.context["page"].object_list) == 10
    assert len(response.context["my_objections"]) == 10


def test_follow_up_list_queries(world, periods, constant_queries):
    closed = periods["closed"]

    def grow(n):
        for _ in range(n):
            FollowUp.objects.create(
                period=closed,
                cadre=f.CadreFactory(unit=_new_unit(world)),
                reason="排名处于末位",
                total=Decimal("0"),
                rank=9,
                due_on=TODAY,
            )

    constant_queries("/periods/follow-ups/", grow=grow, rows=_page_rows, budget=8)


def test_published_table_page_queries(world, periods, constant_queries):
    published = periods["published"]

    # New cadres join the table on a refresh; only listed cadres may object.
    def grow_listed(n):
        new = []
        for _ in range(n):
            cadre = f.CadreFactory(unit=_new_unit(world))
            f.EnrolmentFactory(cohort=f.CohortFactory(programme=world["programme"]), cadre=cadre)
            award(cadre, "1")
            new.append(cadre)
        services.period_refresh(period=published)
        for cadre in new:
            services.objection_file(period=published, cadre=cadre, text="x", actor=None)

    constant_queries(f"/periods/{published.pk}/", grow=grow_listed, rows=_page_rows, budget=11)


def test_preview_page_queries(world, periods, constant_queries):
    def grow(n):
        for _ in range(n):
            award(f.CadreFactory(unit=_new_unit(world)), "1", day=datetime.date(2024, 5, 1))

    constant_queries(f"/periods/{periods['upcoming'].pk}/", grow=grow, rows=_page_rows, budget=11)
