"""Scoped reads of pairings (帮带结对): who sees which pairing, mentor load and free capacity,
and suggested mentors for a cadre. Every query here is one SQL statement, whatever the rows."""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from cadres.models import Cadre
from cadres.selectors import units_visible_to
from core.roles import is_admin
from mentoring.choices import PairingStatus
from mentoring.models import Mentor, Pairing
from mentoring.selectors.pool import mentors_visible_to

ACTIVE = Q(pairings__status=PairingStatus.ACTIVE)


def with_load(mentors: QuerySet[Mentor]) -> QuerySet[Mentor]:
    """Annotate `active_count` (active pairings) and `free` (capacity left, may be < 0 for data
    entered before the capacity rule)."""
    return mentors.annotate(active_count=Count("pairings", filter=ACTIVE)).annotate(
        free=F("capacity") - F("active_count")
    )


def mentor_list(user) -> QuerySet[Mentor]:
    return with_load(mentors_visible_to(user)).order_by("unit__path", "name", "pk")


def pairings_visible_to(user) -> QuerySet[Pairing]:
    """Administrators all; staff and leaders the pairings of cadres in their unit subtree; a
    mentor their own pairings (ended ones too); a cadre their own."""
    if is_admin(user):
        return Pairing.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Pairing.objects.none()
    allowed = Q(cadre__unit__in=units_visible_to(user)) | Q(mentor__user=user) | Q(cadre__user=user)
    return Pairing.objects.filter(allowed)


def pairing_list(user) -> QuerySet[Pairing]:
    return pairings_visible_to(user).select_related(
        "mentor", "mentor__unit", "cadre", "cadre__unit"
    )


def pairings_manageable_by(user) -> QuerySet[Pairing]:
    """Pairings the user may change or end: with mentoring.change_pairing, those of cadres in
    their unit subtree (administrators all)."""
    if not user.has_perm("mentoring.change_pairing"):
        return Pairing.objects.none()
    if is_admin(user):
        return Pairing.objects.all()
    return Pairing.objects.filter(cadre__unit__in=units_visible_to(user))


def cadres_pairable_by(user) -> QuerySet[Cadre]:
    """Cadres the user may give a mentor: with mentoring.add_pairing, serving cadres of their
    unit subtree (administrators all)."""
    from cadres.selectors import serving_cadres_visible_to

    if not user.has_perm("mentoring.add_pairing"):
        return Cadre.objects.none()
    if is_admin(user):
        return serving_cadres_visible_to(user)
    return serving_cadres_visible_to(user).filter(unit__in=units_visible_to(user))


def mentors_pairable_by(user) -> QuerySet[Mentor]:
    """Mentors in the pool the user may pair: in the pool (在库), of their unit subtree or of
    a unit above it (a township secretary mentors the villages' cadres)."""
    if not user.has_perm("mentoring.add_pairing"):
        return Mentor.objects.none()
    mentors = Mentor.objects.filter(is_active=True)
    if is_admin(user):
        return mentors
    unit = getattr(user, "unit", None)
    if unit is None:
        return Mentor.objects.none()
    return mentors.filter(
        Q(unit__in=units_visible_to(user)) | Q(unit__path__in=type(unit).lineage_paths(unit.path))
    )


def _keywords(text: str) -> list[str]:
    separators = "、，,;；/ \u3000"
    for sep in separators:
        text = text.replace(sep, " ")
    return [word for word in text.split() if len(word) >= 2][:8]


def mentor_suggestions(*, cadre: Cadre, mentors: QuerySet[Mentor], keywords: str = "", limit=10):
    """Mentors with free capacity, not already paired with `cadre`, best first: a mentor of the
    cadre's own unit, then of a unit above it, then of the same town, then expertise matching
    the keywords
    (default: the cadre's major and position), then the most free capacity. One query."""
    unit_path = cadre.unit.path
    words = _keywords(keywords or f"{cadre.major} {cadre.position}")
    match = Value(0, output_field=IntegerField())
    for word in words:
        match = match + Case(
            When(expertise__icontains=word, then=1), default=0, output_field=IntegerField()
        )
    already = Pairing.objects.filter(
        mentor=OuterRef("pk"), cadre=cadre, status=PairingStatus.ACTIVE
    )
    lineage = type(cadre.unit).lineage_paths(unit_path)
    return (
        with_load(mentors.filter(is_active=True))
        .exclude(Exists(already))
        .filter(free__gt=0)
        .annotate(
            same_unit=Case(
                When(unit__path=unit_path, then=3),
                When(unit__path__in=lineage, then=2),
                When(unit__path__startswith=unit_path[: type(cadre.unit).steplen], then=1),
                default=0,
                output_field=IntegerField(),
            ),
            expertise_match=match,
        )
        .select_related("unit")
        .order_by("-same_unit", "-expertise_match", "-free", "name", "pk")[:limit]
    )
