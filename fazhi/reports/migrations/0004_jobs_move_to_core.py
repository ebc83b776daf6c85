"""Report jobs become core jobs (fazhi.core.jobs): every ReportJob row moves to core.Job, then the table goes.

Kinds: district_drafts → report.district_drafts, figure_export → report.figure_export, ledger_import →
core.ledger_import (its ledger key into params). A job that was still queued or running when the platform was
upgraded cannot be resumed (its task belonged to the old code): it moves as failed, with a message.
"""
from django.db import migrations

KINDS = {"district_drafts": "report.district_drafts", "figure_export": "report.figure_export",
         "ledger_import": "core.ledger_import"}
INTERRUPTED = "执行中断：平台升级时任务尚未完成，请重新发起。"


def forwards(apps, schema_editor):
    ReportJob = apps.get_model("reports", "ReportJob")
    Job = apps.get_model("core", "Job")
    rows = []
    for old in ReportJob.objects.all().order_by("pk").iterator():
        params = {"year": old.year}
        if old.ledger_key:
            params["ledger"] = old.ledger_key
        unfinished = old.status in ("queued", "running")
        rows.append(Job(
            kind=KINDS.get(old.kind, old.kind), node_id=old.node_id, params=params,
            status="failed" if unfinished else old.status, done=old.done, total=old.total,
            message=INTERRUPTED if unfinished else old.message, result=old.result, result_name=old.result_name,
            result_type=old.result_type, created_by_id=old.created_by_id, created_at=old.created_at,
            finished_at=old.finished_at or (old.created_at if unfinished else None),
            attempts=0 if old.status == "queued" else 1))
    Job.objects.bulk_create(rows, batch_size=200)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_ledger_import_job"),
        ("core", "0005_jobs"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReportJob"),
    ]
