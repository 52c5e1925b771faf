"""Set-based history rows for bulk writes.

django-simple-history records saves through signals, which bulk writes skip, and its bulk
helpers build one Python object per row. An import of 10,000 cadres instead copies the
rows it just wrote into the history table with one INSERT … SELECT per batch: the same
rows the model's HistoricalRecords would write (history type, date, user, reason).
"""

from django.db import connection
from django.utils import timezone

HISTORY_META = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def history_snapshot(*, model, pks: list[int], history_type: str, user, reason: str) -> None:
    """Record the current state of `model` rows `pks` as history entries of `history_type`
    ("+" created, "~" changed), attributed to `user` with `reason`."""
    if not pks:
        return
    history = model.history.model
    qn = connection.ops.quote_name
    copied = [f.column for f in history._meta.concrete_fields if f.name not in HISTORY_META]
    targets = [
        *copied,
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    placeholders = ", ".join(["%s"] * len(pks))
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(qn(c) for c in targets)}) "  # noqa: S608
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, %s, %s, %s "
        f"FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} IN ({placeholders})"
    )
    params = [timezone.now(), reason, history_type, getattr(user, "pk", None), *pks]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
