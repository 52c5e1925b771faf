from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.utils import timezone

from mentoring.selectors import mentors_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required("cadres.export_cadre", raise_exception=True)
def mentor_export(request):
    """The mentor pool (导师库) of the user's units as a workbook the importer reads back."""
    from mentoring.resources import mentors_xlsx

    mentors = mentors_visible_to(request.user).order_by("unit__path", "name")
    content = mentors_xlsx(mentors, full_id=request.user.has_perm("cadres.view_id_number"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="mentors-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
