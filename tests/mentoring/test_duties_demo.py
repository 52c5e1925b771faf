"""The demo's mentor duties: records for current pairings only, never in the future nor
outside a pairing, some duties left overdue, points for recent records."""

import datetime
import random

from django.utils import timezone

from mentoring.demo_duties import seed_duties
from mentoring.models import DutyRecord
from mentoring.selectors.duties import duty_standings
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.duties_helpers import rule


def test_seed_duties_for_current_pairings_with_some_overdue(world):
    rule("mentoring.duty.done")
    today = timezone.localdate()
    ended = f.PairingFactory(
        cadre=world["cadres"]["bystander"], end_date=today - datetime.timedelta(days=1),
        status="ended",
    )  # fmt: skip
    others = [f.CadreFactory(unit=world["units"]["office"]) for _ in range(15)]
    pairings = [f.PairingFactory(cadre=c, mentor__unit=world["units"]["town"]) for c in others]
    cadres = [*world["cadres"].values(), *others]
    count = seed_duties(cadres=cadres, users=world["users"], rng=random.Random(7), today=today)
    records = DutyRecord.objects.all()
    assert count == records.count() > 0
    assert not records.filter(pairing=ended).exists()
    assert not records.filter(done_on__gt=today).exists()
    assert not records.filter(done_on__lt=datetime.date(2022, 1, 1)).exists()
    # The demo mentor account's records went through the service.
    assert records.filter(created_by=world["users"]["mentor"]).exists()
    standings = duty_standings(pairings, today)
    statuses = [s.status for rows in standings.values() for s in rows]
    assert "overdue" in statuses and "done" in statuses
    scored = set(
        PointEntry.objects.filter(event_kind="mentoring.duty.done").values_list("source", flat=True)
    )
    recent = records.filter(done_on__gte=today - datetime.timedelta(days=90))
    assert {f"mentoring.dutyrecord:{r.pk}#1" for r in recent} <= scored
    assert len(scored) < count  # older history carried over from paper is not scored
