"""One real-browser run of the main flow: a resident books an office hour and asks a question on the public site
(mobile-sized), the village's advisor answers in the workbench, the resident reads the answer with code + phone."""
import pytest

from conftest import browser_login
from fazhi.core import personal
from fazhi.legalservice.models import Booking, Consultation

from . import factories as f


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resident_books_asks_and_reads_answer(browser_page, tree, users, legal):
    from django.core.cache import cache

    cache.clear()
    slot = f.slot(users.judicial, tree.liu, legal.liu, capacity=3)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/legal/village/{tree.liu.pk}/")
    assert page.get_by_role("heading", name="刘家村法律顾问").is_visible()
    page.get_by_role("link", name="预约").first.click()
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("手机号").fill("13900001111")
    page.get_by_label("想咨询的事项").fill("宅基地继承")
    page.get_by_role("button", name="提交预约").click()
    page.get_by_role("heading", name="预约成功").wait_for()
    assert Booking.objects.filter(personal.match("phone", "13900001111"), office_hour=slot).count() == 1

    page.goto(page.base_url + f"/legal/ask/?village={tree.liu.pk}")
    page.get_by_role("textbox", name="姓名").fill("张三")
    page.get_by_label("手机号").fill("13900001111")
    page.get_by_label("标题").fill("宅基地能否继承")
    page.get_by_label("问题描述").fill("父亲去世后宅基地能否由子女继承？")
    page.get_by_role("button", name="提交问题").click()
    code = page.locator("[data-code]").inner_text().strip()
    assert Consultation.objects.get(code=code).advisor == legal.liu

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "advisor")
    page.goto(page.base_url + "/work/legal/consultations/?status=pending")
    page.get_by_role("link", name="宅基地能否继承").click()
    page.get_by_label("答复内容").fill("可以。宅基地使用权随房屋一并继承，请携带继承证明到村委会办理。")
    page.get_by_role("button", name="答复").click()
    page.get_by_text("已答复。").first.wait_for()
    page.goto(page.base_url + "/work/legal/bookings/")
    assert page.get_by_text("139****1111").first.is_visible()  # the bookings list shows the phone masked
    assert "13900001111" not in page.content()
    page.context.clear_cookies()

    page.goto(page.base_url + "/legal/answer/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("提问时填写的手机号").fill("13900001111")
    page.get_by_role("button", name="查看").click()
    page.get_by_text("宅基地使用权随房屋一并继承").wait_for()
