"""Background jobs (django-tasks; the database backend in the embedded default, immediate in tests)."""
import datetime
import io
import zipfile

import django_tasks

from .models import ReportJob


@django_tasks.task()
def run_report_job(job_id):
    from . import services

    job = ReportJob.objects.select_related("node", "created_by").get(pk=job_id)
    services.job_progress(job_id, status=ReportJob.Status.RUNNING, message="正在执行…")
    try:
        if job.kind == ReportJob.Kind.DISTRICT_DRAFTS:
            _district_drafts(job)
        else:
            _figure_export(job)
    except Exception as exc:  # noqa: BLE001 - the job row must say it failed, whatever happened
        services.job_progress(job_id, status=ReportJob.Status.FAILED, message=f"执行失败：{exc}"[:300])
        raise


def _district_drafts(job):
    """Draft (or refresh the draft of) every subdistrict's report for the year; one .zip of .docx files."""
    from . import render, services
    from .documents import docx_bytes
    from .models import ReportTemplate
    from fazhi.core.models import OrgNode

    subs = list(OrgNode.objects.filter(path__startswith=job.node.path, kind="subdistrict", is_active=True).order_by("path"))
    services.job_progress(job.pk, total=len(subs), done=0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, sub in enumerate(subs, 1):
            report = ReportTemplate.objects.filter(node=sub, year=job.year).first()
            if report is None:
                report = services.report_create(actor=job.created_by, node=sub, year=job.year)
            blocks, _ = render.build_blocks(report)
            zf.writestr(f"{report.title}.docx", docx_bytes(blocks))
            services.job_progress(job.pk, done=i, message=f"已起草 {sub.name}（{i}/{len(subs)}）")
    services.job_progress(job.pk, status=ReportJob.Status.DONE, message=f"已完成 {len(subs)} 个街道的报告起草",
                          result=(buf.getvalue(), f"{job.node.name}{job.year}年法治政府建设年度报告.zip", "application/zip"))


def _figure_export(job):
    """Every figure of the registry for the node and each node below it (to villages), as one .xlsx."""
    from openpyxl import Workbook

    from fazhi.core import figures
    from fazhi.core.models import OrgNode
    from fazhi.core.ui import XLSX

    from . import render, services

    start, end = datetime.date(job.year, 1, 1), datetime.date(job.year, 12, 31)
    nodes = list(OrgNode.objects.filter(path__startswith=job.node.path, is_active=True)
                 .exclude(kind="grid").order_by("path"))
    figs = list(figures.all_figures().values())
    services.job_progress(job.pk, total=len(nodes), done=0)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{job.year}年指标"
    ws.append(["组织", "层级"] + [f"{f.label}（{f.unit}）" if f.unit else f.label for f in figs])
    ws.append(["", ""] + [f.key for f in figs])
    for i, node in enumerate(nodes, 1):
        row = [node.name, node.get_kind_display()]
        for f in figs:
            try:
                value = render.normalize(f.value(node, start, end))
            except Exception:  # noqa: BLE001 - one broken figure must not sink the export
                value = "计算失败"
            row.append(render.plain(f, value) if isinstance(value, (dict, list, str)) else value)
        ws.append(row)
        services.job_progress(job.pk, done=i, message=f"已导出 {node.name}（{i}/{len(nodes)}）")
    out = io.BytesIO()
    wb.save(out)
    services.job_progress(job.pk, status=ReportJob.Status.DONE, message=f"已导出 {len(nodes)} 个组织的 {len(figs)} 项指标",
                          result=(out.getvalue(), f"{job.node.name}{job.year}年指标.xlsx", XLSX))
