import datetime
import random
import time

from django.utils import timezone

from mentoring.demo_talks import seed_talks
from mentoring.models import Talk
from mentoring.selectors.talks import overdue_talks
from scoring.models import PointEntry
from tests import factories as f
from tests.mentoring.talks_helpers import rule


def test_demo_seeds_talks_with_some_overdue_and_points(world):
    rule("mentoring.talk.recorded")
    for n in range(40):
        f.CadreFactory(unit=world["units"]["village" if n % 3 else "office"])
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    today = timezone.localdate()
    cadres = list(
        type(world["cadres"]["self"]).objects.filter(
            unit__path__startswith=world["units"]["town"].path
        )
    )
    started = time.monotonic()
    seed_talks(cadres=cadres, users=users, rng=random.Random(6), today=today)
    assert time.monotonic() - started < 3
    assert Talk.objects.filter(level="village").count() > 40 * 2 // 3 * 30
    assert Talk.objects.filter(level="mentor", talker=world["users"]["mentor"]).exists()
    assert PointEntry.objects.filter(event_kind="mentoring.talk.recorded").exists()
    overdue = overdue_talks(world["users"]["staff"], today=today)
    assert 0 < len({r.cadre.pk for r in overdue}) < len(cadres)
    assert not Talk.objects.filter(talked_on__gt=today).exists()
    assert Talk.objects.filter(talked_on__lt=today - datetime.timedelta(days=300)).exists()
