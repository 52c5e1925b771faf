import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentoring.models import Mentor, Pairing


def current_pairings(*, on: datetime.date | None = None) -> QuerySet[Pairing]:
    on = on or timezone.localdate()
    return Pairing.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
    )


def mentee_ids_of_user(user) -> QuerySet:
    """Ids of the cadres currently paired with the mentor profile linked to `user` (a subquery)."""
    return current_pairings().filter(mentor__user=user, mentor__is_active=True).values("cadre_id")


def mentors_visible_to(user) -> QuerySet[Mentor]:
    from cadres.selectors import units_visible_to

    return Mentor.objects.filter(unit__in=units_visible_to(user)).select_related("unit")
