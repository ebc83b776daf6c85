"""Census makers: one object of each model the enforcement routes look up, inside 稷下街道 / 刘家村."""
import datetime

from fazhi.core import services as core_services
from fazhi.core.models import Unit
from fazhi.enforcement import services
from fazhi.enforcement.models import Case as CaseModel
from fazhi.enforcement.models import CaseStep, Officer, Power, PowerType, Publication, Subject


def _subject(tree, users):
    subject = Subject.objects.filter(node=tree.sub).first()
    if subject:
        return subject
    unit = core_services.unit_create(actor="测试", node=tree.sub, kind=Unit.Kind.DEPARTMENT, name="综合行政执法办公室")
    return services.subject_save(actor=users.enforcement_head, unit=unit, legal_status="依法赋权的街道综合行政执法机构")


def power(tree, users):
    subject = _subject(tree, users)
    return Power.objects.filter(subject=subject).first() or services.power_create(
        actor=users.enforcement_head, subject=subject, code="CENSUS-1", name="普查事项违法搭建处罚",
        power_type=PowerType.PENALTY, legal_basis="《城乡规划法》第六十五条")


def officer(tree, users):
    subject = _subject(tree, users)
    found = Officer.objects.filter(subject=subject).order_by("pk").first()
    if found:
        return found
    valid = dict(certificate_number="37039901", issuing_authority="淄博市人民政府", valid_from=datetime.date(2020, 1, 1),
                 valid_until=datetime.date(2099, 12, 31))
    first = services.officer_create(actor=users.enforcement_head, subject=subject, user=users.officer, **valid)
    services.officer_create(actor=users.enforcement_head, subject=subject, user=users.officer2,
                            **(valid | {"certificate_number": "37039902"}))
    return first


def case(tree, users):
    officer(tree, users)
    subject = _subject(tree, users)
    return services.case_create(
        actor=users.officer, subject=subject, power=power(tree, users), node=tree.liu, title="普查案件违法搭建",
        party_kind="person", party_name="普查当事人", facts="普查用事实。",
        officers=list(Officer.objects.filter(subject=subject).values_list("pk", flat=True)[:2]))


def step(tree, users):
    c = case(tree, users)
    c = services.case_transition(actor=users.enforcement_head, case=c, name="approve_filing")
    return CaseStep.objects.filter(case=c).first()


def publication(tree, users):
    c = case(tree, users)
    return Publication.objects.create(case=c, node=c.node, kind=Publication.Kind.PENALTY, title="普查公示标题",
                                      party_display="普**", body="普查公示内容", published_on=datetime.date(2024, 1, 2),
                                      published_by=users.enforcement_head)


MAKERS = {CaseModel: case, CaseStep: step, Officer: officer, Power: power, Publication: publication}
