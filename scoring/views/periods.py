"""Pages of publication (公示): scoring periods, their published table, objections (异议) and
low-score follow-ups (约谈). Staff manage, leaders read, a cadre sees only their own line.

Thin: parse, call a selector or a service, render. Scoping comes from the selectors.
"""

import datetime
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from cadres.selectors import cadre_search_q, cadres_visible_to, units_visible_to
from core.forms import flash_service_errors, form_saved, parse_id
from core.roles import Role, has_role
from core.workbooks import xlsx_response
from scoring import services
from scoring.choices import PeriodStatus
from scoring.exports import period_xlsx
from scoring.forms_periods import (
    PRESETS,
    FollowUpCompleteForm,
    FollowUpPlanForm,
    ObjectionAnswerForm,
    ObjectionForm,
    PeriodForm,
    PublishForm,
    preset_initial,
)
from scoring.models import FollowUp, Objection, PeriodStanding
from scoring.selectors import periods as selectors
from scoring.selectors.ledger import entries_visible_to


def _today() -> datetime.date:
    return timezone.localdate()


def _oversees(user) -> bool:
    """Staff, leaders and administrators see a period's whole table; anyone else (a cadre)
    only their own line."""
    return has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER)


def _own_cadre(user) -> Cadre | None:
    return cadres_visible_to(user).filter(user=user).first()


def _window_open(period, today: datetime.date) -> bool:
    return period.status == PeriodStatus.PUBLISHED and today <= period.window_ends_on


# --- periods ---------------------------------------------------------------------------------


@login_required
@permission_required("scoring.view_scoringperiod", raise_exception=True)
def period_list(request):
    user = request.user
    oversees = _oversees(user)
    page = Paginator(selectors.period_list(user), settings.QINGMIAO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "oversees": oversees,
        "can_add": user.has_perm("scoring.add_scoringperiod"),
        "can_follow_up": user.has_perm("scoring.view_followup"),
        # A cadre's own objections and their answers, across periods.
        "my_objections": None
        if oversees
        else selectors.objections_visible_to(user).filter(cadre__user=user).order_by("-created_at"),
    }
    return render(request, "scoring/periods/period_list.html", context)


@login_required
@permission_required("scoring.add_scoringperiod", raise_exception=True)
def period_create(request):
    units = units_visible_to(request.user)
    initial = {"window_days": 5, "bottom_percent": 10, "follow_up_days": 30}
    initial.update(preset_initial(request.GET.get("preset", ""), _today()))
    if request.user.unit_id:
        initial["unit"] = request.user.unit_id  # the staff member's own unit, usually
    form = PeriodForm(request.POST or None, units=units, initial=initial)
    period = form_saved(request, form, partial(services.period_create, actor=request.user))
    if period is not None:
        messages.success(request, _("已创建积分周期：%(name)s") % {"name": period.name})
        return redirect("period_detail", pk=period.pk)
    return render(request, "scoring/periods/period_form.html", {"form": form, "presets": PRESETS})


@login_required
@permission_required("scoring.view_scoringperiod", raise_exception=True)
def period_detail(request, pk: int):
    period = get_object_or_404(
        selectors.periods_visible_to(request.user).select_related("unit"), pk=pk
    )
    if _oversees(request.user):
        return _period_table(request, period)
    return _period_own(request, period)


