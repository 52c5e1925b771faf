"""Ledger pages (积分明细): rules, the ledger and its export, manual awards and deductions,
reversals, and self-declared items with their review. Thin: parse, call a selector or a
service, render. Scoping starts from the cadres door (`cadres_visible_to`)."""

import datetime
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.selectors import cadre_search_q, cadres_visible_to
from core.forms import form_saved, parse_id
from core.uploads import file_download
from core.workbooks import xlsx_response
from scoring import services
from scoring.choices import EntryKind, RuleCategory
from scoring.forms_ledger import (
    AwardForm,
    DecisionForm,
    DeclarationFilterForm,
    DeclarationForm,
    LedgerFilter,
    ReverseForm,
    RuleFilterForm,
    RuleForm,
)
from scoring.ledger_exports import ledger_xlsx
from scoring.models import Declaration, PointEntry, PointRule
from scoring.selectors import entries_visible_to
from scoring.selectors.ledger import (
    declarations_reviewable_by,
    declarations_visible_to,
    managed_cadres,
)
from scoring.services.rules import rule_create as rule_create_service
from scoring.services.rules import rule_update

CANDIDATE_LIMIT = 20


def _today() -> datetime.date:
    return timezone.localdate()


# --- rules (积分规则) ---------------------------------------------------------------------------


def _current_q(today: datetime.date) -> Q:
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


@login_required
@permission_required("scoring.view_pointrule", raise_exception=True)
def rule_list(request):
    today = _today()
    form = RuleFilterForm(request.GET or None)
    category_order = Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(RuleCategory.values)),
        output_field=IntegerField(),
    )
    rules = PointRule.objects.annotate(
        category_order=category_order,
        is_current=ExpressionWrapper(_current_q(today), output_field=BooleanField()),
    ).order_by("category_order", "code")
    if form.is_valid():
        if form.cleaned_data["category"]:
            rules = rules.filter(category=form.cleaned_data["category"])
        if form.cleaned_data["current"] == "1":
            rules = rules.filter(_current_q(today))
        elif form.cleaned_data["current"] == "0":
            rules = rules.exclude(_current_q(today))
    context = {
        "form": form,
        "rules": rules,
        "can_add": request.user.has_perm("scoring.add_pointrule"),
        "can_change": request.user.has_perm("scoring.change_pointrule"),
        "can_declare": request.user.has_perm("scoring.add_declaration"),
    }
    return render(request, "scoring/ledger/rule_list.html", context)


def _rule_form_page(request, rule: PointRule | None):
    form = RuleForm(request.POST or None, instance=rule)
    if rule is None:
        save = partial(rule_create_service, actor=request.user)
    else:
        save = partial(rule_update, rule=rule, actor=request.user)
    saved = form_saved(request, form, save)
    if saved is not None:
        messages.success(request, _("已保存积分规则：%(rule)s") % {"rule": saved})
        return redirect(f"{reverse('rule_list')}?category={saved.category}")
    return render(request, "scoring/ledger/rule_form.html", {"form": form, "rule": rule})


@login_required
@permission_required("scoring.add_pointrule", raise_exception=True)
def rule_create(request):
    return _rule_form_page(request, None)


@login_required
@permission_required("scoring.change_pointrule", raise_exception=True)
def rule_edit(request, pk: int):
    return _rule_form_page(request, get_object_or_404(PointRule, pk=pk))


# --- the ledger (积分明细) ----------------------------------------------------------------------


def _ledger_filter(request) -> LedgerFilter:
    user = request.user
    reversal = PointEntry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    entries = (
        entries_visible_to(user)
        .select_related("cadre__unit", "rule", "author")
        .annotate(reversal_id=Subquery(reversal))
        .order_by("-occurred_on", "-id")
    )
    if user.has_perm("scoring.add_pointentry"):
        entries = entries.annotate(
            manageable=Exists(managed_cadres(user).filter(pk=OuterRef("cadre_id")))
        )
    return LedgerFilter(request.GET or None, queryset=entries, user=user)


