"""Reading generated PDFs back in tests: their text (pypdf) and their fonts (poppler's
`pdffonts`, installed by bin/setup-system), to check that Chinese is set in an embedded CJK
font — text extraction alone would not notice a missing font."""

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class PdfFont:
    name: str
    embedded: bool

    @property
    def is_cjk(self) -> bool:
        return any(mark in self.name for mark in ("WenQuanYi", "Noto", "CJK"))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> list[PdfFont]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        out = subprocess.run(  # noqa: S603 (our own file, a fixed tool)
            [shutil.which("pdffonts") or "pdffonts", handle.name],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    fonts = []
    for line in out.splitlines()[2:]:
        if line.strip():
            # name type encoding emb sub uni object ID: "emb" is the 4th column from the right
            # end counting object id (2 columns), uni, sub.
            parts = line.split()
            fonts.append(PdfFont(parts[0], parts[-5] == "yes"))
    return fonts


def assert_cjk_fonts_embedded(content: bytes) -> None:
    fonts = pdf_fonts(content)
    assert fonts, "the PDF names no font"
    for font in fonts:
        assert font.embedded and font.is_cjk, font
