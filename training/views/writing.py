"""Thin HTML views of written output (信息宣传): the cadre's own pieces, submitting and
changing them, the scoped list with its level × kind summary, the review queue and review
actions, the evidence download and the export. Outside scope → 404; missing permission → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import units_visible_to
from core.forms import flash_service_errors, form_saved
from core.paging import paginate
from core.uploads import file_download
from core.workbooks import xlsx_response
from training.choices import Review
from training.exports_writing import writing_xlsx
from training.forms_writing import ReturnForm, VerifyForm, WritingFilterForm, WritingForm
from training.selectors import writing as selectors
from training.services import writing as services


def _may_submit(user) -> bool:
    return user.has_perm("training.add_writing") or user.has_perm("training.change_writing")


def _filtered(request):
    filters = WritingFilterForm(
        request.GET or None, units=units_visible_to(request.user).order_by("path")
    )
    writings = selectors.writing_list(request.user)
    if request.GET:
        writings = filters.filter(writings, user=request.user)
    return filters, writings


def _page_context(request, rows) -> dict:
    page, querystring = paginate(request, rows)
    return {"page": page, "querystring": querystring}


@login_required
@permission_required("training.view_writing", raise_exception=True)
def writing_list(request):
    filters, writings = _filtered(request)
    context = {
        "filters": filters,
        "summary": selectors.writing_summary(writings),
        "can_submit": _may_submit(request.user),
        "can_review": request.user.has_perm("training.change_writing"),
        "export_query": request.GET.urlencode(),
        **_page_context(request, writings.order_by("-published_on", "-id")),
    }
    return render(request, "training/writing/list.html", context)


@login_required
@permission_required("training.view_writing", raise_exception=True)
def writing_export(request):
    _filters, writings = _filtered(request)
    content = writing_xlsx(writings.order_by("-published_on", "-id"))
    return xlsx_response(content, f"writing-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@permission_required("training.add_writing", raise_exception=True)
def writing_mine(request):
    """我的信息宣传: the user's own pieces, with what is pending, returned and verified."""
    rows = selectors.writings_of_user(request.user).order_by("-published_on", "-id")
    context = {"summary": selectors.writing_summary(rows), **_page_context(request, rows)}
    return render(request, "training/writing/mine.html", context)


@login_required
@permission_required("training.change_writing", raise_exception=True)
def writing_queue(request):
    """待审核: pieces waiting for review among the cadres the user manages, oldest first."""
    rows = (
        selectors.writings_reviewable_by(request.user)
        .filter(status=Review.SUBMITTED)
        .select_related("cadre", "cadre__unit", "submitted_by")
        .order_by("created_at", "id")
    )
    return render(request, "training/writing/queue.html", _page_context(request, rows))


def _warn_duplicates(request, writing) -> None:
    found = services.writing_duplicates(
        cadre=writing.cadre,
        title=writing.title,
        published_on=writing.published_on,
        exclude=writing.pk,
    ).exists()
    if found:
        messages.warning(
            request,
            _("提醒：%(name)s在%(day)s已有同名稿件《%(title)s》，请确认不是重复提交。")
            % {"name": writing.cadre.name, "day": writing.published_on, "title": writing.title},
        )


@login_required
def writing_create(request):
    if not _may_submit(request.user):
        raise PermissionDenied
    cadres = selectors.writing_submitter_cadres(request.user).order_by("name_pinyin", "id")
    if not cadres.exists():
        raise PermissionDenied  # e.g. a cadre account not yet linked to a profile
    form = WritingForm(request.POST or None, request.FILES or None, cadres=cadres)
    writing = form_saved(
        request,
        form,
        lambda **fields: services.writing_submit(
            cadre=form.cleaned_data["cadre"],
            actor=request.user,
            evidence=form.cleaned_data["evidence"],
            **fields,
        ),
    )
    if writing is not None:
        messages.success(request, _("已提交，等待审核：%(title)s") % {"title": writing.title})
        _warn_duplicates(request, writing)
        return redirect("writing_detail", pk=writing.pk)
    return render(request, "training/writing/form.html", {"form": form, "writing": None})


def _editable(request, pk: int):
    if not _may_submit(request.user):
        raise PermissionDenied
    return get_object_or_404(
        selectors.writings_editable_by(request.user).select_related("cadre"), pk=pk
    )


@login_required
def writing_edit(request, pk: int):
    writing = _editable(request, pk)
    cadres = selectors.writing_submitter_cadres(request.user)
    form = WritingForm(request.POST or None, request.FILES or None, instance=writing, cadres=cadres)
    saved = form_saved(
        request,
        form,
        lambda **fields: services.writing_update(
            writing=writing, actor=request.user, evidence=form.cleaned_data["evidence"], **fields
        ),
    )
    if saved is not None:
        messages.success(request, _("已保存，等待审核。"))
        _warn_duplicates(request, saved)
        return redirect("writing_detail", pk=saved.pk)
    return render(request, "training/writing/form.html", {"form": form, "writing": writing})


@login_required
@require_POST
def writing_withdraw(request, pk: int):
    writing = _editable(request, pk)
    try:
        services.writing_withdraw(writing=writing, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("writing_detail", pk=writing.pk)
    messages.success(request, _("已撤回：%(title)s") % {"title": writing.title})
    mine = writing.cadre.user_id == request.user.pk
    return redirect("writing_mine" if mine else "writing_list")


@login_required
@permission_required("training.view_writing", raise_exception=True)
def writing_detail(request, pk: int):
    writing = get_object_or_404(
        selectors.writing_list(request.user).select_related("submitted_by"), pk=pk
    )
    reviews = selectors.writings_reviewable_by(request.user).filter(pk=pk).exists()
    editable = (
        _may_submit(request.user)
        and selectors.writings_editable_by(request.user).filter(pk=pk).exists()
    )
    context = {
        "writing": writing,
        "reviews": reviews,
        "editable": editable,
        "verify_form": VerifyForm(initial={"level": writing.level}) if reviews else None,
        "return_form": ReturnForm() if reviews else None,
    }
    return render(request, "training/writing/detail.html", context)


def _reviewable(request, pk: int):
    return get_object_or_404(selectors.writings_reviewable_by(request.user), pk=pk)


@login_required
@require_POST
@permission_required("training.change_writing", raise_exception=True)
def writing_verify(request, pk: int):
    writing = _reviewable(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        raise Http404  # only a forged level gets here: the form offers the valid ones
    try:
        writing = services.writing_verify(
            writing=writing,
            actor=request.user,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("writing_detail", pk=pk)
    messages.success(
        request,
        _("已审核通过：%(title)s（%(level)s）")
        % {"title": writing.title, "level": writing.get_level_display()},
    )
    return redirect("writing_queue")


@login_required
@require_POST
@permission_required("training.change_writing", raise_exception=True)
def writing_return(request, pk: int):
    writing = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        writing = services.writing_return(writing=writing, actor=request.user, comment=comment)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("writing_detail", pk=pk)
    messages.success(request, _("已退回：%(title)s") % {"title": writing.title})
    return redirect("writing_queue")


@login_required
@permission_required("training.view_writing", raise_exception=True)
def writing_evidence(request, pk: int):
    """The evidence file, to whoever may see the piece (another cadre guessing the URL: 404)."""
    writing = get_object_or_404(selectors.writings_visible_to(request.user), pk=pk)
    return file_download(writing.evidence, filename=f"writing-{writing.pk}-evidence")
