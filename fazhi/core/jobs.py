"""Background jobs: long work with progress, run by the task worker, that cannot vanish.

An app registers its kinds of work once (in the module it names ``jobs`` in ``provides``)::

    jobs.register("report.district_drafts", _district_drafts, label="全区年度报告批量起草", view_perm="reports.view",
                  back=lambda job: (reverse("reports:list"), "年度报告"))

and starts one with ``jobs.start(actor=, kind=, node=, params=)`` inside its service; the job runs after the commit
on the task queue (django-tasks: the database backend, ``manage.py jobs_worker``; immediate in tests). The kind's
function receives the ``Job`` row, reports with ``jobs.progress(job, done=, total=, message=)`` and returns
``jobs.Done(message, result=(bytes, name, content_type))`` or raises ``jobs.Failed(message)``; any other exception
fails the job with its text. Whatever the ending, the uploaded sheet the job owns (``Job.upload``) is deleted.

Jobs cannot vanish:

- the worker (``jobs_worker``) writes a heartbeat every ``HEARTBEAT_SECONDS``: its own (for ``/healthz``) and the
  running job's (``Job.heartbeat_at``; in the cache when the database is busy with the job's own transaction);
- when a worker starts (and before each job) every RUNNING job whose last heartbeat is older than ``STALE_AFTER``
  is failed with a message — its worker died (kill -9, Ctrl+C, a crash) — and its upload is deleted; a kind
  registered with ``undo`` first undoes what the job had committed (a ledger import written in batches);
- a job queued for ``NO_WORKER_AFTER`` seconds with no live worker says so on its page.

Who sees a job: the person who started it, and — for kinds registered with ``view_perm`` — whoever holds that
permission on the job's node (``job_policy``). Core knows no domain app: kinds come from the registry.
"""
from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import django_tasks
from django.apps import apps
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import audit, clock, policy
from .access import AccessPolicy
from .access import register as register_policy
from .models import Job, OrgNode

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
STALE_AFTER = 60  # a RUNNING job without a heartbeat for this long has lost its worker
NO_WORKER_AFTER = 30  # a job queued this long with no live worker: its page says that no worker is running
WORKER_KEY = "fazhi:jobs:worker"

S = Job.Status


# ---- registry -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    run: Callable[[Job], Done]
    view_perm: str | None = None  # besides its starter, holders of this permission on the job's node see it
    back: Callable[[Job], tuple[str, str]] | None = None  # (url, label) of the page the job belongs to
    describe: Callable[[Job], str] | None = None  # the job's title; default "<label>（<node>）"
    interrupted: str = "任务未完成，请重新发起。"  # what a job whose worker died tells its reader
    undo: Callable[[Job], None] | None = None  # undoes what a job whose worker died had committed (before failing it)
    result_link: Callable[[Job], tuple[str, str]] | None = None  # (url, label) of the page showing a done job's result


@dataclass
class Done:
    message: str
    result: tuple[bytes, str, str] | None = None  # (content, file name, content type)
    done: int | None = None
    total: int | None = None


class Failed(Exception):
    """Raised by a job function: the job fails with ``message`` (shown to the user as it is)."""

    def __init__(self, message: str, *, done: int | None = None, total: int | None = None):
        super().__init__(message)
        self.message, self.done, self.total = message, done, total


_registry: dict[str, JobKind] = {}


def register(key: str, fn: Callable[[Job], Done], *, label: str, view_perm: str | None = None,
             back: Callable[[Job], tuple[str, str]] | None = None, describe: Callable[[Job], str] | None = None,
             interrupted: str | None = None, undo: Callable[[Job], None] | None = None,
             result_link: Callable[[Job], tuple[str, str]] | None = None) -> JobKind:
    kind = JobKind(key, label, fn, view_perm, back, describe, interrupted or JobKind.interrupted, undo, result_link)
    _registry[key] = kind
    return kind


def get(key: str) -> JobKind | None:
    return _registry.get(key)


def kinds() -> list[JobKind]:
    return list(_registry.values())


