"""The case workflow: order, people, certificates, immutability, the legal-review gate, deadlines."""
import datetime

import pytest

from fazhi.core import clock, workdays
from fazhi.core.errors import Conflict, DomainError, TransitionNotAllowed
from fazhi.core.models import AuditEvent
from fazhi.enforcement import services
from fazhi.enforcement.models import Case, CaseStatus, StepKind
from fazhi.enforcement.workflow import case_workflow

from .conftest import advance, ready_to_decide

ALL_OK = {k: True for k in ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]}


def test_full_case_records_every_step_and_audits(make_case, users, enf):
    case = advance(make_case(), users, enf, to="closed")
    kinds = list(case.steps.values_list("kind", flat=True))
    assert kinds == ["filing", "inspection", "notice", "statement", "decision", "service", "execution", "closure"]
    assert case.number.startswith("稷下综执罚立〔2023〕")
    assert case.decision_due == datetime.date(2023, 8, 30)  # 90 (calendar) days from 2023-06-01, 第六十条
    assert case.service_due == datetime.date(2023, 6, 12)  # 7 working days, 第六十一条 + 第八十五条
    assert AuditEvent.objects.filter(object_type="enforcement.case", object_id=str(case.pk), action="transition").count() == 7


def test_out_of_order_step_refused_with_reason(make_case, users, enf):
    case = make_case()
    with pytest.raises(TransitionNotAllowed, match="当前状态为“待立案审批”，不能执行“告知当事人”"):
        services.case_transition(actor=users.officer, case=case, name="notify", officers=[enf.o1.pk, enf.o2.pk], place="x")
    assert case.steps.count() == 0


def test_wrong_person_refused(make_case, users, enf):
    case = make_case()
    with pytest.raises(TransitionNotAllowed, match="您没有权限执行“批准立案”"):
        services.case_transition(actor=users.officer, case=case, name="approve_filing")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


def test_notify_needs_evidence_first(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    assert "notify" not in [t.name for t in case_workflow.available(case, users.officer)]
    with pytest.raises(TransitionNotAllowed, match="尚无现场检查"):
        services.case_transition(actor=users.officer, case=case, name="notify", officers=[enf.o1.pk, enf.o2.pk], place="x")


def test_two_certificated_officers_required(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    with pytest.raises(DomainError, match="不少于2名"):
        services.step_record(actor=users.officer, case=case, kind=StepKind.INSPECTION, content="检查", place="刘家村", officers=[enf.o1.pk])
    assert not case.steps.filter(kind="inspection").exists()


def test_expired_certificate_cannot_act(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    services.officer_update(actor=users.enforcement_head, officer=enf.o2, version=enf.o2.version, certificate_number="37030002",
                            issuing_authority="淄博市人民政府", valid_from="2020-01-01", valid_until="2023-05-31")
    with pytest.raises(DomainError, match="执法证已于2023-05-31过期"):
        services.step_record(actor=users.officer, case=case, kind=StepKind.INSPECTION, content="检查", place="刘家村",
                             officers=[enf.o1.pk, enf.o2.pk])
    with pytest.raises(DomainError, match="过期"):
        make_case()


def test_recorded_step_is_immutable_and_corrections_point_back(make_case, users, enf):
    case = advance(make_case(), users, enf, to="notified")
    step = case.steps.get(kind="inspection")
    with pytest.raises(DomainError, match="不能修改或删除"):
        services.step_update(actor=users.officer, step=step, content="改")
    correction = services.step_correct(actor=users.officer, step=step, content="面积应为25平方米。", reason="测量笔误")
    step.refresh_from_db()
    assert step.content == "现场检查，彩钢棚约20平方米。"
    assert correction.corrects == step and correction.kind == StepKind.CORRECTION


def test_major_case_cannot_be_decided_without_review(make_case, users, enf):
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    assert case.is_major and "拟罚款金额达到1万元以上的" in case.major_reasons
    with pytest.raises(TransitionNotAllowed, match="须经法制审核"):
        services.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount="20000",
                                 decision_text="罚款20000元", discretion_applied="严重")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTIFIED


def test_large_decided_fine_makes_case_major(make_case, users, enf):
    case = advance(make_case(), users, enf, to="notified", fine="500")
    assert not case.is_major
    with pytest.raises(TransitionNotAllowed, match="须经法制审核"):
        services.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount="50000",
                                 decision_text="罚款50000元", discretion_applied="严重")
    assert not Case.objects.get(pk=case.pk).is_major  # nothing written


def test_review_gate_reject_then_approve(make_case, users, enf):
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    with pytest.raises(DomainError, match="逐项审核"):
        services.legal_review_record(actor=users.reviewer, case=case, opinion="approve", checklist={"subject": True})
    with pytest.raises(TransitionNotAllowed, match="需要填写理由"):
        services.legal_review_record(actor=users.reviewer, case=case, opinion="reject", checklist={}, reasons="")
    services.legal_review_record(actor=users.reviewer, case=case, opinion="reject", checklist={"subject": True}, reasons="证据不足，补充询问笔录。")
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    case = services.case_transition(actor=users.officer, case=case, name="notify", officers=[enf.o1.pk, enf.o2.pk], place="执法办",
                                    proposed_fine="20000")
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    services.legal_review_record(actor=users.reviewer, case=case, opinion="approve", checklist=ALL_OK)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
    case = ready_to_decide(case, users)
    case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount="20000",
                                    decision_text="罚款20000元", discretion_applied="严重")
    assert case.status == CaseStatus.DECIDED


