"""Thin HTML views of training activities (菁学课堂): parse, call a selector or service, render.
Scoping comes from `training.selectors`; outside scope → 404, missing permission → 403."""

from functools import partial

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import units_visible_to
from core.forms import flash_service_errors, form_saved
from core.paging import paginate
from core.workbooks import xlsx_response
from training import selectors, services
from training.choices import Attendance
from training.exports_fund import activities_xlsx
from training.forms import ActivityFilterForm, ActivityForm
from training.models import Activity
from training.views import people
from training.views.trip_reports import trip_report_context

MARKS = [c for c in Attendance if c != Attendance.UNMARKED]


def _managed(request, pk: int):
    return get_object_or_404(selectors.activities_managed_by(request.user), pk=pk)


@login_required
@permission_required("training.view_activity", raise_exception=True)
def activity_list(request):
    filters = ActivityFilterForm(request.GET or None)
    activities = selectors.activity_list(request.user)
    if request.GET:
        activities = filters.filter(activities)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(activities_xlsx(activities), "training-activities.xlsx")
    page, querystring = paginate(request, activities)
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_activity"),
    }
    return render(request, "training/activity_list.html", context)


@login_required
@permission_required("training.add_activity", raise_exception=True)
def activity_create(request):
    form = ActivityForm(request.POST or None, units=units_visible_to(request.user))
    activity = form_saved(request, form, partial(services.activity_create, actor=request.user))
    if activity is not None:
        messages.success(request, _("已创建培训活动：%(title)s") % {"title": activity.title})
        return redirect("activity_detail", pk=activity.pk)
    return render(request, "training/activity_form.html", {"form": form, "activity": None})


@login_required
@permission_required("training.change_activity", raise_exception=True)
def activity_edit(request, pk: int):
    activity = _managed(request, pk)
    form = ActivityForm(
        request.POST or None, instance=activity, units=units_visible_to(request.user)
    )
    save = partial(services.activity_update, activity=activity, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("activity_detail", pk=activity.pk)
    return render(request, "training/activity_form.html", {"form": form, "activity": activity})


@login_required
@permission_required("training.view_activity", raise_exception=True)
def activity_detail(request, pk: int):
    activity = get_object_or_404(
        selectors.activities_visible_to(request.user).select_related("unit"), pk=pk
    )
    manages = (
        request.user.has_perm("training.add_participant")
        and selectors.activities_managed_by(request.user).filter(pk=activity.pk).exists()
    )
    roll = list(selectors.roll(activity, request.user))
    counts = dict.fromkeys(Attendance.values, 0)
    for row in roll:
        counts[row.attendance] += 1
    context = {
        "activity": activity,
        "roll": roll,
        "counts": [(c.label, counts[c.value]) for c in Attendance],
        "manages": manages,
        "can_edit": manages and request.user.has_perm("training.change_activity"),
        "invite_form": people.pick_form(request) if manages else None,
        "window": services.signin_window(activity),
    }
    context.update(_feedback_context(request, activity, roll))
    context.update(trip_report_context(request, activity))
    return render(request, "training/activity_detail.html", context)


def _feedback_context(request, activity, roll) -> dict:
    """The viewer's own rating form if they attended; everyone's ratings for the office."""
    from core.roles import Role, has_role

    own = next((p for p in roll if p.cadre.user_id == request.user.pk), None)
    may_rate = own is not None and own.attendance in (Attendance.PRESENT, Attendance.LATE)
    rows, summary = selectors.feedback_of(activity, request.user)
    return {
        "own_feedback": getattr(own, "feedback", None) if may_rate else None,
        "may_rate": may_rate and timezone.now() >= activity.starts_at,
        "feedback_rows": list(rows[:50])
        if has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER)
        else None,
        "feedback_summary": summary,
    }


@login_required
@require_POST
@permission_required("training.view_activity", raise_exception=True)
def activity_feedback(request, pk: int):
    activity = get_object_or_404(selectors.activities_visible_to(request.user), pk=pk)
    try:
        services.feedback_submit(
            activity=activity,
            user=request.user,
            rating=request.POST.get("rating"),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("感谢您的评价。"))
    return redirect("activity_detail", pk=activity.pk)


