import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from cadres.models import Cadre, Unit
from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role
from scoring.choices import PeriodStatus
from scoring.models import Declaration, PointEntry, ScoringPeriod


def periods_covering(unit_path: str, statuses) -> QuerySet[ScoringPeriod]:
    """Periods in `statuses` whose scope contains the unit with this path."""
    return ScoringPeriod.objects.filter(
        status__in=statuses, unit__path__in=Unit.lineage_paths(unit_path)
    )


def published_periods_for(unit_path: str) -> QuerySet[ScoringPeriod]:
    """Periods published (or closed) for a scope containing the unit with this path."""
    return periods_covering(unit_path, [PeriodStatus.PUBLISHED, PeriodStatus.CLOSED])


def entries_visible_to(user) -> QuerySet[PointEntry]:
    """Ledger rows of the cadres `user` may see. A cadre sees their own entries only in
    periods that have been published to them (公示); staff and administrators see
    everything in their scope as it is recorded."""
    if not getattr(user, "is_authenticated", False):
        return PointEntry.objects.none()
    entries = PointEntry.objects.filter(cadre__in=cadres_visible_to(user))
    if has_role(user, Role.ADMIN, Role.STAFF):
        return entries
    for cadre_id, path in Cadre.objects.filter(user=user).values_list("pk", "unit__path"):
        shown = Q(pk__in=[])
        for start, end in published_periods_for(path).values_list("start", "end"):
            shown |= Q(occurred_on__range=(start, end))
        entries = entries.exclude(Q(cadre_id=cadre_id) & ~shown)
    return entries


def points_total(*, cadre: Cadre, start: datetime.date, end: datetime.date) -> Decimal:
    """A cadre's total for a period: by definition the sum of their entries in it."""
    total = PointEntry.objects.filter(cadre=cadre, occurred_on__range=(start, end)).aggregate(
        total=Sum("points")
    )["total"]
    return total or Decimal("0")


def managed_cadres(user) -> QuerySet[Cadre]:
    """Cadres whose points and declarations `user` manages: those in the user's unit
    subtree (administrators: all). Seeing a cadre as their mentor does not count."""
    return cadres_visible_to(user).filter(unit__in=units_visible_to(user))


def declarations_visible_to(user) -> QuerySet[Declaration]:
    """A cadre's own declarations, plus, for reviewers, those of the cadres they manage."""
    allowed = Q(cadre__in=cadres_visible_to(user).filter(user=user))
    if user.has_perm("scoring.change_declaration"):
        allowed |= Q(cadre__in=managed_cadres(user))
    return Declaration.objects.filter(allowed)


def declarations_reviewable_by(user) -> QuerySet[Declaration]:
    return Declaration.objects.filter(cadre__in=managed_cadres(user))
