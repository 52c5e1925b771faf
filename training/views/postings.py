"""Thin HTML views of practice postings (菁岗练兵 / 挂职锻炼): task forces, postings, monthly
reports with review and downloads, the final assessment, the overdue board and the cadre's
own page. Scoping comes from `training.selectors.postings`; outside scope → 404, missing
permission → 403. A posting's supervisor sees it and reviews its reports without any role."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from cadres.selectors import (
    cadre_search_q,
    cadres_visible_to,
    serving_cadres_visible_to,
    units_visible_to,
)
from core.forms import (
    flash_form_errors,
    flash_service_errors,
    form_saved,
    parse_id,
)
from core.import_widgets import neutralise
from core.paging import paginate
from core.roles import Role, has_role
from core.uploads import file_download
from core.workbooks import xlsx_bytes, xlsx_response
from training.forms_postings import (
    AssessForm,
    MemberForm,
    MonthlyReportForm,
    PostingFilterForm,
    PostingForm,
    ReviewForm,
    TaskForceForm,
)
from training.selectors import postings as selectors
from training.services import postings as services


def _require_posting_pages(user) -> None:
    if not selectors.may_see_postings(user):
        raise PermissionDenied


# --- task forces -------------------------------------------------------------------------------


@login_required
@permission_required("training.view_taskforce", raise_exception=True)
def task_force_list(request):
    page, querystring = paginate(request, selectors.task_force_list(request.user))
    context = {
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_taskforce"),
    }
    return render(request, "training/postings/task_force_list.html", context)


@login_required
@permission_required("training.add_taskforce", raise_exception=True)
def task_force_create(request):
    form = TaskForceForm(request.POST or None, units=units_visible_to(request.user))
    save = partial(services.task_force_create, actor=request.user)
    task_force = form_saved(request, form, save)
    if task_force is not None:
        messages.success(request, _("已创建攻坚专班：%(name)s") % {"name": task_force.name})
        return redirect("task_force_detail", pk=task_force.pk)
    return render(request, "training/postings/task_force_form.html", {"form": form})


@login_required
@permission_required("training.change_taskforce", raise_exception=True)
def task_force_edit(request, pk: int):
    task_force = get_object_or_404(selectors.task_forces_managed_by(request.user), pk=pk)
    form = TaskForceForm(
        request.POST or None, instance=task_force, units=units_visible_to(request.user)
    )
    save = partial(services.task_force_update, task_force=task_force, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("task_force_detail", pk=task_force.pk)
    context = {"form": form, "task_force": task_force}
    return render(request, "training/postings/task_force_form.html", context)


def _member_form(request, data=None) -> MemberForm:
    return MemberForm(data, cadres=serving_cadres_visible_to(request.user))


@login_required
@permission_required("training.view_taskforce", raise_exception=True)
def task_force_detail(request, pk: int):
    task_force = get_object_or_404(
        selectors.task_forces_visible_to(request.user).select_related("unit"), pk=pk
    )
    manages = (
        request.user.has_perm("training.add_posting")
        and selectors.task_forces_managed_by(request.user).filter(pk=pk).exists()
    )
    context = {
        "task_force": task_force,
        "members": list(selectors.task_force_members(task_force, request.user)),
        "manages": manages,
        "member_form": _member_form(request) if manages else None,
        "today": timezone.localdate(),
    }
    return render(request, "training/postings/task_force_detail.html", context)


@login_required
@require_POST
@permission_required("training.add_posting", raise_exception=True)
def task_force_member_add(request, pk: int):
    task_force = get_object_or_404(selectors.task_forces_managed_by(request.user), pk=pk)
    form = _member_form(request, request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("task_force_detail", pk=pk)
    try:
        posting = services.task_force_member_add(
            task_force=task_force, actor=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已加入专班：%(name)s") % {"name": posting.cadre.name})
        _warn_overlaps(request, posting)
    return redirect("task_force_detail", pk=pk)


# --- postings ----------------------------------------------------------------------------------


def _warn_overlaps(request, posting) -> None:
    others = services.posting_overlaps(posting)
    if others:
        listed = "；".join(
            f"{p.get_type_display()} {p.host_unit.name} {p.starts_on}~{p.ends_on}" for p in others
        )
        messages.warning(
            request,
            _("时间重叠：%(name)s同期还有其他锻炼：%(list)s")
            % {"name": posting.cadre.name, "list": listed},
        )


POSTING_HEADERS = [
    "干部", "所在单位", "锻炼方式", "锻炼单位", "锻炼岗位", "攻坚专班", "开始日期", "结束日期",
    "状态", "指导人", "已报月报", "已通过月报", "期满考核",
]  # fmt: skip


def _cells(values: list) -> list:
    """Text as plain strings (lazy labels resolved) that no spreadsheet runs as a formula."""
    return [v if isinstance(v, int | datetime.date) else neutralise(str(v)) for v in values]


def _posting_rows(postings, today):
    for p in postings.iterator(chunk_size=500):
        yield _cells(
            [
                p.cadre.name,
                p.cadre.unit.full_name,
                p.get_type_display(),
                p.host_unit.full_name,
                p.role,
                p.task_force.name if p.task_force else "",
                p.starts_on,
                p.ends_on,
                services.posting_status(p, today).label,
                p.supervisor or "",
                p.reports_filed,
                p.reports_accepted,
                p.get_assessment_display() if p.assessment else "",
            ]
        )


def _filtered(request, postings, *, today, by_status: bool):
    """The filter form and `postings` filtered by it when it is valid. The overdue board
    ignores the status filter (`by_status=False`): every open month counts."""
    filters = PostingFilterForm(request.GET or None, units=units_visible_to(request.user))
    if not (request.GET and filters.is_valid()):
        return filters, postings
    data = filters.cleaned_data
    postings = selectors.filter_postings(
        postings,
        today=today,
        type=data["type"],
        status=data["status"] if by_status else "",
        unit=data["unit"],
    )
    if data["q"]:
        user = request.user
        postings = postings.filter(
            cadre__in=cadres_visible_to(user).filter(cadre_search_q(data["q"], user=user))
        )
    return filters, postings


@login_required
def posting_list(request):
    _require_posting_pages(request.user)
    today = timezone.localdate()
    filters, postings = _filtered(
        request, selectors.posting_list(request.user), today=today, by_status=True
    )
    if filters.errors:
        postings = postings.none()
    if request.GET.get("format") == "xlsx":
        content = xlsx_bytes(
            title=_("实践锻炼"),
            headers=[_(h) for h in POSTING_HEADERS],
            rows=_posting_rows(postings, today),
            widths={_("所在单位"): 24, _("锻炼单位"): 24},
        )
        return xlsx_response(content, f"postings-{today:%Y%m%d}.xlsx")
    page, querystring = paginate(request, postings)
    for posting in page.object_list:
        posting.status_label = services.posting_status(posting, today).label
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_posting"),
        "is_office": has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER),
    }
    return render(request, "training/postings/posting_list.html", context)


def _posting_form(request, data=None, instance=None, initial=None) -> PostingForm:
    user = request.user
    return PostingForm(
        data,
        instance=instance,
        initial=initial,
        cadres=serving_cadres_visible_to(user),
        units=units_visible_to(user),
        task_forces=selectors.task_forces_managed_by(user),
    )


@login_required
@permission_required("training.add_posting", raise_exception=True)
def posting_create(request):
    initial = {}
    if parse_id(request.GET.get("task_force")) is not None:
        initial = {"type": "task_force", "task_force": parse_id(request.GET["task_force"])}
    form = _posting_form(request, request.POST or None, initial=initial)
    posting = form_saved(request, form, partial(services.posting_create, actor=request.user))
    if posting is not None:
        messages.success(request, _("已安排实践锻炼：%(name)s") % {"name": posting.cadre.name})
        _warn_overlaps(request, posting)
        return redirect("posting_detail", pk=posting.pk)
    return render(request, "training/postings/posting_form.html", {"form": form})


@login_required
@permission_required("training.change_posting", raise_exception=True)
def posting_edit(request, pk: int):
    posting = get_object_or_404(selectors.postings_managed_by(request.user), pk=pk)
    form = _posting_form(request, request.POST or None, instance=posting)
    save = partial(services.posting_update, posting=posting, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        _warn_overlaps(request, posting)
        return redirect("posting_detail", pk=posting.pk)
    context = {"form": form, "posting": posting}
    return render(request, "training/postings/posting_form.html", context)


@login_required
def posting_detail(request, pk: int):
    _require_posting_pages(request.user)
    posting = get_object_or_404(
        selectors.postings_visible_to(request.user).select_related(
            "cadre", "cadre__unit", "host_unit", "task_force", "supervisor", "assessed_by"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    reports = list(posting.reports.select_related("reviewed_by").order_by("month"))
    manages = selectors.postings_managed_by(request.user).filter(pk=pk).exists()
    context = {
        "posting": posting,
        "status": services.posting_status(posting, today),
        "months": selectors.posting_months(posting, reports, today=today),
        "reports": reports,
        "can_edit": manages,
        "can_assess": manages and today >= posting.ends_on,
        "assess_form": AssessForm(
            initial={"grade": posting.assessment, "comment": posting.assessment_comment}
        ),
        "is_own": posting.cadre.user_id == request.user.pk,
        "may_review": posting.supervisor_id == request.user.pk
        or (manages and request.user.has_perm("training.change_monthlyreport")),
    }
    return render(request, "training/postings/posting_detail.html", context)


@login_required
@require_POST
@permission_required("training.change_posting", raise_exception=True)
def posting_assess(request, pk: int):
    posting = get_object_or_404(selectors.postings_managed_by(request.user), pk=pk)
    form = AssessForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("posting_detail", pk=pk)
    try:
        services.posting_assess(posting=posting, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已保存考核结果。"))
    return redirect("posting_detail", pk=pk)


@login_required
def my_postings(request):
    """The cadre's own postings, with each month's report: filed, due or overdue."""
    if not Cadre.objects.filter(user=request.user).exists():
        raise Http404
    today = timezone.localdate()
    postings = list(selectors.my_postings(request.user))
    rows = [
        (
            p,
            services.posting_status(p, today),
            selectors.posting_months(p, list(p.reports.all()), today=today),
        )
        for p in postings
    ]
    return render(request, "training/postings/my_postings.html", {"rows": rows, "today": today})


# --- monthly reports ---------------------------------------------------------------------------


def _own_posting(request, pk: int):
    _require_posting_pages(request.user)
    posting = get_object_or_404(selectors.postings_visible_to(request.user), pk=pk)
    if posting.cadre.user_id != request.user.pk or not request.user.has_perm(
        "training.add_monthlyreport"
    ):
        raise PermissionDenied
    return posting


@login_required
def monthly_report_create(request, pk: int, year: int, month: int):
    posting = _own_posting(request, pk)
    try:
        first = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    form = MonthlyReportForm(request.POST or None, request.FILES or None)
    report = form_saved(
        request,
        form,
        lambda **fields: services.monthly_report_file(
            posting=posting,
            month=first,
            actor=request.user,
            attachment=form.cleaned_data.get("attachment") or None,
            **fields,
        ),
    )
    if report is not None:
        messages.success(request, _("已报送%(month)s月报。") % {"month": f"{first:%Y-%m}"})
        return redirect("monthly_report_detail", pk=report.pk)
    context = {"form": form, "posting": posting, "month": first, "report": None}
    return render(request, "training/postings/report_form.html", context)


def _visible_report(request, pk: int):
    _require_posting_pages(request.user)
    return get_object_or_404(
        selectors.reports_visible_to(request.user).select_related(
            "posting", "posting__cadre", "posting__host_unit", "posting__supervisor", "reviewed_by"
        ),
        pk=pk,
    )


@login_required
def monthly_report_edit(request, pk: int):
    report = _visible_report(request, pk)
    if report.posting.cadre.user_id != request.user.pk:
        raise PermissionDenied
    form = MonthlyReportForm(request.POST or None, request.FILES or None, instance=report)
    saved = form_saved(
        request,
        form,
        lambda **fields: services.monthly_report_update(
            report=report,
            actor=request.user,
            attachment=form.cleaned_data.get("attachment") or None,
            **fields,
        ),
    )
    if saved is not None:
        messages.success(request, _("已保存。"))
        return redirect("monthly_report_detail", pk=report.pk)
    context = {"form": form, "posting": report.posting, "month": report.month, "report": report}
    return render(request, "training/postings/report_form.html", context)


@login_required
def monthly_report_detail(request, pk: int):
    report = _visible_report(request, pk)
    may_review = selectors.reports_reviewable_by(request.user).filter(pk=pk).exists()
    context = {
        "report": report,
        "posting": report.posting,
        "may_review": may_review,
        "review_form": ReviewForm() if may_review else None,
        "is_own": report.posting.cadre.user_id == request.user.pk,
    }
    return render(request, "training/postings/report_detail.html", context)


@login_required
@require_POST
def monthly_report_review(request, pk: int):
    report = _visible_report(request, pk)
    if not selectors.reports_reviewable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("monthly_report_detail", pk=pk)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.monthly_report_review(
            report=report, accept=accept, comment=form.cleaned_data["comment"], actor=request.user
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("月报已通过。") if accept else _("月报已退回。"))
    if request.POST.get("next") == "pending":
        return redirect("monthly_report_pending")
    return redirect("monthly_report_detail", pk=pk)


@login_required
def monthly_report_attachment(request, pk: int):
    report = _visible_report(request, pk)
    return file_download(report.attachment, filename=f"monthly-report-{report.month:%Y%m}")


@login_required
def monthly_report_pending(request):
    """待审核月报: the reports waiting for this user's review."""
    user = request.user
    if not (user.supervised_postings.exists() or user.has_perm("training.change_monthlyreport")):
        raise PermissionDenied
    page, querystring = paginate(request, selectors.pending_reviews(user))
    context = {"page": page, "querystring": querystring}
    return render(request, "training/postings/report_pending.html", context)


