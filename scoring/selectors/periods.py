"""Read side of publication: periods, the published tables, objections and follow-ups, each
scoped like everything else (a cadre sees only their own line)."""

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Cadre
from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from scoring.choices import PeriodStatus
from scoring.models import FollowUp, Objection, PeriodStanding, ScoringPeriod
from scoring.selectors.ledger import published_periods_for


def periods_visible_to(user) -> QuerySet[ScoringPeriod]:
    """Administrators all; staff and leaders the periods of units in their subtree; a cadre
    the periods published to them."""
    if is_admin(user):
        return ScoringPeriod.objects.all()
    allowed = Q(pk__in=[])
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    if has_role(user, Role.CADRE):
        for path in Cadre.objects.filter(user=user).values_list("unit__path", flat=True):
            allowed |= Q(pk__in=published_periods_for(path).values("pk"))
    return ScoringPeriod.objects.filter(allowed)


def periods_managed_by(user) -> QuerySet[ScoringPeriod]:
    if not user.has_perm("scoring.change_scoringperiod"):
        return ScoringPeriod.objects.none()
    if is_admin(user):
        return ScoringPeriod.objects.all()
    return ScoringPeriod.objects.filter(unit__in=units_visible_to(user))


def period_list(user) -> QuerySet[ScoringPeriod]:
    return (
        periods_visible_to(user)
        .select_related("unit")
        .annotate(
            # distinct: the two joins multiply each other's rows
            open_objections=Count(
                "objections", filter=Q(objections__status=Objection.Status.OPEN), distinct=True
            ),
            open_follow_ups=Count(
                "follow_ups", filter=Q(follow_ups__status=FollowUp.Status.OPEN), distinct=True
            ),
        )
        .order_by("-end", "-id")
    )


def period_population(period: ScoringPeriod) -> QuerySet[Cadre]:
    """Who a period ranks: the serving cadres of its unit and the units below it."""
    return Cadre.objects.filter(period.unit.subtree_q("unit__"), status=CadreStatus.ACTIVE)


def period_preview(period: ScoringPeriod, *, cadre_ids=None) -> list:
    """The standings the period would publish now, live from the ledger (ranked over the
    whole population; `cadre_ids` only narrows the rows returned)."""
    from scoring.selectors.standings import previous_period, standings_of

    rows = standings_of(
        period_population(period),
        start=period.start,
        end=period.end,
        previous=previous_period(period.start, period.end),
    )
    if cadre_ids is not None:
        wanted = set(cadre_ids)
        rows = [row for row in rows if row.pk in wanted]
    return rows


def published_table(period: ScoringPeriod, user) -> QuerySet[PeriodStanding]:
    """The published rows `user` may see: staff their subtree, a cadre their own line."""
    if not period.is_published:
        return PeriodStanding.objects.none()
    return (
        PeriodStanding.objects.filter(period=period, cadre__in=cadres_visible_to(user))
        .select_related("cadre", "unit", "cohort")
        .order_by("rank", "cadre__name_pinyin", "cadre_id")
    )


def own_standings(cadre: Cadre) -> QuerySet[PeriodStanding]:
    """A cadre's published lines, newest period first (their points page)."""
    return (
        PeriodStanding.objects.filter(
            cadre=cadre, period__status__in=[PeriodStatus.PUBLISHED, PeriodStatus.CLOSED]
        )
        .select_related("period")
        .order_by("-period__end", "-period_id")
    )


def objections_visible_to(user) -> QuerySet[Objection]:
    return Objection.objects.filter(cadre__in=cadres_visible_to(user)).select_related(
        "period", "cadre", "entry", "correction", "answered_by"
    )


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    """约谈 tasks of the cadres in scope; staff-side only (a cadre is told in the talk)."""
    if not user.has_perm("scoring.view_followup"):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(cadre__in=cadres_visible_to(user)).select_related(
        "period", "cadre", "cadre__unit"
    )


def open_follow_ups(user, *, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    """Open 约谈 tasks in `user`'s scope, soonest due first, each marked `overdue` (for the
    follow-up list and the staff home page)."""
    today = today or timezone.localdate()
    return (
        follow_ups_visible_to(user)
        .filter(status=FollowUp.Status.OPEN)
        .annotate(overdue=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField()))
        .order_by("due_on", "id")
    )
