import datetime
import io
import zipfile

import pytest

from fazhi.core import clock
from fazhi.core.models import Job
from fazhi.reports import services
from fazhi.reports.models import PlanItem

pytestmark = pytest.mark.django_db


def test_list_detail_and_editor_show_figures_with_record_links(users, tree, report, client_for):
    c = client_for(users.office)
    r = c.get("/work/reports/")
    assert r.status_code == 200 and report.title in r.content.decode()
    r = c.get(f"/work/reports/{report.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "一、推进法治政府建设的主要举措和成效" in html and "四、2024年推进法治政府建设的主要计划安排" in html
    assert "没有稷下街道2023年度的业务记录" in html  # no data: said so
    assert "年度报告报送上级" in html and "2024-02-29" in html and "年度报告向社会公开" in html and "2024-03-31" in html
    assert 'class="fig"' in html  # every figure shows its value (and links to its records when it can)
    assert "操作记录" in html


def test_section_edit_page_names_unknown_token_without_500(users, report, client_for):
    section = report.sections.get(part=1, order=1)
    c = client_for(users.office)
    assert c.get(f"/work/reports/sections/{section.pk}/edit/").status_code == 200
    r = c.post(f"/work/reports/sections/{section.pk}/edit/", {"heading": "h", "body": "共{{disputes.typo}}起", "version": section.version})
    assert r.status_code == 400 and "disputes.typo" in r.content.decode()
    r = c.post(f"/work/reports/sections/{section.pk}/edit/", {"heading": "h", "body": "正文", "version": section.version + 5})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    r = c.post(f"/work/reports/sections/{section.pk}/edit/", {"heading": "新标题", "body": "正文", "version": section.version})
    assert r.status_code == 302
    section.refresh_from_db()
    assert section.heading == "新标题"


def test_create_through_page_and_bad_year(users, tree, client_for):
    c = client_for(users.office)
    r = c.post("/work/reports/new/", {"node": tree.sub.pk, "year": 2022}, follow=True)
    assert "已起草" in r.content.decode()
    r = c.post("/work/reports/new/", {"node": tree.sub.pk, "year": 2022}, follow=True)
    assert "已存在" in r.content.decode()
    r = c.post("/work/reports/new/", {"node": tree.sub.pk, "year": "abc"}, follow=True)
    assert "请正确选择组织并填写年度" in r.content.decode()
    r = c.post("/work/reports/new/", {"node": tree.other.pk, "year": 2022})
    assert r.status_code == 302  # another subdistrict is not even offered
    from fazhi.reports.models import ReportTemplate
    assert not ReportTemplate.objects.filter(node=tree.other).exists()


def test_scoping_other_subdistrict_gets_404_everywhere(users, tree, report, client_for, django_capture_on_commit_callbacks):
    item = PlanItem.objects.create(node=tree.sub, year=2024, heading="h", title="t", owner="o", due_date=datetime.date(2024, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=users.leader, kind="figure_export", node=tree.sub, year=2023)
    section = report.sections.first()
    other = client_for(users.other_admin)
    for url in (f"/work/reports/{report.pk}/", f"/work/reports/{report.pk}/export/docx/", f"/work/reports/{report.pk}/export/pdf/",
                f"/work/reports/sections/{section.pk}/edit/", f"/work/reports/jobs/{job.pk}/",
                f"/work/reports/jobs/{job.pk}/download/", f"/work/reports/dashboard/?node={tree.sub.pk}",
                f"/work/reports/dashboard/data/?node={tree.sub.pk}"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/work/reports/plans/{item.pk}/update/", {"status": "done", "note": "x", "version": 0}).status_code == 404
    assert "t" not in [i.title for i in other.get("/work/reports/plans/").context["page_obj"]]
    # a village mediator has no report permission at all: the role lacks the function (403, as everywhere)
    assert client_for(users.mediator).get(f"/work/reports/{report.pk}/").status_code == 403
    assert client_for(users.mediator).get("/work/reports/dashboard/").status_code == 403


def test_plan_list_query_count_bounded(users, tree, get_within):
    PlanItem.objects.bulk_create([PlanItem(node=tree.liu if i % 2 else tree.sub, year=2024, heading="h", title=f"t{i}",
                                           owner="o", due_date=datetime.date(2024, 1 + i % 12, 1)) for i in range(120)])
    r = get_within(users.office, "/work/reports/plans/?year=2024", 15)
    assert r.status_code == 200 and "共 120 条" in r.content.decode()


def test_dashboard_page_and_data(users, tree, client_for):
    c = client_for(users.leader)
    r = c.get("/work/reports/dashboard/?year=2023")
    html = r.content.decode()
    assert r.status_code == 200 and "vendor/echarts/echarts.min.js" in html and "刘家村" in html
    r = c.get(f"/work/reports/dashboard/data/?year=2023&node={tree.liu.pk}")
    data = r.json()
    assert data["node"]["name"] == "刘家村" and [b["name"] for b in data["breadcrumbs"]] == ["稷下街道", "刘家村"]
    assert {ch["id"] for ch in data["charts"]} >= {"disputes_month", "disputes_kind", "disputes_level", "enforcement_rates",
                                                   "publicity_audience", "legal_by_village", "disclosure"}
    r = c.get("/work/reports/dashboard/data/?start=2023-01-01&end=2023-06-30")
    assert r.json()["end"] == "2023-06-30"


def test_background_jobs_progress_and_download(users, tree, report, client_for, django_capture_on_commit_callbacks):
    c = client_for(users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/work/reports/jobs/start/", {"kind": "district_drafts", "node": tree.district.pk, "year": 2023})
    job = Job.objects.get()
    assert job.kind == "report.district_drafts" and job.params == {"year": 2023}
    assert r.status_code == 302 and r["Location"] == f"/work/reports/jobs/{job.pk}/"
    assert job.status == "done" and job.done == job.total == 2
    r = c.get(f"/work/reports/jobs/{job.pk}/progress/")
    assert "100%" in r.content.decode() and "hx-trigger" not in r.content.decode()
    z = zipfile.ZipFile(io.BytesIO(c.get(f"/work/reports/jobs/{job.pk}/download/").content))
    assert sorted(z.namelist()) == ["敬仲街道2023年法治政府建设年度报告.docx", "稷下街道2023年法治政府建设年度报告.docx"]
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/work/reports/jobs/start/", {"kind": "figure_export", "node": tree.sub.pk, "year": 2023})
    job = Job.objects.filter(kind="report.figure_export").get()
    assert job.status == "done" and job.result_name.endswith(".xlsx")
    r = c.post("/work/reports/jobs/start/", {"kind": "district_drafts", "node": tree.sub.pk, "year": 2023}, follow=True)
    assert "只能对区一级发起" in r.content.decode()


def test_queued_job_shows_polling_progress(users, tree, client_for):
    job = Job.objects.create(kind="report.figure_export", node=tree.sub, params={"year": 2023}, created_by=users.office,
                             created_at=clock.now(), heartbeat_at=clock.now(), total=10, done=3, status="running")
    r = client_for(users.leader).get(f"/work/reports/jobs/{job.pk}/")
    html = r.content.decode()
    assert "30%" in html and 'hx-trigger="every 1s"' in html


def test_public_page_shows_only_published(users, tree, report, client):
    assert report.title not in client.get("/reports/").content.decode()
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_report_jobs_are_seen_in_the_reports_scope_and_ledger_imports_are_not_listed(users, tree, client_for):
    report_job = Job.objects.create(kind="report.figure_export", node=tree.sub, params={"year": 2023},
                                    created_by=users.office, created_at=clock.now(), status="done")
    own_import = Job.objects.create(kind="core.ledger_import", node=tree.sub, params={"ledger": "core.grids"},
                                    created_by=users.leader, created_at=clock.now(), status="done")
    listed = list(client_for(users.leader).get("/work/reports/").context["jobs"])
    assert report_job in listed and own_import not in listed
    assert client_for(users.leader).get(f"/work/reports/jobs/{report_job.pk}/").status_code == 200
    assert client_for(users.other_admin).get(f"/work/reports/jobs/{report_job.pk}/").status_code == 404
    assert client_for(users.mediator).get(f"/work/jobs/{report_job.pk}/").status_code == 404
