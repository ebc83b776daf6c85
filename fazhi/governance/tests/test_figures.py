"""Figures against hand counts."""
import datetime

import pytest

from fazhi.core import clock, figures
from fazhi.governance import services

from . import factories as f

pytestmark = pytest.mark.django_db
Y = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))


def value(key, node):
    return figures.compute(key, node, *Y)


def test_disclosure_figures(users, tree):
    f.item(users, tree, day=datetime.date(2023, 1, 10), category="budget")
    f.item(users, tree, day=datetime.date(2023, 1, 20), category="work_news")
    late = f.item(users, tree, day=datetime.date(2023, 5, 10), formed=datetime.date(2023, 3, 1), category="work_news",
                  late_reason="材料移交延误")
    f.item(users, tree, day=datetime.date(2024, 1, 10))  # another year
    with clock.frozen(datetime.date(2023, 6, 1)):
        services.disclosure_withdraw(actor=users.disclosure, item_id=late.pk, reason="更正")
    assert value("governance.disclosure_published", tree.sub) == 3  # withdrawn one counted: it was published
    assert value("governance.disclosure_by_category", tree.sub) == {"财政预决算": 1, "工作动态": 2}
    months = value("governance.disclosure_by_month", tree.sub)
    assert len(months) == 12 and months["2023年1月"] == 2 and months["2023年5月"] == 1 and months["2023年2月"] == 0
    assert value("governance.disclosure_timeliness", tree.sub) == pytest.approx(2 / 3)
    assert value("governance.disclosure_published", tree.other) == 0
    assert value("governance.disclosure_timeliness", tree.other) is None


def test_request_figures(users, tree):
    a = f.request(tree, day=datetime.date(2023, 3, 1))
    b = f.request(tree, day=datetime.date(2023, 3, 1))
    f.request(tree, day=datetime.date(2023, 12, 1))
    with clock.frozen(datetime.date(2023, 3, 10)):
        services.request_transition(actor=users.disclosure, request_id=a.pk, name="answer", reply_type="disclosed", reply_text="公开")
    with clock.frozen(datetime.date(2023, 5, 10)):  # late
        services.request_transition(actor=users.disclosure, request_id=b.pk, name="answer", reply_type="not_exist",
                                    reply_text="不存在", reply_reason="经检索未制作")
    assert value("governance.requests_received", tree.sub) == 3
    assert value("governance.requests_answered", tree.sub) == 2
    assert value("governance.requests_by_reply", tree.sub) == {"予以公开": 1, "本机关不掌握相关政府信息（信息不存在）": 1}
    assert value("governance.requests_on_time_rate", tree.sub) == 0.5


def test_document_decision_meeting_figures(users, tree):
    m1 = f.meeting(users, tree, day=datetime.date(2023, 2, 20), agenda=("一", "二"))
    f.meeting(users, tree, day=datetime.date(2023, 4, 20), guests=False, approve=False)
    f.meeting(users, tree, day=datetime.date(2024, 4, 20))
    doc = f.document_reviewed(users, tree)
    f.document_reviewed(users, tree)
    with clock.frozen(datetime.date(2023, 2, 21)):
        services.document_transition(actor=users.leader, document_id=doc.pk, name="decide", agenda_item=m1.items.first().pk)
        services.document_transition(actor=users.office, document_id=doc.pk, name="register")
        services.document_transition(actor=users.office, document_id=doc.pk, name="publish")
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="决策一")
        services.decision_create(actor=users.office, node=tree.sub, year=2023, title="决策二")
        services.decision_transition(actor=users.office, decision_id=d.pk, name="start")
        for kind in ("public_participation", "expert", "legality"):
            services.decision_step_record(actor=users.office, decision_id=d.pk, kind=kind, evidence="已完成程序")
        services.decision_step_waive(actor=users.office, decision_id=d.pk, kind="risk", reason="经研究不涉及风险")
        services.decision_transition(actor=users.leader, decision_id=d.pk, name="decide", agenda_item=m1.items.last().pk, decision_text="同意")
    assert value("governance.normative_docs_by_stage", tree.sub) == {"审核通过": 1, "已公布": 1}
    assert value("governance.normative_docs_reviewed", tree.sub) == 2
    assert value("governance.normative_docs_published", tree.sub) == 1
    assert value("governance.normative_docs_filed", tree.sub) == 0
    assert value("governance.decisions", tree.sub) == 2
    assert value("governance.decision_procedure_completeness", tree.sub) == 1.0  # 4 required pre-steps + collective, hearing not required
    assert value("governance.meetings", tree.sub) == 2
    assert value("governance.meeting_items_decided", tree.sub) == 2
    assert value("governance.meetings_with_guests", tree.sub) == 1


def test_all_keys_registered():
    keys = {k for k in figures.all_figures() if k.startswith("governance.")}
    assert keys == {
        "governance.disclosure_published", "governance.disclosure_by_category", "governance.disclosure_by_month",
        "governance.disclosure_timeliness", "governance.requests_received", "governance.requests_answered",
        "governance.requests_by_reply", "governance.requests_on_time_rate", "governance.normative_docs_by_stage",
        "governance.normative_docs_reviewed", "governance.normative_docs_published", "governance.normative_docs_filed",
        "governance.decisions", "governance.decision_procedure_completeness", "governance.meetings",
        "governance.meeting_items_decided", "governance.meetings_with_guests", "governance.rule_of_law_meetings",
        "governance.rule_of_law_topics"}
