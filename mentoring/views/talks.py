"""Thin HTML views of talks (谈心谈话): recording and correcting a talk, a cadre's talks with
their cadence status (and export), and the staff's list of overdue talks (and export).
Outside scope → 404; missing permission → 403. The confidential note shows only where the
selector says `note_visible`."""

from collections import Counter
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.selectors import cadres_visible_to, serving_cadres_visible_to, units_visible_to
from core.forms import form_saved, parse_id
from core.paging import paginate
from core.roles import Role, has_role
from core.workbooks import xlsx_response
from mentoring.exports_talks import overdue_xlsx, talks_xlsx
from mentoring.forms_talks import TalkForm, open_follow_ups
from mentoring.selectors import talks as selectors
from mentoring.services import talks as services


def _page(request, rows):
    page, querystring = paginate(request, rows)
    return {"page": page, "querystring": querystring}


@login_required
@permission_required("mentoring.add_talk", raise_exception=True)
def talk_create(request):
    cadres = serving_cadres_visible_to(request.user)
    initial = {"talked_on": timezone.localdate()}
    chosen = request.GET.get("cadre")
    if chosen and chosen.isdigit():
        initial["cadre"] = get_object_or_404(cadres, pk=chosen).pk
    form = TalkForm(
        request.POST or None,
        initial=initial,
        cadres=cadres,
        follow_ups=open_follow_ups(request.user, cadres),
    )
    talk = form_saved(request, form, partial(services.talk_record, actor=request.user))
    if talk is not None:
        messages.success(request, _("已登记与%(name)s的谈话。") % {"name": talk.cadre.name})
        return redirect("cadre_talks", cadre=talk.cadre_id)
    return render(request, "mentoring/talks/form.html", {"form": form, "talk": None})


@login_required
@permission_required("mentoring.change_talk", raise_exception=True)
def talk_edit(request, pk: int):
    talk = get_object_or_404(selectors.talks_visible_to(request.user), pk=pk)
    if not services.may_change(request.user, talk):
        raise PermissionDenied
    form = TalkForm(
        request.POST or None,
        instance=talk,
        follow_ups=open_follow_ups(request.user, cadres_visible_to(request.user).filter(
            pk=talk.cadre_id
        )),
    )  # fmt: skip
    if form_saved(request, form, partial(services.talk_update, talk=talk, actor=request.user)):
        messages.success(request, _("已保存。"))
        return redirect("cadre_talks", cadre=talk.cadre_id)
    return render(request, "mentoring/talks/form.html", {"form": form, "talk": talk})


@login_required
@permission_required("mentoring.view_talk", raise_exception=True)
def cadre_talks(request, cadre: int):
    """A cadre's talks, newest first, with the status of each required level."""
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=cadre)
    talks = selectors.talk_list(request.user).filter(cadre=cadre)
    notes = (
        selectors.may_read_notes_in_scope(request.user)
        or talks.filter(talker=request.user).exists()
    )
    if request.GET.get("format") == "xlsx":
        content = talks_xlsx(talks, with_notes=notes)
        return xlsx_response(content, f"talks-{cadre.pk}-{timezone.localdate():%Y%m%d}.xlsx")
    today = timezone.localdate()
    (compliance,) = selectors.talk_compliance(
        cadres_visible_to(request.user).filter(pk=cadre.pk), today=today
    )
    context = {
        "cadre": cadre,
        "compliance": compliance,
        "notes": notes,
        "can_add": request.user.has_perm("mentoring.add_talk"),
        "can_change_any": has_role(request.user, Role.ADMIN, Role.STAFF),
        **_page(request, talks),
    }
    return render(request, "mentoring/talks/cadre.html", context)


@login_required
def overdue_talks(request):
    """Staff: serving cadres in their scope with a required talk overdue, optionally of one
    unit's subtree and one level; at the top, how many are overdue at each level (within the
    unit filter). An unknown unit or level is ignored, a unit outside scope too."""
    if not has_role(request.user, Role.ADMIN, Role.STAFF):
        raise PermissionDenied
    units = units_visible_to(request.user)
    unit_id = parse_id(request.GET.get("unit"))
    unit = units.filter(pk=unit_id).first() if unit_id is not None else None
    cadences = selectors.talk_cadences()
    level = request.GET.get("level")
    if level not in {c.level for c in cadences}:
        level = None
    today = timezone.localdate()
    rows = selectors.overdue_talks(request.user, today=today, unit=unit)
    counts = Counter(r.status.level for r in rows)
    if level is not None:
        rows = [r for r in rows if r.status.level == level]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(overdue_xlsx(rows), f"overdue-talks-{today:%Y%m%d}.xlsx")
    context = {
        **_page(request, rows),
        "export_query": request.GET.urlencode(),
        "units": units.order_by("path"),
        "unit": unit,
        "level": level,
        "levels": [(c.level, c.label, counts.get(c.level, 0)) for c in cadences],
    }
    return render(request, "mentoring/talks/overdue.html", context)
