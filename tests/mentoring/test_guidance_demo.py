"""The demo's guidance logs: created for current pairings only, with their points."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from mentoring.demo_guidance import seed_guidance
from mentoring.models import GuidanceLog
from scoring.models import PointEntry, PointRule
from tests import factories as f


def test_seed_guidance_logs_current_pairings_with_points(world):
    PointRule.objects.create(
        code="DB-01", name="导师帮带", category="learn", event_kind="mentoring.guidance.logged",
        points=Decimal("1"), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    today = timezone.localdate()
    ended = f.PairingFactory(
        cadre=world["cadres"]["bystander"], end_date=today - datetime.timedelta(days=1)
    )
    others = [f.CadreFactory(unit=world["units"]["office"]) for _ in range(8)]
    for cadre in others:
        f.PairingFactory(cadre=cadre, mentor__unit=world["units"]["town"])
    cadres = [*world["cadres"].values(), *others]
    count = seed_guidance(cadres=cadres, users=world["users"], rng=random.Random(4), today=today)
    logs = GuidanceLog.objects.all()
    assert count == logs.count() > 0
    assert not logs.filter(pairing=ended).exists()
    assert not logs.filter(date__gt=today).exists()
    assert PointEntry.objects.filter(event_kind="mentoring.guidance.logged").count() == count
