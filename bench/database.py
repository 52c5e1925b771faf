"""The benches' throw-away PostgreSQL database: a fresh test database, dropped at the end;
with `--keep` left behind, and with `--reuse` the kept one is used again without seeding
(creating 10,000 cadres and their records takes minutes)."""

import contextlib
import sys

from django.db import connection


@contextlib.contextmanager
def bench_database(argv=None):
    """Yields True when the kept database is reused (the caller skips seeding)."""
    argv = sys.argv if argv is None else argv
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    keep, reuse = "--keep" in argv, "--reuse" in argv
    old_name = connection.settings_dict["NAME"]
    if reuse:
        connection.close()
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield reuse
    finally:
        if not (keep or reuse):
            connection.creation.destroy_test_db(old_name, verbosity=0)
