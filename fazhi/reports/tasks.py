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
    from fazhi.core.models import OrgNode

    from . import render, services
    from .documents import docx_bytes
    from .models import ReportTemplate

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


# ---- ledger imports (台账导入) ----------------------------------------------------------------------------------
# A confirmed import of a large sheet runs here instead of in the request. The import is one transaction, so its
# progress goes through the cache (shared by the web and worker processes: file-based in the embedded default,
# Redis when configured), never the job row, whose updates would only become visible at commit.

def ledger_progress_key(job_id):
    return f"reports:ledger-import-progress:{job_id}"


def ledger_live_progress(job):
    """Overlay the running import's progress (from the cache) on the job row, for the progress bar."""
    from django.core.cache import cache

    if job.kind == ReportJob.Kind.LEDGER_IMPORT and not job.is_finished:
        cached = cache.get(ledger_progress_key(job.pk))
        if cached:
            job.done, job.total = cached
    return job


def start_ledger_import(*, actor, ledger, token, total, node):
    """Queue the import of the dry-run-checked upload stored under ``token``; returns the job (redirect to its page)."""
    from django.db import transaction

    from fazhi.core import audit, clock

    with transaction.atomic():
        job = ReportJob.objects.create(kind=ReportJob.Kind.LEDGER_IMPORT, ledger_key=ledger.key, node=node,
                                       year=clock.today().year, total=total, created_by=actor,
                                       created_at=clock.now(), message="已排队，等待后台执行")
        audit.record(actor=actor, action="create", obj=job, node=node, changes={"kind": job.kind, "ledger": ledger.key,
                                                                                "rows": total})
        transaction.on_commit(lambda: run_ledger_import.enqueue(job.pk, token))
    return job


def summarize_errors(errors, limit=5):
    head = "；".join(str(e) for e in errors[:limit])
    more = f"；另有 {len(errors) - limit} 处问题" if len(errors) > limit else ""
    return f"未导入：发现 {len(errors)} 处问题，整表未导入任何数据，请修改后重新上传。{head}{more}"


@django_tasks.task()
def run_ledger_import(job_id, token):
    import re

    from django.core.cache import cache

    from fazhi.core import ledger

    from . import services

    job = ReportJob.objects.select_related("created_by").get(pk=job_id)
    key = ledger_progress_key(job_id)
    path = ledger.import_dir() / token if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", token or "") else None
    services.job_progress(job_id, status=ReportJob.Status.RUNNING, message="正在导入…")
    try:
        item = ledger.get(job.ledger_key)
        data = path.read_bytes() if path is not None and path.exists() else b""
        if item is None:
            result = ledger.ImportResult(ok=False, dry_run=False, errors=[ledger.RowError(None, "", "台账不存在。")])
        elif not data:
            result = ledger.ImportResult(ok=False, dry_run=False,
                                         errors=[ledger.RowError(None, "", "待导入的文件已失效，请重新上传。")])
        else:
            result = ledger.run_import(item, data, actor=job.created_by, dry_run=False,
                                       progress=lambda done, total: cache.set(key, (done, total), 24 * 3600))
        done, total = cache.get(key) or (0, result.total)
        if result.ok:
            services.job_progress(job_id, status=ReportJob.Status.DONE, done=result.total, total=result.total,
                                  message=f"导入完成：已导入 {result.imported} 行。")
        else:
            services.job_progress(job_id, status=ReportJob.Status.FAILED, done=done, total=total,
                                  message=summarize_errors(result.errors))
    except Exception as exc:  # noqa: BLE001 - the job row must say it failed, whatever happened
        services.job_progress(job_id, status=ReportJob.Status.FAILED, message=f"执行失败：{exc}"[:300])
        raise
    finally:
        cache.delete(key)
        if path is not None:
            path.unlink(missing_ok=True)  # the session token was spent when the job was queued
