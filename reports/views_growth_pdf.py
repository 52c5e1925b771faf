"""The growth record as a PDF (one, synchronously) and batch exports of growth records as a ZIP
(start, list, progress, download)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.choices import EnrolmentStatus
from cadres.selectors import cadres_visible_to, cohorts_visible_to, units_visible_to
from core.forms import BootstrapMixin
from reports.models import GrowthExport
from reports.services import growth_exports as exports
from reports.services.growth_pdf import growth_record_pdf as render_record
from reports.views_growth import parse_year


def _year(request) -> int | None:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None
    year = parse_year(raw)  # the same years the growth record page accepts
    if year is None:
        raise Http404
    return year


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # RFC 5987 (filename*=utf-8'') for Chinese names, an ASCII fallback for old clients.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def growth_record_pdf(request, pk: int):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=pk)
    year = _year(request)
    content = render_record(viewer=request.user, cadre=cadre, year=year)
    suffix = f"-{year}" if year else ""
    return pdf_response(content, f"{cadre.name}-成长档案{suffix}.pdf")


# --- batch exports -----------------------------------------------------------------------------


def _exporter(request):
    if not exports.export_allowed(request.user):
        raise PermissionDenied


class ExportForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位（含下级单位）"), queryset=None, required=False
    )
    cohort = forms.ModelChoiceField(label=gettext_lazy("批次"), queryset=None, required=False)
    year = forms.IntegerField(
        label=gettext_lazy("年度"), min_value=2000, max_value=2100, required=False,
        help_text=gettext_lazy("留空导出全部年度。"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")
        self.fields["cohort"].queryset = cohorts_visible_to(user).select_related("programme")

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("cohort")):
            raise forms.ValidationError(_("请选择一个单位或一个批次（二选一）。"))
        return data


def export_cadres(user, *, unit=None, cohort=None):
    """The cadres of a unit's subtree or a cohort's current members, within `user`'s scope."""
    cadres = cadres_visible_to(user)
    if unit is not None:
        return cadres.filter(unit.subtree_q("unit__")), _("%(unit)s成长档案") % {"unit": unit.name}
    members = cadres.filter(
        enrolments__cohort=cohort, enrolments__status=EnrolmentStatus.ACTIVE
    ).distinct()
    return members, _("%(cohort)s成长档案") % {"cohort": cohort}


@login_required
def growth_export_new(request):
    _exporter(request)
    initial = {k: request.GET[k] for k in ("unit", "cohort") if request.GET.get(k, "").isdigit()}
    form = ExportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cadres, title = export_cadres(request.user, unit=data["unit"], cohort=data["cohort"])
        if data["year"]:
            title = f"{title}（{data['year']}）"
        try:
            export = exports.growth_export_request(
                actor=request.user, cadres=cadres, title=title, year=data["year"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已开始生成，完成后可下载。"))
            return redirect("growth_export_detail", pk=export.pk)
    return render(request, "reports/exports/export_new.html", {"form": form})


@login_required
def growth_export_list(request):
    _exporter(request)
    rows = GrowthExport.objects.filter(requested_by=request.user)[:100]
    return render(request, "reports/exports/export_list.html", {"exports": rows})


def _own(request, pk: int) -> GrowthExport:
    _exporter(request)
    return get_object_or_404(GrowthExport, pk=pk, requested_by=request.user)


def export_status(export: GrowthExport) -> dict:
    return {
        "id": export.pk,
        "status": export.status,
        "status_display": str(export.get_status_display()),
        "progress": export.progress,
        "total": export.total,
        "error": export.error,
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
        "expired": exports.growth_export_expired(export),
    }


@login_required
def growth_export_detail(request, pk: int):
    export = _own(request, pk)
    context = {
        "export": export,
        "expired": exports.growth_export_expired(export),
        "status_url": reverse("growth_export_status", args=[export.pk]),
    }
    return render(request, "reports/exports/export_detail.html", context)


@login_required
def growth_export_status(request, pk: int):
    return JsonResponse(export_status(_own(request, pk)))


def export_download(export: GrowthExport, user):
    """The ZIP for its requester while they may see every cadre in it; 410 once expired."""
    if not exports.growth_export_downloadable(export, user):
        raise Http404
    if exports.growth_export_expired(export):
        return None
    if export.status != exports.S.DONE or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"{export.title}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def growth_export_download(request, pk: int):
    export = _own(request, pk)
    response = export_download(export, request.user)
    if response is None:
        return render(
            request, "reports/exports/export_expired.html", {"export": export}, status=410
        )
    return response
