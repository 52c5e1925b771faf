"""Reads: who may see what (the one scoping door), and the querysets pages and the API list.

Scoping rules (see ../shared/architecture.md §1):
- administrators see everything;
- organisation staff and leaders see their unit's whole subtree;
- mentors see the cadres currently paired with them;
- a cadre sees themself.
A user with several roles sees the union. Every list, detail, API, export and download
starts from `cadres_visible_to(user)`.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from cadres.ages import birth_date_range_for_band
from cadres.choices import CadreStatus, EnrolmentStatus
from cadres.models import Cadre, Cohort, Enrolment, Programme, Unit
from core.roles import Role, has_role, is_admin, roles_of


def _user_unit(user) -> Unit | None:
    if not getattr(user, "unit_id", None):  # anonymous users have no unit
        return None
    # One query per request; the unit is cached on the user instance by Django.
    return user.unit


def units_visible_to(user) -> QuerySet[Unit]:
    """Units whose cadres `user` may see as staff or leader (their subtree)."""
    if is_admin(user):
        return Unit.objects.all()
    unit = _user_unit(user)
    if unit is None or not has_role(user, Role.STAFF, Role.LEADER):
        return Unit.objects.none()
    return Unit.objects.filter(unit.subtree_q())


def cadres_visible_to(user) -> QuerySet[Cadre]:
    if not roles_of(user):
        return Cadre.objects.none()
    if is_admin(user):
        return Cadre.objects.all()
    allowed = Q(pk__in=[])
    unit = _user_unit(user)
    if unit is not None and has_role(user, Role.STAFF, Role.LEADER):
        allowed |= unit.subtree_q("unit__")
    if has_role(user, Role.MENTOR):
        from mentoring.selectors import mentee_ids_of_user

        allowed |= Q(pk__in=mentee_ids_of_user(user))
    if has_role(user, Role.CADRE):
        allowed |= Q(user=user)
    return Cadre.objects.filter(allowed)


def serving_cadres_visible_to(user) -> QuerySet[Cadre]:
    """Serving (在职) cadres the user may see: the only ones a page or the API may offer or
    accept for something new (an invitation, a posting, a talk)."""
    return cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)


def cadre_may_see_full_id(user, cadre: Cadre) -> bool:
    """Staff with the permission see full ID numbers of cadres in scope; a cadre sees their own."""
    return user.has_perm("cadres.view_id_number") or (
        cadre.user_id is not None and cadre.user_id == user.pk
    )


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Administrators all; staff and leaders those owned in their subtree or above it;
    anyone else the programmes in which a cadre they may see is enrolled."""
    if is_admin(user):
        return Programme.objects.all()
    allowed = Q(pk__in=[])
    unit = _user_unit(user)
    if unit is not None and has_role(user, Role.STAFF, Role.LEADER):
        allowed |= unit.subtree_q("owner_unit__") | Q(
            owner_unit__path__in=Unit.lineage_paths(unit.path)
        )
    allowed |= Q(
        Exists(
            Enrolment.objects.filter(
                cohort__programme=OuterRef("pk"), cadre__in=cadres_visible_to(user)
            )
        )
    )
    return Programme.objects.filter(allowed)


def programmes_managed_by(user) -> QuerySet[Programme]:
    """Programmes whose cohorts and memberships `user` may change: administrators all,
    staff those owned by a unit in their subtree (never one they merely see)."""
    if is_admin(user):
        return Programme.objects.all()
    unit = _user_unit(user)
    if unit is None or not has_role(user, Role.STAFF):
        return Programme.objects.none()
    return Programme.objects.filter(unit.subtree_q("owner_unit__"))


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=programmes_managed_by(user))


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=programmes_visible_to(user))


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(cadre__in=cadres_visible_to(user))


def cadre_list(*, user, search: str = "") -> QuerySet[Cadre]:
    """The cadre list for pages, API and export: scoped, with what each row shows."""
    qs = cadres_visible_to(user).select_related("unit")
    if search:
        qs = qs.filter(cadre_search_q(search, user=user))
    return qs


def cadre_search_q(text: str, *, user) -> Q:
    """Match a name, its pinyin (`zhangwei`) or its initials (`zw`), or, for users who may
    see full ID numbers, an ID-number tail. (Searching by ID digits would otherwise let a
    user with masked IDs recover the hidden digits one by one.)"""
    text = "".join(text.split())
    if not text:
        return Q()
    q = Q(name__contains=text)
    if text.isascii() and text.isalpha():
        key = text.lower()
        q |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    elif (
        text.isascii()
        and text.isalnum()
        and len(text) >= 4
        and user.has_perm("cadres.view_id_number")
    ):
        q |= Q(id_number__endswith=text.upper())
    return q


