import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentoring.choices import PairingStatus
from mentoring.models import Mentor, Pairing


def current_pairings(*, on: datetime.date | None = None) -> QuerySet[Pairing]:
    """Pairings in force on `on` (default today): active (not ended through `pairing_end`),
    started, and not past an end date set in advance."""
    on = on or timezone.localdate()
    return Pairing.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        start_date__lte=on,
        status=PairingStatus.ACTIVE,
    )


def mentee_ids_of_user(user) -> QuerySet:
    """Ids of the cadres currently paired with the mentor profile linked to `user` (a subquery).
    An ended pairing no longer gives its mentor sight of the cadre."""
    return current_pairings().filter(mentor__user=user, mentor__is_active=True).values("cadre_id")


def mentors_visible_to(user) -> QuerySet[Mentor]:
    """Mentors of the user's units (staff, leaders; administrators all); a mentor also sees
    their own profile, and a cadre the mentors they are or were paired with."""
    from cadres.selectors import units_visible_to

    allowed = Q(unit__in=units_visible_to(user))
    if getattr(user, "is_authenticated", False):
        allowed |= Q(user=user) | Q(
            pk__in=Pairing.objects.filter(cadre__user=user).values("mentor")
        )
    return Mentor.objects.filter(allowed).select_related("unit")
