"""In a real browser: a resident applies for information and tracks the reply; a resident comments on a draft
normative document and sees it after moderation."""

import pytest

from conftest import browser_login
from fazhi.governance import services
from fazhi.governance.models import DisclosureRequest


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_request_and_comment_flows(browser_page, users, tree):
    page = browser_page
    # 1. a resident applies online, without a phone first (refused), then properly
    page.goto(page.base_url + "/open/apply/")
    page.get_by_label("姓名或单位名称").fill("张三")
    page.get_by_label("所需政府信息的名称、文号或描述").fill("申请公开2023年稷下街道低保资金发放情况")
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("请填写联系电话").first.is_visible()
    page.get_by_label("联系电话").fill("13905331234")
    page.get_by_role("button", name="提交申请").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert code.startswith("GK")
    # 2. the disclosure officer answers in the workbench
    browser_login(page, "disclosure")
    req = DisclosureRequest.objects.get(tracking_code=code)
    page.goto(page.base_url + f"/work/governance/requests/{req.pk}/")
    page.locator("summary", has_text="答复").click()
    page.get_by_label("答复类型").select_option("disclosed")
    page.get_by_label("答复内容").fill("经查，现予以公开，详见附件。")
    page.get_by_role("button", name="确认答复").click()
    assert page.get_by_text("下载答复书").is_visible()
    # 3. the resident tracks it with code + phone
    page.context.clear_cookies()
    page.goto(page.base_url + "/open/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("申请时填写的联系电话").fill("13905331234")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("经查，现予以公开").is_visible()
    assert "13905331234" not in page.content()

    # 4. public comment on a draft normative document
    doc = services.document_create(actor=users.office, node=tree.sub, title="稷下街道居民公约示范文本", body="第一条 ……")
    services.document_transition(actor=users.office, document_id=doc.pk, name="open_comment")
    page.goto(page.base_url + "/open/documents/")
    page.get_by_role("link", name="稷下街道居民公约示范文本").click()
    page.get_by_label("您的意见").fill("<script>alert(1)</script>建议增加养犬管理条款")
    page.get_by_role("button", name="提交意见").click()
    assert page.get_by_text("意见经审核后将在本页展示").is_visible()
    browser_login(page, "office")
    page.goto(page.base_url + "/work/governance/comments/?status=pending")
    page.get_by_label("审核结果").select_option("approved")
    page.get_by_label("答复").fill("已采纳，增加第八条。")
    page.get_by_role("button", name="提交审核").click()
    page.context.clear_cookies()
    page.goto(page.base_url + f"/open/documents/{doc.pk}/")
    assert page.get_by_text("<script>alert(1)</script>建议增加养犬管理条款").is_visible()
    assert page.get_by_text("已采纳，增加第八条。").is_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_disclosure_officer_publishes_the_years_disclosure_report_from_the_ui(browser_page, users, tree):
    """Issue 12: a year of requests (handled in the workbench elsewhere) → 起草 → 提交审核 → the leader 审核定稿 →
    向社会公开 → residents read it on the public site, its table computed from the records."""
    import datetime

    from fazhi.core import clock

    for day, answered in ((datetime.date(2023, 3, 1), datetime.date(2023, 3, 10)),
                          (datetime.date(2023, 5, 4), datetime.date(2023, 5, 12))):
        with clock.frozen(day):
            req = services.request_submit(node=tree.sub, applicant_name="张三", phone="13905331234",
                                          content="申请公开某项政府信息")
        with clock.frozen(answered):
            services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer",
                                        reply_type="disclosed", reply_text="予以公开。")
    page = browser_page
    browser_login(page, "disclosure")
    page.goto(page.base_url + "/work/")
    page.get_by_role("link", name="信息公开年报").click()
    page.get_by_role("link", name="起草年度报告").click()
    page.get_by_label("年度").fill("2023")
    page.get_by_label("一、总体情况").fill("2023年，稷下街道认真贯彻《政府信息公开条例》。")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("对账通过").is_visible()
    assert page.get_by_role("heading", name="政府信息公开工作年度报告", exact=False).first.is_visible()
    _act(page, "提交审核")
    detail = page.url
    page.context.clear_cookies()
    browser_login(page, "leader")
    page.goto(detail)
    _act(page, "审核定稿")
    assert page.get_by_text("SHA-256").is_visible()
    page.context.clear_cookies()
    browser_login(page, "disclosure")
    page.goto(detail)
    _act(page, "向社会公开", {"逾期公开理由（超过20个工作日时必填）": "2023年度报告补录，按期公开的纸质版已于2024年1月在公开栏公布。"})
    public = page.get_by_role("link", name="/open/annual/", exact=False)
    href = public.first.get_attribute("href")
    page.context.clear_cookies()
    page.goto(page.base_url + href)
    body = page.content()
    assert "2023年，稷下街道认真贯彻" in body and "13905331234" not in body


def _act(page, label, fields=None):
    """Run a workflow action from the record's page (a lone action's form is already open)."""
    button = page.get_by_role("button", name=f"确认{label}")
    if not button.is_visible():
        page.locator("summary", has_text=label).click()
    for name, value in (fields or {}).items():
        page.get_by_label(name).fill(value)
    button.click()