def filter_by_age_band(qs: QuerySet[Cadre], band: str, today: datetime.date) -> QuerySet[Cadre]:
    born_after, born_by = birth_date_range_for_band(band, today)
    if born_after is not None:
        qs = qs.filter(birth_date__gt=born_after)
    if born_by is not None:
        qs = qs.filter(birth_date__lte=born_by)
    return qs


def filter_by_programme(qs: QuerySet[Cadre], programme_id: int) -> QuerySet[Cadre]:
    return qs.filter(
        Exists(
            Enrolment.objects.filter(
                cadre=OuterRef("pk"),
                cohort__programme_id=programme_id,
                status=EnrolmentStatus.ACTIVE,
            )
        )
    )


def cohort_members(*, cohort: Cohort, user) -> QuerySet[Enrolment]:
    return (
        enrolments_visible_to(user)
        .filter(cohort=cohort)
        .select_related("cadre", "cadre__unit", "enrolled_by", "ended_by")
        .order_by("status", "cadre__name_pinyin", "-joined_on")
    )


def cadre_history(*, cadre: Cadre, limit: int = 50) -> list[dict]:
    """Changes to a profile, newest first: who, when, and each field's before → after."""
    records = list(
        cadre.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(changes) == limit:
            break
        if older is None:
            fields = []
        else:
            delta = newer.diff_against(older)
            fields = [
                {
                    "field": str(Cadre._meta.get_field(c.field).verbose_name),
                    "old": _display(c.field, c.old),
                    "new": _display(c.field, c.new),
                }
                for c in delta.changes
            ]
            if not fields:
                continue
        changes.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": newer.get_history_type_display(),
                "fields": fields,
            }
        )
    return changes


def _display(field_name: str, value) -> str:
    field = Cadre._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if field_name == "id_number":
        from cadres.idcard import mask

        return mask(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field_name == "unit":
        unit = Unit.objects.filter(pk=value).first()
        return str(unit) if unit else str(value)
    if field_name == "photo":
        return gettext("已上传")
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    return str(value)


def overview(*, user) -> dict:
    """Headline figures for the home page, in one aggregate query over the visible cadres."""
    from django.db.models import Count

    from cadres.choices import CadreCategory

    today = timezone.localdate()
    born_after_35, _ = birth_date_range_for_band("31_35", today)
    qs = serving_cadres_visible_to(user)
    figures = qs.aggregate(
        total=Count("pk"),
        reserve=Count("pk", filter=Q(is_reserve=True)),
        talent_pool=Count("pk", filter=Q(in_talent_pool=True)),
        under_35=Count("pk", filter=Q(birth_date__gt=born_after_35)),
        **{f"cat_{c.value}": Count("pk", filter=Q(category=c.value)) for c in CadreCategory},
    )
    figures["categories"] = [(c.label, figures.pop(f"cat_{c.value}")) for c in CadreCategory]
    figures["programmes"] = programmes_visible_to(user).count()
    figures["active_enrolments"] = (
        enrolments_visible_to(user).filter(status=EnrolmentStatus.ACTIVE).count()
    )
    return figures


def enrolment_candidates(
    *, cohort: Cohort, user, search: str, on: datetime.date, limit: int = 20
) -> list[dict]:
    """Visible, serving cadres matching `search` who are not active in `cohort`, with their
    age on `on` and whether the programme's age rule would need an exception reason."""
    from cadres.ages import age_on

    if not search.strip():
        return []
    rules = dict(cohort.programme.eligibility.values_list("category", "max_age"))
    active = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ACTIVE)
    cadres = (
        cadres_visible_to(user)
        .filter(cadre_search_q(search, user=user), status="active")
        .exclude(pk__in=active.values("cadre_id"))
        .select_related("unit")
        .order_by("name_pinyin", "id")[:limit]
    )
    rows = []
    for cadre in cadres:
        age = age_on(cadre.birth_date, on)
        limit_age = rules.get(cadre.category)
        rows.append(
            {
                "cadre": cadre,
                "age": age,
                "max_age": limit_age,
                "needs_exception": limit_age is not None and age > limit_age,
            }
        )
    return rows
