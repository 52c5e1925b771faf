"""The demo seeds of written output and collective activities: realistic, through the
services (points follow where rules exist), and fast."""

import datetime
import random
import time

import pytest

from cadres.models import Cadre, Unit
from core.models import User
from scoring.models import PointEntry
from tests.training.writing_helpers import rule
from training.demo_writing import seed_collective, seed_writing
from training.models import CollectiveActivity, CollectiveParticipation, Writing


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_seeds(world):
    from tests import factories as f

    town = world["units"]["town"]
    units = [world["units"]["office"], world["units"]["village"]]
    for index in range(60):
        f.CadreFactory(unit=units[index % 2])
    cadres = list(Cadre.objects.filter(unit__path__startswith=town.path).order_by("id"))
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    for level in ("town", "district", "city", "province", "national"):
        rule(f"training.writing.adopted.{level}", "2", f"XC-{level}")
    rule("training.collective.volunteer", "1", "JT-01")
    today = datetime.date(2025, 11, 20)

    started = time.monotonic()
    made = seed_writing(cadres=cadres, town=town, units=units, users=users,
                        rng=random.Random(7), today=today)  # fmt: skip
    joined = seed_collective(cadres=cadres, town=town, units=units, users=users,
                             rng=random.Random(7), today=today)  # fmt: skip
    elapsed = time.monotonic() - started
    assert elapsed < 10

    assert made == Writing.objects.count() == 40
    statuses = dict.fromkeys(("accepted", "submitted", "returned"), 0)
    for status in Writing.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses["accepted"] >= 25 and statuses["submitted"] >= 3 and statuses["returned"] >= 2
    assert Writing.objects.filter(cadre__user=world["users"]["cadre"]).count() == 4
    assert len(set(Writing.objects.values_list("kind", flat=True))) == 3
    assert not Writing.objects.filter(published_on__gt=today).exists()
    adopted = Writing.objects.filter(status="accepted").exclude(level="").count()
    assert (
        PointEntry.objects.filter(event_kind__startswith="training.writing.")
        .filter(reversed_by__isnull=True, reverses__isnull=True)
        .count()
        == adopted
    )

    activities = CollectiveActivity.objects.all()
    assert activities.count() == 8
    assert {a.held_on.year for a in activities} == {2025}
    for activity in activities:
        assert 10 <= activity.participations.count() <= 31
    assert joined == CollectiveParticipation.objects.count()
    volunteers = CollectiveParticipation.objects.filter(activity__kind="volunteer").count()
    assert (
        PointEntry.objects.filter(event_kind="training.collective.volunteer").count() == volunteers
    )
    assert Unit.objects.exists() and User.objects.exists()


def test_seeds_without_rules_are_quick(world):
    from tests import factories as f

    town = world["units"]["town"]
    units = [world["units"]["office"], world["units"]["village"]]
    f.CadreFactory.create_batch(40, unit=units[0])
    cadres = list(Cadre.objects.order_by("id"))
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    started = time.monotonic()
    seed_writing(cadres=cadres, town=town, units=units, users=users, rng=random.Random(3),
                 today=datetime.date(2025, 11, 20))  # fmt: skip
    seed_collective(cadres=cadres, town=town, units=units, users=users, rng=random.Random(3),
                    today=datetime.date(2025, 11, 20))  # fmt: skip
    elapsed = time.monotonic() - started
    assert elapsed < 5
    assert not PointEntry.objects.exists()


def test_collective_seed_early_in_the_year(world):
    town = world["units"]["town"]
    cadres = list(Cadre.objects.all())
    users = {**world["users"], "orgstaff": world["users"]["staff"]}
    seed_collective(cadres=cadres, town=town, units=[world["units"]["office"]], users=users,
                    rng=random.Random(1), today=datetime.date(2026, 1, 3))  # fmt: skip
    dates = set(CollectiveActivity.objects.values_list("held_on", flat=True))
    assert all(datetime.date(2026, 1, 1) <= d <= datetime.date(2026, 1, 3) for d in dates)
