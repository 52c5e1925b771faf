"""Thin HTML views of the mentor pool (导师库) and pairings (帮带结对): the pool with free
capacity, a mentor's page with current mentees, a cadre's pairings with suggestions, pairing
and ending, and the "2+1" template. Outside scope → 404; missing permission → 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import cadres_visible_to, units_visible_to
from core.forms import flash_form_errors, flash_service_errors, form_saved
from core.paging import paginate
from mentoring.choices import PairingStatus
from mentoring.forms_pairings import MentorFilterForm, PairingEndForm, PairingForm, TwoPlusOneForm
from mentoring.selectors import pairings as selectors
from mentoring.services import pairings as services


@login_required
@permission_required("mentoring.view_mentor", raise_exception=True)
def mentor_list(request):
    filters = MentorFilterForm(
        request.GET or None, units=units_visible_to(request.user).order_by("path")
    )
    mentors = filters.filter(selectors.mentor_list(request.user))
    page, querystring = paginate(request, mentors)
    context = {"filters": filters, "page": page, "querystring": querystring}
    return render(request, "mentoring/pairings/mentor_list.html", context)


@login_required
@permission_required("mentoring.view_mentor", raise_exception=True)
def mentor_detail(request, pk):
    mentor = get_object_or_404(selectors.mentor_list(request.user), pk=pk)
    pairings = (
        selectors.pairing_list(request.user).filter(mentor=mentor).order_by("status", "-start_date")
    )
    manageable = set(
        selectors.pairings_manageable_by(request.user)
        .filter(mentor=mentor, status=PairingStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    context = {
        "mentor": mentor,
        "pairings": pairings,
        "manageable": manageable,
        "end_form": PairingEndForm(),
    }
    return render(request, "mentoring/pairings/mentor_detail.html", context)


def _cadre_page_context(request, cadre) -> dict:
    pairable = selectors.cadres_pairable_by(request.user).filter(pk=cadre.pk).exists()
    mentors = selectors.mentors_pairable_by(request.user).select_related("unit")
    pairings = (
        selectors.pairing_list(request.user).filter(cadre=cadre).order_by("status", "-start_date")
    )
    manageable = set(
        selectors.pairings_manageable_by(request.user)
        .filter(cadre=cadre, status=PairingStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    context = {
        "cadre": cadre,
        "pairings": pairings,
        "manageable": manageable,
        "pairable": pairable,
        "end_form": PairingEndForm(),
    }
    if pairable:
        keywords = request.GET.get("keywords", "")[:100]
        context["keywords"] = keywords
        context["suggestions"] = selectors.mentor_suggestions(
            cadre=cadre, mentors=mentors, keywords=keywords
        )
        context["form"] = PairingForm(mentors=mentors.order_by("name"))
    return context


@login_required
@permission_required("mentoring.view_pairing", raise_exception=True)
def cadre_pairings(request, cadre_pk):
    """A cadre's mentors (current and past); with mentoring.add_pairing, pairing a mentor,
    suggested mentors and the 2+1 template."""
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=cadre_pk)
    context = _cadre_page_context(request, cadre)
    if request.method == "POST":
        if not context["pairable"]:
            return redirect("cadre_pairings", cadre.pk)
        form = PairingForm(request.POST, mentors=selectors.mentors_pairable_by(request.user))
        saved = form_saved(
            request,
            form,
            lambda **fields: services.pairing_create(actor=request.user, cadre=cadre, **fields),
        )
        if saved is not None:
            messages.success(request, _("已为%(name)s结对导师。") % {"name": cadre.name})
            return redirect("cadre_pairings", cadre.pk)
        context["form"] = form
    return render(request, "mentoring/pairings/cadre_pairings.html", context)


@login_required
@permission_required("mentoring.add_pairing", raise_exception=True)
def pairing_2plus1(request, cadre_pk):
    """The "2+1" template for a cadre: three mentors checked against their roles, all paired
    or none."""
    cadre = get_object_or_404(
        selectors.cadres_pairable_by(request.user).select_related("unit"), pk=cadre_pk
    )
    mentors = selectors.mentors_pairable_by(request.user).order_by("mentor_type", "name")
    form = TwoPlusOneForm(request.POST or None, mentors=mentors)
    saved = form_saved(
        request,
        form,
        lambda **fields: services.pairings_apply_2plus1(actor=request.user, cadre=cadre, **fields),
    )
    if saved is not None:
        messages.success(request, _("已按“2+1”模式为%(name)s结对三位导师。") % {"name": cadre.name})
        return redirect("cadre_pairings", cadre.pk)
    return render(request, "mentoring/pairings/two_plus_one.html", {"cadre": cadre, "form": form})


@login_required
@require_POST
@permission_required("mentoring.change_pairing", raise_exception=True)
def pairing_end(request, pk):
    pairing = get_object_or_404(
        selectors.pairings_manageable_by(request.user).select_related("mentor", "cadre"), pk=pk
    )
    form = PairingEndForm(request.POST)
    if form.is_valid():
        try:
            services.pairing_end(actor=request.user, pairing=pairing, **form.cleaned_data)
            messages.success(
                request,
                _("已结束%(mentor)s与%(cadre)s的结对。")
                % {"mentor": pairing.mentor.name, "cadre": pairing.cadre.name},
            )
        except ValidationError as exc:
            flash_service_errors(request, exc)
    else:
        flash_form_errors(request, form)
    if request.POST.get("next") == "mentor":
        return redirect("mentor_detail", pairing.mentor_id)
    return redirect("cadre_pairings", pairing.cadre_id)


@login_required
@permission_required("mentoring.view_pairing", raise_exception=True)
def pairing_history(request, pk):
    """变更记录: every version of a pairing, with who changed it."""
    pairing = get_object_or_404(selectors.pairing_list(request.user), pk=pk)
    records = pairing.history.select_related("history_user").order_by("-history_date")
    return render(
        request, "mentoring/pairings/history.html", {"pairing": pairing, "records": records}
    )
