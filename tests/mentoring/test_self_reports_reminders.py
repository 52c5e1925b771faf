"""Self-reports (思想汇报, 月小结) in the daily job: coming-due and overdue notifications once
per period and stage, `mentoring.self_report.overdue` reported once per lapsed period, and
bounded queries whatever the number of cadres."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.models import Cadre
from core.models import Notification
from core.reminders import EVENT_SOURCES, SOURCES, reminders_run
from mentoring.models import SelfReport, SelfReportStatus
from mentoring.reminders_self_reports import self_report_overdue_events, self_report_reminders
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.self_reports_helpers import entered, report
from tests.mentoring.talks_helpers import rule

D = datetime.date
SOURCE = "mentoring.reminders_self_reports.self_report_reminders"
EVENTS = "mentoring.reminders_self_reports.self_report_overdue_events"


@pytest.fixture(autouse=True)
def _cadences(settings):
    settings.QINGMIAO_SELF_REPORTS = {
        "thought": {"frequency": "year", "grace_days": 31},
        "monthly": {"frequency": "month", "grace_days": 5},
    }
    settings.QINGMIAO_TALK_LOOKBACK_DAYS = 365
    settings.QINGMIAO_REMINDER_DAYS_BEFORE = 3


def _run(today):
    return reminders_run(today, sources=[SOURCE], event_sources=[EVENTS])


def test_registered_in_the_daily_job():
    assert SOURCE in SOURCES and EVENTS in EVENT_SOURCES


def test_the_daily_job_twice_creates_no_duplicates(world):
    rule("mentoring.self_report.overdue", "-1")
    me = entered(world["cadres"]["self"], D(2025, 1, 10))
    entered(world["cadres"]["mentee"], D(2025, 1, 10))  # no account: events only
    for month in range(4, 13):
        report(me, start=D(2025, month, 1), status=SelfReportStatus.ACCEPTED)
    report(me, start=D(2026, 1, 1), status=SelfReportStatus.ACCEPTED)
    assert _run(D(2026, 4, 3)) == {SOURCE: 3, EVENTS: 4}
    keys = set(
        Notification.objects.filter(user=world["users"]["cadre"]).values_list("key", flat=True)
    )
    assert keys == {
        f"mentoring.selfreport:{me.pk}:monthly:2026-03-01:due",
        f"mentoring.selfreport:{me.pk}:monthly:2026-02-01:overdue",
        f"mentoring.selfreport:{me.pk}:thought:2025-01-01:overdue",
    }
    due = Notification.objects.get(key__endswith="2026-03-01:due")
    assert due.title == "2026年3月月小结即将到期"
    assert due.url == "/mentoring/self-reports/new/?period=monthly%3A2026-03-01"
    assert _run(D(2026, 4, 3)) == {SOURCE: 0, EVENTS: 0}
    assert _run(D(2026, 4, 4)) == {SOURCE: 0, EVENTS: 0}
    assert Notification.objects.count() == 3
    sources = set(
        PointEntry.objects.filter(event_kind="mentoring.self_report.overdue").values_list(
            "source", flat=True
        )
    )
    mentee = world["cadres"]["mentee"].pk
    assert sources == {
        f"mentoring.self_report.overdue:{me.pk}:monthly:2026-02-01",
        f"mentoring.self_report.overdue:{me.pk}:thought:2025-01-01",
        f"mentoring.self_report.overdue:{mentee}:monthly:2026-02-01",
        f"mentoring.self_report.overdue:{mentee}:thought:2025-01-01",
    }
    # The March month lapses on 6 April: one new overdue stage, one new fact.
    assert _run(D(2026, 4, 6)) == {SOURCE: 1, EVENTS: 2}
    assert _run(D(2026, 4, 6)) == {SOURCE: 0, EVENTS: 0}


def test_filing_stops_the_reminders(world):
    me = entered(world["cadres"]["self"], D(2026, 2, 20))
    assert [r.key for r in self_report_reminders(D(2026, 4, 3))] == [
        f"mentoring.selfreport:{me.pk}:monthly:2026-03-01:due",
        f"mentoring.selfreport:{me.pk}:monthly:2026-02-01:overdue",
    ]
    report(me, start=D(2026, 3, 1))
    report(me, start=D(2026, 2, 1), status=SelfReportStatus.RETURNED, review_note="请补充")
    # March filed; February returned (still not filed): only February's overdue stage stays.
    assert [r.key for r in self_report_reminders(D(2026, 4, 3))] == [
        f"mentoring.selfreport:{me.pk}:monthly:2026-02-01:overdue"
    ]


def test_queries_do_not_grow_with_the_number_of_cadres(world, django_assert_max_num_queries):
    rule("mentoring.self_report.overdue", "-1")
    unit = world["units"]["office"]

    def add(n):
        for _ in range(n):
            user = f.UserFactory(roles=["cadre"])
            cadre = entered(f.CadreFactory(unit=unit, user=user), D(2025, 1, 10))
            report(cadre, start=D(2026, 3, 1))

    add(2)
    with django_assert_max_num_queries(4) as small:
        rows = list(self_report_reminders(D(2026, 4, 3)))
    assert rows
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(list(self_report_reminders(D(2026, 4, 3)))) > len(rows)
    # The event source: its reads and the bulk recorder's (nothing new on the second run).
    self_report_overdue_events(D(2026, 4, 3))
    with django_assert_max_num_queries(6):
        assert self_report_overdue_events(D(2026, 4, 3)) == 0


def test_ten_thousand_cadres_within_the_daily_budget(world):
    unit = world["units"]["office"]
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"c{n}") for n in range(10_000)]
    )
    template = f.CadreFactory.build(unit=unit)
    fields = {
        name: getattr(template, name)
        for name in ("name", "gender", "birth_date", "political_status", "education",
                     "category", "position", "name_pinyin", "name_initials")
    }  # fmt: skip
    cadres = Cadre.objects.bulk_create(
        [Cadre(unit=unit, user=u, id_number=f"X{n:017d}", **fields) for n, u in enumerate(users)],
        batch_size=2000,
    )
    Cadre.objects.filter(pk__in=[c.pk for c in cadres]).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 1, 10))
    )
    SelfReport.objects.bulk_create(
        [
            SelfReport(
                cadre=c,
                kind="monthly",
                period_start=D(2026, 3, 1),
                title="t",
                content="c",
                submitted_at=timezone.now(),
            )
            for c in cadres[::2]
        ],
        batch_size=2000,
    )
    started = time.monotonic()
    rows = list(self_report_reminders(D(2026, 4, 3)))
    assert self_report_overdue_events(D(2026, 4, 3)) == 0  # no rule scores it: one query
    assert time.monotonic() - started < 5
    # Every cadre: thought 2025 overdue; half also March due (the other half filed March).
    assert len(rows) == 10_000 + 5_000 + 10_000
