from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from core.import_jobs import RESOURCES
from core.importing import import_workbook


class Command(BaseCommand):
    help = (
        "Import a cadre roster workbook (干部花名册, .xlsx; --kind units or mentors for the unit "
        "list and the 导师库). Prints the counts; on any invalid row prints every error (row "
        "number, header, reason), saves nothing and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--create-units", action="store_true", help="create units that do not exist yet"
        )
        parser.add_argument("--kind", choices=sorted(RESOURCES), default="cadres")

    def handle(self, *args, file: Path, dry_run: bool, create_units: bool, kind: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        resource_class = import_string(RESOURCES[kind])
        if kind == "units":
            resource = resource_class()
        else:
            resource = resource_class(create_units=create_units)
        report = import_workbook(resource=resource, content=file.read_bytes(), dry_run=dry_run)
        for message in report.file_errors:
            self.stderr.write(message)
        for issue in report.errors:
            self.stderr.write(str(issue))
        for issue in report.warnings:
            self.stdout.write(self.style.WARNING(str(issue)))
        self.stdout.write(
            f"new {report.new}, updated {report.updated}, unchanged {report.unchanged}, "
            f"invalid {report.invalid}"
        )
        if not report.ok:
            raise CommandError("nothing was saved: fix the rows above and run again", returncode=1)
        self.stdout.write(self.style.SUCCESS("dry run: nothing saved" if dry_run else "saved"))
