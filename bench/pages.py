"""Timing a page as the benches do: one warm-up request, the SQL query count of one request,
then p50 / p95 of `requests` more, printed on one line against a target."""

import statistics
import time

from django.db import connection


def page_timing(client, url: str, label: str, *, target_ms: int, requests: int = 50) -> None:
    client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"{label:44} {len(queries):3} queries  p50 {statistics.median(times):6.1f} ms  "
        f"p95 {p95:6.1f} ms (target ≤ {target_ms} ms)"
    )
