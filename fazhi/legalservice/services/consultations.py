"""Legal-services writes: consultations."""
import datetime

from django.db import transaction

from fazhi.core import audit, clock, codes, orgkinds, workdays
from fazhi.core.errors import DomainError
from fazhi.core.masking import contains_personal_numbers, mask_names_in_text, scrub_text
from fazhi.core.validators import clean_text, validate_phone

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
            values[field] = clean_text(value, field=field, label=label, max_length=max_length,
                                       redact_numbers=field != "asker_name")
        except DomainError as exc:
            errors.update(exc.field_errors)
    try:
        values["phone"] = validate_phone(phone, field="phone")
    except DomainError as exc:
        errors.update(exc.field_errors)
    if village is None or village.level != orgkinds.VILLAGE or not village.is_active:
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
    _notify_advisor(consultation)
    return consultation


def _notify_advisor(consultation: Consultation) -> None:
    """The advisor it was routed to is told at once (after the commit); with no advisor account, whoever answers
    consultations on the village."""
    from django.urls import reverse

    from fazhi.core import notifications

    from ..policies import consultation_policy

    advisor = consultation.advisor
    people = [advisor.user] if advisor is not None and advisor.user_id else list(
        notifications.who_may(consultation_policy, "answer", consultation.node))
    due = f"请在{consultation.due_date:%Y年%m月%d日}前答复。" if consultation.due_date else ""
    notifications.notify(recipients=people, kind="legalservice.consultation", title=f"新的在线咨询：{consultation.title}",
                         body=f"{consultation.node.name}群众在线咨询。{due}", obj=consultation, level="warning",
                         url=reverse("legalservice:consultation_detail", args=[consultation.pk]))


def _answer(obj, *, actor, reason, data, transition) -> dict:
    obj.answer = clean_text(data.get("answer"), field="answer", label="答复", max_length=MAX_ANSWER)
    obj.answered_at = clock.now()
    obj.answered_by = actor
    return {"answer_chars": len(obj.answer)}


def consultation_answer(*, actor, consultation: Consultation, answer: str, version=None) -> Consultation:
    return consultation_workflow.run(consultation, actor=actor, name="answer", version=version,
                                     data={"answer": answer}, handler=_answer)


def cleaned_public_text(consultation, text):
    """Personal numbers removed and the asker's name masked — what a public example may show."""
    names = [consultation.asker_name]
    return scrub_text(mask_names_in_text(text or "", names))


def _publish(obj, *, actor, reason, data, transition) -> dict:
    question = cleaned_public_text(obj, data.get("public_question") or obj.question)
    answer = cleaned_public_text(obj, data.get("public_answer") or obj.answer)
    question = clean_text(question, field="public_question", label="公开的问题", max_length=MAX_QUESTION)
    answer = clean_text(answer, field="public_answer", label="公开的答复", max_length=MAX_ANSWER)
    if contains_personal_numbers(question + answer):
        raise DomainError("公开内容中仍含有身份证号或电话号码，请删除后再发布。")
    obj.public_question, obj.public_answer = question, answer
    obj.is_published = True
    obj.published_at = clock.now()
    return {"public_question_chars": len(question)}


def _unpublish(obj, *, actor, reason, data, transition) -> None:
    obj.is_published = False


def consultation_publish(*, actor, consultation: Consultation, version=None, public_question: str | None = None,
                         public_answer: str | None = None) -> Consultation:
    return consultation_workflow.run(consultation, actor=actor, name="publish", version=version, handler=_publish,
                                     data={"public_question": public_question, "public_answer": public_answer})


def consultation_unpublish(*, actor, consultation: Consultation, reason: str, version=None) -> Consultation:
    return consultation_workflow.run(consultation, actor=actor, name="unpublish", version=version, reason=reason,
                                     handler=_unpublish)


CONSULTATION_ACTIONS = {
    "answer": lambda *, actor, consultation, data, version: consultation_answer(
        actor=actor, consultation=consultation, answer=data.get("answer", ""), version=version),
    "publish": lambda *, actor, consultation, data, version: consultation_publish(
        actor=actor, consultation=consultation, version=version, public_question=data.get("public_question", ""),
        public_answer=data.get("public_answer", "")),
    "unpublish": lambda *, actor, consultation, data, version: consultation_unpublish(
        actor=actor, consultation=consultation, reason=data.get("reason", ""), version=version),
}


def consultation_transition(*, actor, consultation: Consultation, name: str, data: dict, version=None) -> Consultation:
    """One entry for the page and the API: answer / publish / unpublish (anything else: the table's refusal)."""
    action = CONSULTATION_ACTIONS.get(name)
    if action is None:
        consultation_workflow.get(name)  # raises the Chinese "未知的操作"
    return action(actor=actor, consultation=consultation, data=data, version=version)


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
