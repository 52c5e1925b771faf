"""Mentoring compliance at scale: 10,000 cadres, 3,000 mentors, a pairing or two per cadre, a
year of talks, self-reports, mentor-duty records and guidance logs.

Prints the compliance board's (督导看板) SQL query count and p50/p95 over 30 requests per view
(target p95 ≤ 200 ms), then the daily reminder job (`core.reminders.reminders_run`: every
notification source and every overdue-event source) run twice on the same day: the first run
writes the notifications and events, the second must write none (target ≤ 30 s each).

PostgreSQL only; a throw-away test database is created and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/compliance.py

`--keep` leaves the database behind and `--reuse` runs on it again without creating data
(`--no-job` skips the daily job, which writes).
"""

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import bench_database  # noqa: E402
from bench.pages import page_timing  # noqa: E402
from cadres.demo import seed_demo  # noqa: E402
from cadres.models import Cadre, Unit  # noqa: E402
from core.models import Notification, User  # noqa: E402
from core.reminders import reminders_run  # noqa: E402
from mentoring.models import (  # noqa: E402
    DutyRecord,
    GuidanceLog,
    Mentor,
    Pairing,
    SelfReport,
    Talk,
)
from scoring.models import PointEntry, PointRule  # noqa: E402

CADRES = 10_000
MENTORS = 3_000
REQUESTS = 30
DAY = datetime.timedelta(days=1)


def _data(today: datetime.date) -> None:
    rng = random.Random(11)
    year_ago = today - datetime.timedelta(days=365)
    units = list(Unit.objects.exclude(depth=1))
    admin = User.objects.get(username="admin")
    # Every cadre has an account and was entered over a year ago (so everything is required).
    Cadre.objects.update(
        created_at=timezone.make_aware(datetime.datetime.combine(year_ago, datetime.time()))
    )
    password = make_password(None)
    lacking = list(Cadre.objects.filter(user__isnull=True).values_list("pk", flat=True))
    users = User.objects.bulk_create(
        [User(username=f"c{pk}", password=password) for pk in lacking], batch_size=5_000
    )
    Cadre.objects.bulk_update(
        [Cadre(pk=pk, user=u) for pk, u in zip(lacking, users, strict=True)], ["user"], 5_000
    )
    mentor_users = User.objects.bulk_create(
        [User(username=f"m{i}", password=password) for i in range(MENTORS)], batch_size=5_000
    )
    mentors = Mentor.objects.bulk_create(
        Mentor(name=f"导师{i}", mentor_type=rng.choice(["town_secretary", "village_secretary",
               "middle_level", "senior_peer"]), unit=rng.choice(units), capacity=6,
               user=mentor_users[i])
        for i in range(MENTORS)
    )  # fmt: skip
    cadres = list(Cadre.objects.values_list("pk", flat=True))
    pairings = Pairing.objects.bulk_create(
        (
            Pairing(mentor=rng.choice(mentors), cadre_id=c,
                    start_date=year_ago + datetime.timedelta(days=rng.randrange(300)))
            for c in cadres
            for _ in range(rng.choice([1, 1, 2]))
        ),
        batch_size=5_000,
        ignore_conflicts=True,
    )  # fmt: skip
    pairings = list(Pairing.objects.values_list("pk", "cadre_id", "start_date"))

    def day_after(start):
        return start + datetime.timedelta(days=rng.randrange(max(1, (today - start).days)))

    Talk.objects.bulk_create(
        (
            Talk(cadre_id=c, level=rng.choice(["org", "town", "village", "village", "mentor"]),
                 talked_on=day_after(year_ago), talker=admin, topics="谈话")
            for c in cadres
            for _ in range(rng.randrange(12))
        ),
        batch_size=5_000,
    )  # fmt: skip
    now = timezone.now()
    reports = {
        (c, "monthly", (year_ago + datetime.timedelta(days=31 * m)).replace(day=1))
        for c in cadres
        for m in rng.sample(range(12), rng.randrange(12))
    } | {(c, "thought", today.replace(month=1, day=1)) for c in cadres if rng.random() < 0.5}
    SelfReport.objects.bulk_create(
        (
            SelfReport(cadre_id=c, kind=k, period_start=p, title="汇报", content="内容",
                       submitted_at=now, status=rng.choice(["submitted", "accepted", "returned"]))
            for c, k, p in reports
        ),
        batch_size=5_000,
    )  # fmt: skip
    DutyRecord.objects.bulk_create(
        (
            DutyRecord(pairing_id=p, cadre_id=c, kind=rng.choice(list(settings.QINGMIAO_MENTOR_DUTIES)),
                       done_on=day_after(start), title="履职")
            for p, c, start in pairings
            for _ in range(rng.randrange(14))
        ),
        batch_size=5_000,
    )  # fmt: skip
    GuidanceLog.objects.bulk_create(
        (
            GuidanceLog(pairing_id=p, cadre_id=c, date=day_after(start), method="exchange",
                        focus="skills", content="帮带")
            for p, c, start in pairings
            for _ in range(rng.randrange(6))
        ),
        batch_size=5_000,
    )  # fmt: skip
    # Overdue facts cost points, so the event sources have work to do.
    for kind in (
        "mentoring.talk.overdue",
        "mentoring.duty.overdue",
        "mentoring.self_report.overdue",
    ):
        if not PointRule.objects.filter(event_kind=kind).exists():
            PointRule.objects.create(
                code=kind[10:26], name=kind, category="other", event_kind=kind,
                points=Decimal("-1"), valid_from=datetime.date(2020, 1, 1),
            )  # fmt: skip


