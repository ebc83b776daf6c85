"""The reports module's background work, registered with the core job facility (``fazhi.core.jobs``).

- ``report.district_drafts``: draft (or refresh) every tenant's (街道's) report of a year under a district; one .zip;
- ``report.figure_export``: every figure of the registry for a node and each node below it down to villages; .xlsx.

Both are seen by whoever holds ``reports.view`` on the job's node (and their starter).
"""
from __future__ import annotations

import datetime
import io
import zipfile

from django.urls import reverse

from fazhi.core import jobs, orgkinds
from fazhi.core.models import Job, OrgNode

DISTRICT_DRAFTS = "report.district_drafts"
FIGURE_EXPORT = "report.figure_export"
#: what the pages and the API call them ("kind" in forms and JSON) → the registered job kind
KINDS = {"district_drafts": DISTRICT_DRAFTS, "figure_export": FIGURE_EXPORT}


def _district_drafts(job: Job) -> jobs.Done:
    """Draft (or refresh the draft of) every tenant's report for the year; one .zip of .docx files."""
    from . import render, selectors, services
    from .documents import docx_bytes

    year = int(job.params["year"])
    tenants = list(OrgNode.objects.inside(job.node).tenants().filter(is_active=True).order_by("path"))
    jobs.progress(job, total=len(tenants), done=0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, tenant in enumerate(tenants, 1):
            report = selectors.report_of(node=tenant, year=year)
            if report is None:
                report = services.report_create(actor=job.created_by, node=tenant, year=year)
            blocks, _ = render.build_blocks(report)
            zf.writestr(f"{report.title}.docx", docx_bytes(blocks))
            jobs.progress(job, done=i, message=f"已起草 {tenant.name}（{i}/{len(tenants)}）")
    return jobs.Done(f"已完成 {len(tenants)} 个街道的报告起草",
                     result=(buf.getvalue(), f"{job.node.name}{year}年法治政府建设年度报告.zip", "application/zip"))


def _figure_export(job: Job) -> jobs.Done:
    """Every figure of the registry for the node and each node below it (to villages), as one .xlsx."""
    from openpyxl import Workbook

    from fazhi.core import figures
    from fazhi.core.ui import XLSX

    from . import render

    year = int(job.params["year"])
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    nodes = list(OrgNode.objects.inside(job.node).filter(is_active=True)
                 .exclude(kind__in=orgkinds.codes(level=orgkinds.GRID)).order_by("path"))
    figs = list(figures.all_figures().values())
    jobs.progress(job, total=len(nodes), done=0)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年指标"
    ws.append(["组织", "层级"] + [f"{f.label}（{f.unit}）" if f.unit else f.label for f in figs])
    ws.append(["", ""] + [f.key for f in figs])
    for i, node in enumerate(nodes, 1):
        row = [node.name, node.kind_info.label]
        for f in figs:
            try:
                value = render.normalize(f.value(node, start, end))
            except Exception:  # noqa: BLE001 - one broken figure must not sink the export
                value = "计算失败"
            row.append(render.plain(f, value) if isinstance(value, (dict, list, str)) else value)
        ws.append(row)
        jobs.progress(job, done=i, message=f"已导出 {node.name}（{i}/{len(nodes)}）")
    out = io.BytesIO()
    wb.save(out)
    return jobs.Done(f"已导出 {len(nodes)} 个组织的 {len(figs)} 项指标",
                     result=(out.getvalue(), f"{job.node.name}{year}年指标.xlsx", XLSX))


def _back(job: Job) -> tuple[str, str]:
    return reverse("reports:list"), "年度报告"


def _describe(job: Job) -> str:
    kind = jobs.get(job.kind)
    return f"{kind.label}（{job.node}，{job.params.get('year', '')}年）"


jobs.register(DISTRICT_DRAFTS, _district_drafts, label="全区年度报告批量起草", view_perm="reports.view", back=_back,
              describe=_describe)
jobs.register(FIGURE_EXPORT, _figure_export, label="指标批量导出", view_perm="reports.view", back=_back,
              describe=_describe)
