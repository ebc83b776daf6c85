"""Every write of the enforcement module. Keyword-only, atomic, audited. The UI, the API, ledger import and the
demo call these same functions. Every state change goes through a workflow's ``run`` (workflow.py); the handlers
here set side fields only."""
from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from fazhi.core import audit, clock, files, masking, orgkinds, policy, workdays
from fazhi.core.errors import DomainError
from fazhi.core.search import search_text
from fazhi.core.validators import (
    clean_date,
    clean_decimal,
    clean_int,
    clean_text,
    validate_id_number,
    validate_phone,
)
from fazhi.core.workflow import lock

from . import rules
from .models import (
    EVALUATION_CHECKLIST,
    EVIDENCE_STEP_KINDS,
    REVIEW_CHECKLIST,
    STEP_RULES,
    Accountability,
    Case,
    CaseStatus,
    CaseStep,
    CustodyEvent,
    Evaluation,
    LegalReview,
    MajorCaseRule,
    Officer,
    Power,
    PowerType,
    Publication,
    Result,
    ReviewerQualification,
    StepKind,
    Subject,
)
from .policies import VIEW, case_policy
from .workflow import (
    EVIDENCE_STATES,
    case_workflow,
    not_case_officer,
    officer_workflow,
    publication_workflow,
    review_history_workflow,
    review_workflow,
)

EVIDENCE_KINDS = ("image", "pdf", "audio", "video")


def _require(actor, perm: str, node) -> None:
    """Outside the actor's view scope → 404; visible but the role may not ``perm`` here → 403."""
    policy.require(actor, perm, node, view_perm=VIEW)


def _occurred_at(value, field: str = "occurred_at") -> datetime.datetime:
    """A step's time: now when empty; never in the future."""
    if value in (None, ""):
        return clock.now()
    return _datetime(value, field=field, label="环节时间", not_future=True)


def _datetime(value, *, field: str, label: str, not_future: bool = False) -> datetime.datetime:
    """A date and time from a datetime, a date (09:00) or "2023-05-01 09:30". (Core validators clean dates only;
    this is the module's one datetime parser.)"""
    if value in (None, ""):
        raise DomainError(f"请填写{label}。", field_errors={field: f"请填写{label}。"})
    if isinstance(value, datetime.datetime):
        dt = value
    elif isinstance(value, datetime.date):
        dt = datetime.datetime.combine(value, datetime.time(9, 0))
    else:
        try:
            dt = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError("时间格式应为 2023-05-01 09:30。", field_errors={field: "时间格式应为 2023-05-01 09:30。"})
    if dt.tzinfo is None:
        from django.utils import timezone

        dt = timezone.make_aware(dt)
    clean_date(dt.date(), field=field, label=label)
    if not_future and dt > clock.now() + datetime.timedelta(minutes=5):
        raise DomainError(f"{label}不能晚于现在。", field_errors={field: f"{label}不能晚于现在。"})
    return dt


def _money(value, field: str, label: str, *, required: bool = False):
    return clean_decimal(value, field=field, label=label, max_value=9_999_999_999, required=required)


# ---- subject, powers, officers -----------------------------------------------------------------------------

@transaction.atomic
def subject_save(*, actor, unit, legal_status, address="", office_phone="", procedures="", remedies="", complaints="",
                 reconsideration_body="", litigation_court=""):
    """Create or update the enforcement subject of a unit (the comprehensive enforcement office)."""
    node = unit.node
    _require(actor, "enforcement.manage", node)
    values = dict(
        legal_status=clean_text(legal_status, field="legal_status", label="主体资格", max_length=200),
        address=clean_text(address, field="address", label="办公地址", max_length=200, required=False),
        office_phone=clean_text(office_phone, field="office_phone", label="办公电话", max_length=40, required=False),
        procedures=clean_text(procedures, field="procedures", label="执法程序说明", max_length=5000, required=False),
        remedies=clean_text(remedies, field="remedies", label="救济途径", max_length=3000, required=False),
        complaints=clean_text(complaints, field="complaints", label="投诉举报方式", max_length=3000, required=False),
        reconsideration_body=clean_text(reconsideration_body, field="reconsideration_body", label="行政复议机关",
                                        max_length=200, required=False),
        litigation_court=clean_text(litigation_court, field="litigation_court", label="管辖人民法院", max_length=200,
                                    required=False),
    )
    subject = Subject.objects.filter(unit=unit).first()
    if subject is None:
        subject = Subject.objects.create(node=node, unit=unit, **values)
        audit.record(actor=actor, action="create", obj=subject, node=node, changes=values, action_label="登记执法主体", is_public=True)
    else:
        before = audit.snapshot(subject, list(values))
        for k, v in values.items():
            setattr(subject, k, v)
        subject.save()
        audit.record(actor=actor, action="update", obj=subject, node=node, changes=audit.diff(before, values), action_label="修改执法主体信息")
    return subject


def _power_values(code, name, power_type, legal_basis, discretion):
    if power_type not in PowerType.values:
        raise DomainError("权力类型应为行政处罚、行政检查或行政强制。", field_errors={"power_type": "请选择权力类型。"})
    return dict(
        code=clean_text(code, field="code", label="事项编码", max_length=40),
        name=clean_text(name, field="name", label="事项名称", max_length=200),
        power_type=power_type,
        legal_basis=clean_text(legal_basis, field="legal_basis", label="法律依据", max_length=5000),
        discretion=clean_text(discretion, field="discretion", label="裁量基准", max_length=5000, required=False),
    )


@transaction.atomic
def power_create(*, actor, subject, code, name, power_type, legal_basis, discretion=""):
    _require(actor, "enforcement.manage", subject.node)
    values = _power_values(code, name, power_type, legal_basis, discretion)
    if Power.objects.filter(subject=subject, code=values["code"]).exists():
        raise DomainError(f"事项编码“{values['code']}”已存在。", field_errors={"code": "编码已存在。"})
    power = Power.objects.create(node=subject.node, subject=subject, **values)
    audit.record(actor=actor, action="create", obj=power, changes=values, action_label="新增权责清单事项", is_public=True)
    return power


@transaction.atomic
def power_update(*, actor, power, version, code, name, power_type, legal_basis, discretion="", is_active=True):
    _require(actor, "enforcement.manage", power.node)
    power = lock(Power, power.pk, version)
    values = _power_values(code, name, power_type, legal_basis, discretion) | {"is_active": bool(is_active)}
    if Power.objects.filter(subject=power.subject, code=values["code"]).exclude(pk=power.pk).exists():
        raise DomainError(f"事项编码“{values['code']}”已存在。", field_errors={"code": "编码已存在。"})
    before = audit.snapshot(power, list(values))
    for k, v in values.items():
        setattr(power, k, v)
    power.version += 1
    power.save()
    audit.record(actor=actor, action="update", obj=power, changes=audit.diff(before, values), action_label="修改权责清单事项", is_public=True)
    return power


