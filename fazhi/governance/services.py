"""Every write of the government-affairs module. Keyword-only arguments, atomic, audited.

The workbench, the public site, the JSON API, ledger import and the demo loader all call these functions.
"""
import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core import audit, clock, codes, files, policy, workdays
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.models import OrgNode
from fazhi.core.search import search_text
from fazhi.core.validators import clean_text, validate_phone
from fazhi.core.workflow import lock as _core_lock

from . import workflow as wf
from .models import (
    AgendaItem,
    DecisionStep,
    DisclosureCategory,
    DisclosureItem,
    DisclosureRequest,
    Hearing,
    MajorDecision,
    Meeting,
    MeetingAttendee,
    NormativeDocument,
    PublicComment,
)

ATTACHMENT_KINDS = ("pdf", "image", "office")
PUBLISH_PERMS = ("governance.disclosure", "governance.documents", "governance.decisions", "reports.publish")
RULE_DISCLOSURE = "governance.proactive_disclosure"
RULE_REQUEST = "governance.request_reply"
RULE_EXTENSION = "governance.request_extension"
RULE_NORMATIVE_COMMENT = "governance.normative_comment"
RULE_DECISION_COMMENT = "governance.decision_comment"
RULE_NORMATIVE_VALIDITY = "governance.normative_validity"


def lock(model, pk, version=None):
    """core.workflow.lock, refusing a malformed version number with a message instead of an error page."""
    if version in ("", None):
        version = None
    else:
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise DomainError("版本号格式不正确，请刷新页面后重试。", field_errors={"version": "应为整数。"})
    return _core_lock(model, pk, version)


def _require_any(actor, perms, node, message="您没有权限执行此操作。"):
    if not any(policy.has_perm(actor, p, node) for p in perms):
        raise NotAllowed(message)


def _require(actor, perm, node):
    policy.require(actor, perm, node, view_perm="governance.view")


def _subdistrict(node):
    sub = node.subdistrict if node is not None else None
    if sub is None:
        raise DomainError("请选择街道一级的机关。", field_errors={"node": "应为街道。"})
    return sub


def _date(value, *, field, label, required=True):
    if value in (None, ""):
        if required:
            raise DomainError(f"请填写{label}。", field_errors={field: f"请填写{label}。"})
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(f"{label}格式应为 2023-05-01。", field_errors={field: "日期格式应为 2023-05-01。"})


def _as_upload(att):
    if isinstance(att, (tuple, list)):
        name, content = att
        return SimpleUploadedFile(name, content)
    return att


def _store(upload_list, *, owner, node, actor, purpose, is_public=False):
    return [files.store_upload(_as_upload(a), owner=owner, node=node, actor=actor, allowed_kinds=ATTACHMENT_KINDS,
                               purpose=purpose, is_public=is_public) for a in upload_list or () if a]


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

def disclosure_deadline(formed_on):
    return workdays.compute_deadline(RULE_DISCLOSURE, formed_on)


def _apply_timeliness(item):
    d = disclosure_deadline(item.formed_on)
    item.due_date = d.due
    item.is_timely = None if d.due is None else item.published_on <= d.due


@transaction.atomic
def disclosure_publish(*, actor, node, category_code, title, body, formed_on, attachments=(), publisher_name=""):
    """Publish one proactive-disclosure item now (used by the workbench, the API, normative documents and the
    reports app for the annual report — category_code "annual_report")."""
    _require_any(actor, PUBLISH_PERMS, node, "您没有发布政府信息的权限。")
    category = DisclosureCategory.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        raise DomainError("请选择有效的公开目录类别。", field_errors={"category": "类别不存在或已停用。"})
    title = clean_text(title, field="title", label="标题", max_length=200)
    body = clean_text(body, field="body", label="正文", max_length=200000, required=False)
    formed_on = _date(formed_on, field="formed_on", label="信息形成（变更）日期")
    now = clock.now()
    today = timezone.localdate(now)
    if formed_on > today:
        raise DomainError("信息形成日期不能晚于发布日期。", field_errors={"formed_on": "不能晚于今天。"})
    item = DisclosureItem(node=node, category=category, title=title, body=body, formed_on=formed_on,
                          publisher=actor if getattr(actor, "pk", None) else None,
                          publisher_name=publisher_name or (_subdistrict(node).name if node.kind != OrgNode.Kind.DISTRICT else node.name),
                          published_at=now, published_on=today)
    _apply_timeliness(item)
    item.search_text = search_text(title, body, category.name)
    item.save()
    audit.record(actor=actor, action="publish", obj=item, is_public=True, action_label="主动公开",
                 changes={"category": category.name, "formed_on": formed_on, "due_date": item.due_date, "timely": item.is_timely})
    _store(attachments, owner=item, node=node, actor=actor, purpose="attachment", is_public=True)
    return item


