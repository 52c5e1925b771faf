"""Study-trip reports (调研报告): a participant uploads theirs; the activity page lists them
for those who may see them; files are served only through the scoped download view."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import form_saved
from core.uploads import file_download
from training.choices import ActivityType
from training.forms_trip_reports import TripReportForm
from training.models import Participant
from training.selectors import activities_visible_to
from training.selectors.trip_reports import trip_reports_visible_to
from training.services.trip_reports import trip_report_refusal, trip_report_submit


def _own(activity, user) -> Participant | None:
    return (
        Participant.objects.filter(activity=activity, cadre__user=user)
        .select_related("trip_report")
        .first()
        if user.has_perm("training.add_tripreport")
        else None
    )


def trip_report_context(request, activity) -> dict:
    """For the activity page: the reports the viewer may see, and their own upload form."""
    if activity.type != ActivityType.STUDY_TRIP:
        return {"trip_reports": None}
    user = request.user
    own = _own(activity, user)
    own_report = getattr(own, "trip_report", None) if own else None
    may_upload = own is not None and trip_report_refusal(activity, own, timezone.now()) is None
    reports = (
        trip_reports_visible_to(user)
        .filter(participant__activity=activity)
        .select_related("participant__cadre", "participant__cadre__unit")
        .order_by("participant__cadre__name_pinyin", "id")
    )
    return {
        "trip_reports": list(reports),
        "own_report": own_report,
        "trip_report_form": TripReportForm(initial={"title": getattr(own_report, "title", "")})
        if may_upload
        else None,
    }


@login_required
@permission_required("training.add_tripreport", raise_exception=True)
def trip_report_upload(request, pk: int):
    activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
    own = _own(activity, request.user)
    own_report = getattr(own, "trip_report", None) if own else None
    refusal = trip_report_refusal(activity, own, timezone.now())
    initial = {"title": getattr(own_report, "title", "")}
    form = TripReportForm(request.POST or None, request.FILES or None, initial=initial)
    save = partial(trip_report_submit, activity=activity, user=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("调研报告已提交。"))
        return redirect("activity_detail", pk=activity.pk)
    context = {"activity": activity, "form": form, "refusal": refusal, "own_report": own_report}
    status = 400 if request.method == "POST" else 200
    return render(request, "training/trip_reports/upload.html", context, status=status)


@login_required
@permission_required("training.view_tripreport", raise_exception=True)
def trip_report_download(request, pk: int):
    report = get_object_or_404(
        trip_reports_visible_to(request.user).select_related("participant__cadre"), pk=pk
    )
    return file_download(report.file, filename=f"trip-report-{report.pk}")