def _officer_values(certificate_number, issuing_authority, valid_from, valid_until, status):
    values = dict(
        certificate_number=clean_text(certificate_number, field="certificate_number", label="执法证号", max_length=40, required=False),
        issuing_authority=clean_text(issuing_authority, field="issuing_authority", label="发证机关", max_length=100, required=False),
        valid_from=clean_date(valid_from, field="valid_from", label="有效期起", required=False),
        valid_until=clean_date(valid_until, field="valid_until", label="有效期至", required=False),
        status=status or Officer.Status.ACTIVE,
    )
    if values["status"] not in Officer.Status.values:
        raise DomainError("执法证状态不正确。", field_errors={"status": "请选择状态。"})
    if values["certificate_number"] and not values["valid_until"]:
        raise DomainError("请填写执法证有效期至。", field_errors={"valid_until": "请填写有效期。"})
    if values["valid_from"] and values["valid_until"] and values["valid_until"] < values["valid_from"]:
        raise DomainError("有效期至不能早于有效期起。", field_errors={"valid_until": "有效期至不能早于有效期起。"})
    return values


@transaction.atomic
def officer_create(*, actor, subject, user, certificate_number="", issuing_authority="", valid_from=None, valid_until=None,
                   status=Officer.Status.ACTIVE):
    _require(actor, "enforcement.manage", subject.node)
    if user is None:
        raise DomainError("请选择执法人员的账号。", field_errors={"user": "请选择账号。"})
    if not user.is_active or not user.memberships.filter(is_active=True, node__path__startswith=subject.node.path).exists():
        message = f"{user.display_name}不是{subject.node.name}的工作人员，不能登记为本执法主体的执法人员。"
        raise DomainError(message, field_errors={"user": message})
    if Officer.objects.filter(user=user).exists():
        raise DomainError(f"{user.display_name}已登记为执法人员。", field_errors={"user": "该账号已登记。"})
    values = _officer_values(certificate_number, issuing_authority, valid_from, valid_until, status)
    officer = Officer.objects.create(node=subject.node, subject=subject, user=user, name=user.display_name, **values)
    audit.record(actor=actor, action="create", obj=officer, changes=values | {"user": user.username}, action_label="登记执法人员", is_public=True)
    return officer


OFFICER_STATUS_TRANSITIONS = {
    (Officer.Status.ACTIVE, Officer.Status.SUSPENDED): "suspend",
    (Officer.Status.ACTIVE, Officer.Status.REVOKED): "revoke",
    (Officer.Status.SUSPENDED, Officer.Status.REVOKED): "revoke",
    (Officer.Status.SUSPENDED, Officer.Status.ACTIVE): "reinstate",
}


@transaction.atomic
def officer_update(*, actor, officer: Officer, version, certificate_number="", issuing_authority="", valid_from=None,
                   valid_until=None, status=Officer.Status.ACTIVE, reason: str = "") -> Officer:
    """Certificate details; a change of status (暂扣/注销/恢复) goes through the officer workflow."""
    _require(actor, "enforcement.manage", officer.node)
    values = _officer_values(certificate_number, issuing_authority, valid_from, valid_until, status)
    new_status = values.pop("status")
    if new_status != officer.status:
        name = OFFICER_STATUS_TRANSITIONS.get((officer.status, new_status))
        if name is None:
            raise DomainError(f"执法证状态不能从“{officer.get_status_display()}”改为“{Officer.Status(new_status).label}”。",
                              field_errors={"status": "状态变更不允许。"})

        def set_certificate(obj, **_):
            before = audit.snapshot(obj, list(values))
            for k, v in values.items():
                setattr(obj, k, v)
            return audit.diff(before, values)

        return officer_workflow.run(officer, actor=actor, name=name, version=version, reason=reason, handler=set_certificate)
    officer = lock(Officer, officer.pk, version)
    before = audit.snapshot(officer, list(values))
    for k, v in values.items():
        setattr(officer, k, v)
    officer.version += 1
    officer.save()
    audit.record(actor=actor, action="update", obj=officer, changes=audit.diff(before, values), action_label="修改执法证信息")
    return officer


# ---- cases ---------------------------------------------------------------------------------------------------

