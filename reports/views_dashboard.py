"""The dashboard (数据看板) of administrators, staff and leaders: KPI cards and one chart per
dataset of `reports.selectors.dashboards`, each downloadable as JSON and .xlsx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Unit
from cadres.selectors import units_visible_to
from core.forms import parse_id
from core.roles import Role, has_role
from core.workbooks import xlsx_bytes, xlsx_response
from reports.selectors.dashboards import CHARTS, Dashboard, table


def _dashboard(request) -> Dashboard:
    if not has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
        raise PermissionDenied
    unit: Unit | None = None
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id is not None:
        unit = get_object_or_404(units_visible_to(request.user), pk=unit_id)
    return Dashboard(request.user, unit=unit, today=timezone.localdate())


@login_required
def dashboard(request):
    board = _dashboard(request)
    units = units_visible_to(request.user).filter(depth__lte=_unit_depth(request) + 1)
    context = {
        "board": board,
        "data": board.all(),
        "unit": board.unit,
        "units": units.order_by("path"),
        "labels": _labels(),
    }
    return render(request, "reports/dashboard.html", context)


def _labels() -> dict:
    """Series and axis names of the charts, translated here (the script holds no text)."""
    return {
        "cadres": _("人数"),
        "rate": _("出勤率（%）"),
        "attended": _("出勤人次"),
        "talks_overdue": _("谈心谈话逾期"),
        "self_reports_overdue": _("报告逾期"),
        "duties_overdue": _("导师履职逾期"),
        "enrolled": _("在培人数"),
        "activities": _("参加活动数"),
        "no_data": _("暂无数据"),
    }


def _unit_depth(request) -> int:
    """The unit filter offers the user's own unit and the units one level below it."""
    if request.user.unit_id is None:
        return 1
    return request.user.unit.depth


@login_required
def dashboard_data(request, chart: str, fmt: str):
    if chart not in CHARTS:
        raise Http404
    board = _dashboard(request)
    data = board.data(chart)
    stamp = f"{board.today:%Y%m%d}"
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="dashboard-{chart}-{stamp}.json"'
        return response
    title, headers, rows = table(chart, data)
    return xlsx_response(
        xlsx_bytes(title=title, headers=headers, rows=rows), f"dashboard-{chart}-{stamp}.xlsx"
    )
