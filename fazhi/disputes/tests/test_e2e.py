"""One real-browser run of the main flow: a resident submits on the public site (phone-sized) and tracks the case;
the clerk accepts, assigns it to a room, records a session and the agreement; the follow-up visit closes it."""
import datetime

import pytest

from conftest import browser_login
from fazhi.disputes.models import Dispute

from . import factories as f
from .test_e2e_report import case_action, fill_report


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resident_submits_clerk_mediates_follow_up_closes(browser_page, tree, users):
    from django.core.cache import cache

    cache.clear()
    room = f.room(users.judicial, tree)
    mediator = f.mediator(users.judicial, tree, name="赵德胜")  # a people's mediator signs the agreement (第二十九条)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/mediation/rooms/")
    page.get_by_role("link", name="点单，请老赵劳动调解室调解").click()
    fill_report(page)
    page.get_by_role("button", name="确认提交").click()
    code = page.locator("[data-code]").inner_text().strip()
    d = Dispute.objects.get(tracking_code=code)
    assert d.requested_room == room and d.channel == "online"

    page.goto(page.base_url + "/mediation/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("登记时留的手机号码").fill("13900001234")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("已登记").first.is_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "clerk")
    page.goto(page.base_url + f"/work/disputes/?q={code}")
    page.get_by_role("link", name=code).click()

    def act(label, fill=None):
        case_action(page, label, fill)

    act("受理")
    def assign(form):
        form.get_by_label("调解室").select_option(str(room.pk))
        form.get_by_label(f"{mediator.name}（人民调解员）").check()
    act("分派", assign)
    act("开始调解")

    def session(form):
        form.get_by_label("参加人员").fill("张三、李四、赵德胜")
        form.get_by_label("调解记录").fill("双方陈述事实，调解员释法析理。")
    act("登记调解记录", session)

    def agreement(form):
        form.get_by_label("达成协议内容").fill("李四于十日内支付张三工资18000元。")
        form.get_by_label("履行方式").fill("银行转账")
        form.get_by_label("履行期限").fill((datetime.date.today() + datetime.timedelta(days=10)).isoformat())
    act("调解成功（签订协议）", agreement)
    with page.expect_download() as download:
        page.get_by_role("link", name="人民调解协议书（.docx）").click()
    assert download.value.suggested_filename.endswith(".docx")

    act("回访", lambda form: form.get_by_label("回访情况").fill("工资已到账"))
    d.refresh_from_db()
    assert d.status == "closed" and d.room == room and d.resolved_on is not None
    assert page.get_by_text("审计").count() >= 0

    page.goto(page.base_url + "/mediation/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("登记时留的手机号码").fill("13900001234")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("已结案").first.is_visible()
