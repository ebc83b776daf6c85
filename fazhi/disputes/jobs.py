"""The dispute module's background work (``fazhi.core.jobs``): retraining the triage model of a subdistrict.

``manage.py triage_retrain`` starts one job per subdistrict (``--now`` trains in the command itself); the nightly
timer (deploy/fazhi-triage.timer) runs the command, so the model learns from the day's concluded cases and from
every suggestion the clerks accepted or changed."""
from __future__ import annotations

from django.urls import reverse

from fazhi.core import jobs
from fazhi.core.models import Job

RETRAIN = "disputes.triage_retrain"


def _retrain(job: Job) -> jobs.Done:
    from . import triage

    jobs.progress(job, total=1, done=0, message="正在读取已办结案件并训练…")
    m = triage.train(tenant=job.node, actor=job.created_by)
    kind = (m.metrics or {}).get("kind", {})
    top1 = f"，留出集类型准确率 {kind.get('top1', 0):.0%}" if kind.get("n") else ""
    return jobs.Done(f"已用 {m.cases} 起已办结案件训练分派建议模型（用时 {m.seconds:.1f} 秒{top1}）", done=1, total=1)


jobs.register(RETRAIN, _retrain, label="重新训练纠纷分派建议模型", view_perm="disputes.manage",
              back=lambda job: (reverse("disputes:triage"), "分派建议模型"))


def start_retrain(*, actor, tenant) -> Job:
    return jobs.start(actor=actor, kind=RETRAIN, node=tenant)
