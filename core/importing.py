"""The shared import engine: a django-import-export resource base and the report it fills.

One `RosterResource` subclass per workbook kind (cadres, units, mentors) is used by the admin,
the staff pages, the CLI and the Celery task alike. The base class adds what the roster
rules need on top of django-import-export:

- every error names the Excel row (header row = 1) and the column header;
- rows are validated first, then written in bulk in one transaction, and a workbook with
  any invalid row saves nothing (`rollback_on_validation_errors`);
- unchanged rows are reported as such and not written (re-import changes nothing);
- instances are looked up by the key column in one query per 2,000 rows, not per row;
- progress is reported every few hundred rows for the Celery task's progress bar.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import RowResult

from core.workbooks import ROW_NUMBER, WorkbookError, read_dataset

logger = logging.getLogger(__name__)

PREVIEW_LIMIT = 1000  # rows kept for the preview table; counts and errors are always complete


@dataclass
class RowIssue:
    row: int
    header: str
    message: str

    def __str__(self) -> str:
        if self.header:
            return _("第%(row)d行【%(header)s】%(message)s") % asdict(self)
        return _("第%(row)d行：%(message)s") % asdict(self)


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.invalid

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.invalid

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        data = dict(data)
        data["errors"] = [RowIssue(**e) for e in data.get("errors", [])]
        data["warnings"] = [RowIssue(**w) for w in data.get("warnings", [])]
        return cls(**data)


class RosterResource(resources.ModelResource):
    """Base for roster resources; subclasses declare fields (column_name = sheet header),
    `key` (the attribute that identifies a row's record) and `required_headers`."""

    key: str = ""
    required_headers: tuple[str, ...] = ()

    def __init__(self, *, actor=None, progress: Callable[[int, int], None] | None = None):
        super().__init__()
        self.actor = actor
        self.progress = progress
        self.report = ImportReport()
        self.existing: dict = {}
        self.duplicates: dict = {}
        self._row_number = 0
        self._last_instance = None
        self._current_row: dict = {}
        self._snapshot: dict = {}
        self._changed: list[str] = []
        self._total = 0

    # --- what subclasses add -----------------------------------------------------------------

    def row_check(self, instance, row) -> dict[str, list[str]]:
        """Cross-field checks of one row; return {attribute: [messages]}."""
        return {}

    def row_warnings(self, instance, row) -> list[tuple[str, str]]:
        """(attribute, message) pairs that do not block the import."""
        return []

    def existing_for(self, keys: list[str]):
        """The stored records for these keys (one query)."""
        return self._meta.model.objects.filter(**{f"{self.key}__in": keys})

    # --- import-export hooks --------------------------------------------------------------

    def header_of(self, attribute: str) -> str:
        for resource_field in self.fields.values():
            if resource_field.attribute == attribute:
                return resource_field.column_name
        return ""

    def headers_check(self, dataset) -> None:
        """Raise WorkbookError if a required column is missing (checked before any row)."""
        missing = [h for h in self.required_headers if h not in dataset.headers]
        if missing:
            raise WorkbookError(_("缺少必填列：%(h)s") % {"h": "、".join(missing)})

    def before_import(self, dataset, **kwargs):
        headers = [h for h in dataset.headers if h != ROW_NUMBER and not h.startswith("__blank")]
        known = {f.column_name for f in self.fields.values()}
        self.report.headers = [h for h in headers if h in known]
        extra = [h for h in headers if h not in known]
        if extra:
            self.report.warnings.append(
                RowIssue(1, "", _("以下列不属于模板，已忽略：%(h)s") % {"h": "、".join(extra)})
            )
        self._total = len(dataset)
        key_field = self.fields[self.key]
        rows_by_key = defaultdict(list)
        for values in dataset.dict:
            try:
                value = key_field.clean(values)
            except (ValueError, ValidationError):
                continue
            if value:
                rows_by_key[value].append(values[ROW_NUMBER])
        self.duplicates = {k: rows for k, rows in rows_by_key.items() if len(rows) > 1}
        keys = list(rows_by_key)
        for start in range(0, len(keys), 2000):
            for instance in self.existing_for(keys[start : start + 2000]):
                self.existing[getattr(instance, self.key)] = instance

    def get_instance(self, instance_loader, row):
        try:
            value = self.fields[self.key].clean(row)
        except (ValueError, ValidationError):
            return None
        return self.existing.get(value)

    def before_import_row(self, row, **kwargs):
        self._row_number = row[ROW_NUMBER]

    def after_init_instance(self, instance, new, row, **kwargs):
        self._snapshot = {} if new else {a: getattr(instance, a, None) for a in self._attributes()}

    def _attributes(self) -> list[str]:
        return [f.attribute for f in self.get_import_fields() if f.attribute]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Never skip a row that validation must see: one with errors, a new one, or one
        # whose key another row of the workbook repeats.
        if (
            import_validation_errors
            or not self._snapshot
            or getattr(instance, self.key, None) in self.duplicates
        ):
            self._changed = []
            return False
        self._changed = [
            a for a in self._attributes() if getattr(instance, a, None) != self._snapshot[a]
        ]
        return not self._changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = defaultdict(list)
        for attribute, problem in (import_validation_errors or {}).items():
            errors[attribute].extend(ValidationError(problem).messages)
        key_value = getattr(instance, self.key, None)
        if key_value in self.duplicates:
            others = [str(n) for n in self.duplicates[key_value] if n != self._row_number]
            errors[self.key].append(_("与第%(rows)s行重复。") % {"rows": "、".join(others)})
        for attribute, messages in self.row_check(instance, self._current_row).items():
            if attribute not in (import_validation_errors or {}):
                errors[attribute].extend(messages)
        if errors:
            raise ValidationError(dict(errors))

    def import_row(self, row, instance_loader, **kwargs):
        self._current_row = row
        self._changed = []
        self._last_instance = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        # Not in after_import_row: import-export skips that hook for invalid rows.
        self._record(row, row_result)
        return row_result

    def _record(self, row, row_result) -> None:
        number = row[ROW_NUMBER]
        status = {
            RowResult.IMPORT_TYPE_NEW: "new",
            RowResult.IMPORT_TYPE_UPDATE: "updated",
            RowResult.IMPORT_TYPE_SKIP: "unchanged",
        }.get(row_result.import_type, "invalid")
        setattr(self.report, status, getattr(self.report, status) + 1)
        row_errors: dict[str, list[str]] = {}
        if row_result.validation_error is not None:
            for attribute, messages in row_result.validation_error.message_dict.items():
                header = self.header_of(attribute) if attribute != "__all__" else ""
                row_errors.setdefault(header, []).extend(messages)
                self.report.errors.extend(RowIssue(number, header, m) for m in messages)
        elif status in ("new", "updated") and self._last_instance is not None:
            for attribute, message in self.row_warnings(self._last_instance, row):
                self.report.warnings.append(RowIssue(number, self.header_of(attribute), message))
        if len(self.report.rows) < PREVIEW_LIMIT:
            self.report.rows.append(
                {
                    "row": number,
                    "status": status,
                    "values": {h: _display(row.get(h)) for h in self.report.headers},
                    "changed": [self.header_of(a) for a in self._changed]
                    if status == "updated"
                    else [],
                    "errors": row_errors,
                }
            )
        done = self.report.total
        if self.progress and (done % 250 == 0 or done == self._total):
            self.progress(done, self._total)

    def import_instance(self, instance, row, **kwargs):
        self._last_instance = instance
        return super().import_instance(instance, row, **kwargs)


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_workbook(*, resource: RosterResource, content: bytes, dry_run: bool) -> ImportReport:
    """Read, validate and (unless `dry_run` or any row is invalid) save a workbook.

    All-or-nothing: rows are written in bulk inside one transaction that is rolled back on
    any invalid row or error. Returns the report (counts, every error, warnings, preview).
    """
    report = resource.report
    try:
        dataset = read_dataset(content)
        resource.headers_check(dataset)
    except WorkbookError as exc:
        report.file_errors.append(str(exc))
        return report
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    # Unexpected exceptions may quote database rows (names, ID numbers): log them for the
    # operator and show the user a plain message.
    for error in result.base_errors:
        if isinstance(error.error, WorkbookError):
            report.file_errors.append(str(error.error))
        else:
            logger.error("import failed: %s\n%s", error.error, error.traceback)
            report.file_errors.append(_("导入时发生系统错误，未保存任何数据；请联系系统管理员。"))
    for _index, row_errors in result.row_errors():
        for error in row_errors:
            number = (error.row or {}).get(ROW_NUMBER, "?")
            logger.error("import row %s failed: %s\n%s", number, error.error, error.traceback)
            report.file_errors.append(
                _("第%(row)s行处理时发生系统错误，未保存任何数据；请联系系统管理员。")
                % {"row": number}
            )
    report.errors.sort(key=lambda issue: issue.row)
    report.saved = not dry_run and report.ok
    if report.file_errors:
        report.new = report.updated = report.unchanged = report.invalid = 0
        report.errors, report.rows = [], []
    return report