@login_required
@permission_required("scoring.view_pointentry", raise_exception=True)
def ledger(request):
    ledger_filter = _ledger_filter(request)
    entries = ledger_filter.qs
    page = Paginator(entries, settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": ledger_filter,
        "page": page,
        "total": entries.aggregate(total=Sum("points"))["total"],
        "querystring": query.urlencode(),
        "can_award": request.user.has_perm("scoring.add_pointentry"),
    }
    template = (
        "scoring/ledger/_ledger_table.html"
        if request.headers.get("HX-Request")
        else "scoring/ledger/ledger.html"
    )
    return render(request, template, context)


@login_required
@permission_required("scoring.view_pointentry", raise_exception=True)
def ledger_export(request):
    content = ledger_xlsx(_ledger_filter(request).qs)
    return xlsx_response(content, f"ledger-{_today():%Y%m%d}.xlsx")


# --- manual awards and reversals --------------------------------------------------------------


def _candidates(user, search: str) -> list[Cadre]:
    if not search.strip():
        return []
    return list(
        managed_cadres(user)
        .filter(cadre_search_q(search, user=user))
        .select_related("unit")
        .order_by("name_pinyin", "id")[:CANDIDATE_LIMIT]
    )


@login_required
@permission_required("scoring.add_pointentry", raise_exception=True)
def points_award(request):
    """加减分: the cadre is picked by search (or comes as `?cadre=`), then the form."""
    cadres = managed_cadres(request.user)
    cadre = None
    cadre_id = request.POST.get("cadre") or request.GET.get("cadre")
    if cadre_id:
        if parse_id(cadre_id) is None:
            raise Http404
        cadre = get_object_or_404(cadres.select_related("unit"), pk=cadre_id)
    form = AwardForm(
        request.POST or None,
        cadres=cadres,
        initial={"cadre": cadre, "occurred_on": _today()},
    )
    entry = form_saved(request, form, partial(services.points_award, actor=request.user))
    if entry is not None:
        if entry.points > 0:
            text = _("已为%(name)s加%(points)s分。")
        else:
            text = _("已为%(name)s减%(points)s分。")
        values = {"name": form.cleaned_data["cadre"].name, "points": f"{abs(entry.points):.2f}"}
        messages.success(request, text % values)
        return redirect(f"{reverse('ledger')}?cadre={entry.cadre_id}")
    search = request.GET.get("q", "")
    context = {
        "form": form,
        "cadre": cadre,
        "q": search,
        "rows": _candidates(request.user, search),
        "searched": bool(search.strip()),
    }
    return render(request, "scoring/ledger/award.html", context)


@login_required
@permission_required("scoring.add_pointentry", raise_exception=True)
def award_candidates(request):
    """htmx partial: cadres in the user's scope matching the search, to award points to."""
    search = request.GET.get("q", "")
    context = {"rows": _candidates(request.user, search), "searched": bool(search.strip())}
    return render(request, "scoring/ledger/_award_candidates.html", context)


@login_required
@permission_required("scoring.add_pointentry", raise_exception=True)
def entry_reverse(request, pk: int):
    """冲销: confirm with a reason; the service refuses a second reversal."""
    user = request.user
    entry = get_object_or_404(
        entries_visible_to(user)
        .filter(cadre__in=managed_cadres(user))
        .select_related("cadre__unit", "rule", "author"),
        pk=pk,
    )
    form = ReverseForm(request.POST or None)
    reversal = form_saved(request, form, partial(services.entry_reverse, entry=entry, actor=user))
    if reversal is not None:
        messages.success(
            request,
            _("已冲销第%(id)s号明细（%(points)s分）。")
            % {"id": entry.pk, "points": f"{entry.points:+}"},
        )
        return redirect(f"{reverse('ledger')}?cadre={reversal.cadre_id}")
    context = {
        "entry": entry,
        "form": form,
        "reversal": PointEntry.objects.filter(reverses=entry).first(),
        "is_reversal": entry.kind == EntryKind.REVERSAL,
        "opposite": -entry.points,
    }
    return render(request, "scoring/ledger/entry_reverse.html", context)


