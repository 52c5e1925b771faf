"""A cadre's points page (their own, or one in the viewer's scope) and the live standings."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.selectors import cadres_visible_to
from core.roles import Role, has_role
from core.workbooks import xlsx_bytes, xlsx_response
from scoring import charts
from scoring.choices import PeriodStatus
from scoring.forms_points import StandingsForm
from scoring.selectors import (
    objections_visible_to,
    own_standings,
    previous_period,
    standings,
)
from scoring.selectors.points_page import (
    cadre_declarations,
    cadre_entries,
    latest_profile,
    quarterly_totals,
)


@login_required
def my_points(request):
    cadre = cadres_visible_to(request.user).filter(user=request.user).select_related("unit").first()
    if cadre is None:
        raise Http404(_("您的账号尚未关联干部档案。"))
    return _points_page(request, cadre, own=True)


@login_required
@permission_required("scoring.view_pointentry", raise_exception=True)
def cadre_points(request, pk: int):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=pk)
    return _points_page(request, cadre, own=cadre.user_id == request.user.pk)


def _points_page(request, cadre, *, own: bool):
    viewer = request.user
    today = timezone.localdate()
    page = Paginator(cadre_entries(viewer, cadre), settings.QINGMIAO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    lines = list(own_standings(cadre)[:8])
    trend = quarterly_totals(viewer, cadre, today=today)
    profile = latest_profile(viewer, cadre)
    context = {
        "cadre": cadre,
        "own": own,
        "page": page,
        "lines": lines,
        "latest": lines[0] if lines else None,
        "objectable": [
            line.period
            for line in lines
            if own
            and line.period.status == PeriodStatus.PUBLISHED
            and line.period.window_ends_on >= today
        ],
        "objections": objections_visible_to(viewer).filter(cadre=cadre)[:20],
        "trend_svg": charts.trend_svg(trend) if trend else "",
        "profile": profile,
        "radar_svg": charts.radar_svg(profile.axes) if profile else "",
        "declarations": cadre_declarations(cadre)[:10]
        if own or viewer.has_perm("scoring.view_declaration")
        else None,
        "can_award": viewer.has_perm("scoring.add_pointentry") and not own,
    }
    return render(request, "scoring/points/points_page.html", context)


def _standings_rows(request):
    if not has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
        raise PermissionDenied
    form = StandingsForm(request.GET or None, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    start, end = form.period()
    rows = standings(
        user=request.user,
        start=start,
        end=end,
        previous=previous_period(start, end),
        cohort_id=form.cleaned_data["cohort"].pk if form.cleaned_data.get("cohort") else None,
    )
    return form, rows


@login_required
def standings_page(request):
    form, rows = _standings_rows(request)
    page = Paginator(rows or [], settings.QINGMIAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scoring/points/standings.html",
        {"form": form, "page": page, "count": len(rows or []), "querystring": query.urlencode()},
    )


@login_required
def standings_export(request):
    form, rows = _standings_rows(request)
    if rows is None:
        raise Http404(_("请先选择统计期间。"))
    start, end = form.period()
    headers = [
        _("排名"), _("姓名"), _("单位"), _("单位内排名"), _("批次内排名"), _("总分"),
        _("上期总分"), _("变化"), _("百分位"),
    ]  # fmt: skip
    content = xlsx_bytes(
        title=_("积分排名"),
        headers=headers,
        rows=(_standing_cells(r) for r in rows),
        widths={_("单位"): 28},
    )
    return xlsx_response(content, f"standings-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


def _standing_cells(r) -> list:
    return [
        r.overall_rank,
        r.name,
        r.unit_name,
        r.unit_rank,
        r.cohort_rank,
        r.total,
        r.previous_total,
        r.trend,
        round(r.percentile * 100, 1),
    ]
