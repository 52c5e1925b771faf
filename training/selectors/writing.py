"""Scoped reads of written output (信息宣传) for pages, the API and exports."""

from django.db.models import Count, Q, QuerySet

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to, units_visible_to
from core.roles import is_admin
from training.choices import AdoptionLevel, Review, WritingKind
from training.models import Writing


def writings_visible_to(user) -> QuerySet[Writing]:
    """Pieces of the cadres `user` may see (staff and leaders: their subtree; mentors: their
    mentees'; a cadre: their own)."""
    return Writing.objects.filter(cadre__in=cadres_visible_to(user))


def writing_cadres_managed_by(user) -> QuerySet[Cadre]:
    """Cadres whose pieces `user` reviews and may submit on behalf of: staff with
    training.change_writing, cadres in their unit's subtree."""
    if not user.has_perm("training.change_writing"):
        return Cadre.objects.none()
    if is_admin(user):
        return Cadre.objects.all()
    return Cadre.objects.filter(unit__in=units_visible_to(user))


def writings_reviewable_by(user) -> QuerySet[Writing]:
    return Writing.objects.filter(cadre__in=writing_cadres_managed_by(user))


def writing_submitter_cadres(user) -> QuerySet[Cadre]:
    """Cadres `user` may submit pieces for: their own profile (training.add_writing) and,
    for staff, the cadres they manage."""
    allowed = Q(pk__in=writing_cadres_managed_by(user).values("pk"))
    if user.has_perm("training.add_writing"):
        allowed |= Q(user=user)
    return Cadre.objects.filter(allowed)


def writings_editable_by(user) -> QuerySet[Writing]:
    """Pieces not yet verified that `user` may change or withdraw: their own (as the cadre)
    or those of cadres they manage."""
    return Writing.objects.filter(cadre__in=writing_submitter_cadres(user)).exclude(
        status=Review.ACCEPTED
    )


def writing_list(user) -> QuerySet[Writing]:
    return writings_visible_to(user).select_related("cadre", "cadre__unit", "reviewed_by")


def writings_of_user(user) -> QuerySet[Writing]:
    """我的信息宣传: the pieces of the user's own cadre profile."""
    return Writing.objects.filter(cadre__user=user).select_related("reviewed_by")


def writing_summary(writings: QuerySet[Writing]) -> dict:
    """Counts by adopting level × kind of `writings` in one aggregate query: rows are levels
    (未采用 first, then 镇 … 国家), columns the kinds, with totals."""
    counts = {
        (row["level"], row["kind"]): row["n"]
        for row in writings.order_by().values("level", "kind").annotate(n=Count("pk"))
    }
    kinds = list(WritingKind)
    rows = []
    for level in AdoptionLevel:
        cells = [counts.get((level.value, kind.value), 0) for kind in kinds]
        rows.append({"level": level.label, "cells": cells, "total": sum(cells)})
    totals = [sum(r["cells"][i] for r in rows) for i in range(len(kinds))]
    return {
        "kinds": [k.label for k in kinds],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
    }
