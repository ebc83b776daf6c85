"""Background jobs (fazhi.core.jobs): a large ledger import runs as a job with a progress bar; jobs cannot vanish."""
import datetime

from fazhi.core import ledger
from fazhi.core.models import AuditEvent, Job, OrgNode
from fazhi.core.tests.test_ledger import grids, sheet

IMPORT = "core.ledger_import"


def _confirm(c, rows, capture):
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet(rows)})
    assert preview.status_code == 200, preview.content.decode()
    with capture(execute=True):
        return c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"})


def test_large_confirmed_import_runs_as_a_job_and_ends_done(users, tree, client_for, settings,
                                                            django_capture_on_commit_callbacks):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 3}
    c = client_for(users.sub_admin)
    before = grids()
    rows = [(f"刘家村第{i}号网格", "刘家村", f"GX{i}") for i in range(10, 15)]
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet(rows)})
    assert "后台导入" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"})
    job = Job.objects.get(kind=IMPORT)
    assert r.status_code == 302 and r["Location"] == f"/work/jobs/{job.pk}/"
    assert job.node == tree.sub and job.created_by == users.sub_admin and job.params == {"ledger": "core.grids"}
    assert job.attempts == 1 and job.started_at is not None and job.finished_at is not None
    assert job.status == "done" and job.done == job.total == 5 and "已导入 5 行" in job.message
    assert grids() == before | {name for name, _, _ in rows}
    assert AuditEvent.objects.filter(object_type="core.ledger", action="import").exists()
    assert not (ledger.import_dir() / preview.context["token"]).exists()  # the upload is spent
    page = c.get(f"/work/jobs/{job.pk}/")  # a reload shows the finished bar
    html = page.content.decode()
    assert page.status_code == 200 and "100%" in html and "已导入 5 行" in html and "hx-trigger" not in html
    assert "下载结果" not in html
    # the token cannot be replayed
    again = c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"}, follow=True)
    assert "导入会话已失效" in again.content.decode()


def test_small_sheet_still_imports_in_the_request(users, tree, client_for, settings, django_capture_on_commit_callbacks):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 3}
    r = _confirm(client_for(users.sub_admin), [("刘家村第三网格", "刘家村", "")], django_capture_on_commit_callbacks)
    assert r.status_code == 200 and "已导入 1 行" in r.content.decode()
    assert not Job.objects.exists()


def test_bad_row_in_a_background_import_imports_nothing(users, tree, client_for, settings,
                                                        django_capture_on_commit_callbacks, monkeypatch):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 2}
    c = client_for(users.sub_admin)
    before = grids()
    rows = [("刘家村第七网格", "刘家村", ""), ("大杨村第八网格", "大杨村", ""), ("刘家村第九网格", "刘家村", "")]
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet(rows)})
    assert preview.status_code == 200
    # between the dry run and the job someone renames the village row 3 names: the job's own run finds the bad row
    OrgNode.objects.filter(name="大杨村").update(name="大杨社区")
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"})
    job = Job.objects.get(kind=IMPORT)
    assert job.status == "failed" and job.done == job.total == 3
    assert job.message.startswith("未导入：发现 1 处问题") and "第3行" in job.message
    assert grids() == before  # nothing imported
    assert not (ledger.import_dir() / preview.context["token"]).exists()  # a failed job deletes the upload too
    assert "未导入" in c.get(f"/work/jobs/{job.pk}/progress/").content.decode()


def test_job_page_is_its_owners_alone(users, tree, client_for, settings, django_capture_on_commit_callbacks):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 1}
    _confirm(client_for(users.sub_admin), [("刘家村第三网格", "刘家村", ""), ("大杨村第二网格", "大杨村", "")],
             django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=IMPORT)
    for user in (users.admin, users.leader, users.other_admin):  # even a wider or same-node reports.view scope
        c = client_for(user)
        for url in (f"/work/jobs/{job.pk}/", f"/work/jobs/{job.pk}/progress/", f"/work/jobs/{job.pk}/download/"):
            assert c.get(url).status_code == 404, (user, url)


def test_running_import_shows_live_progress_from_the_cache(users, tree, client_for):
    from django.core.cache import cache

    from fazhi.core import clock, jobs

    job = Job.objects.create(kind=IMPORT, params={"ledger": "core.grids"}, node=tree.sub, created_by=users.sub_admin,
                             created_at=clock.now(), heartbeat_at=clock.now(), total=600, status="running")
    cache.set(jobs.progress_key(job.pk), (150, 600))
    try:
        html = client_for(users.sub_admin).get(f"/work/jobs/{job.pk}/progress/").content.decode()
    finally:
        cache.delete(jobs.progress_key(job.pk))
    assert "25%" in html and "150/600" in html and 'hx-trigger="every 1s"' in html