def describe(job: Job) -> str:
    kind = get(job.kind)
    if kind is None:
        return f"后台任务 {job.kind}（{job.node}）"
    if kind.describe is not None:
        return kind.describe(job)
    return f"{kind.label}（{job.node}）"


# ---- who sees a job -----------------------------------------------------------------------------------------------

class JobPolicy(AccessPolicy):
    """A job is its starter's; a kind with ``view_perm`` is also seen by that permission's holders on its node."""

    def may_anywhere(self, user, action: str = "view") -> bool:
        return bool(getattr(user, "is_authenticated", False))

    def may(self, user, action: str, obj: Job) -> bool:
        if obj.created_by_id == getattr(user, "pk", None):
            return True
        kind = get(obj.kind)
        return bool(kind and kind.view_perm and policy.has_perm(user, kind.view_perm, obj.node))

    def scope_q(self, user, action: str = "view") -> Q:
        q = Q(created_by_id=user.pk)
        for kind in _registry.values():
            if kind.view_perm and policy.has_perm(user, kind.view_perm):
                nodes = OrgNode.objects.filter(policy.nodes_q(user, kind.view_perm)).values("pk")
                q |= Q(kind=kind.key, node__in=nodes)
        return q


job_policy = register_policy(JobPolicy(Job, actions={"view": "core.view"},
                                       base=lambda qs: qs.select_related("node", "created_by").defer("result")))


def visible(user, *, kinds: list[str] | None = None):
    """The jobs ``user`` may see (newest first), optionally of some kinds only; result files not loaded."""
    qs = job_policy.instances_for(user, "view")
    return qs.filter(kind__in=kinds) if kinds is not None else qs


# ---- starting and reporting ---------------------------------------------------------------------------------------

