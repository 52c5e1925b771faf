"""The growth record (成长档案) as a PDF: a cover with the photo, a section per kind with a
table of its items, the radar and the points trend as inline SVG; A4 with the unit in the
header, the date in the footer, 内部资料 and page numbers (`reports/pdf/base.html`).

The caller has checked that `cadre` is in `cadres_visible_to(viewer)`."""

import base64

from django.utils import timezone

from cadres.models import Cadre
from reports.pdf import render_pdf
from reports.selectors.growth import growth_record
from scoring.charts import radar_svg, trend_svg

_IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"GIF8": "image/gif"}


def photo_data_uri(cadre: Cadre) -> str:
    """The cadre's photo as a data URI (nothing fetched by URL while rendering), or ""."""
    if not cadre.photo:
        return ""
    try:
        with cadre.photo.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return ""
    for magic, mime in _IMAGE_TYPES.items():
        if content.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(content).decode()}"
    return ""


def growth_record_context(*, viewer, cadre: Cadre, year: int | None = None) -> dict:
    record = growth_record(viewer=viewer, cadre=cadre, year=year)
    today = timezone.localdate()
    unit = cadre.unit.full_name if cadre.unit_id else ""
    return {
        "record": record,
        "cadre": cadre,
        "unit_name": unit,
        "photo": photo_data_uri(cadre),
        "radar": radar_svg(record.profile.axes) if record.profile else "",
        "trend": trend_svg(record.trend) if record.trend else "",
        "today": today,
        "pdf_header": unit,
        "pdf_footer": today.isoformat(),
    }


def growth_record_pdf(*, viewer, cadre: Cadre, year: int | None = None) -> bytes:
    """The PDF bytes of `cadre`'s growth record for `year` (None: every year) as `viewer`
    may read it."""
    return render_pdf(
        "reports/pdf/growth_record.html",
        growth_record_context(viewer=viewer, cadre=cadre, year=year),
    )
