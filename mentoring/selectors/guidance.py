"""Scoped reads of guidance logs (帮带记录)."""

from django.db.models import Prefetch, Q, QuerySet

from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from mentoring.models import GuidanceLog, GuidanceTask, Pairing
from mentoring.selectors.pool import current_pairings


def guidance_logs_visible_to(user) -> QuerySet[GuidanceLog]:
    """Administrators all; staff and leaders their subtree's; a mentor the logs of their own
    current pairings (never another mentor's, even for a shared mentee); a cadre their own."""
    if not user.is_authenticated:
        return GuidanceLog.objects.none()
    if is_admin(user):
        return GuidanceLog.objects.all()
    allowed = Q(pk__in=[])
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(cadre__unit__in=units_visible_to(user))
    if has_role(user, Role.MENTOR):
        allowed |= Q(
            pairing__in=current_pairings().filter(mentor__user=user, mentor__is_active=True)
        )
    if has_role(user, Role.CADRE):
        allowed |= Q(cadre__user=user)
    return GuidanceLog.objects.filter(allowed, cadre__in=cadres_visible_to(user))


def guidance_log_list(user) -> QuerySet[GuidanceLog]:
    """The visible logs with what a list shows, in a constant number of queries."""
    return (
        guidance_logs_visible_to(user)
        .select_related("cadre", "cadre__unit", "pairing__mentor")
        .prefetch_related(Prefetch("tasks", queryset=GuidanceTask.objects.order_by("id")))
        .order_by("-date", "-id")
    )


def my_pairings(user) -> QuerySet[Pairing]:
    """The user's current pairings as a mentor (the mentees they may log guidance for)."""
    return (
        current_pairings()
        .filter(mentor__user=user, mentor__is_active=True)
        .select_related("cadre", "cadre__unit", "mentor")
        .order_by("cadre__name_pinyin", "id")
    )