@transaction.atomic
def disclosure_withdraw(*, actor, item_id, reason, version=None):
    item = lock(DisclosureItem, item_id, version)
    _require(actor, "governance.disclosure", item.node)
    if item.status == DisclosureItem.Status.WITHDRAWN:
        raise DomainError("该信息已撤回。")
    reason = clean_text(reason, field="reason", label="撤回理由", max_length=1000)
    item.status = DisclosureItem.Status.WITHDRAWN
    item.withdrawn_at = clock.now()
    item.withdraw_reason = reason
    item.version += 1
    item.save()
    files.files_of(item).update(is_public=False)
    audit.record(actor=actor, action="withdraw", obj=item, reason=reason, is_public=True, action_label="撤回公开",
                 changes={"status": ["published", "withdrawn"]})
    return item


@transaction.atomic
def disclosure_attach(*, actor, item_id, uploads):
    item = DisclosureItem.objects.select_for_update().get(pk=item_id)
    _require(actor, "governance.disclosure", item.node)
    if item.status != DisclosureItem.Status.PUBLISHED:
        raise DomainError("已撤回的信息不能再添加附件。")
    return _store(uploads, owner=item, node=item.node, actor=actor, purpose="attachment", is_public=True)


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

def _tracking_code():
    return codes.tracking_code(DisclosureRequest.objects.all(), "tracking_code", prefix="GK", length=10)


def request_deadline(req):
    extra = workdays.rule(RULE_EXTENSION).amount if req.extended else 0
    return workdays.compute_deadline(RULE_REQUEST, req.clock_start, extra=extra)


def _set_due(req):
    req.due_date = request_deadline(req).due


@transaction.atomic
def request_submit(*, node, applicant_name="", phone="", content="", applicant_type="person", email="", address="", purpose="",
                   actor=None, channel="online", received_on=None):
    """Register a request for disclosure (from the public site, or by staff for a walk-in/letter)."""
    if node is None or node.kind != OrgNode.Kind.SUBDISTRICT or not node.is_active:
        raise DomainError("请选择受理申请的街道。", field_errors={"node": "请选择街道。"})
    if actor is not None and getattr(actor, "pk", None):
        _require(actor, "governance.requests", node)
    errors = {}
    if applicant_type not in DisclosureRequest.ApplicantType.values:
        errors["applicant_type"] = "请选择申请人类型。"
    try:
        applicant_name = clean_text(applicant_name, field="applicant_name", label="申请人姓名或名称", max_length=100)
    except DomainError as exc:
        errors.update(exc.field_errors)
    if not (phone or "").strip():
        msg = "请填写联系电话：依申请公开需要联系方式，以便通知补正、送达答复，并凭查询码和电话查询进度。"
        if not errors:
            raise DomainError(msg, field_errors={"phone": "请填写联系电话。"})
        errors["phone"] = "请填写联系电话。"
    else:
        try:
            phone = validate_phone(phone)
        except DomainError as exc:
            errors.update(exc.field_errors)
    try:
        content = clean_text(content, field="content", label="所需政府信息的名称、文号或描述", max_length=3000, min_length=4)
    except DomainError as exc:
        errors.update(exc.field_errors)
    for field, value, label, limit in (("email", email, "电子邮箱", 100), ("address", address, "通信地址", 200), ("purpose", purpose, "用途", 200)):
        if len(value or "") > limit:
            errors[field] = f"{label}不能超过{limit}个字。"
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email.strip()):
        errors["email"] = "电子邮箱格式不正确。"
    if errors:
        raise DomainError("申请未提交：" + "；".join(errors.values()), field_errors=errors)
    received_on = _date(received_on, field="received_on", label="收到日期", required=False) or clock.today()
    req = DisclosureRequest(node=node, tracking_code=_tracking_code(), applicant_type=applicant_type,
                            applicant_name=applicant_name, phone=phone, email=(email or "").strip(),
                            address=(address or "").strip(), content=content, purpose=(purpose or "").strip(),
                            channel=channel, received_on=received_on, clock_start=received_on, created_at=clock.now())
    _set_due(req)
    req.search_text = search_text(req.tracking_code, applicant_name, content)
    req.save()
    channel_label = {"online": "网上申请", "counter": "窗口登记"}.get(channel, channel)
    audit.record(actor=actor if actor is not None else f"申请人（{channel_label}）", action="create", obj=req,
                 action_label="登记政府信息公开申请", changes={"received_on": received_on, "due_date": req.due_date})
    return req


