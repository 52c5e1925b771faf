"""Thin HTML views of self-reports (思想汇报, 月小结): the cadre's own page (standing per kind,
open periods, own reports), submitting and revising, a report with its scoped attachment and
the review form, the review queue, a cadre's reports, and the overdue list.
Outside scope → 404; missing permission → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.selectors import cadres_visible_to
from core.forms import flash_form_errors, flash_service_errors, form_saved
from core.paging import paginate
from core.roles import Role, has_role
from core.uploads import file_download
from mentoring.forms_self_reports import (
    SelfReportForm,
    SelfReportReviewForm,
    SelfReportReviseForm,
    period_choices,
)
from mentoring.selectors import self_reports as selectors
from mentoring.services import self_reports as services

RENAME = {"kind": "period", "period_start": "period"}


def _page(request, rows):
    page, querystring = paginate(request, rows)
    return {"page": page, "querystring": querystring}


def _own_cadre(request):
    cadre = selectors.own_cadre(request.user)
    if cadre is None:
        raise Http404(_("您的账号没有关联干部档案。"))
    return cadre


def _standings(cadre):
    (entry,) = selectors.self_report_standings([cadre], timezone.localdate())
    return entry


@login_required
@permission_required("mentoring.add_selfreport", raise_exception=True)
def self_report_mine(request):
    """我的报告: per kind the standing, the periods still to file, and the cadre's reports."""
    cadre = _own_cadre(request)
    entry = _standings(cadre)
    reports = selectors.self_report_list(request.user).filter(cadre=cadre)
    filed = {(r.kind, r.period_start) for r in reports}
    context = {
        "cadre": cadre,
        "standings": entry.kinds,
        "filed": filed,
        **_page(request, reports),
    }
    return render(request, "mentoring/self_reports/mine.html", context)


@login_required
@permission_required("mentoring.add_selfreport", raise_exception=True)
def self_report_create(request):
    cadre = _own_cadre(request)
    entry = _standings(cadre)
    filed = set(
        selectors.self_report_list(request.user)
        .filter(cadre=cadre)
        .values_list("kind", "period_start")
    )
    choices = period_choices(entry.kinds, filed=filed)
    initial = {"period": request.GET.get("period", "")}
    form = SelfReportForm(request.POST or None, request.FILES or None, initial=initial,
                          choices=choices)  # fmt: skip
    report = form_saved(
        request,
        form,
        lambda **fields: services.self_report_submit(actor=request.user, **fields),
        rename=RENAME,
    )
    if report is not None:
        messages.success(request, _("报告已提交，等待审阅。"))
        return redirect("self_report_detail", pk=report.pk)
    return render(request, "mentoring/self_reports/form.html", {"form": form, "report": None})


@login_required
@permission_required("mentoring.add_selfreport", raise_exception=True)
def self_report_edit(request, pk: int):
    report = get_object_or_404(selectors.self_report_list(request.user), pk=pk)
    if report.cadre.user_id != request.user.pk:
        raise PermissionDenied
    form = SelfReportReviseForm(
        request.POST or None,
        request.FILES or None,
        initial={"title": report.title, "content": report.content},
    )
    saved = form_saved(
        request,
        form,
        lambda **fields: services.self_report_revise(report=report, actor=request.user, **fields),
    )
    if saved is not None:
        messages.success(request, _("报告已修改，等待审阅。"))
        return redirect("self_report_detail", pk=report.pk)
    return render(request, "mentoring/self_reports/form.html", {"form": form, "report": report})


@login_required
@permission_required("mentoring.view_selfreport", raise_exception=True)
def self_report_detail(request, pk: int):
    report = get_object_or_404(selectors.self_report_list(request.user), pk=pk)
    context = {
        "report": report,
        "is_own": report.cadre.user_id == request.user.pk,
        "may_review": selectors.may_review(request.user, report),
        "review_form": SelfReportReviewForm(),
    }
    return render(request, "mentoring/self_reports/detail.html", context)


@login_required
@permission_required("mentoring.view_selfreport", raise_exception=True)
def self_report_attachment(request, pk: int):
    report = get_object_or_404(selectors.self_reports_visible_to(request.user), pk=pk)
    return file_download(
        report.attachment, filename=f"self-report-{report.kind}-{report.period_start:%Y%m}"
    )


@login_required
@permission_required("mentoring.change_selfreport", raise_exception=True)
def self_report_review(request, pk: int):
    if request.method != "POST":
        return redirect("self_report_detail", pk=pk)
    report = get_object_or_404(selectors.self_reports_visible_to(request.user), pk=pk)
    if not selectors.may_review(request.user, report):
        raise PermissionDenied
    form = SelfReportReviewForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("self_report_detail", pk=pk)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.self_report_review(
            report=report, accept=accept, note=form.cleaned_data["note"], actor=request.user
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("报告已通过。") if accept else _("报告已退回。"))
    if request.POST.get("next") == "queue":
        return redirect("self_report_queue")
    return redirect("self_report_detail", pk=pk)


@login_required
@permission_required("mentoring.change_selfreport", raise_exception=True)
def self_report_queue(request):
    """报告审阅: submitted reports waiting for this user's review."""
    return render(
        request,
        "mentoring/self_reports/queue.html",
        _page(request, selectors.awaiting_review(request.user)),
    )


@login_required
@permission_required("mentoring.view_selfreport", raise_exception=True)
def cadre_self_reports(request, cadre: int):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=cadre)
    entry = _standings(cadre)
    reports = selectors.self_report_list(request.user).filter(cadre=cadre)
    context = {"cadre": cadre, "standings": entry.kinds, **_page(request, reports)}
    return render(request, "mentoring/self_reports/cadre.html", context)


@login_required
def self_report_overdue(request):
    """Staff, leaders and administrators: serving cadres in scope with a report overdue."""
    if not has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
        raise PermissionDenied
    rows = selectors.self_report_overdue(request.user, today=timezone.localdate())
    return render(request, "mentoring/self_reports/overdue.html", _page(request, rows))
