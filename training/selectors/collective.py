"""Scoped reads of collective activities (集体活动) for pages, the API and exports."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from training.models import CollectiveActivity, CollectiveParticipation


def collectives_visible_to(user) -> QuerySet[CollectiveActivity]:
    """Administrators all; staff and leaders those organised in their subtree; anyone else
    the activities a cadre they may see took part in (a cadre: their own; a mentor: their
    mentees')."""
    if is_admin(user):
        return CollectiveActivity.objects.all()
    allowed = Q(
        pk__in=CollectiveParticipation.objects.filter(cadre__in=cadres_visible_to(user)).values(
            "activity_id"
        )
    )
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    return CollectiveActivity.objects.filter(allowed)


def collectives_managed_by(user) -> QuerySet[CollectiveActivity]:
    if not user.has_perm("training.change_collectiveactivity"):
        return CollectiveActivity.objects.none()
    if is_admin(user):
        return CollectiveActivity.objects.all()
    return CollectiveActivity.objects.filter(unit__in=units_visible_to(user))


def collective_list(user) -> QuerySet[CollectiveActivity]:
    """Activities with their participant count (a correlated subquery on the participation
    index, so a page counts only its own rows)."""
    rows = (
        CollectiveParticipation.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        collectives_visible_to(user)
        .select_related("unit")
        .annotate(participants=Coalesce(Subquery(rows), 0))
        .order_by("-held_on", "-id")
    )


def collective_roll(activity: CollectiveActivity, user) -> QuerySet[CollectiveParticipation]:
    """The participants of an activity that `user` may see."""
    return (
        activity.participations.filter(cadre__in=cadres_visible_to(user))
        .select_related("cadre", "cadre__unit", "recorded_by")
        .order_by("cadre__name_pinyin", "id")
    )
