"""Issue 17 item 3: each shortcoming (section 三) carries its cause (原因) — the law asks for "存在的不足和原因" —
and the first responsible person's section (二, the third required content of 督察规定 第二十四条) is written from the
records it summarises: the leaders' study sessions and the Party Working Committee meetings that discussed
rule-of-law work."""
import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from fazhi.core import clock
from fazhi.core.errors import DomainError
from fazhi.governance.tests import factories as gf
from fazhi.publicity import services as publicity
from fazhi.reports import documents, render, services
from fazhi.reports.models import ReportTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortcoming(users, report, temp_figures):
    temp_figures("test.coverage", lambda node, s, e: 0.5, kind="rate")
    target = ReportTarget.objects.create(code="t_av", label="音像记录覆盖率", figure_key="test.coverage",
                                         comparison="min", threshold=1, heading="执法全过程记录不到位",
                                         text="应当音像记录的执法环节中仅{value}有音像记录。")
    return services.shortcoming_keep(actor=users.office, report=report, target=target, heading="执法全过程记录不到位",
                                     text="应当音像记录的执法环节中仅50.0%有音像记录。")


def _submit(users, report):
    report.refresh_from_db()
    return services.report_transition(actor=users.office, report=report, name="submit", expected_version=report.version)


def test_a_shortcoming_without_a_cause_cannot_go_to_review(users, report, shortcoming):
    with pytest.raises(DomainError) as exc:
        _submit(users, report)
    assert "尚未填写原因" in exc.value.message and "执法全过程记录不到位" in exc.value.message
    services.section_update(actor=users.office, section=shortcoming, heading=shortcoming.heading, body=shortcoming.body,
                            cause="街道执法办未配备执法记录仪，相关经费未列入年度预算", expected_version=shortcoming.version)
    assert _submit(users, report).status == "review"


def test_the_cause_is_printed_after_the_shortcoming_in_every_export(users, report, shortcoming):
    services.section_update(actor=users.office, section=shortcoming, heading=shortcoming.heading, body=shortcoming.body,
                            cause="未配备执法记录仪", expected_version=shortcoming.version)
    blocks, _ = render.build_blocks(report)
    part3 = [b for b in blocks if b.get("part") == 3 and b["kind"] == "h2"]
    assert part3[0]["text"] == "应当音像记录的执法环节中仅50.0%有音像记录。原因：未配备执法记录仪。"
    content, _, _ = documents.export(report, "docx", draft=True)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "原因：未配备执法记录仪。" in text
    assert "原因：未配备执法记录仪。" in documents.export(report, "md", draft=True)[0]


def test_keeping_a_suggestion_takes_its_cause_and_a_bad_token_in_a_cause_is_refused(users, report, temp_figures):
    temp_figures("test.share", lambda node, s, e: 0.05, kind="rate")
    target = ReportTarget.objects.create(code="t_mig", label="外出务工人员占比", figure_key="test.share", comparison="min",
                                         threshold=0.15, heading="普法宣传工作有待加强", text="仅占{value}。")
    kept = services.shortcoming_keep(actor=users.office, report=report, target=target, heading="", text="仅占5.0%。",
                                     cause="农村青壮年多外出务工，宣传缺少有效方法")
    assert kept.cause == "农村青壮年多外出务工，宣传缺少有效方法" and kept.part == 3
    with pytest.raises(DomainError) as exc:
        services.section_update(actor=users.office, section=kept, heading=kept.heading, body=kept.body,
                                cause="{{disputes.nope}}", expected_version=kept.version)
    assert "cause" in exc.value.field_errors


def test_the_editor_shows_the_cause_field_only_for_shortcomings(users, report, shortcoming, client_for):
    c = client_for(users.office)
    detail = c.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "未填写原因" in detail and "第三部分有不足未填写原因" in detail
    edit = c.get(reverse("reports:section_edit", args=[shortcoming.pk])).content.decode()
    assert 'name="cause"' in edit and "原因" in edit
    first = report.sections.get(part=1, order=1)
    assert 'name="cause"' not in c.get(reverse("reports:section_edit", args=[first.pk])).content.decode()
    r = c.post(reverse("reports:section_edit", args=[shortcoming.pk]),
               {"heading": shortcoming.heading, "body": shortcoming.body, "cause": "经费不足", "version": shortcoming.version})
    assert r.status_code == 302
    detail = c.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "原因：经费不足" in detail and "未填写原因" not in detail


def test_section_two_is_written_from_study_sessions_and_rule_of_law_meetings(users, tree, report):
    blocks, _ = render.build_blocks(report)
    empty = next(b for b in blocks if b.get("part") == 2 and b["kind"] == "h2")["text"]
    assert "学习内容包括" not in empty and "专题研究法治建设" not in empty  # no claim without records
    with clock.frozen(datetime.date(2023, 6, 1)):
        publicity.study_session_create(actor=users.office, node=tree.sub, kind="study", date=datetime.date(2023, 3, 3),
                                       topic="习近平法治思想", speaker="书记", attendees=[users.leader])
        publicity.study_session_create(actor=users.office, node=tree.sub, kind="seminar", date=datetime.date(2023, 5, 9),
                                       topic="《中华人民共和国行政处罚法》", speaker="司法所长",
                                       attendee_names="班子成员")
    gf.meeting(users, tree, day=datetime.date(2023, 4, 6), agenda=("研究2023年法治政府建设工作要点", "审议老旧小区改造方案"))
    gf.meeting(users, tree, day=datetime.date(2023, 9, 6), agenda=("审议财务预算",))
    blocks, _ = render.build_blocks(report)
    text = next(b for b in blocks if b.get("part") == 2 and b["kind"] == "h2")["text"]
    assert "学习内容包括“习近平法治思想”、“《中华人民共和国行政处罚法》”。" in text
    assert "专题研究法治建设1次，研究了“研究2023年法治政府建设工作要点”议题。" in text
    assert "老旧小区" not in text and "财务预算" not in text


def test_the_rule_of_law_meetings_link_lists_exactly_those_meetings(users, tree, client_for):
    from fazhi.core import figures

    gf.meeting(users, tree, day=datetime.date(2023, 4, 6), agenda=("依法行政专题学习",))
    gf.meeting(users, tree, day=datetime.date(2023, 9, 6), agenda=("审议财务预算",))
    fig = figures.get("governance.rule_of_law_meetings")
    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    assert fig.value(tree.sub, start, end) == 1
    page = client_for(users.office).get(fig.records_url(tree.sub, start, end))
    assert page.context["page_obj"].paginator.count == 1