def _officers_for(subject, officer_ids, on, *, minimum, field="officers"):
    """Resolve officer ids of ``subject``; each must hold a valid certificate on ``on``."""
    ids = []
    for raw in officer_ids or []:
        try:
            ids.append(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            raise DomainError("执法人员选择不正确。", field_errors={field: "执法人员选择不正确。"})
    officers = list(Officer.objects.filter(subject=subject, pk__in=set(ids)))
    if len(officers) != len(set(ids)):
        raise DomainError("所选执法人员不存在或不属于本执法主体。", field_errors={field: "执法人员不存在。"})
    problems = [p for p in (o.certificate_problem(on) for o in officers) if p]
    if problems:
        message = "；".join(problems) + "，不能参与执法。"
        raise DomainError(message, field_errors={field: message})
    if len(officers) < minimum:
        message = f"本环节须由不少于{minimum}名持有有效执法证的执法人员进行（行政处罚法第四十二条），当前{len(officers)}名。"
        raise DomainError(message, field_errors={field: message})
    return officers


def _party(party_kind, party_name, party_id_number, party_phone, party_address):
    if party_kind not in Case.PartyKind.values:
        raise DomainError("请选择当事人类型。", field_errors={"party_kind": "请选择当事人类型。"})
    values = dict(
        party_kind=party_kind,
        party_name=clean_text(party_name, field="party_name", label="当事人", max_length=100),
        party_id_number="",
        party_phone="",
        party_address=clean_text(party_address, field="party_address", label="地址", max_length=200, required=False),
    )
    if party_id_number:
        if party_kind == Case.PartyKind.PERSON:
            values["party_id_number"] = validate_id_number(party_id_number, field="party_id_number")
        else:
            values["party_id_number"] = clean_text(party_id_number, field="party_id_number", label="统一社会信用代码", max_length=30)
    if party_phone:
        values["party_phone"] = validate_phone(party_phone, field="party_phone")
    return values


@transaction.atomic
def case_create(*, actor, subject, power, node, title, party_kind, party_name, facts, officers, party_id_number="",
                party_phone="", party_address="", involves_public_interest=False, is_complex=False, on=None):
    """Register a case awaiting filing approval (待立案审批), with its two handling officers.

    ``on`` is the day the officers took the case up when it is entered later (history from a ledger: its filing
    date): their certificates are judged on that day (行政处罚法第四十二条), not today. Empty: today."""
    if node is None or not node.path.startswith(subject.node.path):
        raise DomainError("案件发生地应在执法主体所在街道范围内。", field_errors={"node": "发生地不在本街道。"})
    _require(actor, "enforcement.handle", node)
    if power is None or power.subject_id != subject.pk or not power.is_active:
        raise DomainError("请选择本执法主体权责清单内的有效事项。", field_errors={"power": "请选择执法事项。"})
    values = dict(
        title=clean_text(title, field="title", label="案由", max_length=200),
        facts=clean_text(facts, field="facts", label="案件事实", max_length=10000),
        involves_public_interest=bool(involves_public_interest), is_complex=bool(is_complex),
    ) | _party(party_kind, party_name, party_id_number, party_phone, party_address)
    on = clean_date(on, field="filed_on", label="立案日期", required=False, not_future=True) or clock.today()
    handlers = _officers_for(subject, officers, on, minimum=2)
    case = Case.objects.create(node=node, subject=subject, power=power, created_at=clock.now(), created_by=actor, **values)
    case.officers.set(handlers)
    case.search_text = search_text(case.title, case.party_name, case.facts, power.name)
    case.save(update_fields=["search_text"])
    audit.record(actor=actor, action="create", obj=case, changes={k: v for k, v in values.items() if k not in {"party_id_number", "party_phone"}}
                 | {"officers": [o.name for o in handlers]}, action_label="登记案件（待立案审批）")
    return case


def major_reasons(case, *, fine=None):
    """The major-case rules (重大执法决定情形) this case meets."""
    fine = fine if fine is not None else (case.fine_amount if case.fine_amount is not None else case.proposed_fine)
    reasons = []
    for rule in MajorCaseRule.objects.filter(is_active=True):
        K = MajorCaseRule.Kind
        hit = (
            (rule.kind == K.FINE_OVER and fine is not None and rule.threshold is not None and fine >= rule.threshold)
            or (rule.kind == K.HEARING_HELD and case.hearing_held)
            or (rule.kind == K.PUBLIC_INTEREST and case.involves_public_interest)
            or (rule.kind == K.COMPLEX and case.is_complex)
            or (rule.kind == K.POWER_TYPE and rule.power_type and case.power.power_type == rule.power_type)
        )
        if hit:
            reasons.append(rule.name)
    return reasons


def _refresh_major(case, *, fine=None):
    reasons = major_reasons(case, fine=fine)
    case.major_reasons = reasons
    case.is_major = bool(reasons)


def open_clocks(case: Case, today: datetime.date | None = None) -> list[tuple[workdays.Deadline, str]]:
    """The case's running time limits, each a Deadline that explains itself, with its status today — not a limit that
    had run out before the case was entered in the platform (history from a ledger: no alarm, see
    ``selectors.expired_before_entry``)."""
    today = today or clock.today()
    entered = timezone.localdate(case.created_at)
    out = []
    for deadline, done_on in _clocks(case):
        if deadline is not None and done_on is None and not (deadline.due and deadline.due < entered):
            out.append((deadline, deadline.status(today)))
    return out


def _clocks(case: Case) -> list[tuple[workdays.Deadline | None, datetime.date | None]]:
    """(deadline, done on) for every time limit of the case so far; a clock with no done date is running."""
    out = []
    closed = case.status in (CaseStatus.NOT_FILED, CaseStatus.CLOSED)
    if case.filed_on and not closed:
        out.append((decision_deadline(case), case.decided_on))
    if case.notified_on and not case.decided_on:
        statement_done = case.statement_on or (case.notified_on if case.statement_waived else None)
        out.append((_deadline(rules.STATEMENT, case.notified_on), statement_done))
        if case.heavy_penalty:
            done = case.notified_on if (case.hearing_requested or case.hearing_waived) else None
            out.append((_deadline(rules.HEARING_REQUEST, case.notified_on), done))
    if case.decided_on:
        out.append((_deadline(rules.SERVICE, case.decided_on), case.served_on))
        published = case.publications.order_by("published_on").first()
        out.append((_deadline(publication_rule(case.result), case.decided_on),
                    published.published_on if published else None))
    return out


def _deadline(code: str, start: datetime.date, **kwargs) -> workdays.Deadline | None:
    try:
        return workdays.compute_deadline(code, start, **kwargs)
    except DomainError:
        return None


def decision_deadline(case):
    if not case.filed_on:
        return None
    return workdays.compute_deadline(rules.DECISION, case.filed_on, extra=case.decision_extension_days)


def _step(case, *, actor, kind, content, occurred_at=None, place="", documents="", officers=(), corrects=None,
          imported: bool = False):
    """One step of the case. A step brought in from a paper ledger (``imported``) does not count among the steps that
    must carry an audio-video record: the platform cannot know what the unit filmed then, so the coverage figure
    (执法全过程记录) judges only steps recorded here."""
    step = CaseStep.objects.create(
        case=case, node=case.node, kind=kind, occurred_at=occurred_at or clock.now(), place=place, content=content,
        documents=documents, av_required=STEP_RULES[kind][1] and not imported, corrects=corrects, recorded_by=actor,
        recorded_at=clock.now())
    if officers:
        step.officers.set(officers)
    return step


def _step_values(case, kind, *, occurred_at, place, content, documents, officers, default_content=""):
    when = _occurred_at(occurred_at)
    if case.filed_on and when.date() < case.filed_on and kind != StepKind.FILING:
        raise DomainError("环节时间不能早于立案日期。", field_errors={"occurred_at": "时间早于立案日期。"})
    minimum, _ = STEP_RULES[kind]
    people = _officers_for(case.subject, officers, when.date(), minimum=minimum) if (minimum or officers) else []
    return dict(
        occurred_at=when,
        place=clean_text(place, field="place", label="地点", max_length=200, required=minimum > 0),
        content=clean_text(content or default_content, field="content", label="内容", max_length=10000),
        documents=clean_text(documents, field="documents", label="文书", max_length=300, required=False),
        officers=people,
    )


@transaction.atomic
def step_record(*, actor, case, kind, content, occurred_at=None, place="", documents="", officers=(),
                imported: bool = False):
    """Record an investigation step (现场检查、询问调查、调查取证) on a case being investigated. ``imported``: history
    from a ledger (audited as such, with its business date)."""
    if kind not in EVIDENCE_STEP_KINDS:
        raise DomainError("此处只能记录现场检查、询问调查或调查取证；其他环节请使用对应的办理操作。", field_errors={"kind": "环节类型不正确。"})
    case = lock(Case, case.pk)
    _require(actor, "enforcement.handle", case.node)
    if case.status not in EVIDENCE_STATES:
        raise DomainError(f"案件当前状态为“{case.get_status_display()}”，不能记录{StepKind(kind).label}。请在立案后、告知前调查取证。")
    values = _step_values(case, kind, occurred_at=occurred_at, place=place, content=content, documents=documents,
                          officers=officers, default_content="")
    step = _step(case, actor=actor, kind=kind, imported=imported, **values)
    changes = {"step": step.pk, "kind": kind, "place": values["place"], "officers": [o.name for o in values["officers"]]}
    if imported:
        changes |= {"imported_history": True, "business_date": audit.normalize(values["occurred_at"].date())}
    audit.record(actor=actor, action="import" if imported else "step", obj=case, changes=changes,
                 action_label=("导入历史：" if imported else "") + f"记录{step.get_kind_display()}")
    return step


@transaction.atomic
def step_correct(*, actor, step, content, reason):
    """A recorded step is never changed: a correction is a new record pointing at the old one."""
    case = lock(Case, step.case_id)
    _require(actor, "enforcement.handle", case.node)
    if case.status == CaseStatus.CLOSED:
        raise DomainError("案件已结案，不能再更正记录。")
    reason = clean_text(reason, field="reason", label="更正理由", max_length=1000)
    content = clean_text(content, field="content", label="更正内容", max_length=10000)
    correction = _step(case, actor=actor, kind=StepKind.CORRECTION, content=content, corrects=step,
                       documents=f"更正理由：{reason}"[:300])
    audit.record(actor=actor, action="correct", obj=case, changes={"corrects": step.pk, "step": correction.pk}, reason=reason,
                 action_label=f"更正{step.get_kind_display()}记录")
    return correction


def step_update(*, actor, step, **changes):
    """Recorded steps are immutable; this exists so every caller gets the same clear refusal."""
    raise DomainError("执法环节记录一经记录不能修改或删除；如需更正，请新增一条“更正记录”并说明理由。", code="immutable")


@transaction.atomic
def evidence_upload(*, actor, step, upload):
    """Attach an evidence file (photo, audio, video, scan) to a step: streamed, hashed, type-checked, audited."""
    case = lock(Case, step.case_id)
    _require(actor, "enforcement.handle", case.node)
    if case.status in (CaseStatus.CLOSED, CaseStatus.NOT_FILED):
        raise DomainError("案件已结案，不能再上传证据。")
    if upload is None:
        raise DomainError("请选择要上传的文件。", field_errors={"file": "请选择文件。"})
    stored = files.store_upload(upload, owner=step, node=case.node, actor=actor, allowed_kinds=EVIDENCE_KINDS,
                                max_bytes=settings.FAZHI["EVIDENCE_MAX_BYTES"], purpose="evidence")
    CustodyEvent.objects.create(stored_file=stored, step=step, node=case.node, action=CustodyEvent.Action.UPLOADED,
                                user=actor, at=clock.now(), note=f"SHA-256 {stored.sha256[:16]}…")
    audit.record(actor=actor, action="upload", obj=case, changes={"step": step.pk, "file": stored.original_name, "sha256": stored.sha256,
                 "size": stored.size, "type": stored.content_type}, action_label=f"上传证据“{stored.original_name}”")
    return stored


def custody_record(user, stored, action=None, note=""):
    """Download hook: every time an evidence file is read, who and when is kept (called inside a transaction).
    Photos and PDFs open in the browser (viewed); audio and video are downloaded."""
    step = CaseStep.objects.filter(pk=stored.owner_id).first()
    if step is None:
        return
    if action is None:
        inline = stored.content_type.startswith("image/") or stored.content_type == "application/pdf"
        action = CustodyEvent.Action.VIEWED if inline else CustodyEvent.Action.DOWNLOADED
    CustodyEvent.objects.create(stored_file=stored, step=step, node=stored.node, action=action,
                                user=user if getattr(user, "pk", None) else None, at=clock.now(), note=note)


files.register_download_hook("enforcement.casestep", custody_record)


def _decision_fields(case, data):
    result = data.get("result") or ""
    if result not in Result.values:
        raise DomainError("请选择处理结果。", field_errors={"result": "请选择处理结果。"})
    fine = _money(data.get("fine_amount"), "fine_amount", "罚款金额")
    if result == Result.PENALTY and fine is None and "罚款" in (data.get("decision_text") or ""):
        raise DomainError("决定内容包含罚款，请填写罚款金额。", field_errors={"fine_amount": "请填写罚款金额。"})
    return dict(
        result=result,
        fine_amount=fine,
        decision_text=clean_text(data.get("decision_text"), field="decision_text", label="决定内容", max_length=10000),
        decision_basis=clean_text(data.get("decision_basis") or case.power.legal_basis, field="decision_basis", label="法律依据", max_length=5000),
        discretion_applied=clean_text(data.get("discretion_applied"), field="discretion_applied", label="裁量情况", max_length=3000,
                                      required=result == Result.PENALTY),
    )


STEP_OF = {"approve_filing": StepKind.FILING, "reject_filing": StepKind.FILING, "notify": StepKind.NOTICE,
           "record_statement": StepKind.STATEMENT, "request_hearing": StepKind.HEARING_REQUEST,
           "waive_hearing": StepKind.HEARING_WAIVER, "notify_hearing": StepKind.HEARING_NOTICE,
           "hold_hearing": StepKind.HEARING, "collective_decide": StepKind.COLLECTIVE,
           "submit_review": StepKind.REVIEW_SUBMIT, "decide": StepKind.DECISION, "serve": StepKind.SERVICE,
           "execute": StepKind.EXECUTION, "close": StepKind.CLOSURE, "extend": StepKind.EXTENSION}


def _default_content(name: str, reason: str, data: dict) -> str:
    return {"approve_filing": "经审批，同意立案。", "reject_filing": f"不予立案：{reason}", "submit_review": "提请法制审核。",
            "close": "执法决定已履行完毕，予以结案。", "request_hearing": "当事人提出听证申请。",
            "waive_hearing": "当事人明确表示放弃听证。", "record_statement": _statement_content(data),
            "notify_hearing": "通知当事人及有关人员听证的时间、地点。",
            "decide": data.get("decision_text") or "", "extend": f"延长办案期限：{reason}",
            "notify": "告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知其依法享有陈述、申辩的权利"
                      + ("以及要求听证的权利。" if data.get("heavy_penalty") else "。"),
            "hold_hearing": "依法举行听证。", "serve": "送达执法决定书。", "execute": "执法决定执行完毕。"}.get(name, "")


def _statement_content(data: dict) -> str:
    if data.get("statement_waived"):
        return "当事人明确放弃陈述、申辩权利。"
    parts = []
    if data.get("statement_text"):
        parts.append(f"当事人陈述、申辩：{data['statement_text']}")
    if data.get("statement_review"):
        parts.append(f"复核意见：{data['statement_review']}")
    return "\n".join(parts)


def _record_step(case: Case, *, actor, name: str, reason: str, data: dict,
                 imported: bool = False) -> tuple[CaseStep, datetime.date]:
    kind = STEP_OF[name]
    values = _step_values(case, kind, occurred_at=data.get("occurred_at"), place=data.get("place", ""),
                          content=data.get("content") or _default_content(name, reason, data),
                          documents=data.get("documents", ""), officers=data.get("officers") or ())
    return _step(case, actor=actor, kind=kind, imported=imported, **values), values["occurred_at"].date()


def _number(case: Case, kind: str, year: int, same: Q) -> str:
    prefix = case.subject.node.short_name or case.subject.node.name[:2]
    seq = Case.objects.filter(same, subject=case.subject).exclude(pk=case.pk).count() + 1
    return f"{prefix}{kind}〔{year}〕{seq}号"


def _given_number(case: Case, value, *, field: str, label: str, taken: Q) -> str:
    """A number a case already carries on paper (history from a ledger): kept as it is, unique in its subject."""
    number = clean_text(value, field=field, label=label, max_length=60)
    if Case.objects.filter(taken, subject=case.subject).exclude(pk=case.pk).exists():
        rules.refuse(f"{label}“{number}”已被本执法主体的其他案件使用。", field)
    return number


def _on_approve_filing(case, *, on, actor, data, **_):
    case.filed_on = on
    case.filing_approved_by = actor
    letter = {PowerType.PENALTY: "罚", PowerType.INSPECTION: "检", PowerType.COMPULSORY: "强"}[case.power.power_type]
    if data.get("number"):  # history: the number the paper file carries
        case.number = _given_number(case, data["number"], field="number", label="案号",
                                    taken=Q(number=str(data["number"]).strip()))
    else:
        case.number = _number(case, f"综执{letter}立", on.year,
                              Q(filed_on__year=on.year, power__power_type=case.power.power_type))
    d = decision_deadline(case)
    case.decision_due = d.due if d else None
    return {"number": case.number, "filed_on": case.filed_on, "decision_due": case.decision_due}


def _on_notify(case, *, on, data, **_):
    # A (new) notice opens new statement and hearing windows (第四十四条, 第六十四条第一项).
    case.statement_on, case.statement_waived, case.statement_text, case.statement_review = None, False, "", ""
    case.hearing_requested = case.hearing_waived = False
    case.notified_on = on
    case.heavy_penalty = bool(data.get("heavy_penalty"))
    case.proposed_fine = _money(data.get("proposed_fine"), "proposed_fine", "拟罚款金额")
    _refresh_major(case)
    return {"heavy_penalty": case.heavy_penalty, "proposed_fine": case.proposed_fine, "is_major": case.is_major}


def _on_record_statement(case, *, on, data, **_):
    """第四十五条: the party's statement and defence, and the agency's review of them — or 第六十二条: the party's
    express waiver."""
    if data.get("statement_waived"):
        if case.statement_on:
            rules.refuse("当事人已提出陈述、申辩，不能再记录为放弃。", "statement_waived")
        case.statement_waived = True
        return {"statement_waived": True}
    text = clean_text(data.get("statement_text"), field="statement_text", label="陈述、申辩内容", max_length=10000,
                      required=not case.statement_text)
    review = clean_text(data.get("statement_review"), field="statement_review", label="复核意见", max_length=10000,
                        required=False)
    if text:
        case.statement_text, case.statement_on = text, on
    if review:
        case.statement_review = review
    return {"statement_on": case.statement_on, "statement_reviewed": bool(case.statement_review)}


def _on_request_hearing(case, *, on, **_):
    rules.refuse(rules.hearing_request_problem(case, on), "occurred_at")
    case.hearing_requested = True
    return {"hearing_requested": True}


def _on_waive_hearing(case, **_):
    case.hearing_waived = True
    return {"hearing_waived": True}


def _investigators(case: Case) -> set[int]:
    """User ids of the case's investigators: its handling officers and the officers of its investigation steps."""
    ids = set(case.officers.values_list("user_id", flat=True))
    ids |= set(Officer.objects.filter(steps__case=case, steps__kind__in=EVIDENCE_STEP_KINDS).values_list("user_id", flat=True))
    return ids


def _on_notify_hearing(case, *, on, data, **_):
    """第六十四条第二项 (notice 7 working days before) and 第六十四条第四项 (a host who did not investigate)."""
    at = _datetime(data.get("hearing_at"), field="hearing_at", label="听证时间")
    rules.refuse(rules.hearing_notice_problem(case, notified_on=on, hearing_on=at.date()), "hearing_at")
    host = data.get("hearing_host")
    host = host if hasattr(host, "pk") else _staff_of(case.subject, host, field="hearing_host", label="听证主持人")
    if host.pk in _investigators(case):
        rules.refuse(f"{host.display_name}是本案调查人员，不能主持听证；听证由行政机关指定的非本案调查人员主持"
                     "（行政处罚法第六十四条第四项）。", "hearing_host")
    case.hearing_notified_on, case.hearing_at, case.hearing_host = on, at, host
    case.hearing_place = clean_text(data.get("hearing_place"), field="hearing_place", label="听证地点", max_length=200)
    return {"hearing_notified_on": on, "hearing_at": at, "hearing_place": case.hearing_place, "hearing_host": host.username}


def _on_hold_hearing(case, *, on, data, **_):
    if case.hearing_at and on < case.hearing_at.date():
        rules.refuse(f"听证应在通知的时间（{case.hearing_at:%Y-%m-%d %H:%M}）举行（行政处罚法第六十四条第二项）。", "occurred_at")
    case.hearing_held = True
    case.hearing_record = clean_text(data.get("content"), field="content", label="听证笔录", max_length=10000)
    _refresh_major(case)
    return {"hearing_held": True, "is_major": case.is_major}


def _on_collective_decide(case, *, on, data, **_):
    case.collective_on = on
    case.collective_attendees = clean_text(data.get("attendees"), field="attendees", label="参加集体讨论的负责人",
                                           max_length=500)
    case.collective_record = clean_text(data.get("content"), field="content", label="集体讨论决定记录", max_length=10000)
    return {"collective_on": on, "collective_attendees": case.collective_attendees}


def _on_decide(case, *, on, actor, data, **_):
    # The legal-review gate was checked by the table on the state before; the time limits are judged on the
    # decision's own date (a back-dated decision inside the statement or hearing window is refused).
    rules.refuse(rules.decide_problem(case, on, check_review=False), "occurred_at")
    decision = data["_decision"]
    for k, v in decision.items():
        setattr(case, k, v)
    case.decided_on = on
    case.decided_by = actor
    penalty = case.result == Result.PENALTY
    same = (Q(result=Result.PENALTY) if penalty else ~Q(result=Result.PENALTY)) & Q(decided_on__year=on.year)
    if data.get("decision_number"):  # history: the number the decision document carries
        case.decision_number = _given_number(case, data["decision_number"], field="decision_number",
                                             label="决定书文号",
                                             taken=Q(decision_number=str(data["decision_number"]).strip()))
    else:
        case.decision_number = _number(case, "综执罚决" if penalty else "综执决", on.year, same)
    case.service_due = workdays.compute_deadline(rules.SERVICE, case.decided_on).due
    case.publication_due = _publication_due(case)
    return dict(decision) | {"decision_number": case.decision_number, "service_due": case.service_due,
                             "publication_due": case.publication_due}


def _on_serve(case, *, on, **_):
    case.served_on = on
    return {"served_on": on}


def _on_execute(case, *, on, **_):
    case.executed_on = on
    return {"executed_on": on}


def _on_close(case, *, on, **_):
    case.closed_on = on
    return {"closed_on": on}


def _on_extend(case, *, data, **_):
    """第六十条 sets 90 days and no extension of its own ("另有规定的，从其规定"): an extension is recorded once, with
    the provision the user names as its basis, audited and shown on the case."""
    extra = clean_int(data.get("extra_days"), field="extra_days", label="延长天数", min_value=1, max_value=365)
    case.decision_extension_basis = clean_text(
        data.get("extension_basis"), field="extension_basis", label="延长所依据的法律、法规、规章规定", max_length=2000,
        min_length=6)
    case.decision_extension_days = extra
    d = decision_deadline(case)
    case.decision_due = d.due if d else None
    return {"extension_days": extra, "extension_basis": case.decision_extension_basis, "decision_due": case.decision_due}


CASE_HANDLERS = {"approve_filing": _on_approve_filing, "notify": _on_notify, "record_statement": _on_record_statement,
                 "request_hearing": _on_request_hearing, "waive_hearing": _on_waive_hearing,
                 "notify_hearing": _on_notify_hearing, "hold_hearing": _on_hold_hearing,
                 "collective_decide": _on_collective_decide, "decide": _on_decide, "serve": _on_serve,
                 "execute": _on_execute, "close": _on_close, "extend": _on_extend}


def _staff_of(subject: Subject, user_id, *, field: str, label: str):
    from . import selectors

    user = selectors.user_by_id(user_id)
    if user is None or not user.memberships.filter(is_active=True, node__path__startswith=subject.node.path).exists():
        rules.refuse(f"请选择{subject.node.name}的工作人员作为{label}。", field)
    return user


@transaction.atomic
def case_transition(*, actor, case: Case, name: str, version=None, reason: str = "", imported: bool = False,
                    **data: Any) -> Case:
    """Move a case one step along the workflow (``case_workflow.run``), recording the step. Refuses out-of-order or
    wrong-person steps with the table's reason.

    ``imported``: history from a ledger, the step taken on its own ``occurred_at`` (required): judged on that date
    like any back-dated step, audited as "导入历史" with its business date, nobody notified."""
    case_workflow.get(name)
    at = None
    if imported:
        at = _datetime(data.get("occurred_at"), field="occurred_at", label="环节日期", not_future=True).date()
    if name == "decide":
        # The decided fine may itself make the case major (e.g. a large fine) — know that before the gate; the
        # transaction rolls it back if the gate refuses.
        data["_decision"] = _decision_fields(case, data)
        if not case.is_major:
            _refresh_major(case, fine=data["_decision"]["fine_amount"])
            if case.is_major:
                Case.objects.filter(pk=case.pk).update(is_major=True, major_reasons=case.major_reasons)
    on_state = CASE_HANDLERS.get(name)

    def handler(obj, *, actor, reason, data, transition):
        step, on = _record_step(obj, actor=actor, name=name, reason=reason, data=data, imported=imported)
        changes = on_state(obj, on=on, actor=actor, data=data, reason=reason) if on_state else {}
        if name == "submit_review" and not imported:
            _notify_reviewers(obj, actor=actor)
        return (changes or {}) | {"step": step.pk}

    return case_workflow.run(case, actor=actor, name=name, version=version, reason=reason, data=data, handler=handler,
                             at=at, imported=imported)


def _notify_reviewers(case: Case, *, actor) -> None:
    """A case submitted for legal review reaches the legal reviewers of its node (after the commit)."""
    from django.urls import reverse

    from fazhi.core import notifications

    notifications.notify(recipients=notifications.who_may(case_policy, "review", case.node),
                         kind="enforcement.review_requested", title=f"执法案件提请法制审核：{case}", obj=case,
                         body=f"{actor.display_name}提请法制审核，请审核后作出审核意见。", exclude=actor, level="warning",
                         url=reverse("enforcement:case_detail", args=[case.pk]))


def _check_review(opinion: str, checklist: dict | None) -> dict:
    if opinion not in LegalReview.Opinion.values:
        raise DomainError("请选择审核意见。", field_errors={"opinion": "请选择审核意见。"})
    checklist = {key: bool((checklist or {}).get(key)) for key, _ in REVIEW_CHECKLIST}
    if opinion == LegalReview.Opinion.APPROVE:
        missing = [label for key, label in REVIEW_CHECKLIST if not checklist[key]]
        if missing:
            raise DomainError("同意前须逐项审核：" + "；".join(missing) + "。如有问题请选择“退回补正”。",
                              field_errors={"checklist": "请逐项确认审核要点。"})
    return checklist


def _review_moment(case: Case, reviewed_on) -> datetime.datetime:
    """When a review was made: now, or — for a review made on paper and entered later — 09:00 of ``reviewed_on``,
    which may not be in the future nor before the case's own dates (filing, notice, hearing, submission for review)."""
    on = clean_date(reviewed_on, field="reviewed_on", label="审核日期", required=False, not_future=True)
    if on is None or on == clock.today():
        return clock.now()
    submitted = case.steps.filter(kind=StepKind.REVIEW_SUBMIT).order_by("-occurred_at").first()
    earlier = [(case.filed_on, "立案日期"), (case.notified_on, "告知日期"),
               (case.hearing_at.date() if case.hearing_held and case.hearing_at else None, "听证日期"),
               (timezone.localdate(submitted.occurred_at) if submitted else None, "提请法制审核日期")]
    for day, label in earlier:
        if day and on < day:
            rules.refuse(f"审核日期不能早于本案的{label}（{day:%Y-%m-%d}）。", "reviewed_on")
    return clock.at_local(on, 9)


@transaction.atomic
def legal_review_record(*, actor, case: Case, opinion: str, checklist: dict | None, reasons: str = "",
                        version=None, reviewed_on=None, reviewer=None, imported: bool = False) -> LegalReview:
    """A legal reviewer's opinion on a major case, against the review checklist. Approve → may be decided;
    reject → back to investigation with the reasons.

    ``reviewed_on``: a review made earlier on paper and entered late — its own date (not in the future, not before
    the case's dates); the review, its step and everything computed after it take that date, and the audit says so.
    ``imported`` (history from a ledger): the office that imports records the approval of the named ``reviewer``
    (registered and qualified, not an investigator of the case) through ``review_history_workflow``."""
    checklist = _check_review(opinion, checklist)
    made = {}
    if imported:
        if reviewer is None:
            rules.refuse("请填写法制审核人员。", "reviewer")
        if opinion != LegalReview.Opinion.APPROVE:
            rules.refuse("台账只登记审核同意的历史法制审核；退回补正请在案件页面办理。", "opinion")
        workflow, name = review_history_workflow, "import_review"
    else:
        reviewer = actor
        workflow = review_workflow
        name = "approve_review" if opinion == LegalReview.Opinion.APPROVE else "reject_review"

    def handler(obj, *, actor, reason, data, transition):
        # 第五十八条第二款: a registered reviewer, qualified since the 2021 law (the named one, for history)
        problem = rules.reviewer_problem(ReviewerQualification.objects.filter(user=reviewer).first(), reviewer)
        rules.refuse(problem, "reviewer" if imported else None)
        if imported:  # what the review table's permission and guard check for a reviewer acting themselves
            if not policy.has_perm(reviewer, "enforcement.review", obj.node):
                rules.refuse(f"{reviewer.display_name}不是本案所在街道的法制审核人员。", "reviewer")
            rules.refuse(not_case_officer(obj, reviewer), "reviewer")
        at = _review_moment(obj, reviewed_on)
        text = clean_text(reasons, field="reasons", label="意见说明", max_length=5000,
                          required=opinion == LegalReview.Opinion.REJECT)
        made["review"] = LegalReview.objects.create(case=obj, node=obj.node, reviewer=reviewer, checklist=checklist,
                                                    opinion=opinion, reasons=text, reviewed_at=at)
        _step(obj, actor=actor, kind=StepKind.LEGAL_REVIEW, occurred_at=at,
              content=f"{made['review'].get_opinion_display()}。{text}".strip())
        late = timezone.localdate(at) != clock.today()
        return {"opinion": opinion, "checklist": checklist, "reviewer": reviewer.username} | (
            {"reviewed_on": timezone.localdate(at), "entered_late": True} if late and not imported else {})

    at = clean_date(reviewed_on, field="reviewed_on", label="审核日期", required=False, not_future=True)
    workflow.run(case, actor=actor, name=name, version=version, reason=reasons, handler=handler,
                 at=at if at and at != clock.today() else None, imported=imported)
    return made["review"]


@transaction.atomic
def reviewer_register(*, actor, user, reviewing_since, qualification_number: str = "",
                      qualified_on=None) -> ReviewerQualification:
    """Record a legal reviewer and their 法律职业资格 (行政处罚法第五十八条第二款). A reviewer who started since the 2021
    law took effect must hold the qualification."""
    if user is None:
        rules.refuse("请选择法制审核人员的账号。", "user")
    tenant = next((m.node.tenant() for m in user.memberships.filter(is_active=True).select_related("node")), None)
    if tenant is None:
        rules.refuse(f"{user.display_name}不属于任何街道，不能登记为法制审核人员。", "user")
    _require(actor, "enforcement.manage", tenant)
    values = dict(
        reviewing_since=clean_date(reviewing_since, field="reviewing_since", label="开始从事法制审核日期", not_future=True),
        qualification_number=clean_text(qualification_number, field="qualification_number",
                                        label="法律职业资格证书编号", max_length=60, required=False),
        qualified_on=clean_date(qualified_on, field="qualified_on", label="取得法律职业资格日期", required=False,
                                not_future=True),
    )
    problem = rules.reviewer_problem(ReviewerQualification(user=user, **values), user)
    if problem:
        rules.refuse(problem, "qualification_number")
    rec, created = ReviewerQualification.objects.update_or_create(
        user=user, defaults=values | {"node": tenant, "recorded_by": actor, "recorded_at": clock.now()})
    audit.record(actor=actor, action="create" if created else "update", obj=rec, node=tenant,
                 changes=values | {"user": user.username}, action_label="登记法制审核人员及法律职业资格")
    return rec


# ---- publicity -----------------------------------------------------------------------------------------------

def publication_kind(case):
    return Publication.Kind.PENALTY if case.result == Result.PENALTY else Publication.Kind.OTHER


class CachedCalendar(workdays.Calendar):
    """A calendar snapshot that remembers each day's answer: a bulk recompute walks the same days thousands of times,
    and each uncached look-up costs ~0.1 ms."""

    def __init__(self):
        super().__init__()
        self._working, self._names = {}, {}

    def is_working_day(self, day):
        if day not in self._working:
            self._working[day] = super().is_working_day(day)  # UnknownCalendarYear propagates, uncached
        return self._working[day]

    def holiday_name(self, day):
        if day not in self._names:
            self._names[day] = super().holiday_name(day)
        return self._names[day]


def publication_rule(result):
    """The DeadlineRule code of the publication deadline of a decision with this result."""
    return rules.PUBLISH_PENALTY if result == Result.PENALTY else rules.PUBLISH_OTHER


def publication_deadline(case, *, cal=None, rule_obj=None):
    if not case.decided_on:
        return None
    return workdays.compute_deadline(publication_rule(case.result), case.decided_on, cal=cal, rule_obj=rule_obj)


def _publication_due(case):
    """The stored Case.publication_due (None when the year's calendar is undefined or the rule is not configured)."""
    try:
        d = publication_deadline(case)
    except DomainError:
        return None
    return d.due if d else None


def publication_preview(case):
    """(party_display, address_display, body) as they would appear on the public page, and the leaks found."""
    person = case.party_is_person
    party = masking.mask_name(case.party_name, is_organisation=not person)
    village = case.node.village.name if case.node.level >= orgkinds.VILLAGE else case.node.name
    parts = [
        f"案号：{case.number}；决定书文号：{case.decision_number}",
        f"当事人：{party}",
        f"违法行为发生地：{case.subject.node.name}{village if village != case.subject.node.name else ''}",
        f"案由：{case.title}",
        f"执法事项：{case.power.name}（{case.power.get_power_type_display()}）",
        f"决定内容：{case.decision_text}",
        f"法律依据：{case.decision_basis}",
        f"处理结果：{case.get_result_display()}" + (f"，罚款{case.fine_amount}元" if case.fine_amount else ""),
        f"执法主体：{case.subject.unit.name}；决定日期：{case.decided_on:%Y年%m月%d日}",
    ]
    body = "\n".join(parts)
    if person:
        body = masking.mask_names_in_text(body, [case.party_name])
    if case.party_address and len(case.party_address) > 4:
        body = body.replace(case.party_address, village)
    return party, village, body


@transaction.atomic
def publication_publish(*, actor, case, scrub=False, published_on=None):
    """Publish a decision on the public site (执法决定公示), masked by rule. A text that would show an ID or phone
    number is refused, unless ``scrub`` asks to remove those numbers (and says so).

    ``published_on`` records a publication made earlier (history entered later): not in the future, not before the
    decision; it is judged on time against its own date and audited as history. Empty: today."""
    case = lock(Case, case.pk)
    _require(actor, "enforcement.publish", case.node)
    if case.status not in (CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTED, CaseStatus.CLOSED) or not case.decided_on:
        raise DomainError("案件尚未作出决定，不能公示。")
    today = clock.today()
    on = clean_date(published_on, field="published_on", label="公示日期", required=False, not_future=True) or today
    if on < case.decided_on:
        message = f"公示日期不能早于决定日期（{case.decided_on:%Y-%m-%d}）。"
        raise DomainError(message, field_errors={"published_on": message})
    if case.publications.filter(status=Publication.Status.PUBLISHED).exists():
        raise DomainError("该决定已公示，无需重复公示。")
    party, village, body = publication_preview(case)
    scrubbed = False
    if masking.contains_personal_numbers(body) or (case.party_id_number and case.party_id_number in body):
        if not scrub:
            raise DomainError("公示内容中含有身份证号或电话号码，不能公示。请修改决定内容，或选择“自动隐去证件号和电话后公示”。",
                              field_errors={"scrub": "公示内容含有个人证件号码或电话。"}, code="personal_data")
        body = masking.scrub_text(body)
        if case.party_id_number:
            body = body.replace(case.party_id_number, masking.ID_PLACEHOLDER)
        scrubbed = True
    d = publication_deadline(case)
    pub = Publication.objects.create(case=case, node=case.node, kind=publication_kind(case), title=f"{case.subject.unit.name}{case.title}处理决定",
                                     party_display=party, address_display=village, body=body, published_on=on,
                                     due_date=d.due if d else None, on_time=bool(d and d.due and on <= d.due),
                                     published_by=actor)
    changes = {"case": case.number, "due": pub.due_date, "on_time": pub.on_time, "scrubbed": scrubbed}
    if on != today:
        changes |= {"published_on": on, "history": True}
    audit.record(actor=actor, action="publish", obj=pub, changes=changes, is_public=True,
                 action_label="公示执法决定" if on == today else f"登记历史公示（公示日期{on:%Y-%m-%d}）")
    audit.record(actor=actor, action="publish", obj=case, changes={"publication": pub.pk}, action_label="执法决定已公示")
    pub.scrubbed = scrubbed
    return pub


def _revoked_on(value, *, required: bool) -> datetime.date | None:
    return clean_date(value, field="revoked_on", label="原决定撤销/变更日期", required=required, not_future=True)


@transaction.atomic
def publication_mark_revoked(*, actor, publication: Publication, revoked_on, reason: str, version=None) -> Publication:
    """Record that a published decision was revoked or changed (e.g. by administrative reconsideration): the
    withdrawal deadline starts and the publication appears on the due-soon/overdue lists."""
    reason = clean_text(reason, field="reason", label="撤销/变更情况", max_length=1000)
    revoked = _revoked_on(revoked_on, required=True)

    def handler(pub, **_):
        pub.revoked_on = revoked
        pub.withdraw_due = workdays.compute_deadline(rules.WITHDRAW, revoked).due
        return {"revoked_on": revoked, "withdraw_due": pub.withdraw_due}

    return publication_workflow.run(publication, actor=actor, name="mark_revoked", version=version, reason=reason,
                                    handler=handler)


@transaction.atomic
def publication_withdraw(*, actor, publication: Publication, reason: str, revoked_on=None, version=None) -> Publication:
    """Withdraw a published decision that was revoked or changed, with the reason made public."""
    reason = clean_text(reason, field="reason", label="撤回理由（将向社会公开）", max_length=1000)
    revoked = _revoked_on(revoked_on, required=False)

    def handler(pub, *, reason, **_):
        pub.revoked_on = revoked or pub.revoked_on or clock.today()
        pub.withdraw_due = workdays.compute_deadline(rules.WITHDRAW, pub.revoked_on).due
        pub.withdrawn_on = clock.today()
        pub.withdraw_reason = reason
        return {"revoked_on": pub.revoked_on, "withdraw_due": pub.withdraw_due}

    return publication_workflow.run(publication, actor=actor, name="withdraw", version=version, reason=reason,
                                    handler=handler)


# ---- supervision ---------------------------------------------------------------------------------------------

@transaction.atomic
def evaluation_record(*, actor, case, scores, findings):
    """案卷评查 of a closed case against the scoring checklist."""
    case = lock(Case, case.pk)
    case_policy.check(actor, "supervise", case)
    if case.status != CaseStatus.CLOSED:
        raise DomainError("只能对已结案的案卷进行评查。")
    clean = {}
    for key, label, maximum in EVALUATION_CHECKLIST:
        clean[key] = clean_int((scores or {}).get(key), field=f"score_{key}", label=f"“{label}”的得分", max_value=maximum)
    findings = clean_text(findings, field="findings", label="评查意见", max_length=5000)
    ev = Evaluation.objects.create(case=case, node=case.node, evaluator=actor, scores=clean, total=sum(clean.values()),
                                   findings=findings, evaluated_on=clock.today())
    audit.record(actor=actor, action="evaluate", obj=case, changes={"scores": clean, "total": ev.total}, action_label=f"案卷评查（{ev.total}分）")
    return ev


@transaction.atomic
def accountability_record(*, actor, officer, measure, description, decided_on=None, case=None):
    _require(actor, "enforcement.supervise", officer.node)
    if case is not None and case.subject_id != officer.subject_id:
        raise DomainError("关联案件不属于该执法人员所在的执法主体。", field_errors={"case": "关联案件不正确。"})
    rec = Accountability.objects.create(
        node=officer.node, officer=officer, case=case,
        measure=clean_text(measure, field="measure", label="处理方式", max_length=100),
        description=clean_text(description, field="description", label="事实与理由", max_length=5000),
        decided_on=clean_date(decided_on, field="decided_on", label="处理日期", required=False, not_future=True) or clock.today(),
        recorded_by=actor)
    audit.record(actor=actor, action="create", obj=rec, changes={"officer": officer.name, "measure": rec.measure,
                 "case": case.number if case else ""}, action_label="登记责任追究")
    audit.record(actor=actor, action="accountability", obj=officer, changes={"measure": rec.measure}, action_label="责任追究")
    return rec


@workdays.register_recompute
def recompute(actor):
    """A calendar change: recompute decision deadlines of open cases."""
    changed = 0
    for case in Case.objects.filter(status__in=[s for s in CaseStatus.values if s not in ("closed", "not_filed", "draft")], filed_on__isnull=False):
        d = decision_deadline(case)
        due = d.due if d else None
        if due != case.decision_due:
            Case.objects.filter(pk=case.pk).update(decision_due=due)
            changed += 1
    return changed


@workdays.register_recompute
def recompute_publication_due(actor):
    """A calendar or deadline-rule change: recompute Case.publication_due of decisions not yet published (a
    publication, even a withdrawn one, fixed its on-time judgement when it was made). One read, one deadline
    computation per (decision day, rule), one bulk update of the rows that changed."""
    from fazhi.core.models import DeadlineRule

    rule_rows = {r.code: r for r in DeadlineRule.objects.filter(code__in=[rules.PUBLISH_PENALTY, rules.PUBLISH_OTHER])}
    cal = CachedCalendar()
    dues = {}
    changed = []
    rows = Case.objects.filter(decided_on__isnull=False).exclude(Exists(Publication.objects.filter(case=OuterRef("pk")))) \
        .values_list("pk", "decided_on", "result", "publication_due")
    for pk, decided_on, result, stored in rows.iterator(chunk_size=5000):
        code = publication_rule(result)
        if code not in rule_rows:
            continue  # rule not configured: leave the stored date as it is
        key = (decided_on, code)
        if key not in dues:
            dues[key] = workdays.compute_deadline(code, decided_on, cal=cal, rule_obj=rule_rows[code]).due
        if dues[key] != stored:
            changed.append(Case(pk=pk, publication_due=dues[key]))
    Case.objects.bulk_update(changed, ["publication_due"], batch_size=1000)
    return len(changed)
