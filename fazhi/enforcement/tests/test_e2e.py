"""The main flow in a real browser: register → approve filing → inspect with evidence → notify → decide → publish →
the public page shows the masked decision."""
import datetime

import pytest

from conftest import browser_login
from fazhi.core import services as core_services
from fazhi.core.models import Unit
from fazhi.core.validators import make_id_number
from fazhi.enforcement import services
from fazhi.enforcement.models import PowerType

from .conftest import PNG


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_flow_in_browser(browser_page, users, tree, tmp_path):
    head = users.enforcement_head
    unit = core_services.unit_create(actor="测试", node=tree.sub, kind=Unit.Kind.DEPARTMENT, name="综合行政执法办公室")
    subject = services.subject_save(actor=head, unit=unit, legal_status="街道综合行政执法机构")
    services.power_create(actor=head, subject=subject, code="CF-001", name="对违法搭建的处罚", power_type=PowerType.PENALTY,
                          legal_basis="《城乡规划法》第六十五条")
    far = dict(issuing_authority="淄博市人民政府", valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2099, 12, 31))
    services.officer_create(actor=head, subject=subject, user=users.officer, certificate_number="E-001", **far)
    services.officer_create(actor=head, subject=subject, user=users.officer2, certificate_number="E-002", **far)
    id_number = make_id_number("37030519800101123")

    page = browser_page
    browser_login(page, "enforcement_head")
    page.goto(page.base_url + "/work/enforcement/cases/new/")
    page.get_by_label("执法事项（权责清单）").select_option(label="CF-001 对违法搭建的处罚（行政处罚）")
    page.get_by_label("发生地（村/社区）").select_option(label="刘家村")
    page.get_by_label("案由").fill("违法搭建彩钢棚")
    page.get_by_label("当事人姓名/名称").fill("张三丰")
    page.get_by_label("身份证号/统一社会信用代码").fill(id_number)
    page.get_by_label("案件事实").fill("未经批准搭建彩钢棚20平方米。")
    page.get_by_label("officer（E-001）").check()
    page.get_by_label("officer2（E-002）").check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=案件已登记")

    def act(name, fill=None):
        form = page.locator(f"form[action$='/act/{name}/']")
        form.locator("xpath=..").locator("summary").click()
        if fill:
            fill(form)
        form.get_by_role("button").click()
        page.wait_for_load_state()

    act("approve_filing")
    assert "调查取证" in page.content()
    page.locator("summary", has_text="记录调查取证").click()
    step_form = page.locator("form[action$='/steps/new/']")
    step_form.get_by_label("地点").fill("刘家村")
    step_form.get_by_label("内容").fill("现场检查并拍照。")
    step_form.get_by_label("officer（E-001）").check()
    step_form.get_by_label("officer2（E-002）").check()
    step_form.get_by_role("button", name="保存记录").click()
    page.wait_for_selector("text=已记录执法环节")
    assert "缺少音像记录" in page.content()

    page.get_by_role("link", name="上传证据").first.click()
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.get_by_label("证据文件（照片、录音、录像、扫描件）").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=已上传证据")

    def officers(form):
        form.get_by_label("地点").fill("执法办")
        form.get_by_label("officer（E-001）").check()
        form.get_by_label("officer2（E-002）").check()
        form.get_by_label("拟罚款金额（元）").fill("500")

    act("notify", officers)
    assert "已告知" in page.content()
    # 第六十二条: no decision before the statement window closes unless the party waived it on the record.
    act("record_statement", lambda form: form.get_by_label("当事人明确放弃陈述、申辩（第六十二条）").check())
    assert "当事人明确放弃陈述、申辩" in page.content()

    def decision(form):
        form.get_by_label("处理结果").select_option(label="给予行政处罚")
        form.get_by_label("罚款金额（元）").fill("500")
        form.get_by_label("决定内容").fill("责令限期拆除，并处罚款500元。")
        form.get_by_label("裁量情况（适用的裁量基准）").fill("一般情节")

    act("decide", decision)
    assert "已决定" in page.content()
    page.get_by_role("button", name="公示执法决定").click()
    page.wait_for_selector("text=执法决定已在公众网站公示")

    page.goto(page.base_url + "/enforcement/decisions/")
    page.get_by_role("link", name="违法搭建彩钢棚").first.click()
    html = page.content()
    assert "张**" in html and "张三丰" not in html and id_number not in html
