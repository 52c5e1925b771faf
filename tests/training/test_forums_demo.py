"""The demo season of forums: one per quarter so far, past ones published with points."""

import datetime
import random
import time

from scoring.models import PointEntry
from tests import factories as f
from training.demo_forums import seed_forums
from training.models import ForumScore


def test_seed_forums(world):
    town = world["units"]["town"]
    users = dict(world["users"])
    users["orgstaff"] = users["staff"]
    cadres = [f.CadreFactory(unit=town) for _ in range(30)]
    today = datetime.date(2025, 8, 15)
    started = time.monotonic()
    forums = seed_forums(cadres=cadres, town=town, units=[world["units"]["office"]],
                         users=users, rng=random.Random(7), today=today)  # fmt: skip
    assert time.monotonic() - started < 3
    assert len(forums) == 3
    past = [fo for fo in forums if fo.results_published_at]
    assert len(past) == 2  # February and May; the August forum is on the 20th
    for forum in forums:
        assert 4 <= forum.speakers.count() <= 6
        assert forum.attendees.exists()
        assert forum.criteria.count() == 3
        assert forum.judges.count() == 3
    assert ForumScore.objects.filter(speaker__forum__in=past).exists()
    assert not ForumScore.objects.filter(speaker__forum=forums[-1]).exists()
    assert not forums[-1].attendees.filter(attended=True).exists()
    assert PointEntry.objects.filter(event_kind="training.forum.rank.1").count() == 0  # no rules
