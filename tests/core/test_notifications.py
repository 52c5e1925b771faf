"""In-app notifications and the daily reminder job: the monthly-report source (coming due to
the cadre, overdue to the cadre and the supervisor, once per month and stage, however often
the job runs), bulk writes without duplicates, the navbar bell, the notifications page and the
API (own rows only, for every role), optional mail, and query counts."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from core import notifications
from core.demo_notifications import seed_notifications
from core.models import Notification
from core.notifications import NotificationRow, notify_many
from core.reminders import reminders_run
from core.tasks import reminders_run_task
from tests import factories as f
from tests.training.postings_world import pdf
from training.services import postings as posting_services

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
SOURCE = "training.reminders.monthly_report_reminders"
# A posting from 10 January 2025; reports are due 5 days after each month ends.
APR_3 = datetime.date(2025, 4, 3)  # Jan filed; Feb overdue; Mar due on 5 Apr (coming due)
APR_10 = datetime.date(2025, 4, 10)  # Mar overdue too


@pytest.fixture(autouse=True)
def only_the_monthly_reports(monkeypatch):
    """These tests count every notification and query of the job: run only the monthly
    report source, whatever other parts register (their own tests cover them)."""
    monkeypatch.setattr("core.reminders.SOURCES", [SOURCE])
    monkeypatch.setattr("core.reminders.EVENT_SOURCES", [])


@pytest.fixture
def posting(world, settings):
    settings.QINGMIAO_MONTHLY_REPORT_GRACE_DAYS = 5
    settings.QINGMIAO_REMINDER_DAYS_BEFORE = 3
    supervisor = f.UserFactory(username="supervisor")
    world["users"]["supervisor"] = supervisor
    units, cadres = world["units"], world["cadres"]
    own = posting_services.posting_create(
        actor=None, cadre=cadres["self"], type="village", host_unit=units["village"],
        role="村支书助理", task_force=None, starts_on=datetime.date(2025, 1, 10),
        ends_on=datetime.date(2025, 12, 31), supervisor=supervisor, goals="熟悉村务工作",
        needs_monthly_reports=True,
    )  # fmt: skip
    posting_services.monthly_report_file(
        posting=own, month=datetime.date(2025, 1, 1), actor=world["users"]["cadre"],
        work_done="走访农户30户", attachment=pdf(), today=datetime.date(2025, 2, 3),
    )  # fmt: skip
    # Another town's cadre without an account, and a posting that needs no reports.
    posting_services.posting_create(
        actor=None, cadre=cadres["outsider"], type="rotation", host_unit=units["other_town"],
        role="", task_force=None, starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30), supervisor=None, goals="岗位轮换",
        needs_monthly_reports=True,
    )  # fmt: skip
    posting_services.posting_create(
        actor=None, cadre=cadres["mentee"], type="village", host_unit=units["village"],
        role="", task_force=None, starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30), supervisor=supervisor, goals="短期锻炼",
        needs_monthly_reports=False,
    )  # fmt: skip
    return own


def _keys(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_job_sends_coming_due_to_the_cadre_and_overdue_to_cadre_and_supervisor(world, posting):
    assert reminders_run(APR_3)[SOURCE] == 3
    cadre, supervisor = world["users"]["cadre"], world["users"]["supervisor"]
    p = posting.pk
    assert _keys(cadre) == [
        f"training.monthlyreport:{p}:2025-02:overdue",
        f"training.monthlyreport:{p}:2025-03:due",
    ]
    assert _keys(supervisor) == [f"training.monthlyreport:{p}:2025-02:overdue"]
    due = Notification.objects.get(user=cadre, key__endswith=":due")
    assert due.level == "info" and "2025年3月" in due.title and "2025-04-05" in due.body
    assert due.url == f"/training/postings/{p}/reports/2025-3/"
    late = Notification.objects.get(user=supervisor)
    assert late.level == "warning" and "张伟" in late.title
    assert late.url == f"/training/postings/{p}/"
    # Nobody else (other roles, the outsider without an account) hears of it.
    assert Notification.objects.filter(key__startswith="training.").count() == 3


def test_job_run_twice_creates_no_duplicates_and_later_stages_come_once(world, posting):
    reminders_run(APR_3)
    assert reminders_run(APR_3)[SOURCE] == 0
    assert reminders_run_task.delay(today=APR_3.isoformat()).get()[SOURCE] == 0
    assert Notification.objects.filter(key__startswith="training.").count() == 3
    assert reminders_run(APR_10)[SOURCE] == 2  # March overdue: the cadre and the supervisor
    assert reminders_run(APR_10)[SOURCE] == 0
    assert Notification.objects.filter(key__startswith="training.").count() == 5
    assert seed_notifications(APR_10)[SOURCE] == 0


def test_filed_month_is_not_reminded_and_too_early_is_not_coming_due(world, posting):
    posting_services.monthly_report_file(
        posting=posting, month=datetime.date(2025, 2, 1), actor=world["users"]["cadre"],
        work_done="整理档案", attachment=pdf(), today=datetime.date(2025, 4, 1),
    )  # fmt: skip
    assert reminders_run(datetime.date(2025, 4, 1))[SOURCE] == 0  # 4 days before: too early
    assert reminders_run(datetime.date(2025, 4, 2))[SOURCE] == 1  # 3 days before
    assert _keys(world["users"]["cadre"]) == [f"training.monthlyreport:{posting.pk}:2025-03:due"]


def test_failing_source_is_logged_and_the_others_still_run(world, posting, caplog):
    with caplog.at_level(logging.ERROR, logger="core.reminders"):
        made = reminders_run(APR_3, sources=["core.no_such.source", SOURCE], event_sources=[])
    assert made == {"core.no_such.source": 0, SOURCE: 3}
    assert "core.no_such.source" in caplog.text


def test_notify_many_ignores_repeats_within_and_across_calls(world):
    cadre = world["users"]["cadre"]
    row = NotificationRow(user_id=cadre.pk, key="x:1", title="一")
    assert notify_many([row, row, NotificationRow(user_id=cadre.pk, key="x:2", title="二")]) == 2
    assert notify_many([NotificationRow(user_id=cadre.pk, key="x:1", title="改")]) == 0
    assert Notification.objects.get(key="x:1").title == "一"
    assert notify_many([]) == 0


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("smtp down")


def test_mail_only_with_smtp_once_per_new_notification(
    world, posting, settings, django_capture_on_commit_callbacks
):
    cadre = world["users"]["cadre"]
    cadre.email = "cadre@example.cn"
    cadre.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(APR_3)
    assert mail.outbox == []  # no EMAIL_HOST: in-app only
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.QINGMIAO_SITE_URL = "https://qm.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(APR_10)  # March overdue: the cadre (with an address) and the supervisor
        reminders_run(APR_10)
    assert [m.to for m in mail.outbox] == [["cadre@example.cn"]]
    assert f"https://qm.example.cn/training/postings/{posting.pk}/reports/2025-3/" in (
        mail.outbox[0].body
    )


def test_mail_failure_is_logged_and_never_blocks(world, settings, caplog):
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.EMAIL_BACKEND = "tests.core.test_notifications.BrokenBackend"
    cadre = world["users"]["cadre"]
    cadre.email = "cadre@example.cn"
    cadre.save(update_fields=["email"])
    with caplog.at_level(logging.ERROR, logger="core.notifications"):
        notifications._mail([NotificationRow(user_id=cadre.pk, key="k", title="标题")])
    assert "notification mail" in caplog.text


def _seed(world, count=3):
    """`count` notifications for every user of the world, two of each user's read."""
    rows = [
        NotificationRow(user_id=user.pk, key=f"t:{i}", title=f"{name}的通知{i}", url="/")
        for name, user in world["users"].items()
        for i in range(count)
    ]
    notify_many(rows)
    for user in world["users"].values():
        ids = list(Notification.objects.filter(user=user).values_list("pk", flat=True)[:2])
        Notification.objects.filter(pk__in=ids).update(read_at="2025-01-01T00:00:00Z")


