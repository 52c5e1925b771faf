"""Write one cadre's growth record (成长档案) as a PDF, as an administrator would read it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadres.models import Cadre
from core.roles import system_reader
from reports.services.growth_pdf import growth_record_pdf


class Command(BaseCommand):
    help = "导出一名干部的成长档案PDF：export_growth_record CADRE_ID -o FILE.pdf [--year Y]"

    def add_arguments(self, parser):
        parser.add_argument("cadre_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="PDF文件路径")
        parser.add_argument("--year", type=int, default=None, help="只导出该年度（默认全部年度）")

    def handle(self, *args, cadre_id: int, output: str, year: int | None, **options):
        cadre = Cadre.objects.select_related("unit").filter(pk=cadre_id).first()
        if cadre is None:
            raise CommandError(f"没有编号为 {cadre_id} 的干部。")
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("年度应在2000至2100之间。")
        content = growth_record_pdf(viewer=system_reader(), cadre=cadre, year=year)
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc}") from None
        self.stdout.write(f"{cadre.name}：{path}（{len(content) // 1024} KB）")