def test_run_import_reports_progress_every_50_rows(users, tree):
    rows = [(f"刘家村第{i}号网格", "刘家村", "") for i in range(120)]
    calls = []
    result = ledger.run_import(ledger.get("core.grids"), sheet(rows).getvalue(), actor=users.sub_admin, dry_run=False,
                               progress=lambda done, total: calls.append((done, total)))
    assert result.ok and result.imported == 120
    assert calls == [(0, 120), (50, 120), (100, 120), (120, 120)]


# ---- jobs cannot vanish ----------------------------------------------------------------------------------------

def _upload(name="tokenABCDEFGH1234"):
    path = ledger.import_dir() / name
    path.write_bytes(b"PK-sheet with names and phone numbers")
    return name, path


def _db_worker(settings):
    """Run the real worker command once over the database queue (batch mode: it exits when the queue is empty)."""
    from unittest import mock

    from django.core.cache import cache
    from django.core.management import call_command

    from fazhi.core import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops stale connections between tasks; inside the test's transaction that would close the test's
    # own connection on PostgreSQL, so it is a no-op here (the worker's logic is what is under test).
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
            call_command("jobs_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        cache.delete(jobs.WORKER_KEY)


def test_a_job_whose_worker_was_killed_is_failed_with_a_message_when_a_worker_starts(users, tree, settings):
    from django_tasks_db.models import DBTaskResult

    from fazhi.core import clock

    token, path = _upload()
    now = clock.now()
    task = DBTaskResult.objects.create(status="RUNNING", task_path="fazhi.core.jobs.run_job", args_kwargs={
        "args": [1], "kwargs": {}}, queue_name="default", backend_name="default", priority=0, run_after=None,
        enqueued_at=now, started_at=now, worker_ids=["killed"])
    stale = Job.objects.create(kind=IMPORT, params={"ledger": "core.grids"}, node=tree.sub, upload=token,
                               created_by=users.sub_admin, created_at=now - datetime.timedelta(minutes=10),
                               started_at=now - datetime.timedelta(minutes=10), attempts=1, status="running",
                               heartbeat_at=now - datetime.timedelta(minutes=5), total=5000, done=300,
                               task_id=str(task.pk))
    alive = Job.objects.create(kind=IMPORT, params={"ledger": "core.grids"}, node=tree.sub, created_by=users.sub_admin,
                               created_at=now, started_at=now, status="running", heartbeat_at=now, attempts=1)
    _db_worker(settings)
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == "failed" and stale.finished_at is not None
    assert stale.message.startswith("执行中断：后台任务执行进程") and "整表未导入任何数据" in stale.message
    assert not path.exists()  # the names and phone numbers do not stay behind in var/tmp
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"  # the queue's own row does not stay RUNNING
    assert alive.status == "running"  # another worker's job with a fresh heartbeat is left alone


def test_the_killed_job_page_says_it_failed_and_stops_polling(users, tree, client_for, settings):
    from fazhi.core import clock

    now = clock.now()
    job = Job.objects.create(kind=IMPORT, params={"ledger": "core.grids"}, node=tree.sub, created_by=users.sub_admin,
                             created_at=now - datetime.timedelta(minutes=3), status="running", attempts=1,
                             heartbeat_at=now - datetime.timedelta(minutes=2), total=10)
    c = client_for(users.sub_admin)
    before = c.get(f"/work/jobs/{job.pk}/").content.decode()
    assert "已停止响应" in before and 'hx-trigger="every 1s"' in before
    _db_worker(settings)
    after = c.get(f"/work/jobs/{job.pk}/").content.decode()
    assert "失败" in after and "执行中断" in after and "hx-trigger" not in after


def test_worker_runs_a_queued_job_from_the_database_queue(users, tree, client_for, settings,
                                                          django_capture_on_commit_callbacks):
    """The whole path with the production backend: the page queues, the worker picks it up, the upload is gone."""
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 1}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    c = client_for(users.sub_admin)
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet([("刘家村第五网格", "刘家村", ""),
                                                                          ("刘家村第六网格", "刘家村", "")])})
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"})
    job = Job.objects.get(kind=IMPORT)
    assert job.status == "queued" and job.task_id
    assert (ledger.import_dir() / preview.context["token"]).exists()  # waiting for the worker
    _db_worker(settings)
    job.refresh_from_db()
    assert job.status == "done" and "已导入 2 行" in job.message and job.heartbeat_at is not None
    assert not (ledger.import_dir() / preview.context["token"]).exists()
    assert {"刘家村第五网格", "刘家村第六网格"} <= grids()


