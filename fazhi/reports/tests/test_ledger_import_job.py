"""A confirmed import of a large ledger runs as a background job with a progress bar (台账导入)."""
from fazhi.core import ledger
from fazhi.core.models import AuditEvent, OrgNode
from fazhi.core.tests.test_ledger import grids, sheet
from fazhi.reports.models import ReportJob


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
    job = ReportJob.objects.get(kind=ReportJob.Kind.LEDGER_IMPORT)
    assert r.status_code == 302 and r["Location"] == f"/work/reports/jobs/{job.pk}/"
    assert job.node == tree.sub and job.created_by == users.sub_admin and job.ledger_key == "core.grids"
    assert job.status == "done" and job.done == job.total == 5 and "已导入 5 行" in job.message
    assert grids() == before | {name for name, _, _ in rows}
    assert AuditEvent.objects.filter(object_type="core.ledger", action="import").exists()
    assert not (ledger.import_dir() / preview.context["token"]).exists()  # the upload is spent
    page = c.get(f"/work/reports/jobs/{job.pk}/")  # a reload shows the finished bar
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
    assert not ReportJob.objects.exists()


def test_bad_row_in_a_background_import_imports_nothing(users, tree, client_for, settings,
                                                        django_capture_on_commit_callbacks, monkeypatch):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 2}
    c = client_for(users.sub_admin)
    before = grids()
    rows = [("刘家村第七网格", "刘家村", ""), ("刘家村第八网格", "刘家村", ""), ("刘家村第九网格", "刘家村", "")]
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet(rows)})
    assert preview.status_code == 200
    # between the dry run and the job someone else takes the name: the job's own run finds the bad row
    OrgNode.objects.filter(kind="grid", name="刘家村第一网格").update(name="刘家村第八网格")
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/work/ledgers/core.grids/import/", {"token": preview.context["token"], "confirm": "1"})
    job = ReportJob.objects.get(kind=ReportJob.Kind.LEDGER_IMPORT)
    assert job.status == "failed" and job.done == job.total == 3
    assert job.message.startswith("未导入：发现 1 处问题") and "第3行" in job.message
    assert grids() == (before - {"刘家村第一网格"}) | {"刘家村第八网格"}  # nothing imported
    assert "未导入" in c.get(f"/work/reports/jobs/{job.pk}/progress/").content.decode()


def test_job_page_is_its_owners_alone(users, tree, client_for, settings, django_capture_on_commit_callbacks):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_ROWS": 1}
    _confirm(client_for(users.sub_admin), [("刘家村第三网格", "刘家村", ""), ("大杨村第二网格", "大杨村", "")],
             django_capture_on_commit_callbacks)
    job = ReportJob.objects.get(kind=ReportJob.Kind.LEDGER_IMPORT)
    for user in (users.admin, users.leader, users.other_admin):  # even a wider or same-node reports.view scope
        c = client_for(user)
        for url in (f"/work/reports/jobs/{job.pk}/", f"/work/reports/jobs/{job.pk}/progress/",
                    f"/work/reports/jobs/{job.pk}/download/"):
            assert c.get(url).status_code == 404, (user, url)
    assert job not in client_for(users.admin).get("/work/reports/").context["jobs"]


def test_running_import_shows_live_progress_from_the_cache(users, tree, client_for):
    from django.core.cache import cache

    from fazhi.core import clock
    from fazhi.reports.tasks import ledger_progress_key

    job = ReportJob.objects.create(kind="ledger_import", ledger_key="core.grids", node=tree.sub, year=2026,
                                   created_by=users.sub_admin, created_at=clock.now(), total=600, status="running")
    cache.set(ledger_progress_key(job.pk), (150, 600))
    try:
        html = client_for(users.sub_admin).get(f"/work/reports/jobs/{job.pk}/progress/").content.decode()
    finally:
        cache.delete(ledger_progress_key(job.pk))
    assert "25%" in html and "150/600" in html and 'hx-trigger="every 1s"' in html


def test_run_import_reports_progress_every_50_rows(users, tree):
    rows = [(f"刘家村第{i}号网格", "刘家村", "") for i in range(120)]
    calls = []
    result = ledger.run_import(ledger.get("core.grids"), sheet(rows).getvalue(), actor=users.sub_admin, dry_run=False,
                               progress=lambda done, total: calls.append((done, total)))
    assert result.ok and result.imported == 120
    assert calls == [(0, 120), (50, 120), (100, 120), (120, 120)]
