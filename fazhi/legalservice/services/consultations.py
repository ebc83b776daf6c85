"""Legal-services writes: consultations."""
import datetime

from django.db import transaction

from fazhi.core import audit, clock, codes, workdays
from fazhi.core.errors import DomainError
from fazhi.core.masking import contains_personal_numbers, mask_names_in_text, scrub_text
from fazhi.core.models import OrgNode
from fazhi.core.validators import clean_text, validate_phone
from fazhi.core.workflow import lock

from ..models import Advisor, Consultation
from ..workflow import consultation_workflow
from ._common import ANSWER_RULE, MAX_ANSWER, MAX_QUESTION

# ---- consultations ----------------------------------------------------------------------------------------------

def _new_code():
    return codes.tracking_code(Consultation.objects.all(), "code", length=10)


def route_advisor(village):
    """The village's advisor; else a full-time advisor of its subdistrict; else nobody (staff assign)."""
    advisor = Advisor.objects.filter(villages=village, is_active=True, kind=Advisor.Kind.VILLAGE).order_by("id").first()
    if advisor is None:
        advisor = Advisor.objects.filter(node_id=village.parent_id, is_active=True, kind=Advisor.Kind.FULLTIME).order_by("id").first()
    return advisor


def _answer_due(asked_on):
    deadline = workdays.compute_deadline(ANSWER_RULE, asked_on)
    return deadline.due


@transaction.atomic
def consultation_create(*, village, asker_name, phone, title, question, is_anonymous=False, actor=None):
    errors = {}
    values = {}
    for field, label, value, max_length in (("asker_name", "姓名", asker_name, 50), ("title", "标题", title, 100),
                                             ("question", "问题", question, MAX_QUESTION)):
        try:
            values[field] = clean_text(value, field=field, label=label, max_length=max_length)
        except DomainError as exc:
            errors.update(exc.field_errors)
    try:
        values["phone"] = validate_phone(phone, field="phone")
    except DomainError as exc:
        errors.update(exc.field_errors)
    if village is None or village.kind != OrgNode.Kind.VILLAGE or not village.is_active:
        errors["village"] = "请选择您所在的村（社区）。"
    if errors:
        raise DomainError("请检查填写的内容：" + "；".join(errors.values()), field_errors=errors)
    asked_at = clock.now()
    consultation = Consultation.objects.create(
        node=village, advisor=route_advisor(village), code=_new_code(), is_anonymous=bool(is_anonymous), asked_at=asked_at,
        due_date=_answer_due(clock.today()), **values)
    audit.record(actor=actor or "群众（公众网站）", action="create", obj=consultation, action_label="群众在线咨询",
                 changes={"title": consultation.title, "advisor": consultation.advisor.name if consultation.advisor else None,
                          "due_date": consultation.due_date})
    return consultation


@transaction.atomic
def consultation_answer(*, actor, consultation, answer, version=None):
    obj = lock(Consultation, consultation.pk, version)
    consultation_workflow.check(obj, actor, "answer")
    obj.answer = clean_text(answer, field="answer", label="答复", max_length=MAX_ANSWER)
    obj.status = Consultation.Status.ANSWERED
    obj.answered_at = clock.now()
    obj.answered_by = actor
    obj.version += 1
    obj.save()
    audit.record(actor=actor, action="transition", obj=obj, action_label="答复咨询",
                 changes={"status": ["pending", "answered"], "answer_chars": len(obj.answer)})
    return obj


def cleaned_public_text(consultation, text):
    """Personal numbers removed and the asker's name masked — what a public example may show."""
    names = [consultation.asker_name]
    return scrub_text(mask_names_in_text(text or "", names))


@transaction.atomic
def consultation_publish(*, actor, consultation, version=None, public_question=None, public_answer=None):
    obj = lock(Consultation, consultation.pk, version)
    consultation_workflow.check(obj, actor, "publish")
    question = cleaned_public_text(obj, public_question if public_question else obj.question)
    answer = cleaned_public_text(obj, public_answer if public_answer else obj.answer)
    question = clean_text(question, field="public_question", label="公开的问题", max_length=MAX_QUESTION)
    answer = clean_text(answer, field="public_answer", label="公开的答复", max_length=MAX_ANSWER)
    if contains_personal_numbers(question + answer):
        raise DomainError("公开内容中仍含有身份证号或电话号码，请删除后再发布。")
    obj.public_question, obj.public_answer = question, answer
    obj.is_published = True
    obj.published_at = clock.now()
    obj.version += 1
    obj.save()
    audit.record(actor=actor, action="publish", obj=obj, action_label="发布为公开咨询案例", is_public=True,
                 changes={"public_question_chars": len(question)})
    return obj


@transaction.atomic
def consultation_unpublish(*, actor, consultation, reason, version=None):
    obj = lock(Consultation, consultation.pk, version)
    consultation_workflow.check(obj, actor, "unpublish", reason=reason)
    obj.is_published = False
    obj.version += 1
    obj.save()
    audit.record(actor=actor, action="withdraw", obj=obj, reason=reason, action_label="撤回公开咨询案例")
    return obj


@workdays.register_recompute
def recompute(actor):
    changed = 0
    for c in Consultation.objects.filter(status=Consultation.Status.PENDING).only("id", "asked_at", "due_date"):
        due = _answer_due(c.asked_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date())
        if due != c.due_date:
            Consultation.objects.filter(pk=c.pk).update(due_date=due)
            changed += 1
    return changed


def answer_deadline(consultation):
    day = consultation.asked_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    return workdays.compute_deadline(ANSWER_RULE, day)