def start(*, actor, kind: str, node: OrgNode, params: dict | None = None, total: int = 0, upload: str = "",
          audit_changes: dict | None = None) -> Job:
    """Create the job (audited) and queue it after the commit. ``upload`` is the token of an uploaded sheet under
    ``ledger.import_dir()`` that the job owns: it is deleted when the job ends."""
    if get(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(kind=kind, node=node, params=params or {}, upload=upload, total=total,
                                 created_by=actor, created_at=clock.now(), message="已排队，等待后台执行")
        audit.record(actor=actor, action="create", obj=job, node=node,
                     changes={"kind": kind, **(params or {}), **(audit_changes or {})})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    try:
        result = run_job.enqueue(job_id)
    except Exception as exc:  # noqa: BLE001 - a job that cannot be queued must say so, not stay queued
        logger.exception("job %s could not be queued", job_id)
        _end(job_id, S.FAILED, f"无法加入后台任务队列：{exc}")
        return
    Job.objects.filter(pk=job_id).update(task_id=str(getattr(result, "id", "") or "")[:64])


def progress(job: Job | int, *, done: int | None = None, total: int | None = None, message: str | None = None) -> None:
    """Progress of a running job on its row (bookkeeping, not a business change); also a heartbeat."""
    fields: dict = {"heartbeat_at": clock.now()}
    if done is not None:
        fields["done"] = done
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message[:300]
    Job.objects.filter(pk=getattr(job, "pk", job), status=S.RUNNING).update(**fields)


def progress_key(job_id: int) -> str:
    return f"fazhi:jobs:progress:{job_id}"


def beat_key(job_id: int) -> str:
    return f"fazhi:jobs:beat:{job_id}"


def progress_cached(job: Job | int, done: int, total: int) -> None:
    """Progress from inside one long transaction (whose row updates nobody would see before its commit): through
    the cache, shared by the web and worker processes. Also a heartbeat."""
    job_id = getattr(job, "pk", job)
    cache.set(progress_key(job_id), (done, total), 24 * 3600)
    cache.set(beat_key(job_id), clock.now(), 24 * 3600)


def live(job: Job) -> Job:
    """The job with a running transaction's progress (from the cache) laid over its row, for the progress bar."""
    if not job.is_finished:
        cached = cache.get(progress_key(job.pk))
        if cached:
            job.done, job.total = cached
    return job


def _drop_upload(token: str) -> None:
    if not token:
        return
    import re

    from . import ledger

    if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", token):
        (ledger.import_dir() / token).unlink(missing_ok=True)


def upload_path(job: Job):
    """The uploaded sheet the job owns (it may be gone), or None."""
    import re

    from . import ledger

    if job.upload and re.fullmatch(r"[A-Za-z0-9_-]{8,64}", job.upload):
        return ledger.import_dir() / job.upload
    return None


def _end(job_id: int, status: str, message: str, *, result=None, done=None, total=None, only_running=False) -> bool:
    """Finish the job (unless it already ended) and delete its upload, whatever the ending."""
    fields = {"status": status, "message": message[:300], "finished_at": clock.now()}
    if done is not None:
        fields["done"] = done
    if total is not None:
        fields["total"] = total
    if result is not None:
        fields["result"], fields["result_name"], fields["result_type"] = result
    qs = Job.objects.filter(pk=job_id)
    qs = qs.filter(status=S.RUNNING) if only_running else qs.exclude(status__in=(S.DONE, S.FAILED))
    ended = bool(qs.update(**fields))
    token = Job.objects.filter(pk=job_id).values_list("upload", flat=True).first()
    _drop_upload(token or "")
    cache.delete_many([progress_key(job_id), beat_key(job_id)])
    return ended


# ---- running ------------------------------------------------------------------------------------------------------

_current = {"job": None}  # the job this worker process is running (read by the heartbeat thread)


@django_tasks.task()
def run_job(job_id: int) -> None:
    recover_orphans()
    now = clock.now()
    claimed = Job.objects.filter(pk=job_id, status=S.QUEUED).update(
        status=S.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, message="正在执行…")
    if not claimed:
        return  # already run, or failed before a worker picked it up
    job = Job.objects.select_related("node", "created_by").get(pk=job_id)
    kind = get(job.kind)
    _current["job"] = job_id
    try:
        if kind is None:
            raise Failed(f"未知的任务类型“{job.kind}”，无法执行。")
        outcome = kind.run(job)
        if not isinstance(outcome, Done):
            outcome = Done("已完成。")
        job.refresh_from_db(fields=["done", "total"])
        _end(job_id, S.DONE, outcome.message, result=outcome.result,
             done=outcome.done if outcome.done is not None else max(job.done, job.total),
             total=outcome.total if outcome.total is not None else job.total)
    except Failed as exc:
        _end(job_id, S.FAILED, exc.message, done=exc.done, total=exc.total)
    except Exception as exc:  # the row must say it failed, whatever happened; the task result says so too
        _end(job_id, S.FAILED, f"执行失败：{exc}")
        raise
    finally:
        _current["job"] = None
        _drop_upload(job.upload)


def last_beat(job: Job) -> datetime.datetime | None:
    """The job's latest heartbeat: its row's, or the cache's when the row was busy."""
    beats = [b for b in (job.heartbeat_at, cache.get(beat_key(job.pk))) if b is not None]
    return max(beats) if beats else None


def recover_orphans() -> list[int]:
    """Fail every RUNNING job whose worker died (no heartbeat for ``STALE_AFTER`` s); delete their uploads."""
    now = clock.now()
    cutoff = now - datetime.timedelta(seconds=STALE_AFTER)
    failed = []
    for job in Job.objects.filter(status=S.RUNNING).defer("result"):
        beat = last_beat(job) or job.started_at or job.created_at
        if beat >= cutoff:
            continue
        kind = get(job.kind)
        if kind is not None and kind.undo is not None:
            if not Job.objects.filter(pk=job.pk, status=S.RUNNING).exists():
                continue  # another worker recovered it meanwhile
            try:
                kind.undo(job)
            except Exception:  # noqa: BLE001 - the job must still end; the log says what could not be undone
                logger.exception("job %s: undoing its committed work failed", job.pk)
        message = (f"执行中断：后台任务执行进程在 {timezone.localtime(beat):%Y-%m-%d %H:%M:%S} 后停止响应（进程被终止或重启），"
                   f"{kind.interrupted if kind else JobKind.interrupted}")
        if _end(job.pk, S.FAILED, message, only_running=True):
            failed.append(job.pk)
            _fail_task_result(job.task_id)
            logger.warning("job %s failed: its worker stopped (last heartbeat %s)", job.pk, beat)
    return failed


def _fail_task_result(task_id: str) -> None:
    """The task queue's own row of a dead job stays RUNNING forever otherwise."""
    if not task_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(status="FAILED", finished_at=clock.now())


# ---- the worker's heartbeat ---------------------------------------------------------------------------------------

def beat(worker_id: str) -> None:
    """One heartbeat: the worker's (cache) and its running job's (row; cache if the database is locked)."""
    now = clock.now()
    job_id = _current["job"]
    cache.set(WORKER_KEY, {"worker": worker_id, "at": now, "job": job_id}, None)
    if job_id is None:
        return
    try:
        Job.objects.filter(pk=job_id, status=S.RUNNING).update(heartbeat_at=now)
    except OperationalError:  # SQLite: the job's own transaction holds the write lock
        cache.set(beat_key(job_id), now, 24 * 3600)
    finally:
        connection.close()  # this thread's connection; opened again on the next beat


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, every: float = HEARTBEAT_SECONDS):
        super().__init__(name="jobs-heartbeat", daemon=True)
        self.worker_id, self.every = worker_id, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                beat(self.worker_id)
            except Exception:  # noqa: BLE001 - a missed beat must not kill the thread
                logger.exception("job heartbeat failed")
            if self.stopped.wait(self.every):
                return


