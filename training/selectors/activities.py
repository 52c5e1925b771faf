from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import Role, has_role, is_admin
from training.choices import Attendance
from training.models import Activity, Participant


def activities_visible_to(user) -> QuerySet[Activity]:
    """Administrators all; staff and leaders those organised in their subtree; anyone else
    the activities a cadre they may see is invited to (a cadre: their own)."""
    if is_admin(user):
        return Activity.objects.all()
    allowed = Q(
        pk__in=Participant.objects.filter(cadre__in=cadres_visible_to(user)).values("activity_id")
    )
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    return Activity.objects.filter(allowed)


def activities_managed_by(user) -> QuerySet[Activity]:
    if not user.has_perm("training.change_activity"):
        return Activity.objects.none()
    if is_admin(user):
        return Activity.objects.all()
    return Activity.objects.filter(unit__in=units_visible_to(user))


def activity_list(user) -> QuerySet[Activity]:
    """Activities with invitation and attendance counts. The counts are correlated subqueries
    on the participants' activity index, so a page of 50 counts 50 activities' rows, not the
    whole table's."""
    participants = Participant.objects.filter(activity=OuterRef("pk")).order_by()
    attended = participants.filter(attendance__in=[Attendance.PRESENT, Attendance.LATE])

    def counted(rows):
        return Subquery(rows.values("activity").annotate(n=Count("pk")).values("n")[:1])

    return (
        activities_visible_to(user)
        .select_related("unit")
        .annotate(
            invited=Coalesce(counted(participants), 0),
            attended=Coalesce(counted(attended), 0),
        )
        .order_by("-starts_at", "-id")
    )


def roll(activity: Activity, user) -> QuerySet[Participant]:
    """The participants of an activity that `user` may see, for the attendance page."""
    return (
        activity.participants.filter(cadre__in=cadres_visible_to(user))
        .select_related("cadre", "cadre__unit")
        .order_by("cadre__name_pinyin", "id")
    )


def feedback_of(activity: Activity, user):
    """Ratings and comments of an activity's attendees that `user` may see, and their mean."""
    from django.db.models import Avg

    from training.models import Feedback

    rows = Feedback.objects.filter(
        participant__activity=activity, participant__cadre__in=cadres_visible_to(user)
    ).select_related("participant__cadre")
    return rows, rows.aggregate(mean=Avg("rating"), count=Count("pk"))
