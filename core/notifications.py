"""In-app notifications (站内通知): writing them in bulk without duplicates, marking them read,
and the reads behind the navbar bell, the notifications page and the API.

A notification is addressed by (user, key): `notify_many` ignores a row whose user already has
that key, so reminder jobs can run as often as they like. When SMTP is configured
(`EMAIL_HOST`), each new notification is also mailed to its user after the transaction commits;
a failed mail is logged and never undoes or blocks anything."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationRow:
    user_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    level: str = Notification.Level.INFO


@transaction.atomic
def notify_many(rows: Iterable[NotificationRow]) -> int:
    """Insert the rows that are new (by user and key), in one statement; returns how many were
    new. Rows repeated within `rows` count once."""
    unique: dict[tuple[int, str], NotificationRow] = {}
    for row in rows:
        unique.setdefault((row.user_id, row.key), row)
    if not unique:
        return 0
    existing = set(
        Notification.objects.filter(
            user_id__in={user_id for user_id, _ in unique}, key__in={key for _, key in unique}
        ).values_list("user_id", "key")
    )
    new = [row for pair, row in unique.items() if pair not in existing]
    # ignore_conflicts: a concurrent run inserting the same (user, key) is not an error.
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=row.user_id, key=row.key, title=row.title, body=row.body, url=row.url,
                level=row.level,
            )
            for row in new
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )  # fmt: skip
    if new and settings.EMAIL_HOST:
        transaction.on_commit(lambda: _mail(new))
    return len(new)


def _mail(rows: list[NotificationRow]) -> None:
    from core.models import User

    emails = dict(
        User.objects.filter(pk__in={row.user_id for row in rows}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    site = settings.QINGMIAO_SITE_URL.rstrip("/")
    for row in rows:
        if row.user_id not in emails:
            continue
        body = row.body
        if row.url and site:
            body = f"{body}\n\n{site}{row.url}".strip()
        try:
            send_mail(row.title, body, None, [emails[row.user_id]], fail_silently=False)
        except Exception:  # a mail server down must never break the job
            logger.exception("notification mail to user %s failed (%s)", row.user_id, row.key)


def mark_read(*, notification: Notification, actor) -> Notification:
    """Mark one of the actor's own notifications read (again: keeps the first read time)."""
    if notification.user_id != actor.pk:
        raise PermissionError("not the actor's notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return unread_of(actor).update(read_at=timezone.now())


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_of(user) -> QuerySet[Notification]:
    return notifications_of(user).filter(read_at__isnull=True)


def unread_count(user) -> int:
    return unread_of(user).count()
