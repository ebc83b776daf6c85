"""Issue 17 item 7: a ledger preview (the dry run) of hundreds of rows runs as a background job with a progress bar
instead of holding the upload request for 10–20 s; its result page is the same check page; every background job
shows its progress and, when it failed, why (job page, job list)."""
import pytest

from fazhi.core import jobs, ledger
from fazhi.core.models import Job, OrgNode
from fazhi.core.tests.test_ledger import grids, sheet

URL = "/work/ledgers/core.grids/import/"


@pytest.fixture
def small_threshold(settings):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_CHECK_ROWS": 3, "LEDGER_BACKGROUND_ROWS": 100}


def _upload(c, rows, capture):
    with capture(execute=True):
        return c.post(URL, {"file": sheet(rows)})


def test_a_large_sheet_is_checked_by_a_job_with_progress_then_imported(users, tree, client_for, small_threshold,
                                                                       django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    real = jobs.progress_cached
    monkeypatch.setattr(jobs, "progress_cached", lambda job, done, total: (seen.append((done, total)),
                                                                         real(job, done, total)))
    c = client_for(users.sub_admin)
    before = grids()
    rows = [(f"刘家村第{i}号网格", "刘家村", f"GC{i}") for i in range(10, 16)]
    r = _upload(c, rows, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=ledger.CHECK_JOB)
    assert r.status_code == 302 and r["Location"] == f"/work/jobs/{job.pk}/"
    assert job.status == "done" and job.done == job.total == 6 and "请打开检查结果确认导入" in job.message
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)  # the progress bar moved from 0 to all rows
    assert grids() == before  # a check writes nothing
    page = c.get(f"/work/jobs/{job.pk}/").content.decode()
    assert "100%" in page and "查看检查结果" in page and f"?check={job.pk}" in page
    checked = c.get(f"{URL}?check={job.pk}")
    html = checked.content.decode()
    assert checked.status_code == 200 and "预检通过" in html and "新增 6 行" in html and "刘家村第10号网格" in html
    done = c.post(URL, {"token": checked.context["token"], "confirm": "1"})
    assert "已导入 6 行" in done.content.decode()
    assert grids() == before | {name for name, _, _ in rows}


def test_a_background_check_with_bad_rows_lists_them_and_keeps_no_file(users, tree, client_for, small_threshold,
                                                                       django_capture_on_commit_callbacks):
    c = client_for(users.sub_admin)
    rows = [("刘家村第七网格", "刘家村", ""), ("刘家村第八网格", "不存在村", ""), ("刘家村第九网格", "刘家村", ""),
            ("刘家村第十网格", "刘家村", "")]
    _upload(c, rows, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=ledger.CHECK_JOB)
    assert job.status == "done" and "发现 1 处问题" in job.message
    checked = c.get(f"{URL}?check={job.pk}")
    html = checked.content.decode()
    assert checked.status_code == 400 and "未导入" in html and "不存在村" in html
    assert "token" not in checked.context or not checked.context.get("token")
    assert not (ledger.import_dir() / job.params["token"]).exists()


def test_a_small_sheet_is_still_checked_in_the_request(users, tree, client_for, small_threshold,
                                                       django_capture_on_commit_callbacks):
    r = _upload(client_for(users.sub_admin), [("刘家村第三网格", "刘家村", "")], django_capture_on_commit_callbacks)
    assert r.status_code == 200 and "预检通过" in r.content.decode() and not Job.objects.exists()


def test_someone_elses_check_result_is_not_found(users, tree, client_for, small_threshold,
                                                 django_capture_on_commit_callbacks):
    rows = [(f"刘家村第{i}号网格", "刘家村", "") for i in range(20, 25)]
    _upload(client_for(users.sub_admin), rows, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=ledger.CHECK_JOB)
    assert client_for(users.admin).get(f"{URL}?check={job.pk}").status_code == 404
    assert client_for(users.sub_admin).get(f"{URL}?check=abc").status_code == 404


def test_a_failed_job_says_why_on_its_page_and_in_the_job_list(users, tree, client_for,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # its file is gone before it runs
        job = ledger.start_check_job(actor=users.sub_admin, ledger=ledger.get("core.grids"), token="gone", total=300,
                                     node=tree.sub)
    job.refresh_from_db()
    assert job.status == "failed"
    c = client_for(users.sub_admin)
    detail = c.get(f"/work/jobs/{job.pk}/").content.decode()
    assert "失败原因：" in detail and "待检查的文件已失效，请重新上传。" in detail
    listing = c.get("/work/jobs/").content.decode()
    assert "失败原因：" in listing and "待检查的文件已失效" in listing and "检查待导入的网格" in listing
    assert "待检查的文件已失效" not in client_for(users.other_admin).get("/work/jobs/").content.decode()
    assert OrgNode.objects.filter(name__startswith="刘家村第2").count() == 0


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_the_browser_a_large_upload_shows_the_check_progress_then_its_result(browser_page, users, tree, settings,
                                                                                tmp_path):
    from conftest import browser_login

    settings.FAZHI = {**settings.FAZHI, "LEDGER_BACKGROUND_CHECK_ROWS": 3, "LEDGER_BACKGROUND_ROWS": 100}
    path = tmp_path / "grids.xlsx"
    path.write_bytes(sheet([(f"刘家村第{i}号网格", "刘家村", "") for i in range(30, 36)]).getvalue())
    page = browser_page
    browser_login(page, "sub_admin")
    page.goto(page.base_url + URL)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预检").click()
    page.wait_for_url("**/work/jobs/*/")
    assert page.locator("progress").first.get_attribute("value") == "100"
    assert "已完成" in page.locator("[data-job-status]").inner_text()
    page.get_by_role("link", name="查看检查结果").click()
    assert "预检通过" in page.content()
    page.get_by_role("button", name="确认导入（新增 6 行，更新 0 行）").click()
    assert "已导入 6 行" in page.locator("main").inner_text()
