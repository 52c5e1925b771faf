"""The growth record page (成长档案): one cadre's timeline by section, the six-dimension
radar and the points trend, filtered by year and kind. Scoped by `cadres_visible_to`."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.selectors import cadres_visible_to
from core.growth import GrowthKind
from reports.selectors.growth import growth_record
from scoring import charts

YEARS_SHOWN = 10


def parse_year(value) -> int | None:
    """A year from a query value ("2025"), or None for anything else — other scripts' digits
    ("²", "２０２５") included, which `str.isdigit` accepts and `int` may refuse."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        return None
    return int(value) if 1900 < int(value) < 3000 else None


def growth_filters(params) -> tuple[int | None, list[str]]:
    """The year (None: every year) and kinds (empty: all) asked for in `params`; values
    that are not a year or a kind are ignored."""
    year = parse_year(params.get("year"))
    kinds = [k for k in params.getlist("kind") if k in GrowthKind.values]
    return year, kinds


def year_choices(cadre) -> list[int]:
    this_year = timezone.localdate().year
    first = max(this_year - YEARS_SHOWN + 1, (cadre.work_start_date or cadre.created_at).year)
    return list(range(this_year, min(first, this_year) - 1, -1))


def _page(request, cadre, *, own: bool):
    year, kinds = growth_filters(request.GET)
    record = growth_record(viewer=request.user, cadre=cadre, year=year, kinds=kinds or None)
    context = {
        "cadre": cadre,
        "own": own,
        "record": record,
        "age": cadre.age(),
        "year": year,
        "years": year_choices(cadre),
        "kinds": [(k, label, not kinds or k in kinds) for k, label in GrowthKind.choices],
        "radar_svg": charts.radar_svg(record.profile.axes) if record.profile else "",
        "trend_svg": charts.trend_svg(record.trend) if record.trend else "",
    }
    return render(request, "reports/growth_record.html", context)


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def growth_record_page(request, pk: int):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=pk)
    return _page(request, cadre, own=cadre.user_id == request.user.pk)


@login_required
@permission_required("cadres.view_cadre", raise_exception=True)
def growth_record_mine(request):
    cadre = cadres_visible_to(request.user).filter(user=request.user).select_related("unit").first()
    if cadre is None:
        raise Http404(_("您的账号尚未关联干部档案。"))
    return _page(request, cadre, own=True)
