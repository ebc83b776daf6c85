import datetime

import pytest

from fazhi.core import clock
from fazhi.core.figures import within
from fazhi.reports import render, services
from fazhi.reports.models import PlanItem


@pytest.mark.parametrize("value,text", [(0, "0"), (7, "7"), (20, "20"), (23, "20余"), (57, "50余"), (198, "190余"),
                                         (1046, "1000余"), (5000, "5000"), (5123, "5100余"), (61234, "6.1万余"),
                                         (100000, "10万"), (103500, "10万余"), (3210.5, "3200余")])
def test_approx_phrases_like_the_seed(value, text):
    assert render.approx(value) == text


def test_token_errors_name_unknown_figures_and_filters():
    problems = render.token_errors("共{{nosuch.figure}}起，{{reports.plan_items|bogus}}，{{reports.plan_items}}，{{坏")
    assert any("nosuch.figure" in p for p in problems)
    assert any("|bogus" in p for p in problems)
    assert any("不完整" in p for p in problems)
    assert render.token_errors("计划{{reports.plan_items}}项，{{reports.plan_items|change}}") == []


@pytest.mark.django_db
def test_tokens_render_values_change_and_no_data_note(users, tree, report, temp_figures):
    temp_figures("test.items", lambda node, s, e: within(PlanItem.objects, node).filter(due_date__range=(s, e)).count(),
                 unit="项")
    for year, n in ((2022, 2), (2023, 5)):
        with clock.frozen(datetime.date(year, 2, 1)):
            for i in range(n):
                services.plan_item_create(actor=users.office, node=tree.liu, year=year, heading="h", title=f"t{i}",
                                          owner="o", due_date=datetime.date(year, 6, 1))
    ctx = render.FigureContext(node=tree.sub, year=2023)
    assert render.render_text("共{{test.items}}项，{{test.items|change}}", ctx) == "共5项，比上年增加3项（增长150.0%）"
    assert render.render_text("{{nosuch.key}}", ctx) == "【未知指标 nosuch.key】"
    assert ctx.has_data()
    empty = render.FigureContext(node=tree.sub, year=2019)
    assert render.render_text("{{test.items}}{{test.items|change}}", empty) == "0上年无可比数据"
    assert not empty.has_data()


@pytest.mark.django_db
def test_year_with_no_data_gives_a_report_that_says_so(users, tree, report):
    blocks, ctx = render.build_blocks(report)
    assert blocks[1]["kind"] == "note" and "没有稷下街道2023年度的业务记录" in blocks[1]["text"]
    md = render.to_markdown(blocks)
    assert md.index("一、推进法治政府建设的主要举措和成效") < md.index("二、党政主要负责人") < md.index("三、推进法治政府建设存在的不足") \
        < md.index("四、2024年推进法治政府建设的主要计划安排")


@pytest.mark.django_db
def test_different_dataset_gives_a_different_correct_report(users, tree, report):
    section = report.sections.get(part=1, order=1)
    services.section_update(actor=users.office, section=section, heading="计划落实",
                            body="上年度计划任务{{reports.plan_items}}项，已完成{{reports.plan_items_done}}项。",
                            expected_version=section.version)
    first = render.to_markdown(render.build_blocks(report)[0])
    assert "上年度计划任务0项，已完成0项。" in first
    for i, status in enumerate(["done", "done", "planned"]):
        PlanItem.objects.create(node=tree.liu if i else tree.sub, year=2023, heading="h", title=f"t{i}", owner="o",
                                due_date=datetime.date(2023, 5, 1), status=status)
    PlanItem.objects.create(node=tree.dongqi, year=2023, heading="h", title="other", owner="o",
                            due_date=datetime.date(2023, 5, 1), status="done")  # another subdistrict: not counted
    second = render.to_markdown(render.build_blocks(report)[0])
    assert "上年度计划任务3项，已完成2项。" in second