def worker_started(worker_id: str) -> Heartbeat:
    """Called by ``jobs_worker`` when it starts: fail the jobs of dead workers, start beating."""
    failed = recover_orphans()
    if failed:
        logger.warning("failed %d job(s) whose worker had stopped: %s", len(failed), failed)
    heartbeat = Heartbeat(worker_id)
    heartbeat.start()
    return heartbeat


def worker_status() -> dict:
    """For ``/healthz`` and job pages: the last heartbeat of any worker and whether it is recent."""
    data = cache.get(WORKER_KEY)
    if not data:
        return {"status": "no_heartbeat", "last_heartbeat": None, "age_seconds": None}
    age = max(0.0, (clock.now() - data["at"]).total_seconds())
    return {"status": "ok" if age <= STALE_AFTER else "stale", "last_heartbeat": data["at"].isoformat(),
            "age_seconds": round(age, 1), "running_job": data.get("job")}


def worker_alive() -> bool:
    return worker_status()["status"] == "ok"


def result_link(job: Job) -> tuple[str, str] | None:
    """(url, label) of the page that shows a finished job's result (a ledger check's rows), when its kind has one."""
    kind = get(job.kind)
    if job.status != S.DONE or kind is None or kind.result_link is None:
        return None
    return kind.result_link(job)


def notice(job: Job) -> str:
    """What the job's page must say beyond its progress: no worker picking it up, or a worker gone silent."""
    now = clock.now()
    if job.status == S.QUEUED:
        waited = (now - job.created_at).total_seconds()
        if waited < NO_WORKER_AFTER:
            return ""
        if worker_alive():
            return f"已排队 {int(waited)} 秒：后台任务执行进程正忙于其他任务，轮到本任务时会自动开始。"
        return (f"已排队 {int(waited)} 秒仍未开始：后台任务执行进程没有在运行。请联系系统管理员启动任务执行进程"
                "（manage.py jobs_worker），启动后本任务会自动执行。")
    if job.status == S.RUNNING:
        beat_at = last_beat(job) or job.started_at
        if beat_at is not None and (now - beat_at).total_seconds() > STALE_AFTER:
            return ("后台任务执行进程已停止响应，本任务可能已中断；任务执行进程重新启动时会将其标记为失败，"
                    "届时请重新发起。")
    return ""
