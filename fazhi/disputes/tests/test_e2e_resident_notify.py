"""In a real browser: a clerk moves a case; the resident's SMS lands in the outbox; its link, opened on a phone
without an account, shows the case's progress without the tracking code — and a spoiled link says why."""
import pytest

from conftest import browser_login
from fazhi.core.masking import personal_numbers_in
from fazhi.core.models import OutboundMessage
from fazhi.core.tests.test_e2e_workbench import screenshot_path

from .. import resident
from . import factories as f
from .test_e2e_report import case_action

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_residents_sms_link_opens_the_case_after_the_clerk_moves_it(browser_page, live_server, settings, tree, users):
    settings.FAZHI = {**settings.FAZHI, "PUBLIC_BASE_URL": live_server.url}
    room = f.room(users.judicial, tree)
    d = f.dispute(users.clerk, tree, contact="13955508642", title="楼上漏水纠纷")
    page = browser_page
    browser_login(page, "clerk")
    page.goto(page.base_url + f"/work/disputes/{d.pk}/")

    def act(label, fill=None):
        case_action(page, label, fill)

    act("受理")
    act("分派", lambda form: form.get_by_label("调解室").select_option(str(room.pk)))

    texts = list(OutboundMessage.objects.filter(kind=resident.KIND, target_id=str(d.pk)).order_by("pk"))
    assert [m.recipient for m in texts] == ["13955508642", "13955508642"]
    assert [m.status for m in texts] == ["outbox", "outbox"]
    sms = texts[-1]
    assert "已安排调解（老赵劳动调解室）" in sms.body and sms.link.startswith(live_server.url)

    resident_context = page.context.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        phone = resident_context.new_page()
        phone.goto(sms.link)
        assert phone.get_by_role("heading", name="楼上漏水纠纷").is_visible()
        assert phone.locator(".badge", has_text="已分派").is_visible()
        assert phone.get_by_text("老赵劳动调解室").first.is_visible()
        assert phone.get_by_text("无需再输入查询码").is_visible()
        assert phone.get_by_label("查询码").count() == 0  # nothing to retype
        body = phone.content()
        assert "13955508642" not in body and personal_numbers_in(phone.locator("main").inner_text()) == []
        phone.screenshot(path=screenshot_path("resident-sms-link-opens-case"), full_page=True)

        phone.goto(sms.link[:-3] + "xx/")  # a spoiled link: a clear message and the code form, no case
        assert phone.get_by_role("alert").get_by_text("链接不完整或已被修改").is_visible()
        assert phone.get_by_label("查询码").is_visible() and phone.get_by_text("楼上漏水纠纷").count() == 0
        phone.get_by_label("查询码").fill(d.tracking_code)
        phone.get_by_label("登记时留的手机号码").fill("13955508642")
        phone.get_by_role("button", name="查询").click()
        assert phone.get_by_role("heading", name="楼上漏水纠纷").is_visible()
    finally:
        resident_context.close()
