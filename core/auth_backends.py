"""The session's user is loaded with its unread notification count in the same query, so the
navbar bell costs no query of its own (`core.context_processors.notifications`)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import Notification, User


def unread_subquery() -> Coalesce:
    counted = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class ModelBackendWithUnread(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.annotate(unread_notifications=unread_subquery()).get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
