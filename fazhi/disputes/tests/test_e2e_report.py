"""The resident's report in short steps, in a real phone-sized browser without help: an error on a step (the
summary takes the focus, its link reaches the field), the check-answers page with a "修改" round trip, then submit;
the confirmation names the chosen room and its tracking link carries the code. One screenshot per step."""
import re

import pytest

from fazhi.core.tests.test_e2e_workbench import screenshot_path, small_targets
from fazhi.disputes.models import Dispute

from . import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 812}


def fill_report(page, *, name="张三", phone="13900001234", other="李四", village="稷下街道 刘家村", kind="劳动争议",
                title="工地拖欠工资", description="我在工地干了三个月，包工头一直拖欠工资。"):
    """Answer the four steps (the first page must be open); stops on the check page."""
    def step(n):
        page.get_by_role("button", name="继续").click()

    page.get_by_label("您的姓名").fill(name)
    page.get_by_label("手机号码").fill(phone)
    step(1)
    page.get_by_label("对方姓名或单位名称").fill(other)
    step(2)
    page.get_by_label("纠纷发生在哪个村（社区）").select_option(label=village)
    page.get_by_label("纠纷类型").select_option(label=kind)
    page.get_by_label("一句话说明事由").fill(title)
    page.get_by_label("事情经过").fill(description)
    step(3)
    step(4)
    page.get_by_role("heading", name="核对信息", exact=True).wait_for()


def test_a_resident_reports_in_steps_fixes_an_error_checks_the_answers_and_submits(browser_page, tree, users):
    from django.core.cache import cache

    cache.clear()
    room = f.room(users.judicial, tree)
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/mediation/rooms/")
    page.get_by_role("link", name="点单，请老赵劳动调解室调解").click()

    # step 1 with a mistake: the summary takes the focus and its link reaches the field
    assert page.get_by_role("heading", name="你的信息").is_visible()
    assert page.locator(".step-progress [aria-current=step]").inner_text() == "你的信息"
    page.get_by_label("您的姓名").fill("张三")
    page.get_by_label("手机号码").fill("1390000")
    page.get_by_role("button", name="继续").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "电话号码格式不正确" in summary.inner_text()
    page.screenshot(path=screenshot_path("report-step1-error"), full_page=True)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    assert page.get_by_label("您的姓名").input_value() == "张三"
    assert not small_targets(page, 44), small_targets(page, 44)
    page.get_by_label("手机号码").fill("13900001234")
    page.screenshot(path=screenshot_path("report-step1"), full_page=True)
    page.get_by_role("button", name="继续").click()

    page.get_by_label("对方姓名或单位名称").fill("李四")
    page.screenshot(path=screenshot_path("report-step2"), full_page=True)
    page.get_by_role("button", name="继续").click()
    page.get_by_label("纠纷发生在哪个村（社区）").select_option(label="稷下街道 刘家村")
    page.get_by_label("纠纷类型").select_option(label="劳动争议")
    page.get_by_label("一句话说明事由").fill("工地拖欠工资")
    page.get_by_label("事情经过").fill("我在工地干了三个月，包工头一直拖欠工资。")
    page.screenshot(path=screenshot_path("report-step3"), full_page=True)
    page.get_by_role("button", name="继续").click()

    # step 4: the room picked on the room's page is already chosen
    radio = page.get_by_role("radio", name="老赵劳动调解室", exact=False)
    assert radio.is_checked()
    assert not small_targets(page, 44), small_targets(page, 44)
    page.screenshot(path=screenshot_path("report-step4-room"), full_page=True)
    page.get_by_role("button", name="继续").click()

    # the check page: every answer, the phone masked, "修改" goes back and returns here
    page.get_by_role("heading", name="核对信息", exact=True).wait_for()
    main = page.locator("main")
    for text in ("张三", "139****1234", "李四", "稷下街道 刘家村", "工地拖欠工资", "老赵劳动调解室"):
        assert text in main.inner_text(), text
    assert "13900001234" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not small_targets(page, 44), small_targets(page, 44)
    page.screenshot(path=screenshot_path("report-check"), full_page=True)
    page.get_by_role("link", name=re.compile(r"^修改\s*对方姓名或单位名称$")).click()
    page.get_by_label("对方姓名或单位名称").fill("李四五")
    page.get_by_role("button", name="保存并返回核对").click()
    page.get_by_role("heading", name="核对信息", exact=True).wait_for()
    assert "李四五" in main.inner_text()

    page.get_by_role("button", name="确认提交").click()
    page.get_by_role("heading", name="已收到您的纠纷登记").wait_for()
    code = page.locator("[data-code]").inner_text().strip()
    d = Dispute.objects.get(tracking_code=code)
    assert d.requested_room == room and d.parties.get(role="respondent").name == "李四五"
    assert "您选择的调解室：老赵劳动调解室" in page.locator("[data-room]").inner_text()
    page.screenshot(path=screenshot_path("report-submitted"), full_page=True)
    page.get_by_role("link", name="查询进度").click()
    assert page.get_by_label("查询码").input_value() == code  # the link carries the code
    page.get_by_label("登记时留的手机号码").fill("13900001234")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("已登记").first.is_visible()
    page.go_back()
    page.go_back()  # back on the check page after submitting: the draft is gone, nothing is filed twice
    page.goto(page.base_url + "/mediation/report/check/")
    assert "/mediation/submitted/" in page.url and Dispute.objects.count() == 1


