"""Standings over 10,000 cadres and 1,000,000 ledger entries.

Prints the time to compute one quarter's standings (totals, ranks overall / in the unit / in
the cohort, percentile; `scoring.selectors.standings`, fully fetched into `Standing` rows)
without and with the trend period (the previous quarter), the time of a bare
`SELECT cadre_id, SUM(points) … GROUP BY cadre_id` over the same rows, and their ratio
(target ≤ 2); the read of a published period's table (`published_table`); and the cadre's
own points page (`my_points`): its query count and p50/p95 over 50 requests (target
p95 ≤ 150 ms).

PostgreSQL only; a throw-away test database is created and dropped. The tables are vacuumed
and analysed after loading, as autovacuum would have done in production.

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

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from cadres.demo import seed_demo  # noqa: E402
from cadres.models import Unit  # noqa: E402
from core.models import User  # noqa: E402
from scoring import services  # noqa: E402
from scoring.models import PointEntry  # noqa: E402
from scoring.selectors import published_table, standings  # noqa: E402

ENTRIES = 1_000_000
CADRES = 10_000
START, END = datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)
PREVIOUS = (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))
REPEATS = 9
REQUESTS = 50


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
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load


def _bare_sum(start: datetime.date, end: datetime.date):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cadre_id, SUM(points) FROM scoring_pointentry "
            "WHERE occurred_on BETWEEN %s AND %s GROUP BY cadre_id",
            [start, end],
        )
        return cursor.fetchall()


def _timed(functions: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Median milliseconds of each function, the functions interleaved so that a busy
    moment on the machine weighs on all of them alike."""
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def _standings_figures(staff: User) -> None:
    rows = standings(user=staff, start=START, end=END, previous=PREVIOUS)
    print(f"cadres ranked: {len(rows):,}")
    ms = _timed(
        {
            "quarter": lambda: standings(user=staff, start=START, end=END),
            "quarter bare": lambda: _bare_sum(START, END),
            "trend": lambda: standings(user=staff, start=START, end=END, previous=PREVIOUS),
            "trend bare": lambda: _bare_sum(PREVIOUS[0], END),
        }
    )
    print(f"{'standings, quarter only + ranks':52} {ms['quarter']:7.0f} ms")
    print(f"{'bare SUM … GROUP BY over the quarter rows':52} {ms['quarter bare']:7.0f} ms")
    print(f"{'standings, quarter + previous quarter + ranks':52} {ms['trend']:7.0f} ms")
    print(f"{'bare SUM … GROUP BY over both quarters rows':52} {ms['trend bare']:7.0f} ms")
    print(f"ratio quarter only:  {ms['quarter'] / ms['quarter bare']:.2f} (target ≤ 2)")
    print(f"ratio with trend:    {ms['trend'] / ms['trend bare']:.2f} (target ≤ 2)")


def _published_figures(staff: User, cadre_user: User):
    """Publish 2024 Q1 for the town (the snapshot is itself a standings computation with
    the six-dimension profile) and time reading the stored table back."""
    town = Unit.objects.get(depth=1)
    period = services.period_create(
        actor=staff, name="2024年第一季度", unit=town, start=START, end=END
    )
    started = time.perf_counter()
    period = services.period_publish(period=period, actor=staff, today=datetime.date(2024, 4, 8))
    print(
        f"{'publishing 2024 Q1 (snapshot of 10,000 lines)':52} "
        f"{(time.perf_counter() - started) * 1000:7.0f} ms"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scoring_periodstanding")  # as autovacuum would after 10,000 rows
    ms = _timed(
        {
            "staff": lambda: list(published_table(period, staff)),
            "cadre": lambda: list(published_table(period, cadre_user)),
        }
    )
    print(f"{'published table, all 10,000 lines (as orgstaff)':52} {ms['staff']:7.0f} ms")
    print(f"{'published table, own line (as the cadre)':52} {ms['cadre']:7.1f} ms")
    return period


def _points_page_figures(cadre_user: User) -> None:
    try:
        url = reverse("my_points")
    except NoReverseMatch:
        print("points page: not built yet")
        return
    client = Client(HTTP_HOST="localhost")
    client.force_login(cadre_user)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    query_count = len(queries.captured_queries)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"points page {url} as the cadre: {query_count} queries, "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms (target ≤ 150 ms)"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        seed_demo(cadres=CADRES, seed=1)
        print(f"seed_demo --cadres {CADRES:,}: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        _fill_ledger()
        print(
            f"ledger filled: {ENTRIES:,} entries in {time.perf_counter() - started:.1f} s "
            f"({PointEntry.objects.count():,} in all with the demo's own)"
        )
        staff = User.objects.get(username="orgstaff")
        cadre_user = User.objects.get(username="cadre")
        _standings_figures(staff)
        _published_figures(staff, cadre_user)
        _points_page_figures(cadre_user)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
