import time

from django.core.management.base import BaseCommand, CommandError

from cadres.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create deterministic demo data (金城镇, 磐石计划, mentors, demo accounts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cadres", type=int, default=300, help="number of cadres (default 300)"
        )
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")

    def handle(self, *args, cadres: int, seed: int, **options):
        if cadres < 1:
            raise CommandError("--cadres must be at least 1")
        started = time.perf_counter()
        try:
            summary = seed_demo(cadres=cadres, seed=seed)
        except RuntimeError as exc:
            raise CommandError(f"{exc}: use a fresh database (or `manage.py flush`)") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.units} units, {summary.cadres} cadres, {summary.mentors} mentors "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, role in summary.users:
            self.stdout.write(f"  {username:<10} {role}")
