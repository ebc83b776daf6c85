"""Draft the annual report without a browser: the same render as the editor (the saved text of the node's report
for that year when it exists, else the default template — nothing is written to the database)."""
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fazhi.core import clock
from fazhi.core.errors import DomainError
from fazhi.core.models import OrgNode
from fazhi.reports import documents, render
from fazhi.reports.models import ReportTemplate


class _Rollback(Exception):
    pass


def draft_blocks(node, year):
    report = ReportTemplate.objects.filter(node=node, year=year).first()
    if report is not None:
        return render.build_blocks(report)[0]
    # No saved report: draft one from the template inside a transaction that is rolled back.
    result = {}
    try:
        with transaction.atomic():
            report = ReportTemplate.objects.create(node=node, year=year, title=f"{node.name}{year}年法治政府建设年度报告",
                                                   created_at=clock.now(), updated_at=clock.now())
            _fill_defaults(report)
            result["blocks"] = render.build_blocks(report)[0]
            raise _Rollback()
    except _Rollback:
        pass
    return result["blocks"]


def _fill_defaults(report):
    from fazhi.reports import defaults
    from fazhi.reports.models import ReportSection

    words = defaults.locality(report.node, report.year)
    rows = [ReportSection(report=report, part=0, order=0, body=defaults.fill(defaults.PREAMBLE, words))]
    rows += [ReportSection(report=report, part=p, order=i, heading=h, body=defaults.fill(b, words))
             for i, (p, h, b) in enumerate(defaults.SECTIONS, 1)]
    ReportSection.objects.bulk_create(rows)


class Command(BaseCommand):
    help = "起草法治政府建设年度报告（md/docx/pdf），例如：draft_report --year 2023 --node 稷下街道 --format docx --output 报告.docx"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--node", required=True, help="组织名称（如 稷下街道）或编号")
        parser.add_argument("--format", choices=["md", "docx", "pdf"], default="md")
        parser.add_argument("--output", help="输出文件；省略时 md 输出到屏幕，docx/pdf 写入当前目录")

    def handle(self, *args, year, node, format, output=None, **options):
        qs = OrgNode.objects.filter(pk=int(node)) if node.isdigit() else OrgNode.objects.filter(name=node)
        target = qs.order_by("depth").first()
        if target is None:
            raise CommandError(f"找不到组织“{node}”。")
        blocks = draft_blocks(target, year)
        problems = [b["text"] for b in blocks if "【未知" in b.get("text", "")]
        if format == "md":
            content = render.to_markdown(blocks).encode("utf-8")
        elif format == "docx":
            content = documents.docx_bytes(blocks)
        else:
            try:
                content = documents.pdf_bytes(blocks)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        if output is None and format == "md":
            sys.stdout.write(content.decode("utf-8"))
        else:
            output = output or f"{target.name}{year}年法治政府建设年度报告.{format}"
            with open(output, "wb") as fh:
                fh.write(content)
            self.stdout.write(f"已写入 {output}（{len(content)} 字节）")
        if problems:
            self.stderr.write(f"注意：报告中有 {len(problems)} 处无法识别的指标（相关模块尚未提供），已标注【未知指标】。")