@pytest.mark.parametrize("role", ROLES)
def test_bell_shows_own_unread_count(world, client_for, role):
    _seed(world, count=5)
    client = client_for(world["users"][role])
    page = client.get("/").content.decode()
    assert 'data-qm-unread="3"' in page
    client.post("/notifications/read-all/")
    assert "data-qm-unread" not in client.get("/").content.decode()
    other = "cadre" if role != "cadre" else "admin"
    assert Notification.objects.filter(user=world["users"][other], read_at=None).count() == 3


@pytest.mark.parametrize("role", ROLES)
def test_page_lists_only_own_and_marks_own_read(world, client_for, role):
    _seed(world)
    me = world["users"][role]
    other = world["users"]["cadre" if role != "cadre" else "admin"]
    client = client_for(me)
    response = client.get("/notifications/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{role}的通知0" in text
    assert not [name for name in world["users"] if name != role and f"{name}的通知" in text]
    assert client.get("/notifications/?unread=1").status_code == 200
    mine = Notification.objects.filter(user=me, read_at=None).first()
    theirs = Notification.objects.filter(user=other, read_at=None).first()
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/notifications/{mine.pk}/read/", {"follow": "1"})
    assert response.status_code == 302 and response.url == "/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405


def test_foreign_link_is_not_followed(world, client_for):
    cadre = world["users"]["cadre"]
    notify_many([NotificationRow(user_id=cadre.pk, key="evil", title="x", url="https://evil.cn/")])
    n = Notification.objects.get(key="evil")
    response = client_for(cadre).post(f"/notifications/{n.pk}/read/", {"follow": "1"})
    assert response.url == "/notifications/"


def test_anonymous_is_sent_to_login(client, world):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read-all/").status_code == 302
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


@pytest.mark.parametrize("role", ROLES)
def test_api_own_only_for_every_role(world, client_for, role):
    _seed(world)
    me = world["users"][role]
    other = world["users"]["cadre" if role != "cadre" else "admin"]
    client = client_for(me)
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 3
    assert {row["title"] for row in data["results"]} == {f"{role}的通知{i}" for i in range(3)}
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    theirs = Notification.objects.filter(user=other).first()
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    mine = Notification.objects.filter(user=me, read_at=None).get()
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    notify_many(  # three more unread for everyone
        NotificationRow(user_id=user.pk, key=f"more:{i}", title="新通知")
        for user in world["users"].values()
        for i in range(3)
    )
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 3}
    assert Notification.objects.filter(user=other, read_at=None).count() == 4
    assert client.delete(f"/api/v1/notifications/{mine.pk}/").status_code == 405


