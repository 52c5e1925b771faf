"""Staff pages for Excel imports: upload, preview with progress, confirm, template download."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import import_jobs
from core.forms import BootstrapMixin
from core.importing import ImportReport
from core.models import ImportJob
from core.roles import Role, has_role
from core.workbooks import xlsx_response

TEMPLATES = {
    ImportJob.Kind.CADRES: "cadres.roster_template.roster_template_xlsx",
    ImportJob.Kind.UNITS: "cadres.roster_template.unit_template_xlsx",
    ImportJob.Kind.MENTORS: "mentoring.roster_template.mentor_template_xlsx",
}


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel文件（.xlsx）"))
    create_units = forms.BooleanField(
        label=gettext_lazy("自动创建不存在的单位（仅限您管理的单位之下）"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.QINGMIAO_IMPORT_MAX_BYTES
        if upload.size > limit:  # refused before the content is read into memory
            raise forms.ValidationError(
                _("文件过大（%(size).1f MB），上限为%(limit).0f MB。")
                % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
            )
        return upload


def _kind_or_404(kind: str) -> str:
    if kind not in ImportJob.Kind.values:
        raise Http404
    return kind


def _job_for(request, pk: int) -> ImportJob:
    jobs = ImportJob.objects.select_related("uploaded_by")
    if not has_role(request.user, Role.ADMIN):
        jobs = jobs.filter(uploaded_by=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
def import_new(request, kind: str):
    kind = _kind_or_404(kind)
    if not import_jobs.import_allowed(request.user, kind):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if kind != ImportJob.Kind.CADRES:
        del form.fields["create_units"]
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_job_create(
                kind=kind,
                content=upload.read(),
                name=upload.name,
                actor=request.user,
                create_units=form.cleaned_data.get("create_units", False),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("import_job", pk=job.pk)
    recent = ImportJob.objects.filter(uploaded_by=request.user, kind=kind)[:10]
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ImportJob.Kind(kind).label,
        "recent": recent,
    }
    return render(request, "core/import_new.html", context)


@login_required
def import_job(request, pk: int):
    job = _job_for(request, pk)
    job.done, job.total = import_jobs.import_job_progress(job)
    report = ImportReport.from_dict(job.report) if job.report else None
    context = {"job": job, "report": report}
    template = (
        "core/_import_status.html" if request.headers.get("HX-Request") else "core/import_job.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    job = _job_for(request, pk)
    try:
        import_jobs.import_job_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("import_job", pk=job.pk)


@login_required
def import_template(request, kind: str):
    kind = _kind_or_404(kind)
    if not import_jobs.import_allowed(request.user, kind):
        raise PermissionDenied
    filename = {"cadres": "roster", "units": "units", "mentors": "mentors"}[kind]
    return xlsx_response(import_string(TEMPLATES[kind])(), f"{filename}-template.xlsx")
