import random
import time

from django.utils import timezone

from cadres.models import Cadre
from mentoring.demo_self_reports import seed_self_reports
from mentoring.models import SelfReport
from mentoring.selectors.self_reports import awaiting_review, self_report_overdue
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.talks_helpers import rule


def test_demo_seeds_reports_awaiting_review_one_returned_and_some_overdue(world):
    rule("mentoring.self_report.accepted", "0.5")
    for n in range(40):
        f.CadreFactory(unit=world["units"]["village" if n % 3 else "office"])
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    today = timezone.localdate()
    cadres = list(Cadre.objects.filter(unit__path__startswith=world["units"]["town"].path))
    started = time.monotonic()
    seed_self_reports(cadres=cadres, users=users, rng=random.Random(6), today=today)
    assert time.monotonic() - started < 5
    assert SelfReport.objects.filter(kind="monthly").count() > len(cadres) * 6
    assert SelfReport.objects.filter(kind="thought").exists()
    assert awaiting_review(world["users"]["staff"]).exists()
    assert (
        awaiting_review(world["users"]["mentor"]).exists()
        or not SelfReport.objects.filter(
            cadre=world["cadres"]["mentee"], status="submitted"
        ).exists()
    )
    returned = SelfReport.objects.get(status="returned")
    assert returned.cadre.user == world["users"]["cadre"] and returned.review_note
    assert PointEntry.objects.filter(event_kind="mentoring.self_report.accepted").exists()
    overdue = self_report_overdue(world["users"]["staff"], today=today)
    assert 0 < len({r.cadre.pk for r in overdue}) < len(cadres)
    assert not SelfReport.objects.filter(period_start__gt=today).exists()
