"""`python manage.py quarterly_report --year Y --quarter Q [--unit ID | --programme ID] -o FILE.pdf`: generate
the quarterly report now (no worker), store it on its row like the task does, and write the
PDF to FILE."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.models import JobStatus
from reports.services.quarterly import quarterly_report_generate, quarterly_report_request


class Command(BaseCommand):
    help = "生成季度报告（同步），并写出PDF。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--unit", type=int, default=None, help="单位ID；省略为全部单位")
        parser.add_argument(
            "--programme", type=int, default=None, help="培养计划ID；与 --unit 二选一"
        )
        parser.add_argument("-o", "--output", required=True, help="PDF文件路径")

    def handle(self, *args, year, quarter, unit, programme, output, **options):
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(f"目录不存在：{target.parent}")
        try:
            report = quarterly_report_request(
                year=year, quarter=quarter, unit=unit, programme=programme, dispatch=False
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        report = quarterly_report_generate(report.pk)
        if report.status != JobStatus.DONE:
            raise CommandError(f"生成失败：{report.error}")
        with report.pdf.open("rb") as handle:
            target.write_bytes(handle.read())
        self.stdout.write(f"{target}（{target.stat().st_size} 字节）")