@transaction.atomic
def request_transition(*, actor, request_id, name, version=None, reason="", corrected_on=None, correction_text="",
                       reply_type="", reply_text="", reply_reason="", referred_body="", attachments=()):
    req = lock(DisclosureRequest, request_id, version)
    t = wf.REQUEST.check(req, actor, name, reason=reason)
    before = audit.snapshot(req, ["status", "clock_start", "due_date", "extended", "reply_type"])
    today = clock.today()
    if name == "request_correction":
        req.correction_requested_on = today
        req.correction_note = clean_text(reason, field="reason", label="补正要求", max_length=2000)
    elif name == "submit_correction":
        corrected_on = _date(corrected_on, field="corrected_on", label="补正完成日期", required=False) or today
        if corrected_on < req.correction_requested_on:
            raise DomainError("补正完成日期不能早于通知补正日期。", field_errors={"corrected_on": "日期有误。"})
        if corrected_on > today:
            raise DomainError("补正完成日期不能晚于今天。", field_errors={"corrected_on": "日期有误。"})
        req.corrected_on = corrected_on
        req.waiting_days += (corrected_on - req.correction_requested_on).days
        req.clock_start = corrected_on  # 第三十条：答复期限自收到补正的申请之日起计算
        if correction_text:
            req.content = req.content + "\n【补正内容】" + clean_text(correction_text, field="correction_text", label="补正内容", max_length=3000)
    elif name == "request_extension":
        req.extension_reason = clean_text(reason, field="reason", label="延期理由", max_length=1000)
    elif name == "approve_extension":
        req.extended = True
        req.extension_approved_by = actor
    elif name == "answer":
        if reply_type not in DisclosureRequest.Reply.values:
            raise DomainError("请选择法定答复类型。", field_errors={"reply_type": "请选择答复类型。"})
        reply_text = clean_text(reply_text, field="reply_text", label="答复内容", max_length=10000)
        needs_reason = reply_type in {"partial", "not_disclosed", "not_processed", "not_exist"}
        reply_reason = clean_text(reply_reason, field="reply_reason", label="理由及法律依据", max_length=5000,
                                  required=needs_reason)
        if reply_type == "not_responsible":
            referred_body = clean_text(referred_body, field="referred_body", label="负责公开的机关名称及联系方式", max_length=100)
        req.reply_type, req.reply_text, req.reply_reason = reply_type, reply_text, reply_reason
        req.referred_body = (referred_body or "").strip()
        req.answered_on = today
    req.status = t.target or req.status
    _set_due(req)
    req.version += 1
    req.save()
    audit.record(actor=actor, action="transition", obj=req, action_label=t.label, reason=reason,
                 changes=audit.diff(before, audit.snapshot(req, ["status", "clock_start", "due_date", "extended", "reply_type"])))
    if attachments:
        _store(attachments, owner=req, node=req.node, actor=actor, purpose="reply")
    return req


@transaction.atomic
def request_correct_by_applicant(*, code, phone, correction_text):
    """The applicant submits the correction online (found by tracking code + phone); the clock restarts today."""
    from .selectors import request_track

    found = request_track(code, phone)
    if found is None:
        raise DomainError("查询码或联系电话不正确。")
    req = lock(DisclosureRequest, found.pk)
    if req.status != DisclosureRequest.Status.CORRECTING:
        raise DomainError("该申请当前不需要补正。")
    text = clean_text(correction_text, field="correction_text", label="补正内容", max_length=3000, min_length=4)
    before = audit.snapshot(req, ["status", "clock_start", "due_date"])
    today = clock.today()
    req.corrected_on = today
    req.waiting_days += (today - req.correction_requested_on).days
    req.clock_start = today
    req.content = req.content + "\n【补正内容】" + text
    req.status = DisclosureRequest.Status.REGISTERED
    _set_due(req)
    req.version += 1
    req.save()
    audit.record(actor="申请人（网上补正）", action="transition", obj=req, action_label="申请人提交补正",
                 changes=audit.diff(before, audit.snapshot(req, ["status", "clock_start", "due_date"])))
    return req


# ---- 公众意见（规范性文件、重大决策） ----------------------------------------------------------------------------

LINK_PATTERN = re.compile(r"(https?://|www\.|<a\s|\[url|\b[a-z0-9-]+\.(com|cn|net|org|top|xyz|info)\b)", re.IGNORECASE)
COMMENT_MAX = 2000


