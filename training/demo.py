"""A season of training for the demo town: each part seeds through its own services, so the
points, attendance and results follow as they would in real use."""

import datetime
import random

from training.demo_activities import seed_activities
from training.demo_forums import seed_forums
from training.demo_fund import seed_fund
from training.demo_postings import seed_postings
from training.demo_research import seed_research
from training.demo_writing import seed_collective, seed_writing

SEEDERS = [
    seed_activities,
    seed_fund,
    seed_forums,
    seed_postings,
    seed_research,
    seed_writing,
    seed_collective,
]


def seed_training(*, cadres, town, units, users, seed: int, today: datetime.date) -> None:
    for index, seeder in enumerate(SEEDERS):
        rng = random.Random(seed * 104729 + index)
        seeder(cadres=cadres, town=town, units=units, users=users, rng=rng, today=today)
