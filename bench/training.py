"""Training pages at scale: the activity list at 10,000 cadres × 2,000 activities and the
attendance page of a 200-person class.

Prints, for each page, its SQL query count and p50/p95 over 50 requests (target p95 ≤ 150 ms),
and the time to save attendance for the whole 200-person class (every row changed, each change
reported to the points ledger).

PostgreSQL only; a throw-away test database is created and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/training.py
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import page_timing  # noqa: E402
from cadres.demo import seed_demo  # noqa: E402
from cadres.models import Cadre, Unit  # noqa: E402
from core.models import User  # noqa: E402
from training import services  # noqa: E402
from training.models import Activity, Participant  # noqa: E402

CADRES = 10_000
ACTIVITIES = 2_000
PER_ACTIVITY = 50
CLASS_SIZE = 200
REQUESTS = 50


def _activities(town: Unit, staff: User) -> Activity:
    """2,000 activities over two years, 50 invited each (100,000 rows), and one 200-person
    class (the attendance page's)."""
    rng = random.Random(5)
    cadre_ids = list(Cadre.objects.values_list("pk", flat=True))
    base = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=timezone.get_current_timezone())
    activities = Activity.objects.bulk_create(
        Activity(
            title=f"专题课程{i}",
            type=rng.choice(["theory", "scarce_skills", "business", "party_spirit"]),
            unit=town,
            starts_at=base + datetime.timedelta(days=i // 3, hours=i % 3 * 2),
            ends_at=base + datetime.timedelta(days=i // 3, hours=i % 3 * 2 + 2),
            place="镇党校",
            hours=Decimal("2"),
            created_by=staff,
        )
        for i in range(ACTIVITIES)
    )
    Participant.objects.bulk_create(
        (
            Participant(activity=a, cadre_id=c, invited_by=staff)
            for a in activities
            for c in rng.sample(cadre_ids, PER_ACTIVITY)
        ),
        batch_size=5_000,
    )
    big = services.activity_create(
        actor=staff, title="年轻干部能力提升班", type="theory", theme="", unit=town,
        starts_at=base + datetime.timedelta(days=800), ends_at=base + datetime.timedelta(days=800, hours=3),
        place="县委党校报告厅", speaker="", hours=Decimal("3"), capacity=None, cost=None,
    )  # fmt: skip
    services.participants_invite(
        activity=big, cadres=Cadre.objects.filter(pk__in=cadre_ids[:CLASS_SIZE]), actor=staff
    )
    return big


def _page(client: Client, url: str, label: str) -> None:
    page_timing(client, url, label, target_ms=150, requests=REQUESTS)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seed_demo(cadres=CADRES, seed=1)
        staff = User.objects.get(username="orgstaff")
        town = Unit.objects.get(depth=1)
        started = time.perf_counter()
        big = _activities(town, staff)
        print(
            f"{Activity.objects.count():,} activities, {Participant.objects.count():,} "
            f"participants in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        _page(client, "/training/", "activity list (orgstaff)")
        _page(client, f"/training/{big.pk}/attendance/", f"attendance page, {CLASS_SIZE} people")
        marks = dict.fromkeys(big.participants.values_list("pk", flat=True), "present")
        started = time.perf_counter()
        changed = services.attendance_mark(activity=big, marks=marks, actor=staff)
        print(
            f"{'saving attendance, all ' + str(changed) + ' changed':44} "
            f"{(time.perf_counter() - started) * 1000:6.0f} ms (points reported per row)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