@transaction.atomic
def comment_submit(*, target, body, author_name="", contact="", ip=""):
    """A member of the public comments on a document/decision open for comment. Stored pending moderation."""
    target = type(target).objects.get(pk=target.pk)  # the current state, not the caller's copy
    node = target.node
    is_doc = isinstance(target, NormativeDocument)
    today = clock.today()
    if is_doc:
        open_ = target.status == NormativeDocument.Status.COMMENTING and target.comment_end and today <= target.comment_end
    else:
        open_ = target.comment_start and target.comment_end and target.comment_start <= today <= target.comment_end
    if not open_:
        raise DomainError("该事项当前不在公开征求意见期内，不能提交意见。")
    text = (body or "").strip()
    if len(text) > COMMENT_MAX:
        raise DomainError(f"意见内容不能超过{COMMENT_MAX}个字（当前{len(text)}个字），请精简后提交。",
                          field_errors={"body": f"不能超过{COMMENT_MAX}个字。"})
    body = clean_text(body, field="body", label="意见内容", max_length=COMMENT_MAX, min_length=2)
    if LINK_PATTERN.search(body) or LINK_PATTERN.search(author_name or ""):
        raise DomainError("为防止垃圾信息，意见中不能包含网址链接。", field_errors={"body": "请删除网址链接。"})
    author_name = clean_text(author_name, field="author_name", label="署名", max_length=50, required=False)
    contact = clean_text(contact, field="contact", label="联系方式", max_length=100, required=False)
    comment = PublicComment.objects.create(node=node, document=target if is_doc else None, decision=None if is_doc else target,
                                           author_name=author_name, contact=contact, body=body, ip=(ip or "")[:64],
                                           created_at=clock.now())
    audit.record(actor="公众", action="create", obj=comment, action_label="提交公众意见",
                 changes={"target": str(target)[:100]})
    return comment


@transaction.atomic
def comment_moderate(*, actor, comment_id, status, reply=""):
    comment = PublicComment.objects.select_for_update().get(pk=comment_id)
    _require(actor, "governance.moderate", comment.node)
    if status not in (PublicComment.Status.APPROVED, PublicComment.Status.REJECTED):
        raise DomainError("请选择审核结果（展示或不予展示）。", field_errors={"status": "请选择。"})
    reply = clean_text(reply, field="reply", label="答复", max_length=3000, required=False)
    before = audit.snapshot(comment, ["status", "reply"])
    comment.status, comment.reply = status, reply
    comment.moderated_by, comment.moderated_at = actor, clock.now()
    comment.save()
    audit.record(actor=actor, action="update", obj=comment, action_label="审核公众意见",
                 changes=audit.diff(before, audit.snapshot(comment, ["status", "reply"])))
    return comment


# ---- 行政规范性文件 ---------------------------------------------------------------------------------------------

def doc_prefix(node):
    sub = _subdistrict(node)
    return f"{sub.short_name or sub.name}发"


def format_number(node, year, seq):
    return f"{doc_prefix(node)}〔{year}〕{seq}号"


def next_number_seq(node, year):
    last = (NormativeDocument.objects.filter(node=node, number_year=year, number_seq__isnull=False)
            .order_by("-number_seq").values_list("number_seq", flat=True).first())
    return (last or 0) + 1


@transaction.atomic
def document_create(*, actor, node, title, body, drafting_unit=""):
    _require(actor, "governance.documents", node)
    _subdistrict(node)
    doc = NormativeDocument.objects.create(
        node=node, title=clean_text(title, field="title", label="文件名称", max_length=200),
        body=clean_text(body, field="body", label="文件内容", max_length=100000),
        drafting_unit=clean_text(drafting_unit, field="drafting_unit", label="起草单位", max_length=100, required=False),
        created_on=clock.today())
    audit.record(actor=actor, action="create", obj=doc, action_label="起草规范性文件")
    return doc


@transaction.atomic
def document_update(*, actor, document_id, version=None, title, body, drafting_unit=""):
    doc = lock(NormativeDocument, document_id, version)
    _require(actor, "governance.documents", doc.node)
    if doc.status != NormativeDocument.Status.DRAFTING:
        raise DomainError("只有起草中的文件可以修改内容。")
    before = audit.snapshot(doc, ["title", "body", "drafting_unit"])
    doc.title = clean_text(title, field="title", label="文件名称", max_length=200)
    doc.body = clean_text(body, field="body", label="文件内容", max_length=100000)
    doc.drafting_unit = clean_text(drafting_unit, field="drafting_unit", label="起草单位", max_length=100, required=False)
    doc.version += 1
    doc.save()
    audit.record(actor=actor, action="update", obj=doc, changes=audit.diff(before, audit.snapshot(doc, ["title", "body", "drafting_unit"])))
    return doc


def _agenda_item_for(actor, agenda_item, node):
    if agenda_item in (None, ""):
        raise DomainError("请选择作出集体决定的党工委会议议题。", field_errors={"agenda_item": "请选择会议议题。"})
    item_id = agenda_item.pk if isinstance(agenda_item, AgendaItem) else agenda_item
    try:
        item = AgendaItem.objects.select_related("meeting", "meeting__node").get(pk=int(item_id))
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise DomainError("会议议题不存在。", field_errors={"agenda_item": "议题不存在。"})
    if not item.meeting.node.path.startswith(_subdistrict(node).path) and not node.path.startswith(item.meeting.node.path):
        raise DomainError("会议议题不存在。", field_errors={"agenda_item": "议题不存在。"})
    if item.outcome != AgendaItem.Outcome.APPROVED:
        raise DomainError(f"议题“{item.title}”在会议上未获审议通过，不能据此作出决定。", field_errors={"agenda_item": "议题未通过。"})
    return item


