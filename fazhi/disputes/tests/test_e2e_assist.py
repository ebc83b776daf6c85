"""Issue 18 in a real browser, as a new clerk would try it: paste a walk-in complaint, let the page read it, check
the pre-filled fields and the suggestion, confirm, register; the case page then shows similar past cases."""
import os

import pytest

from conftest import browser_login
from fazhi.disputes import triage
from fazhi.disputes.models import Dispute

from . import history


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerk_registers_a_walk_in_with_prefill_suggestion_and_similar_cases(browser_page, tree, users):
    history.build(tree.sub, [tree.liu, tree.yang], count=150)
    triage.train(tenant=tree.sub)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "clerk")
    page.goto(page.base_url + "/work/disputes/new/")
    page.get_by_label("纠纷简要情况").fill(
        "申请人王秀英，电话13905331234，住刘家村3组。邻居李建国家楼上卫生间防水层破损，长期渗水至楼下，"
        "楼下天花板发霉，双方协商赔偿未果，损失约两千元。身份证370305199001011230")
    page.get_by_role("button", name="识别并预填").click()
    page.get_by_text("自动识别结果（请逐项核对）").wait_for()
    assert page.locator("#id_applicant_name").input_value() == "王秀英"
    assert page.locator("#id_respondent_name").input_value() == "李建国"
    assert page.get_by_text("370305199001011230：身份证号码校验位不正确").is_visible()
    assert page.locator("#triage-suggestion").get_by_text("邻里").first.is_visible()
    if os.environ.get("FAZHI_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FAZHI_SCREENSHOTS"], "intake-assist.png"), full_page=True)
    page.locator("#id_title").fill("楼上漏水")
    page.get_by_role("button", name="登记", exact=True).click()
    assert page.get_by_text("请逐项核对后勾选确认").first.is_visible()  # the clerk must confirm the pre-filled fields
    page.get_by_label("我已逐项核对自动识别、预填的内容").check()
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("已登记，查询码").wait_for()
    d = Dispute.objects.get(title="楼上漏水")
    assert d.kind.code == "neighbour" and d.triage.kind_outcome == "accepted"
    assert page.locator("#similar-cases tbody tr").count() >= 1
    if os.environ.get("FAZHI_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FAZHI_SCREENSHOTS"], "detail-similar.png"), full_page=True)
