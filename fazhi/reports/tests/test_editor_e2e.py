"""The report editor for people, in a real browser: figures appear by their Chinese name and value, never as
{{code}} tokens; the picker finds a figure by name and inserts it at the caret; the preview shows its value; saving
stores the token the renderer reads."""
import datetime

import pytest
from django.urls import reverse

from conftest import browser_login
from fazhi.core import clock
from fazhi.core.tests.test_e2e_workbench import screenshot_path
from fazhi.disputes.tests import factories as f


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_figure_picker_inserts_a_figure_and_the_preview_shows_its_value(browser_page, users, tree, report):
    for day in (datetime.date(2023, 3, 6), datetime.date(2023, 6, 20)):
        with clock.frozen(day):
            f.to_agreed(users.clerk, f.dispute(users.clerk, tree))
    section = report.sections.filter(body__contains="{{").order_by("part", "order").first()
    page = browser_page
    browser_login(page, "office")
    page.goto(page.base_url + reverse("reports:section_edit", args=[section.pk]))
    page.locator("[data-figure-editor][data-ready='1']").wait_for()
    editor = page.get_by_role("textbox", name="正文")
    assert "{{" not in editor.inner_text()  # tokens show as names and values
    assert page.locator(".figure-editor .fig-chip").count() >= 1

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("全年化解纠纷")
    page.get_by_label("按名称查找指标").fill("化解矛盾纠纷")
    page.get_by_role("button", name="插入指标：化解矛盾纠纷").first.click()
    page.keyboard.type("起。")
    chip = page.locator(".figure-editor .fig-chip[data-key='disputes.resolved']").last
    assert chip.inner_text() == "化解矛盾纠纷：2"
    assert "全年化解纠纷2起。" in page.locator("[data-preview]").inner_text()

    page.screenshot(path=screenshot_path("report-editor"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{reverse('reports:detail', args=[report.pk])}**")
    section.refresh_from_db()
    assert section.body.endswith("全年化解纠纷{{disputes.resolved}}起。")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_editor_asks_each_shortcoming_for_its_cause_and_section_two_shows_the_records(browser_page, users, tree,
                                                                                           report):
    from fazhi.governance.tests import factories as gf
    from fazhi.reports.models import ReportSection

    gf.meeting(users, tree, day=datetime.date(2023, 4, 6), agenda=("研究法治政府建设工作要点",))
    shortcoming = ReportSection.objects.create(report=report, part=3, order=1, heading="普法宣传工作有待加强",
                                               body="外出务工人员仅占普法受众的5%。")
    page = browser_page
    browser_login(page, "office")
    page.goto(page.base_url + reverse("reports:detail", args=[report.pk]))
    assert "研究了“研究法治政府建设工作要点”议题" in page.locator("#report").inner_text()  # section 二 from the records
    block = page.locator(f"#s{shortcoming.pk}")
    assert block.get_by_text("未填写原因").is_visible()
    block.get_by_role("link", name="编辑此段").click()
    page.get_by_label("原因").fill("农村青壮年多外出务工，宣传缺少有效方法")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{reverse('reports:detail', args=[report.pk])}**")
    text = page.locator(f"#s{shortcoming.pk}").inner_text()
    assert "原因：农村青壮年多外出务工，宣传缺少有效方法" in text and "未填写原因" not in text
    page.screenshot(path=screenshot_path("report-shortcoming-cause"), full_page=True)