@transaction.atomic
def document_transition(*, actor, document_id, name, version=None, reason="", comment_days=None, opinion="",
                        agenda_item=None, number_seq=None, valid_years=None, filed_on=None, filing_body="",
                        filing_receipt="", attachments=()):
    doc = lock(NormativeDocument, document_id, version)
    t = wf.DOCUMENT.check(doc, actor, name, reason=reason)
    fields = ["status", "comment_end", "doc_number", "filed_on", "valid_until"]
    before = audit.snapshot(doc, fields)
    today = clock.today()
    public = False
    if name == "open_comment":
        default = workdays.rule(RULE_NORMATIVE_COMMENT).amount
        try:
            days = int(comment_days) if comment_days not in (None, "") else default
        except (TypeError, ValueError):
            raise DomainError("征求意见期应为整数（工作日）。", field_errors={"comment_days": "应为整数。"})
        if days < default or days > 120:
            raise DomainError(f"征求意见期应在{default}至120个工作日之间。", field_errors={"comment_days": f"不少于{default}个工作日。"})
        doc.comment_days = days
        doc.comment_start = today
        doc.comment_end = workdays.add_working_days(today, days)
        public = True
    elif name in ("approve_review", "return_review"):
        opinion = clean_text(opinion, field="opinion", label="书面审核意见", max_length=10000, min_length=10)
        doc.review_opinion, doc.reviewer, doc.reviewed_on = opinion, actor, today
        reason = reason or opinion[:200]
    elif name == "decide":
        item = _agenda_item_for(actor, agenda_item, doc.node)
        doc.agenda_item, doc.decided_on = item, item.meeting.held_on
    elif name == "register":
        year = today.year
        try:
            seq = int(number_seq) if number_seq not in (None, "") else next_number_seq(doc.node, year)
        except (TypeError, ValueError):
            raise DomainError("文号序号应为正整数。", field_errors={"number_seq": "应为正整数。"})
        if seq < 1:
            raise DomainError("文号序号应为正整数。", field_errors={"number_seq": "应为正整数。"})
        number = format_number(doc.node, year, seq)
        taken = NormativeDocument.objects.filter(node=doc.node, number_year=year, number_seq=seq).exclude(pk=doc.pk)
        if taken.exists():
            raise DomainError(f"文号“{number}”已被《{taken.first().title}》使用，同一年度文号不得重复。",
                              field_errors={"number_seq": f"已被使用，下一个可用序号为{next_number_seq(doc.node, year)}。"})
        try:
            years = int(valid_years) if valid_years not in (None, "") else workdays.rule(RULE_NORMATIVE_VALIDITY).amount // 12
        except (TypeError, ValueError):
            raise DomainError("有效期应为整数（年）。", field_errors={"valid_years": "应为整数。"})
        if not 1 <= years <= 5:
            raise DomainError("规范性文件有效期应为1至5年。", field_errors={"valid_years": "应为1至5年。"})
        doc.number_year, doc.number_seq, doc.doc_number, doc.registered_on = year, seq, number, today
        doc.valid_until = workdays.add_months(today, 12 * years)
        doc.review_due = workdays.add_months(doc.valid_until, -6)
    elif name == "publish":
        item = disclosure_publish(actor=actor, node=doc.node, category_code="normative", title=f"{doc.title}（{doc.doc_number}）",
                                  body=doc.body, formed_on=doc.registered_on)
        doc.disclosure_item, doc.published_on = item, today
        public = True
    elif name == "file":
        doc.filed_on = _date(filed_on, field="filed_on", label="报备日期", required=False) or today
        if doc.filed_on > today or doc.filed_on < doc.published_on:
            raise DomainError("报备日期应在公布日期与今天之间。", field_errors={"filed_on": "日期有误。"})
        doc.filing_body = clean_text(filing_body, field="filing_body", label="备案机关", max_length=100)
        doc.filing_receipt = clean_text(filing_receipt, field="filing_receipt", label="备案回执号", max_length=100)
    elif name == "renew":
        try:
            years = int(valid_years) if valid_years not in (None, "") else workdays.rule(RULE_NORMATIVE_VALIDITY).amount // 12
        except (TypeError, ValueError):
            raise DomainError("有效期应为整数（年）。", field_errors={"valid_years": "应为整数。"})
        if not 1 <= years <= 5:
            raise DomainError("规范性文件有效期应为1至5年。", field_errors={"valid_years": "应为1至5年。"})
        doc.valid_until = workdays.add_months(today, 12 * years)
        doc.review_due = workdays.add_months(doc.valid_until, -6)
    elif name == "repeal":
        doc.repealed_on = today
    doc.status = t.target or doc.status
    doc.version += 1
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise DomainError("文号已被使用，请刷新后重试。", field_errors={"number_seq": "已被使用。"})
    audit.record(actor=actor, action="transition", obj=doc, action_label=t.label, reason=reason, is_public=public,
                 changes=audit.diff(before, audit.snapshot(doc, fields)))
    if attachments:
        _store(attachments, owner=doc, node=doc.node, actor=actor, purpose=name)
    return doc


