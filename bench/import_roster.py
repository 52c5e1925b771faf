"""Roster import (干部花名册) of a 10,000-row workbook.

Builds a valid, varied 10,000-row roster (units existing), then prints: openpyxl alone
reading it (read-only, every cell), the dry run (preview), the real import, the
import/read ratio, peak memory and the SQL query count of the real import.

Usage (PostgreSQL; a throw-away test database is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/import_roster.py
    ... bench/import_roster.py --profile   # also cProfile the real import (top 25)
Targets on a 2-core machine: import ≤ 15 s, import/read ≤ 3, peak ≤ 500 MB, query count
independent of the row count.
"""

import argparse
import cProfile
import gc
import io
import multiprocessing
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from cadres import choices  # noqa: E402
from cadres.models import Cadre  # noqa: E402
from cadres.resources import CadreRosterResource  # noqa: E402
from cadres.services import unit_create  # noqa: E402
from core.importing import import_workbook  # noqa: E402
from core.workbooks import read_dataset  # noqa: E402
from tests.rosterbooks import HEADERS, varied_rows, workbook  # noqa: E402

ROWS = 10_000
TOWNS = {
    "金城镇": ["党政办", "经发办", "社会事业局", "东浦村", "西岗村", "南街社区"],
    "东湖镇": ["党政办", "财政所", "湖滨村", "渔港村"],
    "西山镇": ["党政办", "农业服务中心", "山前村"],
}
READS = 3  # openpyxl's read time varies by ±15 % between runs: the ratio uses the median
TARGET_SECONDS, TARGET_RATIO, TARGET_MB = 15.0, 3.0, 500.0


def units() -> list[str]:
    paths = []
    for town_name, children in TOWNS.items():
        town = unit_create(name=town_name, kind=choices.UnitKind.TOWN, parent=None)
        paths.append(town_name)
        for child in children:
            kind = choices.UnitKind.VILLAGE if child.endswith("村") else choices.UnitKind.OFFICE
            unit_create(name=child, kind=kind, parent=town)
            paths.append(f"{town_name}/{child}")
    return paths


def _build(paths: list[str], rows: int, target: str) -> None:
    Path(target).write_bytes(workbook(HEADERS, varied_rows(rows, paths)))


def build(paths: list[str], rows: int) -> bytes:
    """Build the workbook in a child process, so that this process's peak memory is the
    import's, not the writer's (openpyxl keeps a normal workbook's cells in memory)."""
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    target = Path(name)
    child = multiprocessing.get_context("fork").Process(target=_build, args=(paths, rows, target))
    child.start()
    child.join()
    if child.exitcode != 0:
        sys.exit("building the workbook failed")
    try:
        return target.read_bytes()
    finally:
        target.unlink()


def read_alone(content: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            cells += 1
    book.close()
    return time.perf_counter() - started, cells


def run_import(content: bytes, *, dry_run: bool):
    resource_ = CadreRosterResource(actor=None)
    return import_workbook(resource=resource_, content=content, dry_run=dry_run)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def flag(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="cProfile the real import")
    parser.add_argument("--rows", type=int, default=ROWS)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the figures are for production's.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = measure(options.rows, profile=options.profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report(results, options.rows)


def measure(rows: int, *, profile: bool) -> dict:
    paths = units()
    started = time.perf_counter()
    content = build(paths, rows)
    out = {
        "build": time.perf_counter() - started,
        "size": len(content),
        "rss_before": maxrss_mb(),
    }
    gc.collect()
    reads = [read_alone(content) for _ in range(READS)]
    out["cells"] = reads[0][1]
    out["reads"] = sorted(t for t, _cells in reads)
    out["read"] = statistics.median(out["reads"])
    started = time.perf_counter()
    read_dataset(content)
    out["read_dataset"] = time.perf_counter() - started

    started = time.perf_counter()
    dry = run_import(content, dry_run=True)
    out["dry"] = time.perf_counter() - started
    assert dry.ok and dry.new == rows, (dry.file_errors, dry.errors[:5])
    out["warnings"] = len(dry.warnings)
    assert Cadre.objects.count() == 0

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        real = run_import(content, dry_run=False)
        out["import"] = time.perf_counter() - started
    assert real.saved and real.new == rows, (real.file_errors, real.errors[:5])
    assert Cadre.objects.count() == rows
    out["queries"] = len(queries.captured_queries)
    out["rss_after"] = maxrss_mb()

    started = time.perf_counter()
    again = run_import(content, dry_run=False)
    out["reimport"] = time.perf_counter() - started
    assert again.ok and again.unchanged == rows

    # Python-heap peak of one dry run, measured separately (tracemalloc slows Python down).
    gc.collect()
    tracemalloc.start()
    run_import(content, dry_run=True)
    out["traced_peak"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()

    if profile:
        call_command("flush", interactive=False, verbosity=0)
        units()
        profiler = cProfile.Profile()
        profiler.enable()
        assert run_import(content, dry_run=False).saved
        profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(20)
        out["profile"] = stream.getvalue()
    return out


def report(r: dict, rows: int) -> None:
    ratio = r["import"] / r["read"]
    peak = r["rss_after"]
    print(f"workbook: {rows:,} rows, {r['cells']:,} cells, {r['size'] / 1024 / 1024:.1f} MB")
    print(f"  built in {r['build']:.1f} s; {r['warnings']} age warnings (expected: varied ages)")
    reads = ", ".join(f"{t:.2f}" for t in r["reads"])
    print(
        f"{'openpyxl read alone (read-only, all cells)':46} {r['read']:7.2f} s   "
        f"(median of {reads})"
    )
    print(f"{'  the importer’s reader alone (read_dataset)':46} {r['read_dataset']:7.2f} s")
    print(f"{'dry run (preview)':46} {r['dry']:7.2f} s")
    print(
        f"{'real import':46} {r['import']:7.2f} s   target ≤ {TARGET_SECONDS:.0f} s   "
        f"{flag(r['import'] <= TARGET_SECONDS)}"
    )
    print(f"{'re-import, all unchanged':46} {r['reimport']:7.2f} s")
    print(
        f"{'import / read ratio':46} {ratio:7.2f}     target ≤ {TARGET_RATIO:.0f}     "
        f"{flag(ratio <= TARGET_RATIO)}"
    )
    print(
        f"{'peak RSS, whole process (ru_maxrss)':46} {peak:7.0f} MB  target ≤ {TARGET_MB:.0f} MB "
        f"{flag(peak <= TARGET_MB)}   (before the imports: {r['rss_before']:.0f} MB)"
    )
    print(f"{'tracemalloc peak of one dry run (Python heap)':46} {r['traced_peak']:7.0f} MB")
    print(
        f"{'SQL queries of the real import':46} {r['queries']:7d}     "
        f"{r['queries'] / (rows / 1000):.1f} per 1,000 rows (bounded: no per-row queries)"
    )
    print(f"{'throughput of the real import':46} {rows / r['import']:7.0f} rows/s")
    if "profile" in r:
        print("\n--- cProfile of the real import ---")
        print(r["profile"])


if __name__ == "__main__":
    main()
