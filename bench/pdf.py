"""Growth-record PDFs (成长档案PDF): seconds per record, WeasyPrint alone, and the batch export.

Creates the demo county (`seed_demo`: a year of classes, forums, postings, mentoring and
points, dated from 1 January) in a throw-away test database, picks the cadre with the most
timeline items, and prints:

- seconds per growth-record PDF through `growth_record_pdf` (selectors + template + WeasyPrint),
  median of 20 (target ≤ 1.0 s);
- WeasyPrint alone on the same pre-rendered HTML (`html_to_pdf`), median of 20, and the ratio
  of the two (target ≤ 1.3);
- the batch export (`growth_export_request` → task) of 200 records in one process (inline,
  i.e. one worker's work without the broker), in records per second.

When no timeline source is registered yet (`core.growth.SOURCES` empty), a stand-in source
gives every cadre a full year of items in every section (about 150), so the PDF has the size a
real record has; the output says which was used.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qingmiao .venv/bin/python bench/pdf.py
"""

import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from cadres.demo import seed_demo  # noqa: E402
from cadres.models import Cadre  # noqa: E402
from core import growth  # noqa: E402
from core.growth import GrowthItem, GrowthKind  # noqa: E402
from core.models import User  # noqa: E402
from reports.models import GrowthExport  # noqa: E402
from reports.pdf import PDF_FONTS, html_to_pdf  # noqa: E402
from reports.services.growth_exports import growth_export_request  # noqa: E402
from reports.services.growth_pdf import growth_record_context, growth_record_pdf  # noqa: E402

RUNS = 20
BATCH = 200
# A year of one cadre, per section: what the programme asks of a cadre in a year.
PER_YEAR = {
    GrowthKind.CLASS: 20, GrowthKind.FORUM: 6, GrowthKind.POSTING: 13, GrowthKind.RESEARCH: 3,
    GrowthKind.WRITING: 12, GrowthKind.COLLECTIVE: 6, GrowthKind.GUIDANCE: 24,
    GrowthKind.TALK: 6, GrowthKind.SELF_REPORT: 16, GrowthKind.EVALUATION: 2,
    GrowthKind.POINTS: 40, GrowthKind.CAREER: 2,
}  # fmt: skip


def standin_items(*, cadres, start=None, end=None):
    """A full year of items in every section for each cadre (when no real source exists)."""
    year_start = timezone.localdate().replace(month=1, day=1)
    out = []
    for cadre in cadres:
        cadre_id = getattr(cadre, "pk", cadre)
        for kind, count in PER_YEAR.items():
            for n in range(count):
                when = year_start + datetime.timedelta(days=(n * 353 // count + cadre_id) % 360)
                if (start and when < start) or (end and when > end):
                    continue
                out.append(GrowthItem(
                    cadre_id=cadre_id, date=when, kind=kind.value,
                    title=f"{kind.label}：第{n + 1}项",
                    detail="按照县委组织部年度培养计划参加，已按要求完成并提交相关材料。",
                    points=Decimal("1.5") if n % 3 == 0 else None,
                ))  # fmt: skip
    return out


def _medians(*fns) -> list[float]:
    """Median seconds of each function over RUNS runs, run in turns (whole, alone, whole, ...)
    so that load from other processes weighs on each alike."""
    for fn in fns:
        fn()  # warm-up (fonts, templates)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, spent in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        seed_demo(cadres=BATCH + 20, seed=3)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{Cadre.objects.count():,} cadres ({time.perf_counter() - started:.0f} s to create)")
        if growth.SOURCES:
            source = f"real timeline sources ({len(growth.SOURCES)})"
        else:
            growth.SOURCES[:] = ["bench.pdf.standin_items"]
            source = "stand-in source (no timeline source registered yet)"
        admin = User.objects.get(username="admin")
        ids = list(Cadre.objects.values_list("pk", flat=True))
        counts = {}
        for item in growth.growth_items(cadres=ids):
            counts[item.cadre_id] = counts.get(item.cadre_id, 0) + 1
        cadre = Cadre.objects.select_related("unit").get(
            pk=max(ids, key=lambda i: (counts.get(i, 0), -i))
        )
        pdf = growth_record_pdf(viewer=admin, cadre=cadre)
        print(f"cadre {cadre.name} (#{cadre.pk}): {counts.get(cadre.pk, 0)} timeline items, "
              f"{len(pdf) // 1024} KB PDF; {source}")  # fmt: skip

        html = render_to_string(
            "reports/pdf/growth_record.html",
            {"pdf_fonts": PDF_FONTS, **growth_record_context(viewer=admin, cadre=cadre)},
        )
        whole, alone = _medians(
            lambda: growth_record_pdf(viewer=admin, cadre=cadre), lambda: html_to_pdf(html)
        )
        print(f"growth-record PDF, median of {RUNS}:        {whole:6.3f} s (target ≤ 1.0 s)")
        print(f"WeasyPrint alone on the same HTML:       {alone:6.3f} s")
        print(f"ratio                                    {whole / alone:6.2f}   (target ≤ 1.3)")

        batch = Cadre.objects.filter(pk__in=ids[:BATCH])
        started = time.perf_counter()
        export = growth_export_request(actor=admin, cadres=batch, title="bench")  # autocommit:
        # on_commit runs at once, and the task runs inline (no REDIS_URL: one worker's work)
        elapsed = time.perf_counter() - started
        export = GrowthExport.objects.get(pk=export.pk)
        assert export.status == "done", export.error
        print(f"batch export of {BATCH} records (inline, one process): {elapsed:6.1f} s, "
              f"{BATCH / elapsed:5.2f} records/s, ZIP {export.file.size // 1024} KB")  # fmt: skip
        export.file.delete(save=False)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