# ---- 重大行政决策 -----------------------------------------------------------------------------------------------

STEP_ORDER = [k for k, _ in DecisionStep.Kind.choices]


@transaction.atomic
def decision_create(*, actor, node, year=None, title="", description="", sponsor_unit="", hearing_required=False):
    _require(actor, "governance.decisions", node)
    _subdistrict(node)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError("请填写目录年度。", field_errors={"year": "应为年份。"})
    if not 2000 <= year <= 2100:
        raise DomainError("目录年度不正确。", field_errors={"year": "应为年份。"})
    decision = MajorDecision.objects.create(
        node=node, year=year, title=clean_text(title, field="title", label="决策事项", max_length=200),
        description=clean_text(description, field="description", label="事项说明", max_length=10000, required=False),
        sponsor_unit=clean_text(sponsor_unit, field="sponsor_unit", label="承办单位", max_length=100, required=False))
    for seq, kind in enumerate(STEP_ORDER, start=1):
        DecisionStep.objects.create(decision=decision, kind=kind, seq=seq, required=(kind != "hearing" or bool(hearing_required)))
    audit.record(actor=actor, action="create", obj=decision, action_label="列入重大行政决策目录", is_public=True,
                 changes={"year": year, "hearing_required": bool(hearing_required)})
    return decision


def _step(decision, kind):
    try:
        return decision.steps.select_for_update().get(kind=kind)
    except DecisionStep.DoesNotExist:
        raise DomainError("程序环节不存在。", field_errors={"kind": "不存在。"})


def _editable_step(actor, decision, kind):
    _require(actor, "governance.decisions", decision.node)
    if kind not in wf.PRE_DECISION_STEPS:
        raise DomainError("该环节随决策的“决定、公布、执行、评估”操作自动记录。", field_errors={"kind": "不可单独记录。"})
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("只有“履行程序中”的决策可以记录程序环节。")
    return _step(decision, kind)


@transaction.atomic
def decision_open_comment(*, actor, decision_id, days=None, version=None):
    decision = lock(MajorDecision, decision_id, version)
    _require(actor, "governance.decisions", decision.node)
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("请先启动决策程序，再公开征求意见。")
    if decision.comment_start:
        raise DomainError("已公开征求过意见。")
    rule = workdays.rule(RULE_DECISION_COMMENT)
    try:
        days = int(days) if days not in (None, "") else rule.amount
    except (TypeError, ValueError):
        raise DomainError("征求意见期应为整数（日）。", field_errors={"days": "应为整数。"})
    if days < rule.amount:
        raise DomainError(f"征求意见期一般不少于{rule.amount}日（{rule.legal_basis}）。", field_errors={"days": f"不少于{rule.amount}日。"})
    today = clock.today()
    decision.comment_start, decision.comment_end = today, today + datetime.timedelta(days=days)
    decision.version += 1
    decision.save()
    audit.record(actor=actor, action="update", obj=decision, action_label="公开征求意见", is_public=True,
                 changes={"comment_start": today, "comment_end": decision.comment_end})
    return decision


@transaction.atomic
def decision_step_record(*, actor, decision_id, kind, evidence, done_on=None, attachments=()):
    decision = MajorDecision.objects.select_for_update().get(pk=decision_id)
    step = _editable_step(actor, decision, kind)
    evidence = clean_text(evidence, field="evidence", label="过程材料说明", max_length=20000, min_length=4)
    done_on = _date(done_on, field="done_on", label="完成日期", required=False) or clock.today()
    if done_on > clock.today():
        raise DomainError("完成日期不能晚于今天。", field_errors={"done_on": "日期有误。"})
    if kind == "public_participation" and decision.comment_end and done_on < decision.comment_end and clock.today() <= decision.comment_end:
        raise DomainError(f"公开征求意见期至{decision.comment_end:%Y年%m月%d日}，期满后方可完成公众参与环节。")
    if kind == "hearing" and not decision.hearings.exists():
        raise DomainError("请先登记听证会（公告、参加人、笔录），再完成听证环节。")
    step.status, step.evidence, step.done_on, step.actor, step.waived_reason = DecisionStep.Status.DONE, evidence, done_on, actor, ""
    step.save()
    audit.record(actor=actor, action="update", obj=decision, action_label=f"完成程序：{step.get_kind_display()}",
                 changes={"step": kind, "done_on": done_on})
    _store(attachments, owner=step, node=decision.node, actor=actor, purpose=kind)
    return step


