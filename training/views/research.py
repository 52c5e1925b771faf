"""Thin HTML views of 菁智汇 research topics and defenses (答辩会). Scoping comes from
`training.selectors.research`: outside scope → 404, missing permission or role → 403."""

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
from core.forms import flash_service_errors, form_saved, parse_id
from core.paging import paginate
from core.uploads import file_download
from core.workbooks import xlsx_response
from training.choices import MemberRole
from training.exports_research import defense_results_xlsx, topics_xlsx
from training.forms_research import (
    DefenseForm,
    DefenseJudgesForm,
    DefenseTopicsForm,
    MilestoneDoneForm,
    MilestoneForm,
    ReportForm,
    TopicFilterForm,
    TopicForm,
    criteria_from_post,
)
from training.models import Milestone, ResearchMember
from training.selectors import research as selectors
from training.selectors.judging import rubric_frozen
from training.services import research as services
from training.views import people
from training.views.judging import card_errors, flash_outcome, posted_scores, score_cards

# --- topics ----------------------------------------------------------------------------------


def _visible_topic(request, pk: int):
    return get_object_or_404(
        selectors.topics_visible_to(request.user).select_related("unit", "defense"), pk=pk
    )


def _managed_topic(request, pk: int):
    return get_object_or_404(selectors.topics_managed_by(request.user), pk=pk)


def _filtered_topics(request):
    filters = TopicFilterForm(
        request.GET or None, units=units_visible_to(request.user).order_by("path")
    )
    topics = selectors.topic_list(request.user)
    if any(request.GET.get(k) for k in ("field", "unit", "status")):
        topics = filters.filter(topics)
    return filters, topics


@login_required
@permission_required("training.view_researchtopic", raise_exception=True)
def topic_list(request):
    filters, topics = _filtered_topics(request)
    page, querystring = paginate(request, topics)
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_researchtopic"),
        "may_use_defenses": selectors.may_use_defenses(request.user),
    }
    return render(request, "training/research/topic_list.html", context)


@login_required
@permission_required("training.view_researchtopic", raise_exception=True)
def topic_export(request):
    _filters, topics = _filtered_topics(request)
    content = topics_xlsx(selectors.with_members(topics))
    return xlsx_response(content, f"research-topics-{timezone.localdate():%Y%m%d}.xlsx")


def _leader_choices(request):
    return (
        serving_cadres_visible_to(request.user).select_related("unit").order_by("name_pinyin", "id")
    )


@login_required
@permission_required("training.add_researchtopic", raise_exception=True)
def topic_create(request):
    form = TopicForm(
        request.POST or None,
        units=units_visible_to(request.user).order_by("path"),
        cadres=_leader_choices(request),
    )
    topic = form_saved(
        request,
        form,
        lambda **fields: services.topic_create(
            actor=request.user, leader=form.cleaned_data["leader"], **fields
        ),
    )
    if topic is not None:
        messages.success(request, _("已创建课题：%(title)s") % {"title": topic.title})
        return redirect("research_topic_detail", pk=topic.pk)
    return render(request, "training/research/topic_form.html", {"form": form, "topic": None})


