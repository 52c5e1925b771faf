"""Cadre list page and /api/v1/cadres/ at 100 and at 10,000 cadres.

Prints, for each size: the SQL query count of one request (must be equal at both sizes),
and server-side p50/p95 over 50 requests (in-process Django test client: middleware,
scoping, filtering, pagination and rendering included; no network). Also times
`seed_demo --cadres 10000`.

Usage (PostgreSQL; a throw-away test database is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/cadre_list.py
Target on a 2-core machine: p95 ≤ 150 ms at 10,000 cadres.
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from cadres.demo import seed_demo  # noqa: E402
from core.models import User  # noqa: E402

REQUESTS = 50
URLS = {
    "cadre list page": "/cadres/",
    "cadre list page, filtered": "/cadres/?category=administrative&age_band=31_35&sort=-age",
    "cadre list page, pinyin search": "/cadres/?q=zh",
    "/api/v1/cadres/": "/api/v1/cadres/",
    "/api/v1/cadres/ filtered": "/api/v1/cadres/?is_reserve=true&age_band=le30",
}


def measure(client: Client, url: str) -> tuple[int, float, float]:
    reset_queries()  # the log is a bounded deque: a full one would hide new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Read now: the next request's request_started signal empties the log.
    query_count = len(queries.captured_queries)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return query_count, statistics.median(timings), p95


def run(size: int) -> dict[str, tuple[int, float, float]]:
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    seed_demo(cadres=size, seed=1)
    print(f"seed_demo --cadres {size}: {time.perf_counter() - started:.1f} s")
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="orgstaff"))
    return {name: measure(client, url) for name, url in URLS.items()}


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server: the figures are for production's database."
        )
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        small, large = run(100), run(10_000)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"\n{'endpoint (as orgstaff)':34} {'queries@100':>11} {'queries@10k':>11} "
        f"{'p50@10k ms':>10} {'p95@10k ms':>10} {'p95@100 ms':>10}"
    )
    worst = 0.0
    for name in URLS:
        q_small, _, p95_small = small[name]
        q_large, p50, p95 = large[name]
        worst = max(worst, p95)
        flag = "" if q_small == q_large else "  <-- query count grows with data"
        print(
            f"{name:34} {q_small:>11} {q_large:>11} {p50:>10.1f} {p95:>10.1f} {p95_small:>10.1f}{flag}"
        )
    print(f"\nworst p95 at 10,000 cadres: {worst:.1f} ms (target ≤ 150 ms)")


if __name__ == "__main__":
    main()
