"""PDFs from templates (WeasyPrint): A4, the CJK font named explicitly everywhere (margin boxes
too, or headers fall back to empty boxes), a header with the unit and a footer with the date,
the 内部资料 mark and page numbers (`templates/reports/pdf/base.html`).

One `FontConfiguration` per process: a new one per document makes memory grow (library
notes)."""

import functools

from django.conf import settings
from django.template.loader import render_to_string

# Debian's fonts-wqy-microhei (small PDFs), with Noto CJK as the fallback; both are installed
# by bin/setup-system and embedded (subset) in every PDF.
PDF_FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Serif CJK SC"'


@functools.cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document (static files resolved from STATIC_ROOT/finders by URL
    fetcher relative to the site root)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_fonts())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` (which extends `reports/pdf/base.html`) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, {"pdf_fonts": PDF_FONTS, **context}))
