"""Quarterly report pages: list + request form, detail with progress (polled as JSON by
static/js/quarterly_report.js), retry, scoped downloads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cadres.selectors import programmes_visible_to, units_visible_to
from core.forms import flash_service_errors, service_errors_to_form
from core.paging import paginate
from core.roles import Role, has_role
from reports.models import JobStatus, QuarterlyReport
from reports.services.quarterly import (
    covers_everything,
    last_ended_quarter,
    quarterly_may_request,
    quarterly_report_request,
    quarterly_report_retry,
    quarterly_reports_visible_to,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class QuarterlyRequestForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部单位"),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("培养计划"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不按培养计划）"),
        help_text=gettext_lazy("选择培养计划时不选单位。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")
        self.fields["unit"].label_from_instance = lambda u: u.full_name
        self.fields["programme"].queryset = programmes_visible_to(user).order_by("name")
        self.everything = covers_everything(user)

    def clean(self):
        data = super().clean()
        if not self.everything and not data.get("unit") and not data.get("programme"):
            self.add_error("unit", _("请选择单位或培养计划。"))
        return data


def _allowed(user) -> bool:
    return has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER)


def _report_for(request, pk: int) -> QuarterlyReport:
    if not _allowed(request.user):
        raise PermissionDenied
    return get_object_or_404(
        quarterly_reports_visible_to(request.user).select_related("unit", "programme"), pk=pk
    )


@login_required
def quarterly_list(request):
    if not _allowed(request.user):
        raise PermissionDenied
    may_request = quarterly_may_request(request.user)
    form = None
    if may_request:
        year, quarter = last_ended_quarter(timezone.localdate())
        form = QuarterlyRequestForm(
            request.POST or None, user=request.user, initial={"year": year, "quarter": quarter}
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = quarterly_report_request(**form.cleaned_data, actor=request.user)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, _("已提交生成，完成后可下载。"))
                return redirect("quarterly_detail", pk=report.pk)
    elif request.method == "POST":
        raise PermissionDenied
    reports = quarterly_reports_visible_to(request.user).select_related(
        "unit", "programme", "requested_by"
    )
    page, query = paginate(request, reports)
    return render(
        request,
        "reports/quarterly_list.html",
        {"page": page, "querystring": query, "form": form, "may_request": may_request},
    )


def _status(report: QuarterlyReport) -> dict:
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "progress": report.progress,
        "error": report.error,
        "attempts": report.attempts,
        "pdf": reverse("quarterly_download", args=[report.pk, "pdf"]) if report.pdf else None,
        "xlsx": reverse("quarterly_download", args=[report.pk, "xlsx"]) if report.xlsx else None,
    }


@login_required
def quarterly_detail(request, pk: int):
    report = _report_for(request, pk)
    return render(
        request,
        "reports/quarterly_detail.html",
        {
            "report": report,
            "status": _status(report),
            "running": report.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            "may_request": quarterly_may_request(request.user),
        },
    )


@login_required
def quarterly_status(request, pk: int):
    return JsonResponse(_status(_report_for(request, pk)))


@login_required
@require_POST
def quarterly_retry(request, pk: int):
    report = _report_for(request, pk)
    try:
        quarterly_report_retry(report=report, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    return redirect("quarterly_detail", pk=report.pk)


def report_filename(report: QuarterlyReport, kind: str) -> str:
    if report.unit_id:
        scope = report.unit.name
    elif report.programme_id:
        scope = report.programme.name
    else:
        scope = _("全部单位")
    return f"{report.year}年第{report.quarter}季度报告-{scope}.{kind}"


def report_file_response(report: QuarterlyReport, kind: str) -> FileResponse:
    fieldfile = report.pdf if kind == "pdf" else report.xlsx
    if report.status != JobStatus.DONE or not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report_filename(report, kind),
        content_type=CONTENT_TYPES[kind],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def quarterly_download(request, pk: int, kind: str):
    if kind not in CONTENT_TYPES:
        raise Http404
    return report_file_response(_report_for(request, pk), kind)
