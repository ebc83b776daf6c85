"""Fixtures for the enforcement tests: the office (subject), a power list, certificated officers, a case factory."""
import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import clock
from fazhi.core import services as core_services
from fazhi.core.models import Unit
from fazhi.core.validators import make_id_number
from fazhi.enforcement import services
from fazhi.enforcement.models import PowerType

TODAY = datetime.date(2023, 6, 1)
ID_NUMBER = make_id_number("37030519800101123")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def upload(name="photo.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def frozen():
    with clock.frozen(clock.at_local(TODAY, 10)):
        yield TODAY


@pytest.fixture
def enf(users, tree, frozen):
    head = users.enforcement_head
    unit = core_services.unit_create(actor="测试", node=tree.sub, kind=Unit.Kind.DEPARTMENT, name="综合行政执法办公室")
    subject = services.subject_save(actor=head, unit=unit, legal_status="依法赋权的街道综合行政执法机构", address="稷下街道办事处",
                                    office_phone="0533-7000000", procedures="立案、调查、告知、决定、送达、执行", remedies="行政复议、行政诉讼",
                                    complaints="拨打12345", reconsideration_body="临淄区人民政府",
                                    litigation_court="淄博市临淄区人民法院")
    penalty = services.power_create(actor=head, subject=subject, code="CF-001", name="对违法搭建的处罚", power_type=PowerType.PENALTY,
                                    legal_basis="《城乡规划法》第六十五条", discretion="轻微：责令改正\n一般：罚款1000元以下\n严重：罚款1万元以上")
    inspection = services.power_create(actor=head, subject=subject, code="JC-001", name="对占道经营的检查", power_type=PowerType.INSPECTION,
                                       legal_basis="《城市市容和环境卫生管理条例》第十四条")
    valid = dict(certificate_number="37030001", issuing_authority="淄博市人民政府", valid_from=datetime.date(2021, 1, 1),
                 valid_until=datetime.date(2025, 12, 31))
    o1 = services.officer_create(actor=head, subject=subject, user=users.officer, **valid)
    o2 = services.officer_create(actor=head, subject=subject, user=users.officer2, **(valid | {"certificate_number": "37030002"}))
    oh = services.officer_create(actor=head, subject=subject, user=users.enforcement_head, **(valid | {"certificate_number": "37030003"}))
    services.reviewer_register(actor=head, user=users.reviewer, reviewing_since=datetime.date(2022, 3, 1),
                               qualification_number="A20213701000123", qualified_on=datetime.date(2021, 12, 1))
    return SimpleNamespace(subject=subject, penalty=penalty, inspection=inspection, o1=o1, o2=o2, oh=oh, head=head, unit=unit)


@pytest.fixture
def make_case(enf, tree, users):
    def make(**kw):
        data = dict(actor=users.officer, subject=enf.subject, power=enf.penalty, node=tree.liu, title="违法搭建彩钢棚",
                    party_kind="person", party_name="张三丰", party_id_number=ID_NUMBER, party_phone="13800001111",
                    party_address="稷下街道刘家村3排5号", facts="当事人未经批准在自家院外搭建彩钢棚约20平方米。", officers=[enf.o1.pk, enf.o2.pk])
        data.update(kw)
        return services.case_create(**data)
    return make


def ready_to_decide(case, users):
    """The party's recorded waiver of statement and defence (第六十二条) and, for a major or complex case, the
    leaders' collective decision (第五十七条第二款): what a same-day decision needs."""
    case = services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
    if case.is_major or case.is_complex:
        case = services.case_transition(actor=users.enforcement_head, case=case, name="collective_decide",
                                        attendees="主任、副主任", content="经集体讨论，同意拟作出的处罚。")
    return case


def advance(case, users, enf, to="decided", fine="500", major_review=True):
    """Drive a case through the workflow with valid steps."""
    from fazhi.enforcement.models import CaseStatus, StepKind

    s = services
    if case.status == CaseStatus.DRAFT:  # a case filed earlier (another frozen date) goes on from there
        case = s.case_transition(actor=users.enforcement_head, case=case, name="approve_filing")
    if to == "investigating":
        return case
    step = s.step_record(actor=users.officer, case=case, kind=StepKind.INSPECTION, content="现场检查，彩钢棚约20平方米。",
                         place="刘家村", officers=[enf.o1.pk, enf.o2.pk])
    s.evidence_upload(actor=users.officer, step=step, upload=upload("scene.mp4", MP4, "video/mp4"))
    case = s.case_transition(actor=users.officer, case=case, name="notify", place="执法办", officers=[enf.o1.pk, enf.o2.pk],
                             content="告知拟作出的处罚及陈述申辩权。", proposed_fine=fine)
    if to == "notified":
        return case
    case = s.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
    if case.is_major and major_review:
        case = s.case_transition(actor=users.officer, case=case, name="submit_review")
        s.legal_review_record(actor=users.reviewer, case=case, opinion="approve",
                              checklist={k: True for k in ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]})
        case.refresh_from_db()
    if case.is_major or case.is_complex:
        case = s.case_transition(actor=users.enforcement_head, case=case, name="collective_decide",
                                 attendees="主任、副主任", content="经集体讨论，同意拟作出的处罚。")
    case = s.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount=fine,
                             decision_text=f"责令限期拆除，并处罚款{fine}元。", decision_basis="《城乡规划法》第六十五条",
                             discretion_applied="一般情节")
    if to == "decided":
        return case
    case = s.case_transition(actor=users.officer, case=case, name="serve", place="当事人住所", officers=[enf.o1.pk, enf.o2.pk],
                             content="直接送达，当事人签收。")
    case = s.case_transition(actor=users.officer, case=case, name="execute", place="刘家村", officers=[enf.o1.pk, enf.o2.pk],
                             content="当事人已缴纳罚款并自行拆除。")
    case = s.case_transition(actor=users.enforcement_head, case=case, name="close")
    assert case.status == CaseStatus.CLOSED
    return case