def test_a_job_queued_for_30_seconds_without_a_worker_says_no_worker_is_running(users, tree, client_for):
    from django.core.cache import cache

    from fazhi.core import clock, jobs

    cache.delete(jobs.WORKER_KEY)
    now = clock.now()
    job = Job.objects.create(kind=IMPORT, params={"ledger": "core.grids"}, node=tree.sub, created_by=users.sub_admin,
                             created_at=now - datetime.timedelta(seconds=29), total=600)
    c = client_for(users.sub_admin)
    assert "没有在运行" not in c.get(f"/work/jobs/{job.pk}/").content.decode()  # 29 s: still just queued
    Job.objects.filter(pk=job.pk).update(created_at=now - datetime.timedelta(seconds=31))
    html = c.get(f"/work/jobs/{job.pk}/progress/").content.decode()
    assert "已排队 31 秒仍未开始：后台任务执行进程没有在运行" in html and 'hx-trigger="every 1s"' in html
    jobs.beat("w1")  # a live worker busy with another job: the page says so instead
    try:
        html = c.get(f"/work/jobs/{job.pk}/").content.decode()
    finally:
        cache.delete(jobs.WORKER_KEY)
    assert "没有在运行" not in html and "正忙于其他任务" in html


def test_an_upload_is_deleted_when_its_job_cannot_be_queued(users, tree, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from fazhi.core import jobs

    token, path = _upload("tokenQUEUEFAIL0001")

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    from types import SimpleNamespace

    monkeypatch.setattr(jobs, "run_job", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        job = ledger.start_import_job(actor=users.sub_admin, ledger=ledger.get("core.grids"), token=token, total=900,
                                      node=tree.sub)
    job.refresh_from_db()
    assert job.status == "failed" and "无法加入后台任务队列" in job.message
    assert not path.exists()


def test_a_crashing_job_fails_with_its_reason_and_deletes_its_upload(users, tree, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from fazhi.core import jobs

    token, path = _upload("tokenCRASH0000001")
    monkeypatch.setattr(ledger, "run_import", lambda *a, **k: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        job = ledger.start_import_job(actor=users.sub_admin, ledger=ledger.get("core.grids"), token=token, total=900,
                                      node=tree.sub)
    job.refresh_from_db()
    assert job.status == "failed" and job.message.startswith("执行失败：") and "division by zero" in job.message
    assert not path.exists()
    assert jobs.recover_orphans() == []


def test_healthz_reports_the_workers_last_heartbeat(client, db):
    from django.core.cache import cache

    from fazhi.core import jobs

    cache.delete(jobs.WORKER_KEY)
    assert client.get("/healthz").json()["worker"]["status"] == "no_heartbeat"
    jobs.beat("w1")
    try:
        worker = client.get("/healthz").json()["worker"]
    finally:
        cache.delete(jobs.WORKER_KEY)
    assert worker["status"] == "ok" and worker["last_heartbeat"] and worker["age_seconds"] < 5


def test_a_ledger_without_a_read_only_check_goes_to_the_background_sooner(users, tree, api_for, client_for, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    """Its dry run is the import rolled back (a tenth of a second or more a row): above 25 rows neither the page nor
    the API runs it inside the request — the page checks in a job, the API queues the all-or-nothing import."""
    grids_ledger, disputes_ledger = ledger.get("core.grids"), ledger.get("disputes.mediation")
    assert getattr(grids_ledger, "check_row", None) is None and disputes_ledger.check_row is not None
    assert ledger.background_check_rows(grids_ledger) == 25 and ledger.background_check_rows(disputes_ledger) == 200
    rows = [(f"刘家村第{i}号网格", "刘家村", f"GX{i}") for i in range(100, 130)]  # 30 rows
    page = client_for(users.sub_admin).post("/work/ledgers/core.grids/import/", {"file": sheet(rows)})
    assert page.status_code == 302 and "/work/jobs/" in page["Location"]  # the check itself is a job
    assert Job.objects.filter(kind=ledger.CHECK_JOB).count() == 1
    real = ledger.run_import
    monkeypatch.setattr(ledger, "run_import", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran in request"))
                        if not k.get("progress") and not k.get("on_batch") else real(*a, **k))
    before = grids()
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(users.sub_admin).post("/api/core/ledgers/core.grids/import/?dry_run=0", {"file": sheet(rows)},
                                          format="multipart")
    assert r.status_code == 202, r.content.decode()
    assert "后台逐行检查并导入" in r.json()["summary"]
    job = Job.objects.get(pk=r.json()["job"]["id"])
    assert job.status == "done" and grids() == before | {name for name, _, _ in rows}
