"""Demo mentoring for the demo town: guidance logs, talks, mentor duties and self-reports (some overdue), seeded through
the services where the points follow."""

import datetime
import random

from mentoring.demo_duties import seed_duties
from mentoring.demo_guidance import seed_guidance
from mentoring.demo_self_reports import seed_self_reports
from mentoring.demo_talks import seed_talks

SEEDERS = [seed_guidance, seed_talks, seed_self_reports, seed_duties]


def seed_mentoring(*, cadres, users, seed: int, today: datetime.date) -> None:
    for index, seeder in enumerate(SEEDERS):
        rng = random.Random(seed * 15485863 + index)
        seeder(cadres=cadres, users=users, rng=rng, today=today)