def test_reviewer_who_is_case_officer_refused(make_case, users, enf, tree):
    from fazhi.core import services as core_services
    from fazhi.core.roles import Role

    # officer2 also holds the legal-reviewer role, but handles this case
    core_services.membership_grant(actor=users.admin, user=users.officer2, node=tree.sub, role=Role.LEGAL_REVIEWER)
    case = advance(make_case(), users, enf, to="notified", fine="20000")
    case = services.case_transition(actor=users.officer, case=case, name="submit_review")
    users.officer2.__dict__.pop("_fazhi_memberships", None)
    with pytest.raises(TransitionNotAllowed, match="不能审核自己承办的案件"):
        services.legal_review_record(actor=users.officer2, case=case, opinion="approve", checklist=ALL_OK)


def test_hearing_request_within_five_days(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    services.step_record(actor=users.officer, case=case, kind=StepKind.EVIDENCE, content="调取照片", place="刘家村",
                                officers=[enf.o1.pk, enf.o2.pk])
    case = services.case_transition(actor=users.officer, case=case, name="notify", officers=[enf.o1.pk, enf.o2.pk], place="执法办",
                                    heavy_penalty=True, proposed_fine="5000")
    # notice Thu 2023-06-01: 5 working days run to Thu 6/8 (第六十四条第一项 + 第八十五条); 6/9 is too late
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 9))):
        with pytest.raises(TransitionNotAllowed, match="第六十四条第一项"):
            services.case_transition(actor=users.officer, case=case, name="request_hearing")
    case = services.case_transition(actor=users.officer, case=case, name="request_hearing")
    with pytest.raises(TransitionNotAllowed, match="尚未通知当事人听证"):
        services.case_transition(actor=users.officer, case=case, name="hold_hearing", officers=[enf.o1.pk, enf.o2.pk],
                                 place="听证室", content="举行听证")
    case = services.case_transition(actor=users.officer, case=case, name="notify_hearing", hearing_at="2023-06-12 09:00",
                                    hearing_place="听证室", hearing_host=users.supervisor.pk)
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 12), 10)):
        case = services.case_transition(actor=users.officer, case=case, name="hold_hearing", officers=[enf.o1.pk, enf.o2.pk],
                                        place="听证室", content="举行听证")
    assert case.is_major and "经过听证程序" in "".join(case.major_reasons) and case.hearing_record == "举行听证"


def test_stale_version_conflict(make_case, users, enf):
    case = make_case()
    services.case_transition(actor=users.enforcement_head, case=case, name="approve_filing", version=0)
    with pytest.raises(Conflict):
        services.case_transition(actor=users.enforcement_head, case=case, name="reject_filing", version=0, reason="重复")


def test_extension_moves_decision_deadline(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    basis = "《某省行政程序规定》第X条：案情复杂的，经负责人批准可以延长三十日。"
    with pytest.raises(TransitionNotAllowed, match="理由"):
        services.case_transition(actor=users.enforcement_head, case=case, name="extend", extra_days=30, extension_basis=basis)
    with pytest.raises(DomainError, match="延长所依据的法律、法规、规章规定"):
        services.case_transition(actor=users.enforcement_head, case=case, name="extend", extra_days=30, reason="案情复杂")
    case = services.case_transition(actor=users.enforcement_head, case=case, name="extend", extra_days=30, reason="案情复杂",
                                    extension_basis=basis)
    assert case.decision_due == datetime.date(2023, 9, 29) and case.decision_extension_basis == basis
    # once only, audited with its basis
    with pytest.raises(TransitionNotAllowed, match="已延长过一次"):
        services.case_transition(actor=users.enforcement_head, case=case, name="extend", extra_days=10, reason="再延",
                                 extension_basis=basis)
    event = AuditEvent.objects.filter(object_type="enforcement.case", object_id=str(case.pk), action_label="延长办案期限").get()
    assert basis in str(event.changes)


def test_publication_deadline_skips_holidays(make_case, users, enf):
    # decided 2023-09-27: 7 working days skip the Mid-autumn/National Day holiday (9/29–10/6) and count the make-up weekend 10/7–10/8
    d = workdays.compute_deadline("enforcement.publish_penalty", datetime.date(2023, 9, 27))
    assert d.due == datetime.date(2023, 10, 12)
    assert "国庆节" in d.explain() and "国办发〔2018〕118号" in d.explain()
    other = workdays.compute_deadline("enforcement.publish_other", datetime.date(2023, 9, 27))
    assert other.due == datetime.date(2023, 10, 31)
    w = workdays.compute_deadline("enforcement.withdraw", datetime.date(2023, 4, 28))
    assert w.due == datetime.date(2023, 5, 6)  # Labour Day holiday 4/29–5/3 skipped; Saturday 5/6 is a make-up working day


def test_heavy_penalty_decision_waits_for_hearing_window(make_case, users, enf):
    case = advance(make_case(), users, enf, to="investigating")
    services.step_record(actor=users.officer, case=case, kind=StepKind.EVIDENCE, content="取证", place="刘家村", officers=[enf.o1.pk, enf.o2.pk])
    case = services.case_transition(actor=users.officer, case=case, name="notify", officers=[enf.o1.pk, enf.o2.pk], place="执法办",
                                    heavy_penalty=True, proposed_fine="5000")
    decide = dict(result="penalty", fine_amount="5000", decision_text="罚款5000元", discretion_applied="较重")
    # 5 working days from Thu 2023-06-01 (第六十四条第一项 + 第八十五条) run to Thu 6/8
    with pytest.raises(TransitionNotAllowed, match="至2023-06-08"):
        services.case_transition(actor=users.enforcement_head, case=case, name="decide", **decide)
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 9))):
        case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", **decide)
    assert case.status == CaseStatus.DECIDED
