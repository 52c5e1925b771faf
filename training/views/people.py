"""Choosing cadres on a training page — invitees of an activity, participants of a collective
activity, speakers and attendees of a forum, members of a research group: by cohort, by a
unit's subtree or by name through the htmx candidate search. Only serving cadres the user may
see can be chosen, whatever a cohort or unit holds.

The pages render `training/people/_picker.html` (cohort, unit and name) or
`training/people/_search.html` (name only); the candidate partials extend
`training/people/_candidates.html`."""

from django.db.models import Q
from django.shortcuts import render

from cadres.selectors import (
    cadre_search_q,
    cadres_visible_to,
    cohorts_managed_by,
    serving_cadres_visible_to,
    units_visible_to,
)
from core.forms import flash_form_errors
from training.forms import CadrePickForm
from training.services import cadres_of

CANDIDATES_SHOWN = 20


def pick_form(request, data=None, form_class=CadrePickForm) -> CadrePickForm:
    """The picker's form, offering the user's cohorts, units and serving cadres."""
    user = request.user
    return form_class(
        data,
        cohorts=cohorts_managed_by(user).select_related("programme").order_by("-start_date"),
        units=units_visible_to(user).order_by("path"),
        cadres=serving_cadres_visible_to(user),
    )


def picked_cadres(request, form_class=CadrePickForm):
    """The posted choice: `(form, cadres)`, cadres ordered by name; `(form, None)` when the form
    is invalid, its errors flashed for the page the view redirects to."""
    form = pick_form(request, request.POST, form_class)
    if not form.is_valid():
        flash_form_errors(request, form)
        return form, None
    data = form.cleaned_data
    if data["cadre"]:
        return form, [data["cadre"]]
    # Only cadres the user may see, whatever the cohort or unit holds.
    cadres = (
        cadres_of(cohort=data["cohort"], unit=data["unit"])
        .filter(pk__in=cadres_visible_to(request.user).values("pk"))
        .order_by("name_pinyin", "id")
    )
    return form, list(cadres)


def candidates(request, template: str, context: dict, *exclude: Q):
    """htmx partial: serving cadres in scope matching `?q=` (name, pinyin or initials), less
    those matching any of `exclude` (already invited, recorded, …); at most CANDIDATES_SHOWN."""
    search = request.GET.get("q", "").strip()
    rows = []
    if search:
        cadres = serving_cadres_visible_to(request.user).filter(
            cadre_search_q(search, user=request.user)
        )
        for q in exclude:
            cadres = cadres.exclude(q)
        rows = list(cadres.select_related("unit").order_by("name_pinyin", "id")[:CANDIDATES_SHOWN])
    return render(request, template, {**context, "rows": rows, "searched": bool(search)})