@login_required
@permission_required("training.change_researchtopic", raise_exception=True)
def topic_edit(request, pk: int):
    topic = _managed_topic(request, pk)
    form = TopicForm(
        request.POST or None, instance=topic, units=units_visible_to(request.user).order_by("path")
    )
    save = partial(services.topic_update, topic=topic, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("research_topic_detail", pk=topic.pk)
    return render(request, "training/research/topic_form.html", {"form": form, "topic": topic})


@login_required
@permission_required("training.view_researchtopic", raise_exception=True)
def topic_detail(request, pk: int):
    topic = _visible_topic(request, pk)
    manages = selectors.may_manage(request.user, topic)
    mine = selectors.membership(request.user, topic)
    milestones = selectors.topic_milestones(topic)
    context = {
        "topic": topic,
        "members": list(selectors.topic_members(topic)),
        "milestones": milestones,
        "overdue": sum(1 for m in milestones if m.overdue),
        "manages": manages,
        "mine": mine,
        "may_milestones": manages or (mine is not None and mine.role == MemberRole.LEADER),
        "may_upload": mine is not None,
        "milestone_form": MilestoneForm(),
        "report_form": ReportForm(),
        "result": selectors.topic_result(topic),
        "sees_defense": topic.defense_id is not None
        and selectors.defenses_visible_to(request.user).filter(pk=topic.defense_id).exists(),
        "today": timezone.localdate(),
    }
    return render(request, "training/research/topic_detail.html", context)


@login_required
@permission_required("training.change_researchtopic", raise_exception=True)
def member_candidates(request, pk: int):
    """htmx partial: serving cadres in scope matching the search, not yet in the group."""
    topic = _managed_topic(request, pk)
    return people.candidates(
        request,
        "training/research/_member_candidates.html",
        {"topic": topic},
        Q(research_memberships__topic=topic),
    )


def _cadre_in_scope(request):
    cadre_id = parse_id(request.POST.get("cadre"))
    if cadre_id is None:
        return None
    return serving_cadres_visible_to(request.user).filter(pk=cadre_id).first()


@login_required
@require_POST
@permission_required("training.change_researchtopic", raise_exception=True)
def member_add(request, pk: int):
    topic = _managed_topic(request, pk)
    cadre = _cadre_in_scope(request)
    if cadre is None:
        messages.error(request, _("请从搜索结果中选择您范围内的在职干部。"))
        return redirect("research_topic_detail", pk=topic.pk)
    try:
        if request.POST.get("role") == MemberRole.LEADER:
            services.leader_set(topic=topic, cadre=cadre, actor=request.user)
            messages.success(request, _("%(name)s已任组长。") % {"name": cadre.name})
        else:
            services.member_add(topic=topic, cadre=cadre, actor=request.user)
            messages.success(request, _("已添加组员：%(name)s") % {"name": cadre.name})
    except ValidationError as exc:
        flash_service_errors(request, exc)
    return redirect("research_topic_detail", pk=topic.pk)


@login_required
@require_POST
@permission_required("training.change_researchtopic", raise_exception=True)
def member_remove(request, pk: int, member_pk: int):
    topic = _managed_topic(request, pk)
    member = get_object_or_404(ResearchMember.objects.select_related("cadre"), pk=member_pk,
                               topic=topic)  # fmt: skip
    try:
        services.member_remove(member=member, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已移除：%(name)s") % {"name": member.cadre.name})
    return redirect("research_topic_detail", pk=topic.pk)


@login_required
@require_POST
@permission_required("training.change_researchtopic", raise_exception=True)
def leader_set(request, pk: int, member_pk: int):
    topic = _managed_topic(request, pk)
    member = get_object_or_404(ResearchMember.objects.select_related("cadre"), pk=member_pk,
                               topic=topic)  # fmt: skip
    try:
        services.leader_set(topic=topic, cadre=member.cadre, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s已任组长，原组长转为组员。") % {"name": member.cadre.name},
        )
    return redirect("research_topic_detail", pk=topic.pk)


def _milestone_topic(request, pk: int):
    topic = _visible_topic(request, pk)
    if not selectors.may_manage_milestones(request.user, topic):
        raise PermissionDenied
    return topic


@login_required
@require_POST
@permission_required("training.view_researchtopic", raise_exception=True)
def milestone_add(request, pk: int):
    topic = _milestone_topic(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(
                    request,
                    _("%(field)s：%(message)s") % {"field": label, "message": message}
                    if label
                    else message,
                )
        return redirect("research_topic_detail", pk=topic.pk)
    try:
        services.milestone_add(topic=topic, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已添加节点。"))
    return redirect("research_topic_detail", pk=topic.pk)


@login_required
@require_POST
@permission_required("training.view_researchtopic", raise_exception=True)
def milestone_done(request, pk: int, milestone_pk: int):
    topic = _milestone_topic(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, topic=topic)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("done_on", []) + form.errors.get("note", []):
            messages.error(request, message)
        return redirect("research_topic_detail", pk=topic.pk)
    try:
        services.milestone_done(milestone=milestone, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("节点“%(title)s”已更新。") % {"title": milestone.title})
    return redirect("research_topic_detail", pk=topic.pk)


@login_required
@require_POST
@permission_required("training.view_researchtopic", raise_exception=True)
def report_upload(request, pk: int):
    topic = _visible_topic(request, pk)
    if selectors.membership(request.user, topic) is None:
        raise PermissionDenied
    try:
        services.report_upload(topic=topic, upload=request.FILES.get("report"), actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("调研报告已上传。"))
    return redirect("research_topic_detail", pk=topic.pk)


@login_required
def report_download(request, pk: int):
    """Members, staff and leaders in scope, mentors of a member, the session's judges and
    administrators; anyone else gets 404 whatever the URL."""
    topic = get_object_or_404(selectors.topics_with_report_for(request.user), pk=pk)
    return file_download(topic.report, filename=f"research-report-{topic.pk}")


# --- defenses --------------------------------------------------------------------------------


def _defense_user(request) -> None:
    if not selectors.may_use_defenses(request.user):
        raise PermissionDenied


def _visible_defense(request, pk: int):
    _defense_user(request)
    return get_object_or_404(selectors.defenses_visible_to(request.user).select_related("unit"),
                             pk=pk)  # fmt: skip


def _managed_defense(request, pk: int):
    if not request.user.has_perm("training.change_defense"):
        raise PermissionDenied
    return get_object_or_404(selectors.defenses_managed_by(request.user).select_related("unit"),
                             pk=pk)  # fmt: skip


@login_required
def defense_list(request):
    _defense_user(request)
    page, querystring = paginate(request, selectors.defense_list(request.user))
    context = {
        "page": page,
        "querystring": querystring,
        "can_add": request.user.has_perm("training.add_defense"),
        "judged": set(request.user.judged_defenses.values_list("pk", flat=True)),
    }
    return render(request, "training/research/defense_list.html", context)


@login_required
@permission_required("training.add_defense", raise_exception=True)
def defense_create(request):
    form = DefenseForm(request.POST or None, units=units_visible_to(request.user).order_by("path"))
    defense = form_saved(request, form, partial(services.defense_create, actor=request.user))
    if defense is not None:
        messages.success(request, _("已创建答辩会：%(title)s") % {"title": defense.title})
        return redirect("defense_detail", pk=defense.pk)
    return render(request, "training/research/defense_form.html", {"form": form, "defense": None})


@login_required
@permission_required("training.change_defense", raise_exception=True)
def defense_edit(request, pk: int):
    defense = _managed_defense(request, pk)
    form = DefenseForm(
        request.POST or None,
        instance=defense,
        units=units_visible_to(request.user).order_by("path"),
    )
    save = partial(services.defense_update, defense=defense, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("defense_detail", pk=defense.pk)
    context = {"form": form, "defense": defense}
    return render(request, "training/research/defense_form.html", context)


@login_required
def defense_detail(request, pk: int):
    defense = _visible_defense(request, pk)
    manages = selectors.defenses_managed_by(request.user).filter(pk=defense.pk).exists()
    topics = list(defense.topics.select_related("unit").order_by("title", "id"))
    context = {
        "defense": defense,
        "topics": topics,
        "criteria": list(defense.criteria.order_by("position", "id")),
        "judges": list(defense.judges.order_by("username")),
        "manages": manages,
        "is_judge": selectors.is_judge(request.user, defense),
        "sees_results": selectors.defenses_with_results_for(request.user)
        .filter(pk=defense.pk)
        .exists(),
        "scoring_open": services.scoring_open(defense),
        "frozen": rubric_frozen(defense),
    }
    if manages:
        context["topics_form"] = DefenseTopicsForm(
            initial={"topics": topics},
            topics=selectors.eligible_topics(defense, request.user),
        )
        context["judges_form"] = DefenseJudgesForm(
            initial={"judges": context["judges"]}, users=selectors.judge_choices()
        )
        context["blank_rows"] = range(len(context["criteria"]), len(context["criteria"]) + 3)
    return render(request, "training/research/defense_detail.html", context)


@login_required
@require_POST
@permission_required("training.change_defense", raise_exception=True)
def defense_topics(request, pk: int):
    defense = _managed_defense(request, pk)
    form = DefenseTopicsForm(request.POST, topics=selectors.eligible_topics(defense, request.user))
    if not form.is_valid():
        for message in form.errors.get("topics", []):
            messages.error(request, message)
        return redirect("defense_detail", pk=defense.pk)
    topics = form.cleaned_data["topics"]
    flash_outcome(
        request,
        lambda: services.defense_topics_set(defense=defense, topics=topics, actor=request.user),
        _("答辩课题已保存。"),
    )
    return redirect("defense_detail", pk=defense.pk)


@login_required
@require_POST
@permission_required("training.change_defense", raise_exception=True)
def defense_criteria(request, pk: int):
    defense = _managed_defense(request, pk)
    criteria = criteria_from_post(request.POST)
    flash_outcome(
        request,
        lambda: services.defense_criteria_set(
            defense=defense, criteria=criteria, actor=request.user
        ),
        _("评分项已保存。"),
    )
    return redirect("defense_detail", pk=defense.pk)


@login_required
@require_POST
@permission_required("training.change_defense", raise_exception=True)
def defense_judges(request, pk: int):
    defense = _managed_defense(request, pk)
    form = DefenseJudgesForm(request.POST, users=selectors.judge_choices())
    if not form.is_valid():
        for message in form.errors.get("judges", []):
            messages.error(request, message)
        return redirect("defense_detail", pk=defense.pk)
    judges = form.cleaned_data["judges"]
    flash_outcome(
        request,
        lambda: services.defense_judges_set(defense=defense, judges=judges, actor=request.user),
        _("评委名单已保存。"),
    )
    return redirect("defense_detail", pk=defense.pk)


@login_required
def defense_score(request, pk: int):
    """评委打分: one card per topic, phone-friendly; each card is posted on its own."""
    defense = _visible_defense(request, pk)
    if not selectors.is_judge(request.user, defense):
        raise PermissionDenied
    topics = list(defense.topics.order_by("title", "id"))
    criteria = list(defense.criteria.order_by("position", "id"))
    failed = posted = errors = None
    if request.method == "POST":
        topic = next((t for t in topics if str(t.pk) == request.POST.get("topic")), None)
        if topic is None:
            messages.error(request, _("该课题不在本次答辩会中。"))
            return redirect("defense_score", pk=defense.pk)
        posted = posted_scores(request, criteria)
        try:
            services.defense_score(defense=defense, topic=topic, judge=request.user, scores=posted)
        except ValidationError as exc:
            failed, errors = topic.pk, card_errors(exc)
        else:
            messages.success(request, _("已保存对《%(title)s》的评分。") % {"title": topic.title})
            return redirect(f"{request.path}#topic-{topic.pk}")
    context = {
        "defense": defense,
        "cards": score_cards(
            subjects=topics,
            criteria=criteria,
            saved=selectors.judge_cards(defense, request.user),
            failed=failed,
            posted=posted,
            errors=errors,
        ),
        "criteria": criteria,
        "open": services.scoring_open(defense),
        "not_started": timezone.now() < defense.held_at,
    }
    status = 400 if errors else 200
    return render(request, "training/research/defense_score.html", context, status=status)


def _results_defense(request, pk: int):
    if not request.user.has_perm("training.view_defense"):
        raise PermissionDenied
    return get_object_or_404(
        selectors.defenses_with_results_for(request.user).select_related("unit"), pk=pk
    )


@login_required
def defense_results(request, pk: int):
    defense = _results_defense(request, pk)
    context = {
        "defense": defense,
        "manages": selectors.defenses_managed_by(request.user).filter(pk=defense.pk).exists(),
        **selectors.defense_results(defense),
    }
    return render(request, "training/research/defense_results.html", context)


@login_required
def defense_results_export(request, pk: int):
    defense = _results_defense(request, pk)
    content = defense_results_xlsx(defense, selectors.defense_results(defense))
    return xlsx_response(content, f"defense-{defense.pk}-results.xlsx")


@login_required
@require_POST
@permission_required("training.change_defense", raise_exception=True)
def defense_publish(request, pk: int):
    defense = _managed_defense(request, pk)
    flash_outcome(
        request,
        lambda: services.results_publish(defense=defense, actor=request.user),
        _("答辩结果已发布，课题组成员的积分已记入。"),
    )
    return redirect("defense_results", pk=defense.pk)


@login_required
@require_POST
@permission_required("training.change_defense", raise_exception=True)
def defense_unpublish(request, pk: int):
    defense = _managed_defense(request, pk)
    flash_outcome(
        request,
        lambda: services.results_withdraw(defense=defense, actor=request.user),
        _("已撤回结果发布，相应积分已冲销，评委可继续修改评分。"),
    )
    return redirect("defense_results", pk=defense.pk)
