"""The Administrative Penalty Law (2021) step by step, each rule at its edge (issue 11)."""
import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from fazhi.core import clock, workdays
from fazhi.core.errors import DomainError, TransitionNotAllowed
from fazhi.core.models import DeadlineRule
from fazhi.enforcement import documents, services
from fazhi.enforcement.models import Case, CaseStatus, StepKind

from .conftest import advance, ready_to_decide

ALL_OK = {k: True for k in ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]}
DECIDE = dict(result="penalty", fine_amount="5000", decision_text="罚款5000元", discretion_applied="较重")


def _at(day, hour=10):
    return clock.frozen(clock.at_local(day, hour))


def _notified(make_case, users, enf, on, heavy=True, **kw):
    """A case filed, investigated and notified on ``on`` (clock frozen then)."""
    with _at(on):
        case = make_case(**kw)
        case = services.case_transition(actor=users.enforcement_head, case=case, name="approve_filing")
        services.step_record(actor=users.officer, case=case, kind=StepKind.EVIDENCE, content="取证", place="刘家村",
                             officers=[enf.o1.pk, enf.o2.pk])
        return services.case_transition(actor=users.officer, case=case, name="notify", place="执法办",
                                        officers=[enf.o1.pk, enf.o2.pk], heavy_penalty=heavy, proposed_fine="5000")


def test_rules_are_rows_with_units_and_articles(db):
    rows = {r.code: r for r in DeadlineRule.objects.filter(code__startswith="enforcement.")}
    for code in ("enforcement.hearing_request", "enforcement.hearing_notice", "enforcement.service", "enforcement.withdraw",
                 "enforcement.statement"):
        assert rows[code].unit == "working_days", code
    assert rows["enforcement.decision"].unit == "calendar_days" and "第六十条" in rows["enforcement.decision"].legal_basis
    assert "第六十四条第一项" in rows["enforcement.hearing_request"].legal_basis and "第八十五条" in rows["enforcement.hearing_request"].legal_basis
    withdraw = rows["enforcement.withdraw"].legal_basis
    assert "第四十八条第二款" in withdraw and "公开说明理由" in withdraw and "待核实" not in withdraw and "地方" not in withdraw
    assert rows["enforcement.reconsideration"].rolls_over_rest_day and rows["enforcement.reconsideration"].rollover_basis
    from fazhi.enforcement import workflow
    assert not hasattr(workflow, "HEARING_REQUEST_DAYS")


def test_hearing_window_counts_working_days_across_national_day(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2024, 9, 26))
    # 9/27, 9/29 (make-up Sunday), 9/30, 10/8, 10/9: the fifth working day is 2024-10-09
    with _at(datetime.date(2024, 10, 8)):
        with pytest.raises(TransitionNotAllowed, match="第六十二条"):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
        services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
        with pytest.raises(TransitionNotAllowed, match="至2024-10-09"):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    with _at(datetime.date(2024, 10, 9)):
        case = services.case_transition(actor=users.officer, case=case, name="request_hearing")
    assert case.status == CaseStatus.HEARING and case.hearing_requested
    with _at(datetime.date(2024, 10, 10)):
        with pytest.raises(TransitionNotAllowed):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)


def test_hearing_request_after_window_refused_and_waiver_allows_decision(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2024, 9, 26))
    with _at(datetime.date(2024, 10, 10)):
        with pytest.raises(TransitionNotAllowed, match="2024-10-09届满"):
            services.case_transition(actor=users.officer, case=case, name="request_hearing")
    with _at(datetime.date(2024, 9, 27)):
        case = services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
        case = services.case_transition(actor=users.officer, case=case, name="waive_hearing", content="当事人书面放弃听证")
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.status == CaseStatus.DECIDED and case.decided_on == datetime.date(2024, 9, 27)


def test_back_dated_decision_inside_the_window_refused(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2024, 9, 26), heavy=False)
    with _at(datetime.date(2024, 10, 15)):
        with pytest.raises(DomainError, match="第六十二条"):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", occurred_at="2024-09-30 10:00",
                                     **DECIDE)
        assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTIFIED
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.decided_on == datetime.date(2024, 10, 15)


def test_service_due_counts_working_days_across_national_day(make_case, users, enf):
    d = workdays.compute_deadline("enforcement.service", datetime.date(2024, 9, 27))
    # 9/29 (make-up Sunday), 9/30, 10/8, 10/9, 10/10, 10/11, 10/12 (make-up Saturday)
    assert d.due == datetime.date(2024, 10, 12) and "国庆节" in d.explain() and "第六十一条" in d.explain()
    case = _notified(make_case, users, enf, datetime.date(2024, 9, 20), heavy=False)
    with _at(datetime.date(2024, 9, 27)):
        case = ready_to_decide(case, users)
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.service_due == datetime.date(2024, 10, 12)


