from django.contrib.auth.decorators import login_required, permission_required
from django.utils import timezone

from core.workbooks import xlsx_response
from mentoring.selectors import mentors_visible_to


@login_required
@permission_required("cadres.export_cadre", raise_exception=True)
def mentor_export(request):
    """The mentor pool (导师库) of the user's units as a workbook the importer reads back."""
    from mentoring.resources import mentors_xlsx

    mentors = mentors_visible_to(request.user).order_by("unit__path", "name")
    content = mentors_xlsx(mentors, full_id=request.user.has_perm("cadres.view_id_number"))
    return xlsx_response(content, f"mentors-{timezone.localdate():%Y%m%d}.xlsx")
