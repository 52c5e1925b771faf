"""The compliance board (督导看板) for administrators, staff and leaders: per unit (one level
down the tree at a time, each row counting its subtree) and per mentor; both as `.xlsx`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cadres.models import Unit
from cadres.selectors import units_visible_to
from core.forms import parse_id
from core.paging import paginate
from core.roles import Role, has_role, is_admin
from core.workbooks import xlsx_response
from mentoring.exports_compliance import mentor_board_xlsx, unit_board_xlsx
from mentoring.selectors import compliance as selectors


def _chosen_unit(request) -> Unit | None:
    """The unit asked for (in scope, else 404), or the user's own unit (the whole tree for an
    administrator)."""
    units = units_visible_to(request.user)
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id is not None:
        return get_object_or_404(units, pk=unit_id)
    if is_admin(request.user):
        return None
    if request.user.unit_id is None:
        raise PermissionDenied
    return request.user.unit


@login_required
def compliance_board(request):
    if not has_role(request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
        raise PermissionDenied
    today = timezone.localdate()
    unit = _chosen_unit(request)
    trail = []
    if unit is not None:
        trail = list(units_visible_to(request.user).filter(path__in=Unit.lineage_paths(unit.path)))
    context = {"unit": unit, "trail": trail, "today": today}
    stamp = f"{today:%Y%m%d}"
    if request.GET.get("view") == "mentors":
        board = selectors.mentor_board(request.user, unit=unit, today=today)
        if request.GET.get("format") == "xlsx":
            rows = selectors.mentor_rows_load(list(board.rows))
            return xlsx_response(mentor_board_xlsx(board, rows), f"mentor-compliance-{stamp}.xlsx")
        page, querystring = paginate(request, board.rows)
        page.object_list = selectors.mentor_rows_load(page.object_list)
        context |= {"board": board, "page": page, "querystring": querystring}
        return render(request, "mentoring/compliance/mentors.html", context)
    board = selectors.unit_board(request.user, unit=unit, today=today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(unit_board_xlsx(board), f"unit-compliance-{stamp}.xlsx")
    context["board"] = board
    return render(request, "mentoring/compliance/units.html", context)