def _period_table(request, period):
    """The whole table (published) or the live preview (before publication)."""
    user = request.user
    today = _today()
    search = request.GET.get("q", "").strip()
    matching = cadres_visible_to(user).filter(cadre_search_q(search, user=user)) if search else None
    if period.is_published:
        rows = selectors.published_table(period, user)
        if matching is not None:
            rows = rows.filter(cadre__in=matching)
    else:
        # Before publication: the standings as they would be published now.
        visible = cadres_visible_to(user) if matching is None else matching
        rows = selectors.period_preview(period, cadre_ids=visible.values_list("pk", flat=True))
    page = Paginator(rows, settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    manages = (
        selectors.periods_managed_by(user).filter(pk=period.pk).exists()
        and period.status != PeriodStatus.CLOSED
    )
    follow_ups = (
        selectors.follow_ups_visible_to(user).filter(period=period).order_by("status", "due_on")
    )
    context = {
        "period": period,
        "page": page,
        "search": search,
        "querystring": urlencode({"q": search}) if search else "",
        "preview": not period.is_published,
        "manages": manages,
        "can_answer": manages and user.has_perm("scoring.change_objection"),
        "publish_form": PublishForm(initial={"window_days": period.window_days}),
        "window_open": _window_open(period, today),
        "may_close": period.status == PeriodStatus.PUBLISHED and today > period.window_ends_on,
        "objections": selectors.objections_visible_to(user)
        .filter(period=period)
        .order_by("-status", "-created_at"),
        "follow_ups": follow_ups[:20],
        "follow_up_count": follow_ups.count() if period.status == PeriodStatus.CLOSED else 0,
        "today": today,
    }
    return render(request, "scoring/periods/period_detail.html", context)


def _period_own(request, period):
    """A cadre's view of a published period: their own line, entries and objections."""
    user = request.user
    cadre = _own_cadre(user)
    if cadre is None:
        raise Http404
    line = selectors.published_table(period, user).filter(cadre=cadre).first()
    context = {
        "period": period,
        "cadre": cadre,
        "line": line,
        "entries": entries_visible_to(user)
        .filter(cadre=cadre, occurred_on__range=(period.start, period.end))
        .select_related("rule")
        .order_by("occurred_on", "id"),
        "objections": selectors.objections_visible_to(user)
        .filter(period=period, cadre=cadre)
        .order_by("-created_at"),
        "window_open": _window_open(period, _today()),
        "can_object": user.has_perm("scoring.add_objection") and line is not None,
    }
    return render(request, "scoring/periods/period_own.html", context)


@login_required
@permission_required("scoring.view_periodstanding", raise_exception=True)
def period_export(request, pk: int):
    if not _oversees(request.user):
        raise PermissionDenied
    period = get_object_or_404(
        selectors.periods_visible_to(request.user).select_related("unit"), pk=pk
    )
    if not period.is_published:
        raise Http404(_("该积分周期尚未公示。"))
    content = period_xlsx(period, selectors.published_table(period, request.user))
    return xlsx_response(content, f"period-{period.pk}-{period.end:%Y%m%d}.xlsx")


def _managed_period(request, pk: int):
    return get_object_or_404(selectors.periods_managed_by(request.user), pk=pk)


@login_required
@require_POST
@permission_required("scoring.change_scoringperiod", raise_exception=True)
def period_publish(request, pk: int):
    period = _managed_period(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"{form.fields['window_days'].label} · {message}")
        return redirect("period_detail", pk=period.pk)
    try:
        period = services.period_publish(
            period=period, actor=request.user, window_days=form.cleaned_data["window_days"]
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request,
            _("已公示，公示期至%(day)s。") % {"day": period.window_ends_on.isoformat()},
        )
    return redirect("period_detail", pk=period.pk)


@login_required
@require_POST
@permission_required("scoring.change_scoringperiod", raise_exception=True)
def period_refresh(request, pk: int):
    period = _managed_period(request, pk)
    try:
        count = services.period_refresh(period=period, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已按积分明细重新计算，共%(count)s人。") % {"count": count})
    return redirect("period_detail", pk=period.pk)


@login_required
@require_POST
@permission_required("scoring.change_scoringperiod", raise_exception=True)
def period_close(request, pk: int):
    period = _managed_period(request, pk)
    try:
        follow_ups = services.period_close(period=period, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request,
            _("已关闭积分周期，生成%(count)s项约谈任务。") % {"count": len(follow_ups)},
        )
    return redirect("period_detail", pk=period.pk)


# --- objections ------------------------------------------------------------------------------


@login_required
@permission_required("scoring.add_objection", raise_exception=True)
def objection_new(request, pk: int):
    """A cadre objects to their published points, within the window."""
    user = request.user
    period = get_object_or_404(selectors.periods_visible_to(user), pk=pk)
    cadre = _own_cadre(user)
    if cadre is None:
        raise Http404
    listed = PeriodStanding.objects.filter(period=period, cadre=cadre).exists()
    entries = (
        entries_visible_to(user)
        .filter(cadre=cadre, occurred_on__range=(period.start, period.end))
        .select_related("rule")
        .order_by("occurred_on", "id")
    )
    form = ObjectionForm(request.POST or None, entries=entries)
    save = partial(services.objection_file, period=period, cadre=cadre, actor=user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("异议已提交，组织部门答复后将在此显示。"))
        return redirect("period_detail", pk=period.pk)
    context = {
        "period": period,
        "form": form,
        "listed": listed,
        "window_open": _window_open(period, _today()),
    }
    return render(request, "scoring/periods/objection_form.html", context)


@login_required
@permission_required("scoring.change_objection", raise_exception=True)
def objection_answer(request, pk: int):
    user = request.user
    objection = get_object_or_404(
        selectors.objections_visible_to(user)
        .filter(period__in=selectors.periods_managed_by(user))
        .select_related("cadre__unit", "entry__rule", "filed_by"),
        pk=pk,
    )
    form = None
    if objection.status == Objection.Status.OPEN:
        form = ObjectionAnswerForm(request.POST or None)
        answered = form_saved(
            request,
            form,
            partial(services.objection_answer, objection=objection, actor=user),
            rename={
                "reverse_entry": "correction",
                "entry": "correction",
                "points": "adjust_points",
                "reason": "answer",
            },
        )
        if answered is not None:
            messages.success(request, _("已答复异议。"))
            return redirect("period_detail", pk=objection.period_id)
    elif request.method == "POST":
        messages.error(request, _("该异议已答复。"))
        return redirect("period_detail", pk=objection.period_id)
    context = {"objection": objection, "period": objection.period, "form": form}
    return render(request, "scoring/periods/objection_answer.html", context)


# --- follow-ups (约谈) -----------------------------------------------------------------------


@login_required
@permission_required("scoring.view_followup", raise_exception=True)
def follow_up_list(request):
    today = _today()
    show = request.GET.get("show", "open")
    if show == "done":
        follow_ups = (
            selectors.follow_ups_visible_to(request.user)
            .filter(status=FollowUp.Status.DONE)
            .order_by("-talked_on", "-id")
        )
    else:
        show = "open"
        follow_ups = selectors.open_follow_ups(request.user, today=today)
    period_id = request.GET.get("period", "")
    if parse_id(period_id) is not None:
        follow_ups = follow_ups.filter(period_id=parse_id(period_id))
    page = Paginator(follow_ups, settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "show": show, "today": today, "querystring": query.urlencode()}
    return render(request, "scoring/periods/follow_up_list.html", context)


@login_required
@permission_required("scoring.view_followup", raise_exception=True)
def follow_up_detail(request, pk: int):
    user = request.user
    follow_up = get_object_or_404(
        selectors.follow_ups_visible_to(user).select_related("done_by", "period__unit"), pk=pk
    )
    can_change = user.has_perm("scoring.change_followup") and (
        follow_up.status == FollowUp.Status.OPEN
    )
    if request.method == "POST" and not user.has_perm("scoring.change_followup"):
        raise PermissionDenied
    today = _today()
    action = request.POST.get("action") if request.method == "POST" else None
    plan_form = FollowUpPlanForm(
        request.POST if action == "plan" else None,
        prefix="plan",
        initial={"improvement_plan": follow_up.improvement_plan, "due_on": follow_up.due_on},
    )
    done_form = FollowUpCompleteForm(
        request.POST if action == "complete" else None,
        prefix="done",
        initial={"talked_on": today, "improvement_plan": follow_up.improvement_plan},
    )
    # Only the form of the posted action is bound; `form_saved` leaves the other alone.
    plan = partial(services.follow_up_update, follow_up=follow_up, actor=user)
    if form_saved(request, plan_form, plan) is not None:
        messages.success(request, _("已保存改进计划和完成期限。"))
        return redirect("follow_up_detail", pk=follow_up.pk)
    done = partial(services.follow_up_complete, follow_up=follow_up, actor=user, today=today)
    if form_saved(request, done_form, done) is not None:
        messages.success(request, _("已记录约谈，任务办结。"))
        return redirect("follow_up_detail", pk=follow_up.pk)
    if action not in (None, "plan", "complete"):
        raise Http404
    context = {
        "follow_up": follow_up,
        "can_change": can_change,
        "plan_form": plan_form,
        "done_form": done_form,
        "overdue": follow_up.status == FollowUp.Status.OPEN and follow_up.due_on < today,
        "today": today,
    }
    return render(request, "scoring/periods/follow_up_detail.html", context)