def test_statement_window_and_review_of_the_statement(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2023, 6, 1), heavy=False)
    with _at(datetime.date(2023, 6, 2)):
        with pytest.raises(TransitionNotAllowed, match="第四十四条、第四十五条、第六十二条"):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
        case = services.case_transition(actor=users.officer, case=case, name="record_statement",
                                        statement_text="当事人称彩钢棚系临时堆放农具所用。")
        with pytest.raises(TransitionNotAllowed, match="第四十五条"):
            services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
        case = services.case_transition(actor=users.officer, case=case, name="record_statement",
                                        statement_review="经复核，所称用途不影响违法事实认定，不予采纳。")
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.status == CaseStatus.DECIDED and case.statement_review.startswith("经复核")
    assert "statement" in case.steps.values_list("kind", flat=True)


def test_decision_allowed_once_statement_window_closed_without_statement(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2023, 6, 1), heavy=False)
    with _at(datetime.date(2023, 6, 9)):
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.status == CaseStatus.DECIDED


def test_hearing_notice_seven_working_days_and_host_not_an_investigator(make_case, users, enf):
    case = _notified(make_case, users, enf, datetime.date(2023, 6, 1))
    with _at(datetime.date(2023, 6, 2)):
        case = services.case_transition(actor=users.officer, case=case, name="request_hearing")
        with pytest.raises(DomainError, match="第六十四条第四项"):
            services.case_transition(actor=users.officer, case=case, name="notify_hearing", hearing_at="2023-06-20 09:00",
                                     hearing_place="听证室", hearing_host=users.officer2.pk)
        with pytest.raises(DomainError, match="第六十四条第二项.*最早于2023-06-13"):
            services.case_transition(actor=users.officer, case=case, name="notify_hearing", hearing_at="2023-06-12 09:00",
                                     hearing_place="听证室", hearing_host=users.supervisor.pk)
        case = services.case_transition(actor=users.officer, case=case, name="notify_hearing", hearing_at="2023-06-13 09:00",
                                        hearing_place="听证室", hearing_host=users.supervisor.pk)
    assert case.hearing_host == users.supervisor and case.hearing_notified_on == datetime.date(2023, 6, 2)
    with _at(datetime.date(2023, 6, 13), 11):
        with pytest.raises(DomainError, match="需要填写"):
            services.case_transition(actor=users.officer, case=case, name="hold_hearing", place="听证室",
                                     officers=[enf.o1.pk, enf.o2.pk])
        case = services.case_transition(actor=users.officer, case=case, name="hold_hearing", place="听证室",
                                        officers=[enf.o1.pk, enf.o2.pk], content="听证笔录：调查人员陈述事实，当事人申辩。")
    assert case.status == CaseStatus.HEARD and case.hearing_record.startswith("听证笔录")
    names = [k for k, _ in documents.AVAILABLE(case)]
    assert "hearing_notice" in names


def test_major_case_needs_collective_decision(make_case, users, enf):
    case = advance(make_case(is_complex=True), users, enf, to="notified")
    case = services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    services.legal_review_record(actor=users.reviewer, case=case, opinion="approve", checklist=ALL_OK)
    case.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="第五十七条第二款"):
        services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    with pytest.raises(DomainError, match="参加集体讨论的负责人"):
        services.case_transition(actor=users.enforcement_head, case=case, name="collective_decide", content="同意")
    case = services.case_transition(actor=users.enforcement_head, case=case, name="collective_decide",
                                    attendees="主任甲、副主任乙、副主任丙", content="经集体讨论，决定罚款5000元。")
    case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **DECIDE)
    assert case.status == CaseStatus.DECIDED and case.collective_attendees.startswith("主任甲")


def _docx_text(content):
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_inspection_case_gets_rectification_notice_not_penalty_decision(make_case, users, enf, client_for):
    case = ready_to_decide(advance(make_case(power=enf.inspection, title="占道经营"), users, enf, to="notified"), users)
    case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", result="order",
                                    decision_text="限于三日内清理占道物品，恢复通行。", decision_basis="《城市市容和环境卫生管理条例》第十四条")
    names = [k for k, _ in documents.AVAILABLE(case)]
    assert "rectification" in names and "decision" not in names
    with pytest.raises(DomainError, match="应出具责令改正通知书"):
        documents.render(case, "decision")
    c = client_for(users.officer)
    r = c.get(reverse("enforcement:document", args=[case.pk, "rectification"]))
    text = _docx_text(r.content)
    assert r.status_code == 200 and "责令改正通知书" in text and "行政处罚决定书" not in text
    assert "你（单位）" not in text and "责令你：" in text and "临淄区人民政府" in text
    r = c.get(reverse("enforcement:document", args=[case.pk, "decision"]), follow=True)
    assert "应出具责令改正通知书" in r.content.decode()