def _constant(client, url, world, django_assert_max_num_queries, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _seed(world, count=3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _seed(world, count=15)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/notifications/", "/api/v1/notifications/", "/"])
def test_constant_queries(
    world, client_for, url, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["cadre"])
    _constant(client, url, world, django_assert_max_num_queries, django_assert_num_queries)


def test_bell_costs_no_query_of_its_own(world, client_for):
    """The count comes with the session's user (one query for both)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _seed(world)
    with CaptureQueriesContext(connection) as seen:
        page = client_for(world["users"]["cadre"]).get("/").content.decode()
    counts = [q["sql"] for q in seen.captured_queries if "core_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0] and '"core_user"' in counts[0]
    assert 'data-qm-unread="1"' in page


def test_bell_without_the_backend_counts_once(world, rf, django_assert_num_queries):
    """A user loaded some other way: one COUNT, only when the template asks, then cached."""
    from django.template import Context, Template

    from core.context_processors import notifications as processor
    from core.models import User

    _seed(world)
    request = rf.get("/")
    request.user = User.objects.get(username="cadre")
    template = Template("{{ unread_notifications }}{{ unread_notifications }}")
    with django_assert_num_queries(1):
        assert template.render(Context(processor(request))) == "11"
    assert processor(type("R", (), {"user": None})()) == {}


def test_job_queries_do_not_grow_with_postings(world, posting, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        reminders_run(APR_3, sources=[SOURCE], event_sources=[])  # the other sources: their tests


def test_run_reminders_command_runs_the_job_for_a_day_and_refuses_a_bad_date(world, posting):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("run_reminders", "--date", APR_3.isoformat(), stdout=out)
    assert f"       3  {SOURCE}" in out.getvalue()
    assert Notification.objects.count() == 3
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_reminders", "--date", "3 April")
