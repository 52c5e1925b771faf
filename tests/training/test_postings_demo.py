import datetime
import random
from decimal import Decimal

from scoring.models import PointEntry, PointRule
from tests import factories as f
from tests.training.postings_world import TODAY
from training.demo_postings import seed_postings
from training.models import MonthlyReport, Posting, TaskForce
from training.selectors.postings import overdue_reports


def test_seed_postings_makes_a_season(world):
    PointRule.objects.create(
        code="SJ-01", name="月报通过", category="practice",
        event_kind="training.posting.report.accepted", points=Decimal("1"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    town = world["units"]["town"]
    units = [
        world["units"]["office"],
        world["units"]["village"],
        f.make_unit("西浦村", town, kind="village"),
    ]
    cadres = [f.CadreFactory(unit=units[i % 3]) for i in range(14)]
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    counts = seed_postings(
        cadres=cadres, town=town, units=units, users=users, rng=random.Random(5), today=TODAY
    )
    assert Posting.objects.count() == counts["postings"] == 12
    assert set(Posting.objects.values_list("type", flat=True)) == {
        "village", "rotation", "task_force", "shadowing", "secondment"
    }  # fmt: skip
    assert TaskForce.objects.get().postings.count() == 4
    assert MonthlyReport.objects.filter(status="accepted").count() > 10
    assert Posting.objects.exclude(assessment="").count() == 2
    assert overdue_reports(Posting.objects.all(), today=TODAY)
    accepted = MonthlyReport.objects.filter(status="accepted").count()
    assert PointEntry.objects.filter(event_kind="training.posting.report.accepted").count() == (
        accepted
    )
