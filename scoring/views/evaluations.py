"""Pages of the multi-party evaluation (多维评价 / 季评鉴).

Staff set up a round, assign evaluators, open, close and score it; leaders follow the same
pages read-only. Evaluators (any account but a plain cadre's) fill the forms assigned to them
on a phone. Nothing here is reachable by a cadre account: who rated whom, and any single form,
stay hidden from the cadre (anonymity).
"""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import Cohort
from cadres.selectors import cadres_visible_to, cohorts_managed_by, units_visible_to
from core.forms import flash_service_errors, form_saved, parse_id, service_errors_to_form
from core.roles import has_role
from core.workbooks import xlsx_bytes, xlsx_response
from scoring import selectors, services
from scoring.choices import Dimension, EvaluatorGroup, RoundStatus
from scoring.forms_evaluations import (
    EVALUATING_ROLES,
    AssignForm,
    EvaluationForm,
    RoundForm,
    evaluator_accounts,
)
from scoring.models import EvaluationAssignment, EvaluationRound
from scoring.services.evaluations import points_for, round_population

PAGE_SIZE = settings.QINGMIAO_PAGE_SIZE
FORMULA_EXAMPLE_SCORE = Decimal(85)


def _today() -> datetime.date:
    return timezone.localdate()


def _rounds(user):
    return selectors.rounds_visible_to(user).select_related(
        "unit", "cohort__programme", "created_by"
    )


