"""The default template speaks of the node it is drafted for, and leaves out claims its records do not support
(issue 14: a district report said “我街道” and “平安临淄区”; an empty list printed “充分发挥无…示范村”)."""
import pytest

from fazhi.reports import render, services


def _text(report) -> str:
    blocks, _ = render.build_blocks(report)
    return "\n".join(b.get("text", "") + b.get("body", "") for b in blocks)


@pytest.mark.django_db
def test_a_district_report_speaks_as_the_district(users, tree):
    text = _text(services.report_create(actor=users.admin, node=tree.district, year=2023))
    assert "我街道" not in text and "平安临淄区" not in text and "党工委" not in text
    assert "我区共受理矛盾纠纷" in text
    assert "平安临淄 法治临淄" in text
    assert "在市委、市政府的坚强领导下" in text


@pytest.mark.django_db
def test_a_subdistrict_report_keeps_the_seed_wording(users, tree):
    text = _text(services.report_create(actor=users.sub_admin, node=tree.sub, year=2023))
    assert "我街道共受理矛盾纠纷" in text and "平安稷下 法治稷下" in text and "党工委" in text


@pytest.mark.django_db
def test_claims_without_records_are_left_out(users, tree):
    """No demonstration village, no service station: neither sentence is printed, the rest of the text is."""
    text = _text(services.report_create(actor=users.sub_admin, node=tree.sub, year=2023))
    assert "示范村的辐射带动作用" not in text and "充分发挥无" not in text
    assert "公共法律服务站" not in text
    assert "一是提升基层公共法律服务水平。" in text


@pytest.mark.django_db
def test_opt_keeps_the_clause_when_the_figure_has_a_value(users, tree, temp_figures):
    temp_figures("test.sites", lambda node, s, e: 3, unit="个")
    temp_figures("test.none", lambda node, s, e: 0, unit="个")
    ctx = render.FigureContext(node=tree.sub, year=2023)
    text = "第一句。建成站点{{test.sites|opt}}个；另建{{test.none|opt}}处，效果好。最后一句。"
    assert render.render_text(text, ctx) == "第一句。建成站点3个；最后一句。"
    assert render.token_errors(text) == []


@pytest.mark.django_db
def test_has_data_follows_business_dates_not_the_day_of_entry(users, tree, temp_figures):
    """Records entered today for 2022 (paper history) make 2022 a year with data and leave today's year empty."""
    import datetime

    from fazhi.core import clock
    from fazhi.core.figures import within
    from fazhi.reports.models import PlanItem

    temp_figures("test.items_due", lambda node, s, e: within(PlanItem.objects, node).filter(
        due_date__range=(s, e)).count(), unit="项")
    temp_figures("test.register", lambda node, s, e: within(PlanItem.objects, node).count(), unit="项")
    with clock.frozen(datetime.date(2026, 3, 2)):
        services.plan_item_create(actor=users.office, node=tree.liu, year=2022, heading="h", title="t", owner="o",
                                  due_date=datetime.date(2022, 6, 1))
    assert render.FigureContext(node=tree.sub, year=2022).has_data()
    assert not render.FigureContext(node=tree.sub, year=2026).has_data()  # the register alone does not count


@pytest.mark.django_db
def test_the_administrative_mediator_roster_counts_only_administrative_mediators(users, tree):
    """“建立行政调解员名册（N人）”: people's mediators on the roster are not administrative mediators (issue 14)."""
    from fazhi.disputes.models import Mediator

    for i, kind in enumerate(("administrative", "people", "people", "judicial")):
        Mediator.objects.create(node=tree.sub, name=f"调解员{i}", kind=kind)
    text = _text(services.report_create(actor=users.sub_admin, node=tree.sub, year=2023))
    assert "建立行政调解员名册（1人）" in text
