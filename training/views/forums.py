"""Thin HTML views of 菁才论坛: parse, call a selector or service, render.
Scoping comes from `training.selectors.forums`; outside scope → 404, missing permission → 403;
the scoring page is for the forum's judges only (membership, not a permission)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import serving_cadres_visible_to, units_visible_to
from core.forms import flash_form_errors, flash_service_errors, form_saved, service_errors_to_form
from core.paging import paginate
from core.workbooks import xlsx_response
from training.exports_forums import forum_list_xlsx, forum_results_xlsx
from training.forms_forums import (
    CriterionFormSet,
    ForumFilterForm,
    ForumForm,
    JudgesForm,
    SpeakerForm,
)
from training.models import ForumAttendee, ForumSpeaker
from training.selectors import forums as selectors
from training.selectors.judging import rubric_frozen
from training.services import forums as services
from training.views import people
from training.views.judging import card_errors, flash_outcome, posted_scores, score_cards


def _managed(request, pk: int):
    return get_object_or_404(selectors.forums_managed_by(request.user), pk=pk)


def _filtered(request):
    filters = ForumFilterForm(request.GET or None, units=units_visible_to(request.user))
    forums = selectors.forum_list(request.user)
    if request.GET and not filters.is_valid():
        return filters, forums.none()
    if filters.is_bound:
        data = filters.cleaned_data
        forums = selectors.forums_filter(
            forums,
            year=data["year"],
            quarter=data["quarter"],
            format=data["format"],
            unit=data["unit"],
        )
    return filters, forums


@login_required
@permission_required("training.view_forum", raise_exception=True)
def forum_list(request):
    filters, forums = _filtered(request)
    page, querystring = paginate(request, forums)
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_forum"),
    }
    return render(request, "training/forums/forum_list.html", context)


@login_required
@permission_required("training.view_forum", raise_exception=True)
def forum_export(request):
    """The forum list as .xlsx, with the same scope and filters as the page."""
    _filters, forums = _filtered(request)
    return xlsx_response(forum_list_xlsx(forums), f"forums-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@permission_required("training.add_forum", raise_exception=True)
def forum_create(request):
    form = ForumForm(
        request.POST or None,
        units=units_visible_to(request.user),
        initial={"series": "金城青年说"},
    )
    forum = form_saved(request, form, partial(services.forum_create, actor=request.user))
    if forum is not None:
        messages.success(request, _("已创建论坛：%(title)s") % {"title": forum.title})
        return redirect("forum_detail", pk=forum.pk)
    return render(request, "training/forums/forum_form.html", {"form": form, "forum": None})


@login_required
@permission_required("training.change_forum", raise_exception=True)
def forum_edit(request, pk: int):
    forum = _managed(request, pk)
    form = ForumForm(request.POST or None, instance=forum, units=units_visible_to(request.user))
    save = partial(services.forum_update, forum=forum, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("forum_detail", pk=forum.pk)
    return render(request, "training/forums/forum_form.html", {"form": form, "forum": forum})


@login_required
@permission_required("training.view_forum", raise_exception=True)
def forum_detail(request, pk: int):
    forum = get_object_or_404(
        selectors.forums_visible_to(request.user).select_related("unit"), pk=pk
    )
    manages = selectors.forums_managed_by(request.user).filter(pk=forum.pk).exists()
    attendees = list(selectors.attendees_of(forum, request.user))
    context = {
        "forum": forum,
        "speakers": list(selectors.speakers_of(forum)),
        "attendees": attendees,
        "unconfirmed": sum(1 for a in attendees if not a.attended),
        "manages": manages,
        "started": timezone.now() >= forum.starts_at,
        "full_results": selectors.sees_full_results(request.user, forum),
        "own_ranks": selectors.own_ranks(forum, request.user),
        "criteria": list(forum.criteria.all()),
        "judges": list(forum.judges.order_by("username")),
        "is_judge": forum.judges.filter(pk=request.user.pk).exists(),
        "attendee_form": people.pick_form(request) if manages else None,
    }
    return render(request, "training/forums/forum_detail.html", context)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def speaker_add(request, pk: int):
    forum = _managed(request, pk)
    form = SpeakerForm(request.POST, cadres=serving_cadres_visible_to(request.user))
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("forum_detail", pk=forum.pk)
    data = form.cleaned_data
    try:
        speaker = services.speaker_add(
            forum=forum,
            cadre=data["cadre"],
            talk_title=data["talk_title"],
            position=data["position"],
            actor=request.user,
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已添加主讲人：%(name)s") % {"name": speaker.cadre.name})
    return redirect("forum_detail", pk=forum.pk)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def speaker_remove(request, pk: int, speaker_pk: int):
    forum = _managed(request, pk)
    speaker = get_object_or_404(ForumSpeaker, forum=forum, pk=speaker_pk)
    try:
        services.speaker_remove(speaker=speaker, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已移除主讲人。"))
    return redirect("forum_detail", pk=forum.pk)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def attendee_add(request, pk: int):
    forum = _managed(request, pk)
    _form, cadres = people.picked_cadres(request)
    if cadres is None:
        return redirect("forum_detail", pk=forum.pk)
    try:
        counts = services.attendees_add(forum=forum, cadres=cadres, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("forum_detail", pk=forum.pk)
    messages.success(request, _("已添加参加人员%(count)s人。") % {"count": counts["added"]})
    if counts["skipped_speakers"]:
        messages.warning(
            request,
            _("已跳过%(count)s名本期主讲人（同一人不能既是主讲人又是参加人员）。")
            % {"count": counts["skipped_speakers"]},
        )
    return redirect("forum_detail", pk=forum.pk)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def attendee_remove(request, pk: int, attendee_pk: int):
    forum = _managed(request, pk)
    attendee = get_object_or_404(ForumAttendee, forum=forum, pk=attendee_pk)
    services.attendee_remove(attendee=attendee, actor=request.user)
    messages.success(request, _("已移除参加人员。"))
    return redirect("forum_detail", pk=forum.pk)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def attendees_confirm(request, pk: int):
    forum = _managed(request, pk)
    try:
        count = services.attendees_confirm(forum=forum, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已确认%(count)s人参加。") % {"count": count})
    return redirect("forum_detail", pk=forum.pk)


@login_required
@permission_required("training.change_forum", raise_exception=True)
def forum_candidates(request, pk: int):
    """htmx partial: visible serving cadres matching the search, not yet on the forum.
    `?role=speaker` offers them as speakers (with a talk title), otherwise as attendees."""
    forum = _managed(request, pk)
    as_speaker = request.GET.get("role") == "speaker"
    template = "_speaker_candidates.html" if as_speaker else "_candidates.html"
    return people.candidates(
        request,
        f"training/forums/{template}",
        {"forum": forum},
        Q(forum_talks__forum=forum),
        Q(forum_attendances__forum=forum),
    )


@login_required
@permission_required("training.change_forum", raise_exception=True)
def forum_criteria(request, pk: int):
    forum = _managed(request, pk)
    initial = [
        {"name": c.name, "max_score": c.max_score, "position": c.position}
        for c in forum.criteria.all()
    ]
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset if (f.cleaned_data.get("name") or "").strip()]
        try:
            services.criteria_set(forum=forum, criteria=rows, actor=request.user)
        except ValidationError as exc:
            formset.non_form_errors().extend(exc.messages)
        else:
            messages.success(request, _("评分项已保存。"))
            return redirect("forum_detail", pk=forum.pk)
    context = {"forum": forum, "formset": formset, "locked": rubric_frozen(forum)}
    return render(request, "training/forums/criteria.html", context)


@login_required
@permission_required("training.change_forum", raise_exception=True)
def forum_judges(request, pk: int):
    forum = _managed(request, pk)
    candidates = services.judge_candidates(request.user).order_by("username")
    form = JudgesForm(
        request.POST or None,
        candidates=candidates,
        initial={"judges": list(forum.judges.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.judges_set(
                forum=forum,
                judges=form.cleaned_data["judges"],
                allowed=candidates,
                actor=request.user,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("评委已保存。"))
            return redirect("forum_detail", pk=forum.pk)
    return render(request, "training/forums/judges.html", {"forum": forum, "form": form})


@login_required
def forum_score(request, pk: int):
    """评分 (phone-friendly): one card per speaker with every criterion; judges only."""
    forum = get_object_or_404(selectors.forums_judged_by(request.user), pk=pk)
    speakers = list(selectors.speakers_of(forum))
    criteria = list(forum.criteria.all())
    failed = posted = errors = None
    if request.method == "POST":
        speaker = next((s for s in speakers if str(s.pk) == request.POST.get("speaker")), None)
        if speaker is None:
            messages.error(request, _("请选择要评分的主讲人。"))
        else:
            posted = posted_scores(request, criteria)
            try:
                services.forum_score_save(speaker=speaker, judge=request.user, scores=posted)
            except ValidationError as exc:
                failed, errors = speaker.pk, card_errors(exc)
            else:
                messages.success(
                    request, _("已保存对%(name)s的评分。") % {"name": speaker.cadre.name}
                )
                return redirect("forum_score", pk=forum.pk)
    context = {
        "forum": forum,
        "cards": score_cards(
            subjects=speakers,
            criteria=criteria,
            saved=selectors.judge_cards(forum, request.user),
            failed=failed,
            posted=posted,
            errors=errors,
        ),
        "criteria": criteria,
        "open": services.scoring_open(forum),
        "started": timezone.now() >= forum.starts_at,
    }
    return render(request, "training/forums/score.html", context)


@login_required
def my_scoring(request):
    """我的评分任务: the forums the user judges."""
    forums = selectors.scoring_tasks(request.user)
    page, querystring = paginate(request, forums)
    context = {"page": page, "querystring": querystring, "now": timezone.now()}
    return render(request, "training/forums/my_scoring.html", context)


def _results_forum(request, pk: int):
    forum = get_object_or_404(
        selectors.forums_visible_to(request.user).select_related("unit"), pk=pk
    )
    if not selectors.sees_full_results(request.user, forum):
        raise PermissionDenied
    return forum


@login_required
@permission_required("training.view_forum", raise_exception=True)
def forum_results(request, pk: int):
    forum = _results_forum(request, pk)
    context = {
        "forum": forum,
        "table": selectors.results_table(forum),
        "manages": selectors.forums_managed_by(request.user).filter(pk=forum.pk).exists(),
    }
    return render(request, "training/forums/results.html", context)


@login_required
@permission_required("training.view_forum", raise_exception=True)
def forum_results_export(request, pk: int):
    forum = _results_forum(request, pk)
    return xlsx_response(
        forum_results_xlsx(forum, selectors.results_table(forum)),
        f"forum-{forum.pk}-results-{timezone.localdate():%Y%m%d}.xlsx",
    )


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def forum_publish(request, pk: int):
    forum = _managed(request, pk)
    flash_outcome(
        request,
        lambda: services.forum_results_publish(forum=forum, actor=request.user),
        _("结果已发布，积分已记入。"),
    )
    return redirect("forum_results", pk=forum.pk)


@login_required
@require_POST
@permission_required("training.change_forum", raise_exception=True)
def forum_unpublish(request, pk: int):
    forum = _managed(request, pk)
    reason = request.POST.get("reason", "").strip()
    flash_outcome(
        request,
        lambda: services.forum_results_withdraw(forum=forum, actor=request.user, reason=reason),
        _("已撤回发布，评分重新开放，相应积分已冲销。"),
    )
    return redirect("forum_results", pk=forum.pk)