@transaction.atomic
def decision_step_waive(*, actor, decision_id, kind, reason):
    decision = MajorDecision.objects.select_for_update().get(pk=decision_id)
    step = _editable_step(actor, decision, kind)
    reason = clean_text(reason, field="reason", label="不适用理由", max_length=2000, min_length=4)
    if kind == "legality":
        raise DomainError("合法性审查是重大行政决策的必经程序，不能免除。", field_errors={"kind": "不可免除。"})
    step.status, step.waived_reason, step.actor, step.done_on = DecisionStep.Status.WAIVED, reason, actor, clock.today()
    step.save()
    audit.record(actor=actor, action="update", obj=decision, action_label=f"程序不适用：{step.get_kind_display()}", reason=reason,
                 changes={"step": kind})
    return step


@transaction.atomic
def hearing_create(*, actor, decision_id, notice_on=None, notice_text="", held_on=None, place="", participants="", record=""):
    decision = MajorDecision.objects.select_for_update().get(pk=decision_id)
    _require(actor, "governance.decisions", decision.node)
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("只有“履行程序中”的决策可以登记听证。")
    notice_on = _date(notice_on, field="notice_on", label="听证公告日期")
    held_on = _date(held_on, field="held_on", label="听证日期")
    if held_on < notice_on:
        raise DomainError("听证日期不能早于公告日期。", field_errors={"held_on": "应不早于公告日期。"})
    hearing = Hearing.objects.create(
        decision=decision, notice_on=notice_on, held_on=held_on,
        notice_text=clean_text(notice_text, field="notice_text", label="听证公告", max_length=5000),
        place=clean_text(place, field="place", label="地点", max_length=100),
        participants=clean_text(participants, field="participants", label="听证参加人", max_length=5000),
        record=clean_text(record, field="record", label="听证笔录摘要", max_length=20000))
    audit.record(actor=actor, action="create", obj=decision, action_label="登记听证会", is_public=True,
                 changes={"held_on": held_on, "place": hearing.place})
    return hearing


@transaction.atomic
def decision_transition(*, actor, decision_id, name, version=None, reason="", agenda_item=None, decision_text="",
                        evidence=""):
    decision = lock(MajorDecision, decision_id, version)
    t = wf.DECISION.check(decision, actor, name, reason=reason)
    before = audit.snapshot(decision, ["status", "decided_on"])
    today = clock.today()
    auto_step = {"decide": "collective", "publish": "publication", "implement": "implementation", "evaluate": "evaluation"}.get(name)
    step_evidence = ""
    if name == "decide":
        item = _agenda_item_for(actor, agenda_item, decision.node)
        decision.agenda_item, decision.decided_on = item, item.meeting.held_on
        decision.decision_text = clean_text(decision_text, field="decision_text", label="决策内容", max_length=10000)
        step_evidence = f"{item.meeting.title}（{item.meeting.held_on:%Y年%m月%d日}）议题{item.seq}“{item.title}”：{item.get_outcome_display()}。{item.decision_text}"
    elif name == "publish":
        item = disclosure_publish(actor=actor, node=decision.node, category_code="major_decisions",
                                  title=f"关于{decision.title}的决策公告", body=decision.decision_text or decision.title,
                                  formed_on=decision.decided_on or today)
        step_evidence = f"{today:%Y年%m月%d日}在政务公开网站公布决策（信息编号{item.pk}）。"
    elif name == "implement":
        step_evidence = f"{today:%Y年%m月%d日}起组织实施。"
    elif name == "evaluate":
        step_evidence = clean_text(evidence, field="evidence", label="评估报告摘要", max_length=20000, min_length=4)
    if auto_step:
        step = _step(decision, auto_step)
        step.status, step.evidence, step.done_on, step.actor = DecisionStep.Status.DONE, step_evidence, today if name != "decide" else decision.decided_on, actor
        step.save()
    decision.status = t.target
    decision.version += 1
    decision.save()
    audit.record(actor=actor, action="transition", obj=decision, action_label=t.label, reason=reason,
                 is_public=name in ("decide", "publish"), changes=audit.diff(before, audit.snapshot(decision, ["status", "decided_on"])))
    return decision


# ---- 党工委会议 ---------------------------------------------------------------------------------------------------

@transaction.atomic
def meeting_create(*, actor, node, title, held_on, place="", chair=None, members=(), guests=(), agenda=()):
    """members: core Users (voting); guests: [(name, village node, role label)] (non-voting); agenda: [title]."""
    _require(actor, "governance.meetings", node)
    if node.kind != OrgNode.Kind.SUBDISTRICT:
        raise DomainError("党工委会议应登记在街道。", field_errors={"node": "应为街道。"})
    meeting = Meeting.objects.create(
        node=node, title=clean_text(title, field="title", label="会议名称", max_length=120),
        held_on=_date(held_on, field="held_on", label="会议日期"),
        place=clean_text(place, field="place", label="地点", max_length=100, required=False), chair=chair)
    for user in members:
        meeting_add_attendee(actor=actor, meeting_id=meeting.pk, user=user)
    for guest in guests:
        name, village, role_label = (list(guest) + ["村党支部书记"])[:3]
        meeting_add_attendee(actor=actor, meeting_id=meeting.pk, name=name, village=village, role_label=role_label)
    for title_ in agenda:
        meeting_add_item(actor=actor, meeting_id=meeting.pk, title=title_)
    audit.record(actor=actor, action="create", obj=meeting, action_label="登记党工委会议", changes={"held_on": meeting.held_on})
    return meeting


