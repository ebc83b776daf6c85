
import pytest

from conftest import browser_login
from fazhi.reports import render, services
from fazhi.reports.models import ReportTemplate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_draft_edit_review_finalise_export_in_browser(browser_page, users, tree):
    page = browser_page
    browser_login(page, "office")
    page.goto(page.base_url + "/work/reports/")
    page.get_by_label("组织").select_option(label="稷下街道")
    page.get_by_label("报告年度").fill("2023")
    page.get_by_role("button", name="起草").click()
    page.wait_for_url("**/work/reports/*/")
    report = ReportTemplate.objects.get(node=tree.sub, year=2023)
    # clean tokens of modules not yet built, so the report can be finalised (the editor names them meanwhile)
    for s in report.sections.all():
        if render.token_errors(s.body):
            body = render.TOKEN_RE.sub(lambda m: m.group(0) if not render.token_errors(m.group(0)) else "若干", s.body)
            services.section_update(actor=users.office, section=s, heading=s.heading, body=body, expected_version=s.version)
    section = report.sections.get(part=1, order=1)
    page.goto(page.base_url + f"/work/reports/sections/{section.pk}/edit/")
    page.get_by_label("正文").fill("上年度计划任务{{reports.plan_items}}项，{{reports.plan_items|change}}。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/work/reports/{report.pk}/*")
    assert page.locator(f"#s{section.pk} a.fig").first.inner_text() == "0"
    page.get_by_role("button", name="提交审核").click()
    page.get_by_text("已提交审核").wait_for()
    page.context.clear_cookies()
    browser_login(page, "leader")
    page.goto(page.base_url + f"/work/reports/{report.pk}/")
    page.get_by_role("button", name="审核通过并定稿").click()
    page.get_by_text("已审核通过并定稿").wait_for()
    assert "SHA-256" in page.content()
    with page.expect_download() as dl:
        page.get_by_role("link", name="导出 Word（最新定稿）").click()
    assert dl.value.suggested_filename.endswith("（定稿第1版）.docx")
    report.refresh_from_db()
    assert report.status == "final"


def test_dashboard_and_drill_down_in_browser(browser_page, users, tree):
    page = browser_page
    browser_login(page, "leader")
    page.goto(page.base_url + "/work/reports/dashboard/?year=2023")
    page.locator("#charts[data-loaded='1']").wait_for()
    assert page.locator("#chart-legal_by_village").count() == 1
    assert page.locator("#charts canvas").count() >= 1 or page.locator("#charts .stat").count() >= 1
    page.get_by_label("下钻到").select_option(label="刘家村")
    page.wait_for_url("**node=%d**" % tree.liu.pk)
    page.locator("#charts[data-loaded='1']").wait_for()
    assert page.locator("#dash-node").inner_text() == "刘家村"
    assert "稷下街道" in page.locator("#crumbs").inner_text()