OVERDUE_HEADERS = [
    "干部", "所在单位", "锻炼方式", "锻炼单位", "月份", "截止日期", "逾期天数", "情况", "指导人",
]  # fmt: skip


@login_required
@permission_required("training.view_posting", raise_exception=True)
def monthly_report_overdue(request):
    """月报逾期: months without an accepted-or-pending report after month end + grace."""
    if not has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
        raise PermissionDenied
    today = timezone.localdate()
    filters, postings = _filtered(
        request, selectors.postings_visible_to(request.user), today=today, by_status=False
    )
    rows = selectors.overdue_reports(postings, today=today)
    if request.GET.get("format") == "xlsx":
        content = xlsx_bytes(
            title=_("月报逾期"),
            headers=[_(h) for h in OVERDUE_HEADERS],
            rows=(
                _cells(
                    [
                        r.posting.cadre.name,
                        r.posting.cadre.unit.full_name,
                        r.posting.get_type_display(),
                        r.posting.host_unit.full_name,
                        f"{r.month:%Y-%m}",
                        r.deadline,
                        r.days_overdue,
                        _("已退回未修改") if r.returned else _("未报送"),
                        r.posting.supervisor or "",
                    ]
                )
                for r in rows
            ),
            widths={_("所在单位"): 24, _("锻炼单位"): 24},
        )
        return xlsx_response(content, f"monthly-reports-overdue-{today:%Y%m%d}.xlsx")
    page, querystring = paginate(request, rows)
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "total": len(rows),
        "grace": services.grace_days(),
    }
    return render(request, "training/postings/report_overdue.html", context)
