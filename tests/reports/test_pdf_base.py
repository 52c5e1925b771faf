"""The PDF base: Chinese text with an embedded CJK font, the 内部资料 mark, the header and footer
and page numbers in the margins."""

from django.template import engines

from reports.pdf import PDF_FONTS, html_to_pdf
from tests.pdfs import assert_cjk_fonts_embedded, pdf_pages, pdf_text


def test_chinese_text_is_set_in_an_embedded_cjk_font_with_header_and_footer():
    template = engines["django"].from_string(
        '{% extends "reports/pdf/base.html" %}{% block content %}<h1>张伟的成长档案</h1>'
        "{% for i in rows %}<p>年轻干部培养。</p>{% endfor %}{% endblock %}"
    )
    html = template.render({"pdf_fonts": PDF_FONTS, "pdf_header": "金城镇",
                            "pdf_footer": "2026-11-22", "rows": range(80)})  # fmt: skip
    content = html_to_pdf(html)
    text, pages = pdf_text(content), pdf_pages(content)
    assert "张伟的成长档案" in text and "内部资料" in text and "金城镇" in text
    assert pages > 1 and f"1 / {pages}" in text and f"{pages} / {pages}" in text
    assert_cjk_fonts_embedded(content)
