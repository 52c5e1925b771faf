"""Thin HTML views of guidance logs (帮带记录): a mentor's mentees and the mobile-first
"记一笔帮带" form, the scoped list (per mentee with `?cadre=`, `?format=xlsx` to export),
the detail with the cadre's response form, task follow-up and deletion by the author.
Outside scope → 404; missing permission → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import flash_form_errors, flash_service_errors, form_saved, parse_id
from core.paging import paginate
from core.workbooks import xlsx_bytes, xlsx_response
from mentoring.forms_guidance import FollowUpForm, GuidanceLogForm, ResponseForm
from mentoring.models import GuidanceTask
from mentoring.selectors import guidance as selectors
from mentoring.services import guidance as services


def _export(logs):
    rows = (
        [
            log.cadre.name,
            log.cadre.unit.full_name,
            log.pairing.mentor.name,
            log.date,
            log.get_method_display(),
            "、".join(log.focus_labels),
            log.content,
            "；".join(t.text for t in log.tasks.all()),
            log.response,
        ]
        for log in logs
    )
    headers = [_("干部"), _("单位"), _("导师"), _("帮带日期"), _("帮带方式"), _("帮带重点"),
               _("帮带内容"), _("布置任务"), _("干部反馈")]  # fmt: skip
    content = xlsx_bytes(title=_("帮带记录"), headers=headers, rows=rows)
    return xlsx_response(content, f"guidance-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@permission_required("mentoring.view_guidancelog", raise_exception=True)
def guidance_list(request):
    logs = selectors.guidance_log_list(request.user)
    cadre_id = parse_id(request.GET.get("cadre"))
    if cadre_id is not None:
        logs = logs.filter(cadre_id=cadre_id)
    if request.GET.get("format") == "xlsx":
        return _export(logs)
    page, querystring = paginate(request, logs)
    context = {
        "page": page,
        "querystring": querystring,
        "export_query": request.GET.urlencode(),
        "cadre_id": cadre_id,
        "can_add": request.user.has_perm("mentoring.add_guidancelog"),
    }
    return render(request, "mentoring/guidance/list.html", context)


@login_required
@permission_required("mentoring.add_guidancelog", raise_exception=True)
def guidance_mentees(request):
    pairings = list(selectors.my_pairings(request.user))
    return render(request, "mentoring/guidance/mentees.html", {"pairings": pairings})


@login_required
@permission_required("mentoring.add_guidancelog", raise_exception=True)
def guidance_create(request, pairing_pk: int):
    pairing = get_object_or_404(selectors.my_pairings(request.user), pk=pairing_pk)
    form = GuidanceLogForm(request.POST or None, initial={"date": timezone.localdate()})

    def save(**fields):
        return services.guidance_log_create(pairing=pairing, actor=request.user, **fields)

    log = form_saved(request, form, save)
    if log is not None:
        messages.success(request, _("已记录对%(name)s的帮带。") % {"name": pairing.cadre.name})
        return redirect(f"{_list_url()}?cadre={pairing.cadre_id}")
    return render(request, "mentoring/guidance/form.html", {"form": form, "pairing": pairing})


def may_edit(log, user) -> bool:
    """The rule of `services.guidance_log_update`: the pairing's (active) mentor — the log's
    author — while the pairing is current."""
    return services.is_pairing_mentor(log.pairing, user) and services.pairing_is_current(
        log.pairing
    )


@login_required
@permission_required("mentoring.change_guidancelog", raise_exception=True)
def guidance_edit(request, pk: int):
    """Correct a log (date, method, focus, content) and add tasks: the same form as recording
    one; the service's refusals show beside the fields. Others in scope get 403."""
    log = get_object_or_404(
        selectors.guidance_logs_visible_to(request.user).select_related(
            "cadre", "pairing__mentor", "pairing__cadre"
        ),
        pk=pk,
    )
    if not may_edit(log, request.user):
        raise PermissionDenied
    initial = {
        "date": log.date, "method": log.method, "focus": log.focus_list, "content": log.content,
    }  # fmt: skip
    form = GuidanceLogForm(request.POST or None, initial=initial)

    def save(**fields):
        return services.guidance_log_update(log=log, actor=request.user, **fields)

    if form_saved(request, form, save) is not None:
        messages.success(request, _("帮带记录已保存。"))
        return redirect("guidance_detail", pk=log.pk)
    context = {"form": form, "pairing": log.pairing, "log": log}
    return render(request, "mentoring/guidance/form.html", context)


def _list_url():
    from django.urls import reverse

    return reverse("guidance_list")


@login_required
@permission_required("mentoring.view_guidancelog", raise_exception=True)
def guidance_detail(request, pk: int):
    log = get_object_or_404(selectors.guidance_log_list(request.user), pk=pk)
    is_mentor = services.is_pairing_mentor(log.pairing, request.user)
    context = {
        "log": log,
        "is_mentor": is_mentor and services.pairing_is_current(log.pairing),
        "may_edit": request.user.has_perm("mentoring.change_guidancelog")
        and may_edit(log, request.user),
        "is_cadre": log.cadre.user_id is not None and log.cadre.user_id == request.user.pk,
        "may_delete": log.created_by_id == request.user.pk
        and timezone.now() - log.created_at <= services.DELETE_WITHIN,
        "response_form": ResponseForm(initial={"response": log.response}),
        "follow_up_form": FollowUpForm(),
    }
    return render(request, "mentoring/guidance/detail.html", context)


@login_required
@require_POST
@permission_required("mentoring.view_guidancelog", raise_exception=True)
def guidance_respond(request, pk: int):
    log = get_object_or_404(selectors.guidance_logs_visible_to(request.user), pk=pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("guidance_detail", pk=log.pk)
    try:
        services.guidance_log_respond(
            log=log, actor=request.user, response=form.cleaned_data["response"]
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("反馈已提交。"))
    return redirect("guidance_detail", pk=log.pk)


@login_required
@require_POST
@permission_required("mentoring.delete_guidancelog", raise_exception=True)
def guidance_delete(request, pk: int):
    log = get_object_or_404(selectors.guidance_logs_visible_to(request.user), pk=pk)
    cadre_id = log.cadre_id
    try:
        services.guidance_log_delete(log=log, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("guidance_detail", pk=log.pk)
    messages.success(request, _("帮带记录已删除。"))
    return redirect(f"{_list_url()}?cadre={cadre_id}")


@login_required
@require_POST
@permission_required("mentoring.change_guidancelog", raise_exception=True)
def guidance_task_follow_up(request, pk: int):
    task = get_object_or_404(
        GuidanceTask.objects.filter(log__in=selectors.guidance_logs_visible_to(request.user)),
        pk=pk,
    )
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("guidance_detail", pk=task.log_id)
    try:
        services.guidance_task_follow_up(
            task=task,
            actor=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已保存跟进情况。"))
    return redirect("guidance_detail", pk=task.log_id)