@login_required
@require_POST
@permission_required("training.add_participant", raise_exception=True)
def activity_invite(request, pk: int):
    activity = _managed(request, pk)
    _form, cadres = people.picked_cadres(request)
    if cadres is None:
        return redirect("activity_detail", pk=activity.pk)
    try:
        added = services.participants_invite(activity=activity, cadres=cadres, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("activity_detail", pk=activity.pk)
    messages.success(request, _("已邀请%(count)s人。") % {"count": added})
    found = services.conflicts(activity, cadres)
    if found:
        names = {c.pk: c.name for c in cadres}
        parts = [
            _("%(name)s（%(others)s）")
            % {
                "name": names[cadre_id],
                "others": "、".join(
                    f"{a.title} {timezone.localtime(a.starts_at):%m-%d %H:%M}" for a in others
                ),
            }
            for cadre_id, others in found.items()
        ]
        messages.warning(
            request,
            _("时间冲突：以下干部同一时间还有其他活动：%(list)s") % {"list": "；".join(parts)},
        )
    return redirect("activity_detail", pk=activity.pk)


@login_required
@permission_required("training.add_participant", raise_exception=True)
def activity_candidates(request, pk: int):
    """htmx partial: visible serving cadres matching the search, not yet invited."""
    activity = _managed(request, pk)
    return people.candidates(
        request,
        "training/_invite_candidates.html",
        {"activity": activity},
        Q(participations__activity=activity),
    )


@login_required
@permission_required("training.change_participant", raise_exception=True)
def attendance(request, pk: int):
    activity = _managed(request, pk)
    roll = list(selectors.roll(activity, request.user))
    if request.method == "POST":
        marks = {}
        for row in roll:
            status = request.POST.get(f"p-{row.pk}", row.attendance)
            if status != row.attendance:
                marks[row.pk] = status
        try:
            changed = (
                services.attendance_mark(activity=activity, marks=marks, actor=request.user)
                if marks
                else 0
            )
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(request, _("考勤已保存，更新%(count)s人。") % {"count": changed})
            return redirect("attendance", pk=activity.pk)
    context = {"activity": activity, "roll": roll, "marks": MARKS}
    return render(request, "training/attendance.html", context)


def _qr_context(request, activity) -> dict:
    code = services.signin_code(activity)
    url = request.build_absolute_uri(reverse("activity_signin", args=[activity.pk, code]))
    return {
        "activity": activity,
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(scale=10, omitsize=True),
        "now": timezone.now(),
    }


@login_required
@permission_required("training.change_activity", raise_exception=True)
def activity_qr(request, pk: int):
    activity = _managed(request, pk)
    context = _qr_context(request, activity)
    context["window"] = services.signin_window(activity)
    return render(request, "training/activity_qr.html", context)


@login_required
@permission_required("training.change_activity", raise_exception=True)
def activity_qr_code(request, pk: int):
    """htmx partial: the QR with the current code (the page fetches it every 20 s)."""
    activity = _managed(request, pk)
    return render(request, "training/_qr_code.html", _qr_context(request, activity))


@login_required
def activity_signin(request, pk: int, code: str):
    """扫码签到: any logged-in user may open it; the service decides (invited, window, code).
    Details of the activity are shown only to those who may see it."""
    activity = get_object_or_404(Activity, pk=pk)
    visible = selectors.activities_visible_to(request.user).filter(pk=pk).exists()
    context = {"activity": activity if visible else None, "code": code}
    if request.method != "POST":
        return render(request, "training/signin.html", context)
    now = timezone.now()
    try:
        participant = services.signin(activity=activity, user=request.user, code=code, at=now)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, "training/signin.html", context, status=400)
    context.update(
        participant=participant,
        again=participant.signed_in_at != now,
        status_label=participant.get_attendance_display(),
    )
    return render(request, "training/signin_done.html", context)
