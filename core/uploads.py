"""Uploaded files (reports, evidence): checked by content and size, stored under random names,
served only through views that have already decided the caller may see the owning row.

    suffix = upload_check(upload, field="report")           # raises ValidationError
    row.report.save(f"report{suffix}", upload, save=False)
    ...
    return file_download(row.report, filename=f"trip-report-{row.pk}")   # in a scoped view
"""

import uuid
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024

# Magic numbers of the formats we accept; a .docx is a ZIP holding word/document.xml.
_MAGIC = {b"%PDF": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"PK\x03\x04": ".docx"}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EVIDENCE = (".pdf", ".jpg", ".png")
DOCUMENTS = (".pdf", ".docx")
_LABELS = {".pdf": "PDF", ".jpg": "JPEG", ".png": "PNG", ".docx": "Word (.docx)"}


def _is_docx(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def sniff(handle) -> str:
    """The suffix of the format `handle`'s content is in, or "" if it is none we accept."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    suffix = next((s for magic, s in _MAGIC.items() if head.startswith(magic)), "")
    if suffix == ".docx" and not _is_docx(handle):
        return ""
    return suffix


def upload_check(upload, *, field: str, allowed=EVIDENCE, max_bytes: int = MAX_BYTES) -> str:
    """Refuse a file over `max_bytes` or whose content is not one of `allowed` (whatever its
    name says); return the suffix the stored file gets. Errors are keyed by `field`."""
    if upload.size > max_bytes:
        raise ValidationError(
            {field: _("文件不能超过%(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}}
        )
    suffix = sniff(upload)
    if suffix not in allowed:
        kinds = "、".join(_LABELS[s] for s in allowed)
        raise ValidationError({field: _("文件须为%(kinds)s格式。") % {"kinds": kinds}})
    return suffix


@deconstructible
class RandomName:
    """`upload_to` giving `<folder>/<random hex><suffix>`: a stored file cannot be found by
    guessing, and is reachable only through a scoped download view."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


def file_download(fieldfile, *, filename: str) -> FileResponse:
    """The file as an attachment named `filename` + the suffix of its content, typed by its
    content and never cached. The caller has checked that the user may see the row."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = sniff(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}{suffix or '.bin'}",
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_replace(fieldfile, upload, *, stem: str, suffix: str) -> None:
    """Store `upload` (already checked by `upload_check`, which gave `suffix`) in place of the
    file field's current file, without saving the row. The old file is deleted only once the
    transaction commits, so a rollback leaves the row and its file as they were."""
    old = fieldfile.name
    storage = fieldfile.storage
    fieldfile.save(f"{stem}{suffix}", upload, save=False)
    if old:
        transaction.on_commit(lambda: storage.delete(old))
