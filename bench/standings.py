"""Standings over 10,000 cadres and 1,000,000 ledger entries.

Prints the time to compute one quarter's standings (totals, previous quarter, ranks,
percentile; `scoring.selectors.standings`, fully fetched), the time of a bare
`SELECT cadre_id, SUM(points) … GROUP BY cadre_id` over the same rows, and their ratio
(target ≤ 2). PostgreSQL only; a throw-away test database is created and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/standings.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import datetime  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from cadres.demo import seed_demo  # noqa: E402
from core.models import User  # noqa: E402
from scoring.selectors import standings  # noqa: E402

ENTRIES = 1_000_000
START, END = datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)
PREVIOUS = (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))


def _fill_ledger() -> None:
    """1,000,000 entries spread over 2023–2024 for every cadre, written by the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM cadres_cadre")
        low, high = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO scoring_pointentry
                (cadre_id, points, kind, event_kind, source, occurred_on, reason, created_at)
            SELECT %s + (g %% (%s - %s + 1)), ((g %% 7) - 2)::numeric, 'manual', '', '',
                   DATE '2023-01-01' + (g %% 730), 'bench', now()
            FROM generate_series(1, %s) AS g
            """,
            [low, high, low, ENTRIES],
        )
        cursor.execute("ANALYZE scoring_pointentry")


def _time(fn, repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seed_demo(cadres=10_000, seed=1)
        started = time.perf_counter()
        _fill_ledger()
        print(f"ledger filled: {ENTRIES:,} entries in {time.perf_counter() - started:.1f} s")
        staff = User.objects.get(username="orgstaff")

        def full_standings():
            return list(standings(user=staff, start=START, end=END, previous=PREVIOUS))

        def bare_sum():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT cadre_id, SUM(points) FROM scoring_pointentry "
                    "WHERE occurred_on BETWEEN %s AND %s GROUP BY cadre_id",
                    [START, END],
                )
                return cursor.fetchall()

        def bare_sum_both():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT cadre_id, SUM(points) FROM scoring_pointentry "
                    "WHERE occurred_on BETWEEN %s AND %s GROUP BY cadre_id",
                    [PREVIOUS[0], END],
                )
                return cursor.fetchall()

        def current_only():
            return list(standings(user=staff, start=START, end=END))

        rows = full_standings()
        figures = [
            ("standings, quarter + previous quarter + ranks", _time(full_standings)),
            ("bare SUM … GROUP BY over both quarters' rows", _time(bare_sum_both)),
            ("standings, quarter only + ranks", _time(current_only)),
            ("bare SUM … GROUP BY over the quarter's rows", _time(bare_sum)),
        ]
        print(f"cadres ranked: {len(rows):,}")
        for label, seconds in figures:
            print(f"{label:48} {seconds * 1000:6.0f} ms")
        print(f"ratio with trend:    {figures[0][1] / figures[1][1]:.2f} (target ≤ 2)")
        print(f"ratio quarter only:  {figures[2][1] / figures[3][1]:.2f} (target ≤ 2)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