def _page(client: Client, url: str, label: str) -> None:
    page_timing(client, url, label, target_ms=200, requests=REQUESTS)


def _job(today: datetime.date, label: str) -> None:
    notes, events = Notification.objects.count(), PointEntry.objects.count()
    started = time.perf_counter()
    made = reminders_run(today)
    seconds = time.perf_counter() - started
    print(
        f"{label:44} {seconds:6.1f} s (target ≤ 30 s): "
        f"{Notification.objects.count() - notes:,} notifications, "
        f"{PointEntry.objects.count() - events:,} point entries"
    )
    for path, n in made.items():
        print(f"    {path:60} {n:7,}")


def main() -> None:
    # No setup_test_environment(): its template instrumentation (a context copy per rendered
    # template, for assertions) is not what production pays, and the page includes a template
    # per row. Only the test database handling is borrowed.
    with bench_database() as reuse:
        today = timezone.localdate()
        started = time.perf_counter()
        if not reuse:
            seed_demo(cadres=CADRES, seed=1)
            _data(today)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"{Cadre.objects.count():,} cadres, {Mentor.objects.count():,} mentors, "
            f"{Pairing.objects.count():,} pairings, {Talk.objects.count():,} talks, "
            f"{SelfReport.objects.count():,} self-reports, {DutyRecord.objects.count():,} duty "
            f"records, {GuidanceLog.objects.count():,} guidance logs "
            f"({time.perf_counter() - started:.0f} s to create)"
        )
        town = Unit.objects.get(depth=1)
        admin = Client(HTTP_HOST="localhost")
        admin.force_login(User.objects.get(username="admin"))
        staff = Client(HTTP_HOST="localhost")
        staff.force_login(User.objects.get(username="orgstaff"))
        _page(admin, "/mentoring/compliance/", "board by unit, whole county (admin)")
        _page(staff, "/mentoring/compliance/", f"board by unit, {town.name} (orgstaff)")
        _page(
            admin, "/mentoring/compliance/?view=mentors", "board by mentor, 3,000 mentors (admin)"
        )
        _page(staff, f"/mentoring/compliance/?view=mentors&unit={town.pk}&page=20",
              "board by mentor, page 20 (orgstaff)")  # fmt: skip
        if reuse and "--no-job" not in sys.argv:
            # Start the job from scratch on the kept data: what an earlier run wrote goes (the
            # ledger refuses DELETE row by row; TRUNCATE is fine on this throw-away copy).
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE core_notification, scoring_pointentry CASCADE")
        if "--no-job" not in sys.argv:
            _job(today, "daily job, first run")
            _job(today, "daily job, second run (nothing new)")
            _job(today + DAY, "daily job, next day")


if __name__ == "__main__":
    main()
