"""The quarterly report (季度报告) at scale: 10,000 cadres (the demo world), with a quarter's
activities and attendance, points in that quarter and the one before, written output, fund
spending and low-score follow-ups.

Prints the figures' SQL query count and time, then the whole generation (figures, PDF,
workbook, storing both) as the task runs it (target ≤ 60 s), and the file sizes.

PostgreSQL only; a throw-away test database is created and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/quarterly.py

`--keep` leaves the database behind and `--reuse` runs on it again without creating data.
"""

import datetime
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import bench_database  # noqa: E402
from cadres.demo import seed_demo  # noqa: E402
from cadres.models import Cadre, Unit  # noqa: E402
from reports.selectors.quarterly import quarter_bounds, quarterly_figures  # noqa: E402
from reports.services.quarterly import (  # noqa: E402
    last_ended_quarter,
    quarterly_report_generate,
    quarterly_report_request,
)
from scoring.models import PointEntry  # noqa: E402
from training.models import Activity, Participant, Writing  # noqa: E402

CADRES = 10_000
ACTIVITIES = 120


def _data(year: int, quarter: int) -> None:
    rng = random.Random(5)
    start, end = quarter_bounds(year, quarter)
    p_start = quarter_bounds(year - (quarter == 1), 4 if quarter == 1 else quarter - 1)[0]
    units = list(Unit.objects.all())
    cadres = list(Cadre.objects.values_list("pk", flat=True))
    tz = timezone.get_current_timezone()
    days = (end - start).days
    activities = Activity.objects.bulk_create(
        Activity(
            title=f"课程{i}", type=rng.choice(["theory", "scarce_skills", "business", "party_spirit",
                                              "study_trip"]),
            unit=rng.choice(units),
            starts_at=datetime.datetime.combine(start + datetime.timedelta(days=rng.randrange(days)),
                                                datetime.time(9), tzinfo=tz),
            ends_at=datetime.datetime.combine(end, datetime.time(11), tzinfo=tz),
            place="会议室", hours=Decimal(rng.choice(["2", "3", "4", "8"])),
        )
        for i in range(ACTIVITIES)
    )  # fmt: skip
    Participant.objects.bulk_create(
        (
            Participant(activity=a, cadre_id=c,
                        attendance=rng.choice(["present", "present", "present", "late", "leave", "absent", ""]))
            for a in activities
            for c in rng.sample(cadres, 300)
        ),
        batch_size=5_000,
        ignore_conflicts=True,
    )  # fmt: skip
    PointEntry.objects.bulk_create(
        (
            PointEntry(cadre_id=c, points=Decimal(rng.randrange(-5, 30)), kind="manual",
                       occurred_on=day + datetime.timedelta(days=rng.randrange(80)), reason="bench")
            for c in cadres
            for day in (start, p_start)
            for _ in range(rng.randrange(1, 6))
        ),
        batch_size=5_000,
    )  # fmt: skip
    Writing.objects.bulk_create(
        (
            Writing(cadre_id=c, kind=rng.choice(["gov_info", "online_comment", "news"]), title="稿件",
                    outlet="区委办", published_on=start + datetime.timedelta(days=rng.randrange(days)),
                    level=rng.choice(["", "town", "district"]),
                    status=rng.choice(["accepted", "submitted"]))
            for c in rng.sample(cadres, 3_000)
        ),
        batch_size=5_000,
    )  # fmt: skip


def main() -> None:
    with bench_database() as reuse:
        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="qingmiao-bench-quarterly-")
        year, quarter = last_ended_quarter(timezone.localdate())
        started = time.perf_counter()
        if not reuse:
            seed_demo(cadres=CADRES, seed=1)
            _data(year, quarter)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"{Cadre.objects.count():,} cadres, {Activity.objects.count():,} activities, "
            f"{Participant.objects.count():,} participants, {PointEntry.objects.count():,} point "
            f"entries ({time.perf_counter() - started:.0f} s to create); report {year}Q{quarter}"
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            figures = quarterly_figures(year=year, quarter=quarter)
            seconds = time.perf_counter() - started
        print(f"{'figures (all units)':40} {seconds:6.2f} s, {len(queries)} queries")
        print(f"    structure: {[(t.label, t.value, t.passed) for t in figures.structure.targets]}")
        for unit in (None, Unit.objects.get(depth=1)):
            report = quarterly_report_request(year=year, quarter=quarter, unit=unit, dispatch=False)
            started = time.perf_counter()
            report = quarterly_report_generate(report.pk)
            seconds = time.perf_counter() - started
            label = f"generation, {unit.name if unit else 'all units'}"
            print(
                f"{label:40} {seconds:6.2f} s (target ≤ 60 s): {report.status} {report.error}"
                f" PDF {report.pdf.size // 1024 if report.pdf else 0} KB,"
                f" xlsx {report.xlsx.size // 1024 if report.xlsx else 0} KB"
            )


if __name__ == "__main__":
    main()
