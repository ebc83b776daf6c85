"""One real-browser run of the main flow: 司法所 staff plan an event for the coming key date, see it on the
calendar, then record a held event with reach per audience group and find it in the list and on the public site."""
import pytest

from conftest import browser_login
from fazhi.core import clock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_records_event_with_reach_and_sees_it(browser_page, users, tree):
    page = browser_page
    browser_login(page, "judicial")
    page.goto(page.base_url + "/work/publicity/")
    page.get_by_role("heading", name="普法宣传日历").wait_for()
    assert page.locator("#coming").is_visible()

    page.goto(page.base_url + "/work/publicity/events/new/")
    page.get_by_label("所属组织").select_option(label="　刘家村")
    page.get_by_label("活动名称").fill("民法典进村入户宣传")
    page.get_by_label("活动日期").fill(clock.today().isoformat())
    page.locator("#id_place").fill("刘家村文化广场")
    page.get_by_label("“法律六进”对象").select_option(label="乡村")
    page.get_by_label("组织单位（其他）").fill("刘家村村委会")
    page.get_by_label("发放宣传资料（份）").fill("120")
    page.get_by_label("张贴标语横幅（条/幅）").fill("3")
    page.get_by_label("受众人次：老年人").fill("45")
    page.get_by_label("受众人次：外出务工人员/农民工").fill("-2")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("应在0至").first.wait_for()  # refused with a message, nothing saved

    page.get_by_label("受众人次：外出务工人员/农民工").fill("12")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("宣传活动已登记").wait_for()
    assert page.locator(".stat .num").first.inner_text() == "57"
    assert page.get_by_role("cell", name="外出务工人员/农民工").is_visible()

    page.goto(page.base_url + "/work/publicity/events/")
    row = page.get_by_role("row").filter(has_text="民法典进村入户宣传")
    assert "57" in row.inner_text() and "已开展" in row.inner_text()

    page.goto(page.base_url + "/publicity/")
    assert page.get_by_text("民法典进村入户宣传").is_visible()