def evaluator_required(view):
    """The evaluator's pages: every role but a plain cadre account (403 for it)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, *EVALUATING_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- rounds (staff; leaders read) ---------------------------------------------------------


@login_required
@permission_required("scoring.view_evaluationround", raise_exception=True)
def evaluation_round_list(request):
    rounds = selectors.round_list(request.user).select_related("cohort__programme")
    status = request.GET.get("status", "")
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    context = {
        "page": Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page")),
        "statuses": RoundStatus.choices,
        "status": status,
        "status_query": f"status={status}&" if status in RoundStatus.values else "",
        "can_add": request.user.has_perm("scoring.add_evaluationround"),
    }
    return render(request, "scoring/evaluations/round_list.html", context)


def _round_form(request, instance=None) -> RoundForm:
    user = request.user
    cohorts = cohorts_managed_by(user)
    if instance is not None and instance.cohort_id:
        # A round keeps its cohort even when set up by someone who manages more.
        cohorts = cohorts | Cohort.objects.filter(pk=instance.cohort_id)
    return RoundForm(
        request.POST or None,
        instance=instance,
        units=units_visible_to(user),
        cohorts=cohorts,
        initial=None if instance else {"opens_on": _today()},
    )


@login_required
@permission_required("scoring.add_evaluationround", raise_exception=True)
def evaluation_round_create(request):
    form = _round_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已创建评价轮次：%(name)s") % {"name": round_.name})
            return redirect("evaluation_round_detail", pk=round_.pk)
    return _form_page(request, form, None)


@login_required
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_round_edit(request, pk: int):
    round_ = get_object_or_404(
        selectors.rounds_managed_by(request.user).select_related("unit", "cohort"), pk=pk
    )
    if round_.status == RoundStatus.FINALISED:
        messages.error(request, _("该轮评价已计分，不能再修改。"))
        return redirect("evaluation_round_detail", pk=round_.pk)
    form = _round_form(request, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round_=round_, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evaluation_round_detail", pk=round_.pk)
    return _form_page(request, form, round_)


@login_required
def evaluation_formula(request):
    """htmx partial: the formula (and an example) for the factor and baseline being typed."""
    user = request.user
    if not (
        user.has_perm("scoring.add_evaluationround")
        or user.has_perm("scoring.change_evaluationround")
    ):
        raise PermissionDenied
    context = _formula_context(request.GET.get("points_factor"), request.GET.get("points_baseline"))
    return render(request, "scoring/evaluations/_formula.html", context)


def _formula_context(factor, baseline) -> dict:
    """The formula text for a factor and baseline as typed, with a worked example."""
    try:
        factor = Decimal(str(factor or "0").strip())
        baseline = Decimal(str(baseline or "0").strip())
    except InvalidOperation:
        return {"formula": None}
    # The model's bounds: a factor of 0 to 999.999, a baseline of ±999.99.
    if not (factor.is_finite() and baseline.is_finite()) or not (
        0 <= factor < 1000 and abs(baseline) < 1000
    ):
        return {"formula": None}
    sample = EvaluationRound(points_factor=factor, points_baseline=baseline)
    return {
        "formula": sample.formula(),
        "example_score": FORMULA_EXAMPLE_SCORE,
        "example_points": points_for(sample, FORMULA_EXAMPLE_SCORE),
    }


def _form_page(request, form: RoundForm, round_: EvaluationRound | None):
    context = {
        "form": form,
        "round": round_,
        **_formula_context(form["points_factor"].value(), form["points_baseline"].value()),
    }
    return render(request, "scoring/evaluations/round_form.html", context)


def _population(round_: EvaluationRound, user):
    return round_population(round_).filter(pk__in=cadres_visible_to(user).values("pk"))


def _detail_context(request, round_: EvaluationRound, assign_form: AssignForm | None = None):
    user = request.user
    can_manage = user.has_perm("scoring.change_evaluationround")
    progress = selectors.round_progress(round_)
    context = {
        "round": round_,
        "today": _today(),
        "can_manage": can_manage,
        "progress": progress,
        "assigned": sum(p.assigned for p in progress),
        "submitted": sum(p.submitted for p in progress),
        "dimension_weights": [
            (d.label, round_.dimension_weights.get(d.value, 0)) for d in Dimension
        ],
        "group_weights": [(g.label, round_.group_weights.get(g.value, 0)) for g in EvaluatorGroup],
        "cadre_progress": Paginator(
            selectors.round_cadre_progress(round_, user), PAGE_SIZE
        ).get_page(request.GET.get("page")),
        "dimensions": Dimension.choices,
        "results": None,
    }
    if round_.status == RoundStatus.FINALISED and user.has_perm("scoring.view_evaluationresult"):
        results = (
            selectors.results_visible_to(user)
            .filter(round=round_)
            .select_related("cadre__unit", "entry")
            .order_by("-score", "cadre__name_pinyin", "pk")
        )
        context["results"] = Paginator(results, PAGE_SIZE).get_page(request.GET.get("rpage"))
    if can_manage and round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN):
        context["assign_form"] = assign_form or AssignForm(
            cadres=_population(round_, user), evaluators=evaluator_accounts()
        )
        pending = round_.assignments.filter(
            status=EvaluationAssignment.Status.PENDING
        ).select_related("cadre", "evaluator")
        cadre_filter = request.GET.get("cadre", "")
        if parse_id(cadre_filter) is not None:
            pending = pending.filter(cadre_id=parse_id(cadre_filter))
        context["cadre_filter"] = cadre_filter
        context["pending_query"] = f"cadre={cadre_filter}&" if parse_id(cadre_filter) else ""
        context["pending"] = Paginator(
            pending.order_by("cadre__name_pinyin", "cadre_id", "group", "evaluator__username"),
            PAGE_SIZE,
        ).get_page(request.GET.get("apage"))
    return context


@login_required
@permission_required("scoring.view_evaluationround", raise_exception=True)
def evaluation_round_detail(request, pk: int):
    round_ = get_object_or_404(_rounds(request.user), pk=pk)
    return render(
        request, "scoring/evaluations/round_detail.html", _detail_context(request, round_)
    )


def _managed_round(request, pk: int) -> EvaluationRound:
    return get_object_or_404(
        selectors.rounds_managed_by(request.user).select_related(
            "unit", "cohort__programme", "created_by"
        ),
        pk=pk,
    )


def _transition(request, pk: int, service, done: str):
    round_ = _managed_round(request, pk)
    try:
        service(round_=round_, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("evaluation_round_detail", pk=round_.pk)


@login_required
@require_POST
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_round_open(request, pk: int):
    return _transition(request, pk, services.round_open, _("评价已开始，评价人可以填写了。"))


@login_required
@require_POST
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_round_close(request, pk: int):
    return _transition(request, pk, services.round_close, _("评价已截止。"))


@login_required
@require_POST
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_round_finalise(request, pk: int):
    return _transition(request, pk, services.round_finalise, _("已计分，评价结果已记入积分明细。"))


@login_required
@require_POST
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_assign(request, pk: int):
    round_ = _managed_round(request, pk)
    population = _population(round_, request.user)
    form = AssignForm(request.POST, cadres=population, evaluators=evaluator_accounts())

    def add(*, everyone, cadres, evaluators, group):
        return services.assignments_add(
            round_=round_,
            cadres=population if everyone else cadres,
            evaluators=evaluators,
            group=group,
            actor=request.user,
        )

    added = form_saved(request, form, add)
    if added is not None:
        messages.success(request, _("已新增%(count)s份评价任务。") % {"count": added})
        return redirect("evaluation_round_detail", pk=round_.pk)
    context = _detail_context(request, round_, assign_form=form)
    return render(request, "scoring/evaluations/round_detail.html", context)


@login_required
@require_POST
@permission_required("scoring.change_evaluationround", raise_exception=True)
def evaluation_assignment_remove(request, pk: int):
    assignment = get_object_or_404(
        EvaluationAssignment.objects.filter(
            round__in=selectors.rounds_managed_by(request.user)
        ).select_related("cadre"),
        pk=pk,
    )
    try:
        services.assignment_remove(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request, _("已撤销对%(name)s的一份评价任务。") % {"name": assignment.cadre.name}
        )
    url = reverse("evaluation_round_detail", args=[assignment.round_id])
    return redirect(f"{url}#assignments")


@login_required
@permission_required(
    ["scoring.view_evaluationround", "scoring.view_evaluationresult"], raise_exception=True
)
def evaluation_round_export(request, pk: int):
    round_ = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    if round_.status != RoundStatus.FINALISED:
        raise Http404
    results = (
        selectors.results_visible_to(request.user)
        .filter(round=round_)
        .select_related("cadre__unit", "entry")
        .order_by("-score", "cadre__name_pinyin", "pk")
    )
    headers = [
        _("姓名"),
        _("单位"),
        _("职务"),
        *[str(d.label) for d in Dimension],
        _("综合得分"),
        _("有效评价份数"),
        _("积分"),
    ]
    rows = (
        [
            r.cadre.name,
            r.cadre.unit.full_name,
            r.cadre.position,
            *[_number(r.dimension_scores.get(d.value)) for d in Dimension],
            r.score,
            r.ratings,
            r.entry.points if r.entry_id else None,
        ]
        for r in results.iterator(chunk_size=1000)
    )
    content = xlsx_bytes(
        title=_("评价结果"),
        headers=headers,
        rows=rows,
        widths={headers[0]: 10, headers[1]: 30, headers[2]: 16},
    )
    return xlsx_response(content, f"evaluation-{round_.pk}-{_today():%Y%m%d}.xlsx")


def _number(value) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


# --- the evaluator's pages (mobile) -------------------------------------------------------


@evaluator_required
def evaluation_my_tasks(request):
    """我的评价任务: forms of open and closed rounds, those still to fill first."""
    tasks = (
        selectors.assignments_of(request.user)
        .filter(round__status__in=[RoundStatus.OPEN, RoundStatus.CLOSED])
        .order_by(
            Case(
                When(round__status=RoundStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            Case(
                When(status=EvaluationAssignment.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "round__closes_on",
            "round_id",
            "cadre__name_pinyin",
            "pk",
        )
    )
    today = _today()
    context = {
        "page": Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page")),
        "today": today,
        "to_fill": tasks.filter(
            status=EvaluationAssignment.Status.PENDING,
            round__status=RoundStatus.OPEN,
            round__opens_on__lte=today,
            round__closes_on__gte=today,
        ).count(),
    }
    return render(request, "scoring/evaluations/my_tasks.html", context)


@evaluator_required
def evaluation_form(request, pk: int):
    assignment = get_object_or_404(selectors.assignments_of(request.user), pk=pk)
    round_ = assignment.round
    today = _today()
    editable = round_.status == RoundStatus.OPEN and round_.opens_on <= today <= round_.closes_on
    if request.method == "POST":
        if not editable:
            messages.error(request, _("不在填写时间内，评价不能提交或修改。"))
            return redirect("evaluation_form", pk=assignment.pk)
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                services.evaluation_submit(
                    assignment=assignment,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    actor=request.user,
                    today=today,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(
                    request, _("已提交对%(name)s的评价。") % {"name": assignment.cadre.name}
                )
                return redirect("evaluation_my_tasks")
    else:
        initial = dict(assignment.scores.values_list("dimension", "score"))
        initial["comment"] = assignment.comment
        form = EvaluationForm(initial=initial, read_only=not editable)
    context = {
        "assignment": assignment,
        "round": round_,
        "cadre": assignment.cadre,
        "form": form,
        "editable": editable,
        "not_yet": round_.status == RoundStatus.OPEN and today < round_.opens_on,
        "days_left": (round_.closes_on - today).days,
    }
    return render(request, "scoring/evaluations/evaluation_form.html", context)
