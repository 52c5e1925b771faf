"""Pages of the training fund (培训基金): the year's budgets and spending (leaders read, staff
write), budget and spending forms with the overrun warning, and the year's workbook."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import units_visible_to
from core.forms import flash_service_errors, form_saved, parse_id
from core.paging import paginate
from core.workbooks import xlsx_response
from training.exports_fund import fund_xlsx
from training.forms_fund import BudgetEditForm, BudgetForm, SpendingFilterForm, SpendingForm
from training.models import Activity
from training.selectors import fund as selectors
from training.services import fund as services


def _fund_url() -> str:
    return reverse("fund")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
@permission_required("training.view_budget", raise_exception=True)
def fund(request):
    year = _year(request)
    user = request.user
    filters = SpendingFilterForm(request.GET or None, units=units_visible_to(user))
    spendings = selectors.spending_list(user).filter(budget__year=year)
    if request.GET:
        spendings = filters.filter(spendings)
    year_data = selectors.fund_year(user, year)
    costs = selectors.activity_costs(user, year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(fund_xlsx(year_data, spendings, costs), f"training-fund-{year}.xlsx")
    page, querystring = paginate(request, spendings)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["year"] = year
    export_query["format"] = "xlsx"
    context = {
        "year": year,
        "years": [year - 1, year + 1],
        "fund": year_data,
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "export_query": export_query.urlencode(),
        "costs": costs,
        "can_budget": user.has_perm("training.add_budget"),
        "can_edit_budget": user.has_perm("training.change_budget"),
        "can_spend": user.has_perm("training.add_spending"),
        "can_edit_spending": user.has_perm("training.change_spending"),
    }
    return render(request, "training/fund/fund.html", context)


@login_required
@permission_required("training.add_budget", raise_exception=True)
def budget_create(request):
    initial = {"year": _year(request)}
    form = BudgetForm(request.POST or None, initial=initial, units=units_visible_to(request.user))
    budget = form_saved(request, form, partial(services.budget_create, actor=request.user))
    if budget is not None:
        messages.success(request, _("已设立预算：%(budget)s") % {"budget": budget})
        return redirect(f"{_fund_url()}?year={budget.year}")
    return render(request, "training/fund/budget_form.html", {"form": form, "budget": None})


@login_required
@permission_required("training.change_budget", raise_exception=True)
def budget_edit(request, pk: int):
    budget = get_object_or_404(
        selectors.budgets_managed_by(request.user).select_related("unit"), pk=pk
    )
    initial = {"amount": budget.amount, "note": budget.note}
    form = BudgetEditForm(request.POST or None, initial=initial)
    save = partial(services.budget_update, budget=budget, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect(f"{_fund_url()}?year={budget.year}")
    return render(request, "training/fund/budget_form.html", {"form": form, "budget": budget})


def _spending_form(request, *, data=None, initial=None, editing=False) -> SpendingForm:
    user = request.user
    return SpendingForm(
        data,
        initial=initial,
        budgets=selectors.budgets_managed_by(user),
        activities=Activity.objects.filter(unit__in=units_visible_to(user)),
        editing=editing,
    )


def _spending_saved(request, form: SpendingForm, save):
    """`form_saved`, and where the service warns of an overrun, offer to confirm it."""
    saved = form_saved(request, form, save)
    if form.overrun:
        form.show_confirm()
    return saved


@login_required
@permission_required("training.add_spending", raise_exception=True)
def spending_create(request):
    initial = {"spent_on": timezone.localdate()}
    for name in ("budget", "activity"):
        if parse_id(request.GET.get(name)) is not None:
            initial[name] = parse_id(request.GET[name])
    form = _spending_form(request, data=request.POST or None, initial=initial)
    spending = _spending_saved(
        request,
        form,
        lambda **fields: services.spending_create(
            actor=request.user, budget=form.cleaned_data["budget"], **fields
        ),
    )
    if spending is not None:
        messages.success(request, _("已登记支出：%(purpose)s") % {"purpose": spending.purpose})
        return redirect(f"{_fund_url()}?year={spending.budget.year}")
    return render(request, "training/fund/spending_form.html", {"form": form, "spending": None})


@login_required
@permission_required("training.change_spending", raise_exception=True)
def spending_edit(request, pk: int):
    spending = get_object_or_404(
        selectors.spendings_managed_by(request.user).select_related("budget", "budget__unit"),
        pk=pk,
    )
    initial = {
        "budget": spending.budget_id,
        "spent_on": spending.spent_on,
        "amount": spending.amount,
        "purpose": spending.purpose,
        "activity": spending.activity_id,
    }
    form = _spending_form(request, data=request.POST or None, initial=initial, editing=True)
    save = partial(services.spending_update, spending=spending, actor=request.user)
    if _spending_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect(f"{_fund_url()}?year={spending.budget.year}")
    context = {"form": form, "spending": spending}
    return render(request, "training/fund/spending_form.html", context)


@login_required
@require_POST
# The roles give staff no delete permission on spending; correcting covers removing a row
# recorded in error.
@permission_required("training.change_spending", raise_exception=True)
def spending_delete(request, pk: int):
    spending = get_object_or_404(
        selectors.spendings_managed_by(request.user).select_related("budget"), pk=pk
    )
    year = spending.budget.year
    try:
        services.spending_delete(spending=spending, actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已删除支出：%(purpose)s") % {"purpose": spending.purpose})
    return redirect(f"{_fund_url()}?year={year}")