def test_a_grid_worker_reports_from_the_home_button_and_the_grid_list_follows_the_village(browser_page, tree, users):
    from conftest import browser_login

    page = browser_page
    page.set_viewport_size(PHONE)
    browser_login(page, "grid")
    button = page.get_by_role("link", name=re.compile("^上报矛盾纠纷"))
    assert button.is_visible() and button.bounding_box()["height"] >= 44
    page.screenshot(path=screenshot_path("grid-worker-home"), full_page=True)
    button.click()
    page.wait_for_url("**/work/disputes/new/**")
    assert page.get_by_label("来源渠道").input_value() == "patrol"
    assert page.get_by_label("网格").input_value() == str(tree.liu1.pk)
    # the journey's end: the grid worker files what they found on patrol and sees it in their own list
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_title").fill("巡查发现排水沟堵塞纠纷")
    page.get_by_label("纠纷简要情况").fill("网格员巡查发现两户因排水沟堵塞发生争执，现场劝阻后登记上报。")
    page.get_by_label("联系电话（用于群众查询进度）").fill("13905331288")
    page.locator("#id_applicant_name").fill("王秀英")
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("已登记，查询码").wait_for()
    reported = Dispute.objects.get(title="巡查发现排水沟堵塞纠纷")
    assert reported.channel == "patrol" and reported.grid_id == tree.liu1.pk
    page.screenshot(path=screenshot_path("grid-worker-reported"), full_page=True)
    page.goto(page.base_url + "/work/disputes/")
    assert page.get_by_role("link", name="巡查发现排水沟堵塞纠纷").is_visible()

    page.context.clear_cookies()
    browser_login(page, "clerk")  # the clerk covers both villages: the grid list follows the chosen one
    page.goto(page.base_url + "/work/disputes/new/")
    village, grid = page.locator("#id_village"), page.locator("#id_grid")

    def offered():
        return grid.evaluate("s => [...s.options].filter(o => !o.hidden && !o.disabled && o.value).map(o => o.text)")

    assert set(offered()) == {"刘家村第一网格", "刘家村第二网格", "大杨村第一网格"}  # nothing chosen yet: all
    village.select_option(label="刘家村")
    assert set(offered()) == {"刘家村第一网格", "刘家村第二网格"}
    grid.select_option(label="刘家村第二网格")
    village.select_option(label="大杨村")
    assert offered() == ["大杨村第一网格"] and grid.input_value() == ""  # another village's grid is cleared


def test_the_report_works_without_javascript(browser_page, tree):
    from django.core.cache import cache

    cache.clear()
    context = browser_page.context.browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(browser_page.base_url + "/mediation/")
        assert not page.evaluate("document.documentElement.classList.contains('js')")  # app.js did not run
        page.get_by_role("button", name="继续").click()
        assert page.locator("[data-error-summary]").is_visible()  # rendered by the server, not by app.js
        fill_report(page)
        page.get_by_role("button", name="确认提交").click()
        page.get_by_role("heading", name="已收到您的纠纷登记").wait_for()
        assert Dispute.objects.count() == 1
    finally:
        context.close()


def case_action(page, label, fill=None):
    """On a case page: open the action ``label``, fill its form (``fill(form)``), confirm, wait for "已完成"."""
    page.locator("summary", has_text=label).first.click()
    form = page.locator("form[data-action]", has=page.get_by_role("button", name=f"确认{label}"))
    if fill:
        fill(form)
    form.get_by_role("button", name=f"确认{label}").click()
    page.get_by_text(f"已完成：{label}").wait_for()