def test_penalty_decision_lists_facts_evidence_remedies_and_surcharge_cap(make_case, users, enf):
    case = advance(make_case(party_kind="organisation", party_name="淄博某某建材有限公司", party_id_number="91370305MA3C1234X1"),
                   users, enf, to="decided")
    text = _docx_text(documents.render(case, "decision")[0])
    assert "经查明：当事人未经批准" in text and "以上事实有下列证据证明" in text and "现场检查" in text and "scene.mp4" in text
    assert "临淄区人民政府申请行政复议" in text and "60日" in text and "淄博市临淄区人民法院提起行政诉讼" in text and "6个月" in text
    assert "加处罚款的数额不得超出罚款的数额（即不超过500.00元" in text and "第七十二条第一项" in text
    assert "你单位" in text and "你（单位）" not in text
    notice = _docx_text(documents.render(case, "notice")[0])
    assert "你单位有权进行陈述和申辩" in notice and "5个工作日" in notice


def test_decision_document_refused_without_named_remedy_body(make_case, users, enf):
    case = advance(make_case(), users, enf, to="decided")
    services.subject_save(actor=users.enforcement_head, unit=enf.unit, legal_status="依法赋权的街道综合行政执法机构")
    case.refresh_from_db()
    case.subject.refresh_from_db()
    with pytest.raises(DomainError, match="第五十九条第五项"):
        documents.render(case, "decision")


def test_back_dated_step_judged_by_its_own_date(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    services.officer_update(actor=users.enforcement_head, officer=enf.o2, version=enf.o2.version, certificate_number="37030002",
                            issuing_authority="淄博市人民政府", valid_from="2020-01-01", valid_until="2023-06-05")
    with _at(datetime.date(2023, 7, 10)):
        step = services.step_record(actor=users.officer, case=case, kind=StepKind.INTERVIEW, content="询问当事人",
                                    place="执法办", occurred_at="2023-06-02 10:00", officers=[enf.o1.pk, enf.o2.pk])
        assert step.occurred_at.date() == datetime.date(2023, 6, 2)
        with pytest.raises(DomainError, match="2023-06-05过期"):
            services.step_record(actor=users.officer, case=case, kind=StepKind.INTERVIEW, content="询问", place="执法办",
                                 officers=[enf.o1.pk, enf.o2.pk])


def test_reviewer_needs_legal_qualification_since_2021(make_case, users, enf, tree):
    from fazhi.core import services as core_services
    from fazhi.core.roles import Role

    core_services.membership_grant(actor=users.admin, user=users.leader, node=tree.sub, role=Role.LEGAL_REVIEWER)
    users.leader.__dict__.pop("_fazhi_memberships", None)
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    with pytest.raises(DomainError, match="第五十八条第二款"):
        services.legal_review_record(actor=users.leader, case=case, opinion="approve", checklist=ALL_OK)
    with pytest.raises(DomainError, match="应当取得法律职业资格"):
        services.reviewer_register(actor=users.enforcement_head, user=users.leader, reviewing_since="2022-01-01")
    services.reviewer_register(actor=users.enforcement_head, user=users.leader, reviewing_since="2019-03-01")
    review = services.legal_review_record(actor=users.leader, case=case, opinion="approve", checklist=ALL_OK)
    assert review.opinion == "approve"


def test_case_page_shows_each_open_clock_with_its_explanation(make_case, users, enf, client_for):
    case = _notified(make_case, users, enf, datetime.date(2023, 6, 1))
    html = client_for(users.officer).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "正在计算的期限" in html and "当事人要求听证" in html and "当事人陈述、申辩" in html and "作出行政处罚决定" in html
    assert "第六十四条第一项" in html and "2023-06-08" in html
    data = client_for(users.officer)  # the API carries the same clocks
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users.officer)
    clocks = api.get(reverse("api_enforcement_case", args=[case.pk])).json()["clocks"]
    assert {c["rule"] for c in clocks} >= {"enforcement.hearing_request", "enforcement.statement", "enforcement.decision"}
    assert data is not None


def test_reviewer_registered_through_api_and_page(enf, users, api_for, client_for):
    api = api_for(users.enforcement_head)
    r = api.post(reverse("api_enforcement_reviewers"), {"user": users.leader.pk, "reviewing_since": "2023-01-05"}, format="json")
    assert r.status_code == 400 and "第五十八条第二款" in r.json()["detail"]
    r = api.post(reverse("api_enforcement_reviewers"), {"user": users.leader.pk, "reviewing_since": "2023-01-05",
                                                        "qualification_number": "A20223703000001"}, format="json")
    assert r.status_code == 201 and r.json()["qualification_number"] == "A20223703000001"
    r = api.post(reverse("api_enforcement_reviewers"), {"user": users.other_clerk.pk, "reviewing_since": "2019-01-05"},
                 format="json")
    assert r.status_code == 404  # another subdistrict's account: outside the head's scope
    assert api_for(users.officer).post(reverse("api_enforcement_reviewers"), {}, format="json").status_code == 403
    html = client_for(users.reviewer).get(reverse("enforcement:review_queue")).content.decode()
    assert "A20223703000001" in html and "A20213701000123" in html
    assert client_for(users.enforcement_head).get(reverse("enforcement:reviewer_new")).status_code == 200
