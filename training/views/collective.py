"""Thin HTML views of collective activities (集体活动): the scoped list with participant
counts and its export, create/edit, the detail with participants, and recording participants
by cohort, unit subtree or name. Outside scope → 404; missing permission → 403."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import units_visible_to
from core.forms import flash_service_errors, form_saved
from core.paging import paginate
from core.workbooks import xlsx_response
from training.exports_collective import collective_xlsx
from training.forms_collective import CollectiveFilterForm, CollectiveForm, ParticipantsForm
from training.selectors import collective as selectors
from training.services import collective as services
from training.views import people


def _managed(request, pk: int):
    return get_object_or_404(selectors.collectives_managed_by(request.user), pk=pk)


def _filtered(request):
    filters = CollectiveFilterForm(
        request.GET or None, units=units_visible_to(request.user).order_by("path")
    )
    activities = selectors.collective_list(request.user)
    if request.GET:
        activities = filters.filter(activities)
    return filters, activities


@login_required
@permission_required("training.view_collectiveactivity", raise_exception=True)
def collective_list(request):
    filters, activities = _filtered(request)
    page, querystring = paginate(request, activities)
    context = {
        "filters": filters,
        "page": page,
        "querystring": querystring,
        "export_query": request.GET.urlencode(),
        "can_add": request.user.has_perm("training.add_collectiveactivity"),
    }
    return render(request, "training/collective/list.html", context)


@login_required
@permission_required("training.view_collectiveactivity", raise_exception=True)
def collective_export(request):
    _filters, activities = _filtered(request)
    content = collective_xlsx(activities)
    return xlsx_response(content, f"collective-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@permission_required("training.add_collectiveactivity", raise_exception=True)
def collective_create(request):
    form = CollectiveForm(request.POST or None, units=units_visible_to(request.user))
    activity = form_saved(request, form, partial(services.collective_create, actor=request.user))
    if activity is not None:
        messages.success(request, _("已创建集体活动：%(title)s") % {"title": activity.title})
        return redirect("collective_detail", pk=activity.pk)
    return render(request, "training/collective/form.html", {"form": form, "activity": None})


@login_required
@permission_required("training.change_collectiveactivity", raise_exception=True)
def collective_edit(request, pk: int):
    activity = _managed(request, pk)
    form = CollectiveForm(
        request.POST or None, instance=activity, units=units_visible_to(request.user)
    )
    save = partial(services.collective_update, activity=activity, actor=request.user)
    if form_saved(request, form, save) is not None:
        messages.success(request, _("已保存。"))
        return redirect("collective_detail", pk=activity.pk)
    return render(request, "training/collective/form.html", {"form": form, "activity": activity})


@login_required
@permission_required("training.view_collectiveactivity", raise_exception=True)
def collective_detail(request, pk: int):
    activity = get_object_or_404(
        selectors.collectives_visible_to(request.user).select_related("unit", "created_by"), pk=pk
    )
    manages = selectors.collectives_managed_by(request.user).filter(pk=activity.pk).exists()
    context = {
        "activity": activity,
        "roll": list(selectors.collective_roll(activity, request.user)),
        "manages": manages,
        "add_form": people.pick_form(request, form_class=ParticipantsForm) if manages else None,
    }
    return render(request, "training/collective/detail.html", context)


@login_required
@require_POST
@permission_required("training.change_collectiveactivity", raise_exception=True)
def collective_participants_add(request, pk: int):
    activity = _managed(request, pk)
    form, cadres = people.picked_cadres(request, ParticipantsForm)
    if cadres is None:
        return redirect("collective_detail", pk=activity.pk)
    try:
        added = services.participants_record(
            activity=activity, cadres=cadres, actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("已登记%(count)s人参加。") % {"count": len(added)})
    return redirect("collective_detail", pk=activity.pk)


@login_required
@require_POST
@permission_required("training.change_collectiveactivity", raise_exception=True)
def collective_participant_remove(request, pk: int, participation: int):
    activity = _managed(request, pk)
    row = get_object_or_404(selectors.collective_roll(activity, request.user), pk=participation)
    services.participants_remove(activity=activity, participations=[row], actor=request.user)
    messages.success(request, _("已移除%(name)s。") % {"name": row.cadre.name})
    return redirect("collective_detail", pk=activity.pk)


@login_required
@permission_required("training.change_collectiveactivity", raise_exception=True)
def collective_candidates(request, pk: int):
    """htmx partial: visible serving cadres matching the search, not yet recorded."""
    activity = _managed(request, pk)
    return people.candidates(
        request,
        "training/collective/_candidates.html",
        {"activity": activity},
        Q(collective_participations__activity=activity),
    )