@transaction.atomic
def meeting_add_attendee(*, actor, meeting_id, user=None, name="", village=None, role_label=""):
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    _require(actor, "governance.meetings", meeting.node)
    if user is not None:
        if meeting.attendees.filter(user=user).exists():
            raise DomainError(f"{user.display_name}已在参会名单中。")
        attendee = MeetingAttendee.objects.create(meeting=meeting, user=user, name=user.display_name, is_voting=True,
                                                  role_label="党工委成员")
    else:
        name = clean_text(name, field="name", label="列席人员姓名", max_length=50)
        if not isinstance(village, OrgNode):
            village = OrgNode.objects.filter(pk=int(village)).first() if str(village or "").isdigit() else None
        if village is None or village.kind != OrgNode.Kind.VILLAGE or not village.path.startswith(meeting.node.path):
            raise DomainError("请选择本街道的村（社区）。", field_errors={"village": "请选择村（社区）。"})
        attendee = MeetingAttendee.objects.create(meeting=meeting, name=name, is_voting=False, village=village,
                                                  role_label=clean_text(role_label or "村党支部书记", field="role_label", label="身份", max_length=50))
    audit.record(actor=actor, action="update", obj=meeting, action_label="登记参会人员",
                 changes={"name": attendee.name, "voting": attendee.is_voting, "village": attendee.village_id})
    return attendee


@transaction.atomic
def meeting_add_item(*, actor, meeting_id, title):
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    _require(actor, "governance.meetings", meeting.node)
    title = clean_text(title, field="title", label="议题", max_length=200)
    seq = (meeting.items.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, seq=seq, title=title)
    audit.record(actor=actor, action="update", obj=meeting, action_label=f"增加议题{seq}", changes={"title": title})
    return item


@transaction.atomic
def agenda_item_decide(*, actor, item_id, outcome, decision_text=""):
    item = AgendaItem.objects.select_related("meeting").select_for_update().get(pk=item_id)
    meeting = item.meeting
    _require(actor, "governance.meetings", meeting.node)
    if outcome not in (AgendaItem.Outcome.APPROVED, AgendaItem.Outcome.REJECTED, AgendaItem.Outcome.DEFERRED):
        raise DomainError("请选择集体决定结果。", field_errors={"outcome": "请选择。"})
    if meeting.held_on > clock.today():
        raise DomainError("会议尚未召开，不能记录集体决定。")
    if not meeting.attendees.filter(is_voting=True).exists():
        raise DomainError("请先登记有表决权的党工委成员，再记录集体决定。")
    before = audit.snapshot(item, ["outcome", "decision_text"])
    item.outcome = outcome
    item.decision_text = clean_text(decision_text, field="decision_text", label="决定内容", max_length=5000, required=False)
    item.save()
    audit.record(actor=actor, action="update", obj=meeting, action_label=f"议题{item.seq}集体决定：{item.get_outcome_display()}",
                 changes=audit.diff(before, audit.snapshot(item, ["outcome", "decision_text"])))
    return item


@transaction.atomic
def meeting_record_minutes(*, actor, meeting_id, minutes, version=None):
    meeting = lock(Meeting, meeting_id, version)
    _require(actor, "governance.meetings", meeting.node)
    if meeting.held_on > clock.today():
        raise DomainError("会议尚未召开，不能录入纪要。")
    meeting.minutes = clean_text(minutes, field="minutes", label="会议纪要", max_length=50000, min_length=4)
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save()
    audit.record(actor=actor, action="update", obj=meeting, action_label="录入会议纪要")
    return meeting


# ---- 日历变化后重新计算 -----------------------------------------------------------------------------------------

@workdays.register_recompute
def recompute(actor):
    changed = 0
    for req in DisclosureRequest.objects.exclude(status=DisclosureRequest.Status.ANSWERED):
        old = req.due_date
        _set_due(req)
        if req.due_date != old:
            DisclosureRequest.objects.filter(pk=req.pk).update(due_date=req.due_date)
            changed += 1
    for item in DisclosureItem.objects.filter(due_date__isnull=True):
        _apply_timeliness(item)
        if item.due_date is not None:
            DisclosureItem.objects.filter(pk=item.pk).update(due_date=item.due_date, is_timely=item.is_timely)
            changed += 1
    return changed