# --- declarations (个人申报) --------------------------------------------------------------------


@login_required
@permission_required("scoring.add_declaration", raise_exception=True)
def declaration_new(request):
    today = _today()
    cadre = cadres_visible_to(request.user).filter(user=request.user).first()
    form = DeclarationForm(
        request.POST or None,
        request.FILES or None,
        today=today,
        initial={"occurred_on": today},
    )

    def submit(*, evidence, **fields):
        return services.declaration_submit(
            cadre=cadre, evidence=evidence or None, actor=request.user, **fields
        )

    if cadre is not None and form_saved(request, form, submit) is not None:
        messages.success(request, _("申报已提交，请等待审核。"))
        return redirect("declaration_list")
    return render(request, "scoring/ledger/declaration_form.html", {"form": form, "cadre": cadre})


@login_required
@permission_required("scoring.view_declaration", raise_exception=True)
def declaration_list(request):
    """A cadre's own declarations; for reviewers the queue, pending first."""
    user = request.user
    form = DeclarationFilterForm(request.GET or None)
    pending = Declaration.Status.PENDING
    declarations = (
        declarations_visible_to(user)
        .select_related("cadre__unit", "rule", "decided_by", "entry")
        .annotate(
            queue=Case(When(status=pending, then=Value(0)), default=Value(1)),
        )
        .order_by("queue", "-created_at", "-id")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        declarations = declarations.filter(status=form.cleaned_data["status"])
    reviewer = user.has_perm("scoring.change_declaration")
    if reviewer:
        declarations = declarations.annotate(
            reviewable=Exists(managed_cadres(user).filter(pk=OuterRef("cadre_id")))
        )
    page = Paginator(declarations, settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "reviewer": reviewer,
        "can_declare": user.has_perm("scoring.add_declaration")
        and cadres_visible_to(user).filter(user=user).exists(),
        "pending_count": declarations_visible_to(user).filter(status=pending).count()
        if reviewer
        else None,
    }
    return render(request, "scoring/ledger/declaration_list.html", context)


@login_required
@permission_required("scoring.change_declaration", raise_exception=True)
def declaration_review(request, pk: int):
    declaration = get_object_or_404(
        declarations_reviewable_by(request.user).select_related(
            "cadre__unit", "rule", "decided_by", "entry"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)

    def decide(*, decision, reason):
        return services.declaration_decide(
            declaration=declaration,
            approve=decision == "approve",
            actor=request.user,
            reason=reason,
        )

    decided = form_saved(request, form, decide, rename={"decision_reason": "reason"})
    if decided is not None:
        if form.cleaned_data["decision"] == "approve":
            text = _("已通过%(name)s的申报，记%(points)s分。") % {
                "name": declaration.cadre.name,
                "points": decided.entry.points,
            }
        else:
            text = _("已退回%(name)s的申报。") % {"name": declaration.cadre.name}
        messages.success(request, text)
        return redirect("declaration_list")
    context = {
        "declaration": declaration,
        "form": form,
        "pending": declaration.status == Declaration.Status.PENDING,
    }
    return render(request, "scoring/ledger/declaration_review.html", context)


@login_required
@permission_required("scoring.view_declaration", raise_exception=True)
def declaration_evidence(request, pk: int):
    """The evidence file, to the declaring cadre and to staff managing them; as an
    attachment named by us, typed by its content (never by the uploaded name)."""
    declaration = get_object_or_404(declarations_visible_to(request.user), pk=pk)
    return file_download(declaration.evidence, filename=f"declaration-{declaration.pk}-evidence")
