"""Scoped reads of study-trip reports (调研报告)."""

from django.db.models import QuerySet

from cadres.selectors import cadres_visible_to
from training.models import TripReport


def trip_reports_visible_to(user) -> QuerySet[TripReport]:
    """Reports of cadres the user may see: the uploader, staff and leaders of the uploader's
    subtree, the uploader's mentor, administrators. Needs `training.view_tripreport`."""
    if not user.has_perm("training.view_tripreport"):
        return TripReport.objects.none()
    return TripReport.objects.filter(participant__cadre__in=cadres_visible_to(user))
