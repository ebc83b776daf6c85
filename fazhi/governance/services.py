"""Every write of the government-affairs module. Keyword-only arguments, atomic, audited.

The workbench, the public site, the JSON API, ledger import and the demo loader all call these functions.
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core import audit, clock, codes, files, orgkinds, policy, workdays
from fazhi.core.errors import DomainError, NotAllowed, NotFound
from fazhi.core.models import OrgNode
from fazhi.core.search import search_text
from fazhi.core.validators import (
    clean_date,
    clean_decimal,
    clean_int,
    clean_node,
    clean_text,
    dates_in_order,
    validate_phone,
)
from fazhi.core.workflow import lock as workflow_lock

from . import annual
from . import workflow as wf
from .models import (
    AgendaItem,
    DecisionStep,
    DisclosureCategory,
    DisclosureItem,
    DisclosureRemedy,
    DisclosureReport,
    DisclosureRequest,
    Hearing,
    MajorDecision,
    Meeting,
    MeetingAttendee,
    NormativeDocument,
    PublicComment,
)

ATTACHMENT_KINDS = ("pdf", "image", "office")
PUBLISH_PERMS = wf.WITH_RECORD
RULE_DISCLOSURE = "governance.proactive_disclosure"
RULE_REQUEST = "governance.request_reply"
RULE_EXTENSION = "governance.request_extension"
RULE_NORMATIVE_COMMENT = "governance.normative_comment"
RULE_DECISION_COMMENT = "governance.decision_comment"
RULE_NORMATIVE_VALIDITY = "governance.normative_validity"
RULE_CORRECTION = "governance.correction_notice"
RULE_CORRECTION_PERIOD = "governance.correction_period"
RULE_THIRD_PARTY = "governance.third_party"
RULE_RECONSIDERATION = "governance.reconsideration"
RULE_LAWSUIT = "governance.lawsuit"
VIEW = "governance.view"


def _version(value) -> int | None:
    """The version a form or API client last saw (None: do not check)."""
    return clean_int(value, field="version", label="版本号", required=False)


def _get(model, pk):
    """The row a service was given by id (the caller already authorised it through the policy); missing → 404."""
    obj = model._default_manager.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise NotFound()
    return obj


def _require(actor, perm: str, node) -> None:
    policy.require(actor, perm, node, view_perm=VIEW)


def _tenant(node: OrgNode) -> OrgNode:
    tenant = node.tenant() if node is not None else None
    if tenant is None:
        raise DomainError("请选择街道一级的机关。", field_errors={"node": "应为街道。"})
    return tenant


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
    item.is_timely = None if d.due is None or item.published_on is None else item.published_on <= d.due


def would_be_late(item: DisclosureItem, day: datetime.date | None = None) -> bool:
    """Published on ``day`` (today), would the item miss its 20-working-day due date (第二十六条)?"""
    due = disclosure_deadline(item.formed_on).due
    return due is not None and (day or clock.today()) > due


def _item_fields(item: DisclosureItem, *, category_code, title, body, formed_on) -> None:
    category = DisclosureCategory.objects.filter(code=category_code, is_active=True).first() \
        if isinstance(category_code, str) else None
    if category is None:
        raise DomainError("请选择有效的公开目录类别。", field_errors={"category": "类别不存在或已停用。"})
    item.category = category
    item.title = clean_text(title, field="title", label="标题", max_length=200)
    item.body = clean_text(body, field="body", label="正文", max_length=200000, required=False)
    item.formed_on = clean_date(formed_on, field="formed_on", label="信息形成（变更）日期")
    if item.formed_on > clock.today():
        raise DomainError("信息形成日期不能晚于今天。", field_errors={"formed_on": "不能晚于今天。"})
    item.due_date = disclosure_deadline(item.formed_on).due
    item.search_text = search_text(item.title, item.body, category.name)


@transaction.atomic
def disclosure_save(*, actor, node, category_code: str, title: str, body: str, formed_on, attachments=(),
                    publisher_name: str = "") -> DisclosureItem:
    """Save a proactive-disclosure item as a draft (待确认发布): nothing is public until ``disclosure_confirm``."""
    _require(actor, "governance.disclosure", node)
    item = DisclosureItem(node=node, status=DisclosureItem.Status.DRAFT,
                          publisher_name=publisher_name or (node.name if node.is_district else _tenant(node).name))
    _item_fields(item, category_code=category_code, title=title, body=body, formed_on=formed_on)
    item.save()
    audit.record(actor=actor, action="create", obj=item, action_label="保存待发布信息",
                 changes={"category": item.category.name, "formed_on": item.formed_on, "due_date": item.due_date})
    _store(attachments, owner=item, node=node, actor=actor, purpose="attachment")
    return item


@transaction.atomic
def disclosure_update(*, actor, item_id: int, version: Any = None, category_code: str, title: str, body: str,
                      formed_on) -> DisclosureItem:
    """Change a draft before it is published (a published item is withdrawn, never edited)."""
    item = workflow_lock(DisclosureItem, _get(DisclosureItem, item_id).pk, _version(version))
    _require(actor, "governance.disclosure", item.node)
    if item.status != DisclosureItem.Status.DRAFT:
        raise DomainError("已发布的信息不能修改；如有错误，请撤回后重新发布。")
    fields = ["category_id", "title", "body", "formed_on", "due_date"]
    before = audit.snapshot(item, fields)
    _item_fields(item, category_code=category_code, title=title, body=body, formed_on=formed_on)
    item.version += 1
    item.save()
    audit.record(actor=actor, action="update", obj=item, changes=audit.diff(before, audit.snapshot(item, fields)))
    return item


def _publish_handler(late_reason: str):
    """Set the publication fields; a publication after the due date needs its reason (第二十六条)."""
    def publish(item, *, actor, **_):
        now = clock.now()
        item.published_at, item.published_on = now, timezone.localdate(now)
        item.publisher = actor if getattr(actor, "pk", None) else None
        _apply_timeliness(item)
        reason = clean_text(late_reason, field="late_reason", label="逾期公开理由", max_length=2000, required=False)
        if item.is_timely is False and not reason:
            basis = workdays.rule(RULE_DISCLOSURE).legal_basis
            raise DomainError(f"该信息应于{item.due_date:%Y年%m月%d日}前公开（{basis}），现已逾期：请填写逾期公开理由后再发布。",
                              field_errors={"late_reason": "逾期公开须填写理由。"})
        item.late_reason = reason if item.is_timely is False else ""
        files.files_of(item).update(is_public=True)
    return publish


@transaction.atomic
def disclosure_confirm(*, actor, item_id: int, version: Any = None, late_reason: str = "") -> DisclosureItem:
    """确认发布: the draft goes public today, after the officer has seen the preview."""
    return wf.ITEM.run(_get(DisclosureItem, item_id), actor=actor, name="publish", version=_version(version),
                       handler=_publish_handler(late_reason))


@transaction.atomic
def disclosure_publish(*, actor, node, category_code, title, body, formed_on, attachments=(), publisher_name="",
                       late_reason: str = "") -> DisclosureItem:
    """Publish an item as part of a decision already on record — a normative document's or a major decision's
    "publish", the annual reports (category_code "annual_report"): saved and published through the table's
    "publish_with_record" in one step. Items entered on their own go through ``disclosure_save`` and
    ``disclosure_confirm``."""
    if not any(policy.has_perm(actor, p, node) for p in PUBLISH_PERMS):
        raise NotAllowed("您没有发布政府信息的权限。")
    item = DisclosureItem(node=node, status=DisclosureItem.Status.DRAFT,
                          publisher_name=publisher_name or (node.name if node.is_district else _tenant(node).name))
    _item_fields(item, category_code=category_code, title=title, body=body, formed_on=formed_on)
    item.save()
    _store(attachments, owner=item, node=node, actor=actor, purpose="attachment")
    return wf.ITEM.run(item, actor=actor, name="publish_with_record", handler=_publish_handler(late_reason))


@transaction.atomic
def disclosure_withdraw(*, actor, item_id: int, reason: str, version: Any = None) -> DisclosureItem:
    reason = clean_text(reason, field="reason", label="撤回理由", max_length=1000)

    def withdraw(item, **_):
        item.withdrawn_at = clock.now()
        item.withdraw_reason = reason

    item = wf.ITEM.run(_get(DisclosureItem, item_id), actor=actor, name="withdraw", version=_version(version),
                       reason=reason, handler=withdraw)
    files.files_of(item).update(is_public=False)
    return item


@transaction.atomic
def disclosure_attach(*, actor, item_id, uploads):
    item = _get(DisclosureItem, item_id)
    _require(actor, "governance.disclosure", item.node)
    if item.status == DisclosureItem.Status.WITHDRAWN:
        raise DomainError("已撤回的信息不能再添加附件。")
    return _store(uploads, owner=item, node=item.node, actor=actor, purpose="attachment",
                  is_public=item.status == DisclosureItem.Status.PUBLISHED)


# ---- 主动公开：台账导入（历史记录） -------------------------------------------------------------------------------
# A ledger row of proactive disclosure is a draft (no 发布日期) or a record of its own past: published on the sheet's
# 发布日期 (and withdrawn on its 撤回日期). Its timeliness is judged by its own dates (formed → published), never by
# the day of the import; the audit says "导入历史" with the business date, by whom and when (the event's own time).

ItemStatus = DisclosureItem.Status


def _at(day: datetime.date) -> datetime.datetime:
    """The moment recorded for an event of a past ``day`` (noon, local time): its date is the business date."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def disclosure_history_errors(*, formed_on, status, published_on, late_reason="", withdrawn_on=None,
                              withdraw_reason="") -> dict:
    """{field: Chinese message} for a ledger row whose dates and state do not hold together (all of them): dates in
    order and not in the future, the state reachable (a withdrawn item was published first), a late publication with
    its reason (《政府信息公开条例》第二十六条). Reads only."""
    today, errors = clock.today(), {}
    if formed_on and formed_on > today:
        errors["formed_on"] = "信息形成日期不能晚于今天。"
    for key, day, label in (("published_on", published_on, "发布日期"), ("withdrawn_on", withdrawn_on, "撤回日期")):
        if day and day > today:
            errors[key] = f"{label}不能晚于今天（{today:%Y-%m-%d}）。"
    if status == ItemStatus.DRAFT:
        for key, value, label in (("published_on", published_on, "发布日期"), ("withdrawn_on", withdrawn_on, "撤回日期"),
                                  ("withdraw_reason", withdraw_reason, "撤回理由"), ("late_reason", late_reason, "逾期公开理由")):
            if value:
                errors.setdefault(key, f"状态为“待确认发布”的信息尚未发布，不应填写{label}；已发布的请将状态改为“已公开”。")
        return errors
    if not published_on:
        errors.setdefault("published_on", f"状态为“{ItemStatus(status).label}”的信息须填写发布日期。")
    elif formed_on and published_on < formed_on:
        errors.setdefault("published_on", "发布日期不能早于信息形成（变更）日期。")
    if status == ItemStatus.WITHDRAWN:
        if not withdrawn_on:
            errors.setdefault("withdrawn_on", "已撤回的信息须填写撤回日期。")
        elif published_on and withdrawn_on < published_on:
            errors.setdefault("withdrawn_on", "撤回日期不能早于发布日期。")
        if not (withdraw_reason or "").strip():
            errors.setdefault("withdraw_reason", "已撤回的信息须填写撤回理由。")
    else:
        for key, value, label in (("withdrawn_on", withdrawn_on, "撤回日期"), ("withdraw_reason", withdraw_reason, "撤回理由")):
            if value:
                errors.setdefault(key, f"状态为“已公开”的信息不应填写{label}；已撤回的请将状态改为“已撤回”。")
    if formed_on and published_on and "published_on" not in errors and not (late_reason or "").strip():
        due = disclosure_deadline(formed_on).due
        if due is not None and published_on > due:
            errors["late_reason"] = (f"该信息应于{due:%Y年%m月%d日}前公开，{published_on:%Y年%m月%d日}发布已逾期："
                                     "请填写逾期公开理由（《政府信息公开条例》第二十六条）。")
    return errors


def _history_publish_handler(published_on: datetime.date, late_reason: str):
    """Publication on the record's own date (the ledger's 发布日期), judged against its own due date."""
    def publish(item, *, actor, **_):
        item.published_at, item.published_on = _at(published_on), published_on
        item.publisher = actor if getattr(actor, "pk", None) else None
        _apply_timeliness(item)
        item.late_reason = clean_text(late_reason, field="late_reason", label="逾期公开理由", max_length=2000,
                                      required=False) if item.is_timely is False else ""
        files.files_of(item).update(is_public=True)
    return publish


def disclosure_publish_on(*, actor, item: DisclosureItem, published_on=None, late_reason: str = "") -> DisclosureItem:
    """Publish a draft: today (``disclosure_confirm``) or, for a ledger row of the past, on its own 发布日期 —
    audited as imported history with that business date."""
    if published_on is None or published_on >= clock.today():
        return disclosure_confirm(actor=actor, item_id=item.pk, version=item.version, late_reason=late_reason)
    errors = disclosure_history_errors(formed_on=item.formed_on, status=ItemStatus.PUBLISHED, published_on=published_on,
                                       late_reason=late_reason)
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    return wf.ITEM.run(item, actor=actor, name="publish", version=item.version, at=published_on, imported=True,
                       handler=_history_publish_handler(published_on, late_reason))


def disclosure_withdraw_on(*, actor, item: DisclosureItem, reason: str, withdrawn_on=None) -> DisclosureItem:
    """Withdraw a published item: today (``disclosure_withdraw``) or, for a ledger row of the past, on its own
    撤回日期 (imported history)."""
    if withdrawn_on is None or withdrawn_on >= clock.today():
        return disclosure_withdraw(actor=actor, item_id=item.pk, reason=reason, version=item.version)
    errors = {}
    if item.published_on and withdrawn_on < item.published_on:
        errors["withdrawn_on"] = f"撤回日期不能早于发布日期（{item.published_on:%Y-%m-%d}）。"
    if not (reason or "").strip():
        errors["withdraw_reason"] = "撤回须填写撤回理由。"
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    reason = clean_text(reason, field="withdraw_reason", label="撤回理由", max_length=1000)

    def withdraw(obj, **_):
        obj.withdrawn_at = _at(withdrawn_on)
        obj.withdraw_reason = reason

    item = wf.ITEM.run(item, actor=actor, name="withdraw", version=item.version, reason=reason, handler=withdraw,
                       at=withdrawn_on, imported=True)
    files.files_of(item).update(is_public=False)
    return item


@transaction.atomic
def disclosure_import(*, actor, node, category_code: str, title: str, body: str = "", formed_on, status: str = "",
                      published_on=None, late_reason: str = "", withdrawn_on=None, withdraw_reason: str = "",
                      source: str = "") -> DisclosureItem:
    """One row of the proactive-disclosure ledger: a draft, or an item of the past published (and withdrawn) on its
    own dates. Everything wrong with the row is refused at once (field by field)."""
    status = status or (ItemStatus.PUBLISHED if published_on else ItemStatus.DRAFT)
    errors = disclosure_history_errors(formed_on=formed_on, status=status, published_on=published_on,
                                       late_reason=late_reason, withdrawn_on=withdrawn_on,
                                       withdraw_reason=withdraw_reason)
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    item = disclosure_save(actor=actor, node=node, category_code=category_code, title=title, body=body,
                           formed_on=formed_on)
    history = published_on is not None and published_on < clock.today()
    audit.record(actor=actor, action="import", obj=item,
                 action_label=f"{'导入历史' if history else '导入'}：{source or '主动公开信息台账'}",
                 changes={"imported_history": history, "business_date": audit.normalize(published_on or formed_on)})
    if status == ItemStatus.DRAFT:
        return item
    item = disclosure_publish_on(actor=actor, item=item, published_on=published_on, late_reason=late_reason)
    if status == ItemStatus.WITHDRAWN:
        item = disclosure_withdraw_on(actor=actor, item=item, reason=withdraw_reason, withdrawn_on=withdrawn_on)
    return item


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

def _tracking_code():
    return codes.tracking_code(DisclosureRequest.objects.all(), "tracking_code", prefix="GK", length=10)


@dataclasses.dataclass
class RequestDeadline(workdays.Deadline):
    """The reply deadline, saying how long a third-party consultation paused the clock (第三十三条第三款)."""

    paused_days: int = 0
    pause_text: str = ""

    def explain(self):
        text = super().explain()
        if self.paused_days:
            text += f"。{self.pause_text}"
        return text


def request_deadline(req: DisclosureRequest) -> RequestDeadline:
    extension = workdays.rule(RULE_EXTENSION).amount if req.extended else 0
    base = workdays.compute_deadline(RULE_REQUEST, req.clock_start, extra=extension + req.paused_days)
    values = {f.name: getattr(base, f.name) for f in dataclasses.fields(workdays.Deadline)}
    values["extra_days"] = extension
    pause = ""
    if req.paused_days:
        pause = (f"征求第三方（{req.consultation_party}）意见自{req.consultation_started_on:%Y年%m月%d日}至"
                 f"{req.consultation_ended_on:%Y年%m月%d日}，{req.paused_days}个工作日不计入答复期限"
                 f"（《政府信息公开条例》第三十二条、第三十三条第三款），截止日相应顺延")
    return RequestDeadline(**values, paused_days=req.paused_days, pause_text=pause)


def correction_deadline(req: DisclosureRequest) -> workdays.Deadline:
    """第三十条: the correction notice is due within 7 working days of receipt."""
    return workdays.compute_deadline(RULE_CORRECTION, req.received_on)


def correction_period_due(req: DisclosureRequest) -> datetime.date | None:
    """第三十条: the reasonable period the notice gave the applicant to correct (the rule's, from the notice day)."""
    if req.correction_due or not req.correction_requested_on:
        return req.correction_due
    return workdays.compute_deadline(RULE_CORRECTION_PERIOD, req.correction_requested_on).due


def _abandon(req: DisclosureRequest, *, reason: str, today: datetime.date) -> None:
    """第三十条: no correction by the period's end without good reason — the request counts as withdrawn and the
    agency no longer handles it; closed today, in the annual report's row 其他处理：逾期不补正."""
    due = correction_period_due(req)
    req.reply_reason = clean_text(reason, field="reason", label="逾期未补正的情况说明", max_length=2000)
    req.reply_text = (f"本机关已于{req.correction_requested_on:%Y年%m月%d日}一次性告知您补正申请，补正期限至"
                      f"{due:%Y年%m月%d日}。您无正当理由逾期未补正，依据《中华人民共和国政府信息公开条例》第三十条，"
                      "视为放弃申请，本机关不再处理该政府信息公开申请。")
    req.answered_on = today
    req.table_reason = DisclosureRequest.TableReason.NO_CORRECTION


def consultation_deadline(req: DisclosureRequest) -> workdays.Deadline:
    """第三十二条: the third party answers within 15 working days of receiving the request for its opinion."""
    return workdays.compute_deadline(RULE_THIRD_PARTY, req.consultation_started_on)


def _set_due(req):
    req.due_date = request_deadline(req).due


@transaction.atomic
def request_submit(*, node, applicant_name="", phone="", content="", applicant_type="person", email="", address="", purpose="",
                   actor=None, channel="online", received_on=None, organisation_kind=""):
    """Register a request for disclosure (from the public site, or by staff for a walk-in/letter)."""
    if node is None or not node.is_tenant or not node.is_active:
        raise DomainError("请选择受理申请的街道。", field_errors={"node": "请选择街道。"})
    if actor is not None and getattr(actor, "pk", None):
        _require(actor, "governance.requests", node)
    errors = {}
    if applicant_type not in DisclosureRequest.ApplicantType.values:
        errors["applicant_type"] = "请选择申请人类型。"
    organisation_kind = organisation_kind if isinstance(organisation_kind, str) else None
    if organisation_kind is None or (organisation_kind and (
            organisation_kind not in DisclosureRequest.OrganisationKind.values or applicant_type != "organisation")):
        errors["organisation_kind"] = "组织类别有误（仅法人或其他组织填写）。"
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
        content = clean_text(content, field="content", label="所需政府信息的名称、文号或描述", max_length=3000, min_length=4,
                             redact_numbers=True)
    except DomainError as exc:
        errors.update(exc.field_errors)
    for field, value, label, limit in (("email", email, "电子邮箱", 100), ("address", address, "通信地址", 200), ("purpose", purpose, "用途", 200)):
        if len(value or "") > limit:
            errors[field] = f"{label}不能超过{limit}个字。"
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email.strip()):
        errors["email"] = "电子邮箱格式不正确。"
    if errors:
        raise DomainError("申请未提交：" + "；".join(errors.values()), field_errors=errors)
    received_on = clean_date(received_on, field="received_on", label="收到日期", required=False,
                             not_future=True) or clock.today()
    req = DisclosureRequest(node=node, tracking_code=_tracking_code(), applicant_type=applicant_type,
                            organisation_kind=organisation_kind, applicant_name=applicant_name, phone=phone, email=(email or "").strip(),
                            address=(address or "").strip(), content=content, purpose=(purpose or "").strip(),
                            channel=channel, received_on=received_on, clock_start=received_on, created_at=clock.now())
    _set_due(req)
    req.search_text = search_text(req.tracking_code, applicant_name, content)
    req.save()
    channel_label = {"online": "网上申请", "counter": "窗口登记"}.get(channel, channel)
    audit.record(actor=actor if actor is not None else f"申请人（{channel_label}）", action="create", obj=req,
                 action_label="登记政府信息公开申请", changes={"received_on": received_on, "due_date": req.due_date})
    return req


def _correction_received(req: DisclosureRequest, corrected_on: datetime.date, text: str) -> None:
    """第三十条: the reply period runs again from the day the corrected application is received."""
    req.corrected_on = corrected_on
    req.waiting_days += (corrected_on - req.correction_requested_on).days
    req.clock_start = corrected_on
    if text:
        req.content = req.content + "\n【补正内容】" + text


@transaction.atomic
def request_transition(*, actor, request_id: int, name: str, version: Any = None, reason: str = "",
                       corrected_on=None, correction_text: str = "", reply_type: str = "", reply_text: str = "",
                       reply_reason: str = "", referred_body: str = "", consultation_party: str = "",
                       consultation_opinion: str = "", ended_on=None, table_reason: str = "",
                       attachments=(), at=None) -> DisclosureRequest:
    """Run a step of a request today — or, with ``at`` (a ledger's history), on that business day: the table's
    guards and this handler judge it on ``at`` and the audit says "导入历史" with that date."""
    def handle(req, *, reason, **_):
        today = wf.today()
        if name == "request_correction":
            req.correction_requested_on = today
            req.correction_note = clean_text(reason, field="reason", label="补正要求", max_length=2000)
            due = correction_deadline(req).due
            req.correction_late = due is not None and today > due
            req.correction_due = workdays.compute_deadline(RULE_CORRECTION_PERIOD, today).due
        elif name == "close_uncorrected":
            _abandon(req, reason=reason, today=today)
        elif name == "start_consultation":
            req.consultation_party = clean_text(consultation_party, field="consultation_party", label="第三方名称",
                                                max_length=200)
            req.consultation_started_on = today
        elif name == "end_consultation":
            day = clean_date(ended_on, field="ended_on", label="收到意见日期", required=False, not_future=True) or today
            if day < req.consultation_started_on:
                raise DomainError("收到意见日期不能早于征求意见日期。", field_errors={"ended_on": "日期有误。"})
            req.consultation_ended_on = day
            req.consultation_opinion = clean_text(consultation_opinion, field="consultation_opinion",
                                                  label="第三方意见", max_length=5000, required=False)
            limit = workdays.rule(RULE_THIRD_PARTY).amount
            req.paused_days = min(workdays.working_days_between(req.consultation_started_on, day), limit)
        elif name == "submit_correction":
            day = clean_date(corrected_on, field="corrected_on", label="补正完成日期", required=False) or today
            if day < req.correction_requested_on:
                raise DomainError("补正完成日期不能早于通知补正日期。", field_errors={"corrected_on": "日期有误。"})
            if day > today:
                raise DomainError("补正完成日期不能晚于今天。", field_errors={"corrected_on": "日期有误。"})
            text = clean_text(correction_text, field="correction_text", label="补正内容", max_length=3000,
                              required=False)
            _correction_received(req, day, text)
        elif name == "request_extension":
            req.extension_reason = clean_text(reason, field="reason", label="延期理由", max_length=1000)
        elif name == "approve_extension":
            req.extended = True
            req.extension_approved_by = actor
        elif name == "record_extension":  # approved on paper (第三十三条第二款), brought in from the ledger
            req.extension_reason = clean_text(reason, field="reason", label="延期理由", max_length=1000)
            req.extended = True
        elif name == "answer":
            _answer(req, reply_type=reply_type, reply_text=reply_text, reply_reason=reply_reason,
                    referred_body=referred_body, today=today, table_reason=table_reason)
        _set_due(req)

    if at is None:
        req = wf.REQUEST.run(_get(DisclosureRequest, request_id), actor=actor, name=name, version=_version(version),
                             reason=reason, handler=handle)
    else:
        with wf.business_day(at):
            req = wf.REQUEST.run(_get(DisclosureRequest, request_id), actor=actor, name=name,
                                 version=_version(version), reason=reason, handler=handle, at=at, imported=True)
    if attachments:
        _store(attachments, owner=req, node=req.node, actor=actor, purpose="reply")
    return req



# ---- 依申请公开：台账导入（历史记录） -------------------------------------------------------------------------------
# A request of the paper ledger comes in as received on its own date and, if answered, answered on its own 答复日期
# (the reply numbered in that year, judged on time or late against its own due date), audited as "导入历史".

ReqStatus = DisclosureRequest.Status


#: The steps a ledger row may carry, as {column: label}; replayed in this order on their own dates.
STEP_DATES = {"correction_requested_on": "补正通知日期", "corrected_on": "补正完成日期",
              "consultation_started_on": "征求意见开始日期", "consultation_ended_on": "征求意见结束日期",
              "extension_approved_on": "延期批准日期"}
IMPORTABLE = (ReqStatus.REGISTERED, ReqStatus.ANSWERED, ReqStatus.ABANDONED)


def _original_due(received_on, steps: dict, before: datetime.date) -> datetime.date | None:
    """The reply deadline, before any extension, of a request of the ledger as it stood on ``before``: from the
    corrected application if corrected (第三十条), the third party's time not counted (第三十三条第三款) — computed by
    the same ``request_deadline`` on the row's business dates."""
    req = DisclosureRequest(received_on=received_on, clock_start=received_on, extended=False)
    corrected, started, ended = (steps.get(k) for k in ("corrected_on", "consultation_started_on",
                                                         "consultation_ended_on"))
    if corrected and corrected <= before:
        req.clock_start = corrected
    if started and ended and ended <= before:
        req.consultation_started_on, req.consultation_ended_on = started, ended
        req.paused_days = min(workdays.working_days_between(started, ended), workdays.rule(RULE_THIRD_PARTY).amount)
    return request_deadline(req).due


def request_history_errors(*, received_on, status, answered_on=None, reply_type="", reply_text="",
                           steps: dict | None = None, consultation_party="") -> dict:
    """{field: message} for a ledger row whose state and dates do not hold together (all of them): every date not in
    the future and in the order of the procedure (补正 → 征求第三方意见 → 延期 → 答复), each step's counterpart given,
    an extension approved within the original deadline (第三十三条第二款), a request closed as abandoned only after
    the correction period (第三十条). Deadlines are computed on the row's dates, never today's. Reads only."""
    today, errors = clock.today(), {}
    steps = {k: v for k, v in (steps or {}).items() if v}
    if received_on and received_on > today:
        errors["received_on"] = f"收到日期不能晚于今天（{today:%Y-%m-%d}）。"
    for key, day in steps.items():
        if day > today:
            errors[key] = f"{STEP_DATES[key]}不能晚于今天（{today:%Y-%m-%d}）。"
    if status not in IMPORTABLE:
        errors["status"] = ("台账只能导入“办理中”“已答复”或“视为放弃申请（逾期未补正）”的申请：待补正、征求第三方意见中、"
                            "延期待批的申请请在申请页面办理。")
        return errors
    if status == ReqStatus.REGISTERED:
        for key, value, label in (("answered_on", answered_on, "答复日期"), ("reply_type", reply_type, "答复类型"),
                                  ("reply_text", reply_text, "答复内容")):
            if value:
                errors[key] = f"状态为“办理中”的申请不应填写{label}；已答复的请将状态改为“已答复”。"
    elif status == ReqStatus.ABANDONED:
        if not answered_on:
            errors["answered_on"] = "视为放弃申请的，须在“答复日期”填写不再处理的日期。"
        if reply_type:
            errors["reply_type"] = "视为放弃申请的申请没有答复类型，请留空。"
    else:
        for key, value, label in (("answered_on", answered_on, "答复日期"), ("reply_type", reply_type, "答复类型"),
                                  ("reply_text", reply_text, "答复内容")):
            if not value:
                errors[key] = f"已答复的申请须填写{label}。"
    if answered_on and answered_on > today:
        errors["answered_on"] = f"答复日期不能晚于今天（{today:%Y-%m-%d}）。"
    elif answered_on and received_on and answered_on < received_on:
        errors["answered_on"] = "答复日期不能早于收到日期。"
    if errors or not received_on:
        return errors

    def refuse(key, message):
        errors.setdefault(key, message)

    asked, corrected = steps.get("correction_requested_on"), steps.get("corrected_on")
    started, ended = steps.get("consultation_started_on"), steps.get("consultation_ended_on")
    extended = steps.get("extension_approved_on")
    if asked and asked < received_on:
        refuse("correction_requested_on", "补正通知日期不能早于收到日期。")
    if corrected and not asked:
        refuse("corrected_on", "填写了补正完成日期的，须填写补正通知日期。")
    elif corrected and corrected < asked:
        refuse("corrected_on", f"补正完成日期（{corrected:%Y-%m-%d}）不能早于补正通知日期（{asked:%Y-%m-%d}）。")
    if status == ReqStatus.ABANDONED:
        if not asked or corrected:
            refuse("status", "视为放弃申请的，须填写补正通知日期，且不应填写补正完成日期（《政府信息公开条例》第三十条）。")
        elif answered_on:
            period = workdays.compute_deadline(RULE_CORRECTION_PERIOD, asked).due
            if period and answered_on <= period:
                refuse("answered_on", f"补正期限至{period:%Y年%m月%d日}，期满申请人仍未补正的，方可视为放弃申请"
                                      "（《政府信息公开条例》第三十条）：不再处理的日期应晚于补正期限。")
        if started or extended:
            refuse("status", "视为放弃申请的申请不应有征求第三方意见或延期的日期。")
    elif asked and not corrected:
        refuse("corrected_on", "填写了补正通知日期的，须填写补正完成日期；申请人逾期未补正的，请将状态改为"
                               "“视为放弃申请（逾期未补正）”。")
    clock_start = corrected or received_on
    if ended and not started:
        refuse("consultation_started_on", "填写了征求意见结束日期的，须填写征求意见开始日期。")
    if started:
        if not ended:
            refuse("consultation_ended_on", "征求第三方意见的，须填写征求意见结束日期（收到意见或期满之日）。")
        if not (consultation_party or "").strip():
            refuse("consultation_party", "征求第三方意见的，须填写征求意见的第三方。")
        if started < clock_start:
            refuse("consultation_started_on", "征求意见开始日期不能早于收到申请（补正后的申请）之日。")
        if ended and ended < started:
            refuse("consultation_ended_on", "征求意见结束日期不能早于征求意见开始日期。")
    if extended:
        if extended < clock_start:
            refuse("extension_approved_on", "延期批准日期不能早于收到申请（补正后的申请）之日。")
        elif started and ended and started <= extended < ended:
            refuse("extension_approved_on", "延期批准日期不能在征求第三方意见期间。")
        else:
            due = _original_due(received_on, steps, extended)
            if due and extended > due:
                refuse("extension_approved_on", f"延期批准日期（{extended:%Y-%m-%d}）晚于原答复期限（{due:%Y年%m月%d日}）："
                                                "延长答复期限应当在原期限内经负责人同意并告知申请人"
                                                "（《政府信息公开条例》第三十三条第二款）。")
    if answered_on and status == ReqStatus.ANSWERED:
        last = max(steps.items(), key=lambda kv: kv[1], default=None)
        if last and answered_on < last[1]:
            refuse("answered_on", f"答复日期不能早于{STEP_DATES[last[0]]}（{last[1]:%Y-%m-%d}）。")
    return errors


def _history_steps(steps: dict, *, status, answered_on) -> list[tuple[datetime.date, str]]:
    """The row's steps as (business day, transition), in the order of the procedure on their own dates."""
    order = {"correction_requested_on": "request_correction", "corrected_on": "submit_correction",
             "consultation_started_on": "start_consultation", "consultation_ended_on": "end_consultation",
             "extension_approved_on": "record_extension"}
    plan = [(steps[k], i, name) for i, (k, name) in enumerate(order.items()) if steps.get(k)]
    if status == ReqStatus.ABANDONED:
        plan.append((answered_on, len(order), "close_uncorrected"))
    return [(day, name) for day, _, name in sorted(plan)]


@transaction.atomic
def request_import(*, actor, node, applicant_name: str, phone: str, content: str, received_on,
                   applicant_type: str = "person", organisation_kind: str = "", status: str = "",
                   answered_on=None, reply_type: str = "", table_reason: str = "", reply_text: str = "",
                   reply_reason: str = "", referred_body: str = "", steps: dict | None = None,
                   correction_note: str = "", consultation_party: str = "", consultation_opinion: str = "",
                   extension_reason: str = "", source: str = "") -> DisclosureRequest:
    """One row of the disclosure-request ledger: a request received on its own date (窗口登记), its correction (补正,
    or 逾期未补正 → 视为放弃申请), third-party consultation and approved extension replayed through the request's
    table on their own dates (``request_transition(at=)``), and, when the row says it was answered, its reply on its
    own 答复日期 through the table's "answer" — all audited as imported history, judged on time or late against the
    deadline those dates give."""
    steps = {k: v for k, v in (steps or {}).items() if v}
    status = status or (ReqStatus.ANSWERED if answered_on else ReqStatus.REGISTERED)
    errors = request_history_errors(received_on=received_on, status=status, answered_on=answered_on,
                                    reply_type=reply_type, reply_text=reply_text, steps=steps,
                                    consultation_party=consultation_party)
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    req = request_submit(actor=actor, node=node, applicant_name=applicant_name, phone=phone, content=content,
                         applicant_type=applicant_type or "person", organisation_kind=organisation_kind or "",
                         channel="counter", received_on=received_on)
    history = received_on < clock.today()
    audit.record(actor=actor, action="import", obj=req,
                 action_label=f"{'导入历史' if history else '导入'}：{source or '依申请公开台账'}",
                 changes={"imported_history": history, "business_date": audit.normalize(received_on)})
    reasons = {"request_correction": (correction_note or "").strip() or "申请内容不明确，一次性告知补正（历史台账记载）。",
               "close_uncorrected": (reply_reason or "").strip() or "申请人无正当理由逾期未补正。",
               "start_consultation": "申请公开的信息可能损害第三方合法权益，书面征求第三方意见（历史台账记载）。",
               "record_extension": (extension_reason or "").strip() or "经负责人同意延长答复期限（历史台账记载）。"}
    for day, name in _history_steps(steps, status=status, answered_on=answered_on):
        try:
            req = request_transition(actor=actor, request_id=req.pk, name=name, version=req.version, at=day,
                                     reason=reasons.get(name, ""), corrected_on=day if name == "submit_correction" else None,
                                     consultation_party=consultation_party, consultation_opinion=consultation_opinion,
                                     ended_on=day if name == "end_consultation" else None)
        except DomainError as exc:
            field = next((k for k, v in STEP_DATES.items() if steps.get(k) == day), "status")
            raise DomainError(exc.message, field_errors={field: exc.message}) from exc
    if status != ReqStatus.ANSWERED:
        return req

    def handle(r, **_):
        _answer(r, reply_type=reply_type, reply_text=reply_text, reply_reason=reply_reason,
                referred_body=referred_body, today=answered_on, table_reason=table_reason)
        _set_due(r)

    return wf.REQUEST.run(req, actor=actor, name="answer", version=req.version, at=answered_on,
                          imported=answered_on < clock.today(), handler=handle)


def _table_reason(reply_type: str, value) -> str:
    """The annual report's outcome row of a reply: the one chosen (it must fit the reply form), else the only one
    that fits, else blank (recorded later; an unrecorded row stops the annual report from being finalised)."""
    allowed = annual.ALLOWED_REASONS.get(reply_type, [])
    value = value if isinstance(value, str) else ""
    if value:
        if value not in allowed:
            labels = "、".join(DisclosureRequest.TableReason(r).label for r in allowed) or "（无）"
            raise DomainError(f"年报统计口径与答复类型不符：该答复类型可选 {labels}。",
                              field_errors={"table_reason": "与答复类型不符。"})
        return value
    return allowed[0] if len(allowed) == 1 else ""


def _answer(req: DisclosureRequest, *, reply_type: str, reply_text: str, reply_reason: str, referred_body: str,
            today: datetime.date, table_reason: str = "") -> None:
    if reply_type not in DisclosureRequest.Reply.values:
        raise DomainError("请选择法定答复类型。", field_errors={"reply_type": "请选择答复类型。"})
    reply_text = clean_text(reply_text, field="reply_text", label="答复内容", max_length=10000)
    needs_reason = reply_type in {"partial", "not_disclosed", "not_processed", "not_exist", "no_identity", "repeat",
                                  "other_law"}
    reply_reason = clean_text(reply_reason, field="reply_reason", label="理由及法律依据", max_length=5000,
                              required=needs_reason)
    if reply_type == "not_responsible":
        referred_body = clean_text(referred_body, field="referred_body", label="负责公开的机关名称及联系方式",
                                   max_length=100)
    else:
        referred_body = clean_text(referred_body, field="referred_body", label="告知的机关", max_length=100,
                                   required=False)
    req.reply_type, req.reply_text, req.reply_reason = reply_type, reply_text, reply_reason
    req.referred_body = referred_body
    req.table_reason = _table_reason(reply_type, table_reason)
    req.answered_on = today
    _number_reply(req, today)


def _number_reply(req: DisclosureRequest, today: datetime.date) -> None:
    """The reply letter's document number: 〔year〕N号 per year and 街道, e.g. 稷下〔2024〕3号 (never reused)."""
    tenant = _tenant(req.node)
    last = (DisclosureRequest.objects.filter(node=req.node, reply_year=today.year, reply_seq__isnull=False)
            .order_by("-reply_seq").values_list("reply_seq", flat=True).first())
    req.reply_year, req.reply_seq = today.year, (last or 0) + 1
    req.reply_number = f"{tenant.short_name or tenant.name}〔{today.year}〕{req.reply_seq}号"


#: The remedy each reply form must state. 行政复议法（2023）第二十三条第一款第（四）项 and 第二款: where information is
#: refused (不予公开 — also the refused part of a partial reply), reconsideration comes first and the reply says so.
RECONSIDERATION_FIRST = {"not_disclosed", "partial"}


def remedy_text(req: DisclosureRequest) -> str:
    """The lawful remedy clause of a reply, by reply form, with its periods from the rule table."""
    body = req.node.tenant() or req.node
    above = body.parent.name + "人民政府" if body.parent_id else "上一级行政机关"
    days = workdays.rule(RULE_RECONSIDERATION).amount
    months = workdays.rule(RULE_LAWSUIT).amount
    if req.reply_type in RECONSIDERATION_FIRST:
        return (f"如对本答复中不予公开的决定不服，应当先自收到本答复之日起{days}日内向{above}申请行政复议；"
                f"对行政复议决定不服的，可以再依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十条、"
                f"第二十三条第一款第（四）项及第二款）。")
    if req.reply_type == "withdrawn":
        return ""
    return (f"如对本答复不服，可以自收到本答复之日起{days}日内向{above}申请行政复议（《中华人民共和国行政复议法》"
            f"第二十条），或者自知道或者应当知道之日起{months}个月内依法向人民法院提起行政诉讼（《中华人民共和国行政"
            f"诉讼法》第四十六条）。")


#: The legal basis each reply form rests on (shown in the letter), from 政府信息公开条例.
REPLY_BASIS = {
    "disclosed": "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
    "partial": "《中华人民共和国政府信息公开条例》第三十七条",
    "not_disclosed": "《中华人民共和国政府信息公开条例》第三十六条第（三）项",
    "not_exist": "《中华人民共和国政府信息公开条例》第三十六条第（四）项",
    "not_responsible": "《中华人民共和国政府信息公开条例》第三十六条第（五）项",
    "already_public": "《中华人民共和国政府信息公开条例》第三十六条第（一）项",
    "no_identity": "《中华人民共和国政府信息公开条例》第二十九条第二款第（一）项（申请应当包括申请人的身份证明）",
    "repeat": "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
    "other_law": "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
}


@transaction.atomic
def request_correct_by_applicant(*, code: str, phone: str, correction_text: str) -> DisclosureRequest:
    """The applicant submits the correction online (found by tracking code + phone); the clock restarts today."""
    from .selectors import request_track

    found = request_track(code, phone)
    if found is None:
        raise DomainError("查询码或联系电话不正确。")
    if found.status != DisclosureRequest.Status.CORRECTING:
        raise DomainError("该申请当前不需要补正。")
    text = clean_text(correction_text, field="correction_text", label="补正内容", max_length=3000, min_length=4)

    def handle(req, **_):
        _correction_received(req, clock.today(), text)
        _set_due(req)

    req = wf.REQUEST.run(found, actor="申请人（网上补正）", name="applicant_correction", handler=handle)
    _notify_correction(req)
    return req


def _notify_correction(req: DisclosureRequest) -> None:
    """The applicant's correction reaches the disclosure officers of the request's node (after the commit)."""
    from django.urls import reverse

    from fazhi.core import notifications

    from .policies import request_policy

    due = f"答复期限重新计算，至{req.due_date:%Y年%m月%d日}。" if req.due_date else ""
    notifications.notify(recipients=notifications.who_may(request_policy, "requests", req.node),
                         kind="governance.correction_received", title=f"申请人已补正：{req}", obj=req, level="warning",
                         body=f"依申请公开的申请人已在网上提交补正。{due}",
                         url=reverse("governance:request_detail", args=[req.pk]))


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


MODERATION = {PublicComment.Status.APPROVED: "approve", PublicComment.Status.REJECTED: "reject"}


@transaction.atomic
def comment_moderate(*, actor, comment_id: int, status: str, reply: str = "") -> PublicComment:
    comment = _get(PublicComment, comment_id)
    _require(actor, "governance.moderate", comment.node)
    if status not in MODERATION:
        raise DomainError("请选择审核结果（展示或不予展示）。", field_errors={"status": "请选择。"})
    reply = clean_text(reply, field="reply", label="答复", max_length=3000, required=False)

    def moderate(c, **_):
        c.reply, c.moderated_by, c.moderated_at = reply, actor, clock.now()

    return wf.COMMENT.run(comment, actor=actor, name=MODERATION[status], handler=moderate)


# ---- 行政规范性文件 ---------------------------------------------------------------------------------------------

def doc_prefix(node):
    sub = _tenant(node)
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
    _tenant(node)
    doc = NormativeDocument.objects.create(
        node=node, title=clean_text(title, field="title", label="文件名称", max_length=200),
        body=clean_text(body, field="body", label="文件内容", max_length=100000),
        drafting_unit=clean_text(drafting_unit, field="drafting_unit", label="起草单位", max_length=100, required=False),
        created_on=clock.today())
    audit.record(actor=actor, action="create", obj=doc, action_label="起草规范性文件")
    return doc


@transaction.atomic
def document_update(*, actor, document_id, version=None, title, body, drafting_unit=""):
    doc = workflow_lock(NormativeDocument, _get(NormativeDocument, document_id).pk, _version(version))
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
    item_id = clean_int(item_id, field="agenda_item", label="会议议题", min_value=1, max_value=2**62)
    item = AgendaItem.objects.select_related("meeting", "meeting__node").filter(pk=item_id).first()
    if item is None:
        raise DomainError("会议议题不存在。", field_errors={"agenda_item": "议题不存在。"})
    if not item.meeting.node.path.startswith(_tenant(node).path) and not node.path.startswith(item.meeting.node.path):
        raise DomainError("会议议题不存在。", field_errors={"agenda_item": "议题不存在。"})
    if item.outcome != AgendaItem.Outcome.APPROVED:
        raise DomainError(f"议题“{item.title}”在会议上未获审议通过，不能据此作出决定。", field_errors={"agenda_item": "议题未通过。"})
    return item


def _valid_years(value) -> int:
    default = workdays.rule(RULE_NORMATIVE_VALIDITY).amount // 12
    years = clean_int(value, field="valid_years", label="有效期（年）", min_value=1, max_value=5, required=False)
    return default if years is None else years


def document_transition(*, actor, document_id: int, name: str, version: Any = None, reason: str = "",
                        comment_days=None, opinion: str = "", agenda_item=None, number_seq=None, valid_years=None,
                        filed_on=None, filing_body: str = "", filing_receipt: str = "", late_reason: str = "",
                        attachments=()) -> NormativeDocument:
    def handle(doc, *, reason, **_):
        today = clock.today()
        if name == "open_comment":
            default = workdays.rule(RULE_NORMATIVE_COMMENT).amount
            days = clean_int(comment_days, field="comment_days", label="征求意见期（工作日）", min_value=default,
                             max_value=120, required=False)
            doc.comment_days = default if days is None else days
            doc.comment_start = today
            doc.comment_end = workdays.add_working_days(today, doc.comment_days)
        elif name in ("approve_review", "return_review"):
            text = clean_text(opinion, field="opinion", label="书面审核意见", max_length=10000, min_length=10)
            doc.review_opinion, doc.reviewer, doc.reviewed_on = text, actor, today
        elif name == "decide":
            item = _agenda_item_for(actor, agenda_item, doc.node)
            doc.agenda_item, doc.decided_on = item, item.meeting.held_on
        elif name == "register":
            _register_number(doc, number_seq=number_seq, today=today)
            doc.valid_until = workdays.add_months(today, 12 * _valid_years(valid_years))
            doc.review_due = workdays.add_months(doc.valid_until, -6)
        elif name == "publish":
            item = disclosure_publish(actor=actor, node=doc.node, category_code="normative",
                                      title=f"{doc.title}（{doc.doc_number}）", body=doc.body,
                                      formed_on=doc.registered_on, late_reason=late_reason)
            doc.disclosure_item, doc.published_on = item, today
        elif name == "file":
            doc.filed_on = clean_date(filed_on, field="filed_on", label="报备日期", required=False) or today
            if doc.filed_on > today or doc.filed_on < doc.published_on:
                raise DomainError("报备日期应在公布日期与今天之间。", field_errors={"filed_on": "日期有误。"})
            doc.filing_body = clean_text(filing_body, field="filing_body", label="备案机关", max_length=100)
            doc.filing_receipt = clean_text(filing_receipt, field="filing_receipt", label="备案回执号", max_length=100)
        elif name == "renew":
            doc.valid_until = workdays.add_months(today, 12 * _valid_years(valid_years))
            doc.review_due = workdays.add_months(doc.valid_until, -6)
        elif name == "repeal":
            doc.repealed_on = today

    if name in ("approve_review", "return_review") and not (reason or "").strip():
        reason = (opinion or "")[:200] if isinstance(opinion, str) else ""
    try:
        with transaction.atomic():
            doc = wf.DOCUMENT.run(_get(NormativeDocument, document_id), actor=actor, name=name,
                                  version=_version(version), reason=reason, handler=handle)
            if attachments:
                _store(attachments, owner=doc, node=doc.node, actor=actor, purpose=name)
    except IntegrityError:
        raise DomainError("文号已被使用，请刷新后重试。", field_errors={"number_seq": "已被使用。"}) from None
    return doc



# ---- 规范性文件：台账导入（历史记录） -------------------------------------------------------------------------------
# A document of the paper ledger comes in at its stage with its own dates: its procedure is replayed through the
# table (``imported=True, at=date``) — each step on the sheet's date, audited as "导入历史" — never stamped with today.

DocStatus = NormativeDocument.Status
#: (transition, the date column it happens on) from 起草中 to each stage, in order.
DOC_HISTORY = [("open_comment", "comment_start"), ("close_comment", "comment_end"), ("submit_review", "comment_end"),
               ("approve_review", "reviewed_on"), ("decide", "decided_on"), ("register", "decided_on"),
               ("publish", "published_on"), ("file", "filed_on")]
DOC_DATE_LABELS = {"created_on": "起草登记日期", "comment_start": "征求意见开始", "comment_end": "征求意见截止",
                   "reviewed_on": "合法性审核日期", "decided_on": "集体审议日期", "published_on": "公布日期",
                   "filed_on": "报备日期", "repealed_on": "废止日期"}
_DOC_STAGE_STEPS = {DocStatus.DRAFTING: 0, DocStatus.COMMENTING: 1, DocStatus.COMMENT_CLOSED: 2, DocStatus.IN_REVIEW: 3,
                    DocStatus.REVIEWED: 4, DocStatus.DECIDED: 5, DocStatus.REGISTERED: 6, DocStatus.PUBLISHED: 7,
                    DocStatus.FILED: 8}
_DOC_NUMBER = re.compile(r"〔(\d{4})〕(\d{1,5})号$")


def document_history_plan(*, actor, node, status: str, values: dict) -> list[tuple[str, datetime.date]]:
    """The steps (transition, date) that bring a new document to ``status`` with the row's own dates; refuses, all at
    once and field by field, what does not hold together: a date the stage needs and lacks, a date of a later stage,
    dates out of order or in the future, a 文号 already used, a step the importer may not record. Reads only."""
    today, errors = clock.today(), {}
    repealed = status == DocStatus.REPEALED
    steps = DOC_HISTORY[:8 if repealed else _DOC_STAGE_STEPS[status]]
    if repealed and not values.get("filed_on"):
        steps = steps[:7]
    needed = {"created_on"} | {column for _, column in steps} | ({"repealed_on"} if repealed else set())
    label = DocStatus(status).label
    for key, text in DOC_DATE_LABELS.items():
        day = values.get(key)
        if day and day > today:
            errors[key] = f"{text}不能晚于今天（{today:%Y-%m-%d}）。"
        elif key in needed and not day and (key != "created_on" or steps or repealed):  # a draft: today
            errors[key] = f"阶段为“{label}”的文件须填写{text}。"
        elif day and key not in needed and not (key == "comment_end" and "comment_start" in needed):
            errors[key] = f"阶段为“{label}”的文件不应填写{text}。"
    registered = any(name == "register" for name, _ in steps)
    if registered and not values.get("doc_number"):
        errors["doc_number"] = f"阶段为“{label}”的文件须填写文号。"
    elif values.get("doc_number") and not registered:
        errors["doc_number"] = f"阶段为“{label}”的文件尚未登记编号，不应填写文号。"
    elif registered:
        match = _DOC_NUMBER.search(values["doc_number"])
        if match and NormativeDocument.objects.filter(node=node, number_year=int(match[1]),
                                                      number_seq=int(match[2])).exists():
            errors["doc_number"] = f"文号“{values['doc_number']}”已被使用，同一年度文号不得重复。"
    if any(name == "file" for name, _ in steps):
        for key, text in (("filing_body", "备案机关"), ("filing_receipt", "备案回执号")):
            if not (values.get(key) or "").strip():
                errors[key] = f"已报备的文件须填写{text}。"
    dates_in_order(values, [(key, DOC_DATE_LABELS[key]) for key in (
        "created_on", "comment_start", "comment_end", "reviewed_on", "decided_on", "published_on", "filed_on")], errors)
    if repealed and values.get("repealed_on") and values.get("published_on") and "repealed_on" not in errors \
            and values["repealed_on"] < values["published_on"]:
        errors["repealed_on"] = "废止日期不能早于公布日期。"
    names = [name for name, _ in steps] + (["repeal"] if repealed else [])
    if any(not policy.has_perm(actor, perm, node) for perm in {wf.DOCUMENT.get(n).perm for n in names}):
        errors.setdefault("status", f"导入阶段为“{label}”的历史文件，须具有该阶段各环节的办理权限（合法性审核、集体审议），"
                                    "请由街道管理员导入。")
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    return [(name, values[column]) for name, column in steps] + ([("repeal", values["repealed_on"])] if repealed else [])


def _history_document_handler(name: str, day: datetime.date, values: dict):
    def handle(doc, **_):
        if name == "open_comment":
            doc.comment_start = day
            doc.comment_end = values.get("comment_end") or workdays.add_working_days(
                day, workdays.rule(RULE_NORMATIVE_COMMENT).amount)
            doc.comment_days = workdays.working_days_between(day, doc.comment_end)
        elif name == "approve_review":
            doc.review_opinion, doc.reviewed_on = "（导入历史台账：合法性审核通过）", day
        elif name == "decide":
            doc.decided_on = day
        elif name == "register":
            match = _DOC_NUMBER.search(values["doc_number"])
            doc.number_year, doc.number_seq = (int(match[1]), int(match[2])) if match else (None, None)
            doc.doc_number, doc.registered_on = values["doc_number"], day
            doc.valid_until = values.get("valid_until") or workdays.add_months(
                day, workdays.rule(RULE_NORMATIVE_VALIDITY).amount)
            doc.review_due = workdays.add_months(doc.valid_until, -6)
        elif name == "publish":  # its proactive-disclosure item comes in through the disclosure ledger
            doc.published_on = day
        elif name == "file":
            doc.filed_on = day
            doc.filing_body = clean_text(values.get("filing_body"), field="filing_body", label="备案机关", max_length=100)
            doc.filing_receipt = clean_text(values.get("filing_receipt"), field="filing_receipt", label="备案回执号",
                                            max_length=100)
        elif name == "repeal":
            doc.repealed_on = day
    return handle


@transaction.atomic
def document_import(*, actor, node, title: str, body: str, drafting_unit: str = "", status: str = "",
                    values: dict | None = None, source: str = "") -> NormativeDocument:
    """One row of the normative-document ledger: a draft, or a document of the past brought to its stage with its
    own dates (``document_history_plan``; the audit says "导入历史" with each step's business date)."""
    values = dict(values or {})
    status = status or DocStatus.DRAFTING
    _require(actor, "governance.documents", node)
    _tenant(node)
    steps = document_history_plan(actor=actor, node=node, status=status, values=values)
    created_on = values.get("created_on") or clock.today()
    doc = NormativeDocument.objects.create(
        node=node, title=clean_text(title, field="title", label="文件名称", max_length=200),
        body=clean_text(body, field="body", label="文件内容", max_length=100000),
        drafting_unit=clean_text(drafting_unit, field="drafting_unit", label="起草单位", max_length=100, required=False),
        created_on=created_on)
    history = created_on < clock.today()
    audit.record(actor=actor, action="import", obj=doc,
                 action_label=f"{'导入历史' if history else '导入'}：{source or '行政规范性文件台账'}",
                 changes={"imported_history": history, "status": status, "business_date": audit.normalize(created_on)})
    for name, day in steps:
        try:
            with transaction.atomic():
                doc = wf.DOCUMENT.run(doc, actor=actor, name=name, version=doc.version, at=day, imported=True,
                                      reason="导入历史台账" if wf.DOCUMENT.get(name).requires_reason else "",
                                      handler=_history_document_handler(name, day, values))
        except IntegrityError:
            raise DomainError("文号已被使用，同一年度文号不得重复。", field_errors={"doc_number": "已被使用。"}) from None
    return doc

def _register_number(doc: NormativeDocument, *, number_seq, today: datetime.date) -> None:
    """统一登记、统一编号: one number per year and tenant, never reused."""
    year = today.year
    seq = clean_int(number_seq, field="number_seq", label="文号序号", min_value=1, max_value=99999, required=False)
    if seq is None:
        seq = next_number_seq(doc.node, year)
    number = format_number(doc.node, year, seq)
    taken = NormativeDocument.objects.filter(node=doc.node, number_year=year, number_seq=seq).exclude(pk=doc.pk)
    if taken.exists():
        raise DomainError(f"文号“{number}”已被《{taken.first().title}》使用，同一年度文号不得重复。",
                          field_errors={"number_seq": f"已被使用，下一个可用序号为{next_number_seq(doc.node, year)}。"})
    doc.number_year, doc.number_seq, doc.doc_number, doc.registered_on = year, seq, number, today


# ---- 重大行政决策 -----------------------------------------------------------------------------------------------

STEP_ORDER = [k for k, _ in DecisionStep.Kind.choices]


@transaction.atomic
def decision_create(*, actor, node, year=None, title="", description="", sponsor_unit="", hearing_required=False):
    _require(actor, "governance.decisions", node)
    _tenant(node)
    year = clean_int(year, field="year", label="目录年度", min_value=2000, max_value=2100)
    decision = MajorDecision.objects.create(
        node=node, year=year, title=clean_text(title, field="title", label="决策事项", max_length=200),
        description=clean_text(description, field="description", label="事项说明", max_length=10000, required=False),
        sponsor_unit=clean_text(sponsor_unit, field="sponsor_unit", label="承办单位", max_length=100, required=False))
    for seq, kind in enumerate(STEP_ORDER, start=1):
        DecisionStep.objects.create(decision=decision, kind=kind, seq=seq, required=(kind != "hearing" or bool(hearing_required)))
    audit.record(actor=actor, action="create", obj=decision, action_label="列入重大行政决策目录", is_public=True,
                 changes={"year": year, "hearing_required": bool(hearing_required)})
    return decision



@transaction.atomic
def decision_update(*, actor, decision_id: int, version: Any = None, year=None, title="", description="",
                    sponsor_unit="") -> MajorDecision:
    """Correct a catalogue entry (年度, 事项, 说明, 承办单位) before its procedure starts; later the record is the
    procedure's own."""
    decision = workflow_lock(MajorDecision, _get(MajorDecision, decision_id).pk, _version(version))
    _require(actor, "governance.decisions", decision.node)
    if decision.status != MajorDecision.Status.CATALOGUED:
        raise DomainError("决策程序已启动，目录事项不能再修改。")
    fields = ["year", "title", "description", "sponsor_unit"]
    before = audit.snapshot(decision, fields)
    decision.year = clean_int(year, field="year", label="目录年度", min_value=2000, max_value=2100)
    decision.title = clean_text(title, field="title", label="决策事项", max_length=200)
    decision.description = clean_text(description, field="description", label="事项说明", max_length=10000,
                                      required=False)
    decision.sponsor_unit = clean_text(sponsor_unit, field="sponsor_unit", label="承办单位", max_length=100,
                                       required=False)
    decision.version += 1
    decision.save()
    audit.record(actor=actor, action="update", obj=decision, is_public=True,
                 changes=audit.diff(before, audit.snapshot(decision, fields)))
    return decision

def _step(decision: MajorDecision, kind: str) -> DecisionStep:
    step = decision.steps.filter(kind=kind).first() if isinstance(kind, str) else None
    if step is None:
        raise DomainError("程序环节不存在。", field_errors={"kind": "不存在。"})
    return step


def _editable_step(actor, decision: MajorDecision, kind: str) -> DecisionStep:
    _require(actor, "governance.decisions", decision.node)
    if kind not in wf.PRE_DECISION_STEPS:
        raise DomainError("该环节随决策的“决定、公布、执行、评估”操作自动记录。", field_errors={"kind": "不可单独记录。"})
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("只有“履行程序中”的决策可以记录程序环节。")
    return _step(decision, kind)


def _step_run(step: DecisionStep, *, actor, name: str, evidence: str = "", done_on=None, reason: str = ""):
    def handle(s, **_):
        s.actor = actor if getattr(actor, "pk", None) else None
        if name == "waive":
            s.waived_reason, s.done_on = reason, clock.today()
        else:
            s.evidence, s.done_on, s.waived_reason = evidence, done_on, ""

    return wf.STEP.run(step, actor=actor, name=name, reason=reason, handler=handle)


@transaction.atomic
def decision_open_comment(*, actor, decision_id: int, days=None, version: Any = None) -> MajorDecision:
    decision = workflow_lock(MajorDecision, _get(MajorDecision, decision_id).pk, _version(version))
    _require(actor, "governance.decisions", decision.node)
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("请先启动决策程序，再公开征求意见。")
    if decision.comment_start:
        raise DomainError("已公开征求过意见。")
    rule = workdays.rule(RULE_DECISION_COMMENT)
    days = clean_int(days, field="days", label="征求意见期（日）", min_value=0, max_value=365, required=False)
    days = rule.amount if days is None else days
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
def decision_step_record(*, actor, decision_id: int, kind: str, evidence: str, done_on=None,
                         attachments=()) -> DecisionStep:
    decision = workflow_lock(MajorDecision, _get(MajorDecision, decision_id).pk)
    step = _editable_step(actor, decision, kind)
    evidence = clean_text(evidence, field="evidence", label="过程材料说明", max_length=20000, min_length=4)
    done_on = clean_date(done_on, field="done_on", label="完成日期", required=False, not_future=True) or clock.today()
    if kind == "public_participation" and decision.comment_end and done_on < decision.comment_end and clock.today() <= decision.comment_end:
        raise DomainError(f"公开征求意见期至{decision.comment_end:%Y年%m月%d日}，期满后方可完成公众参与环节。")
    if kind == "hearing" and not decision.hearings.exists():
        raise DomainError("请先登记听证会（公告、参加人、笔录），再完成听证环节。")
    step = _step_run(step, actor=actor, name="record", evidence=evidence, done_on=done_on)
    audit.record(actor=actor, action="update", obj=decision, action_label=f"完成程序：{step.get_kind_display()}",
                 changes={"step": kind, "done_on": done_on})
    _store(attachments, owner=step, node=decision.node, actor=actor, purpose=kind)
    return step


@transaction.atomic
def decision_step_waive(*, actor, decision_id: int, kind: str, reason: str) -> DecisionStep:
    decision = workflow_lock(MajorDecision, _get(MajorDecision, decision_id).pk)
    step = _editable_step(actor, decision, kind)
    reason = clean_text(reason, field="reason", label="不适用理由", max_length=2000, min_length=4)
    if kind == "legality":
        raise DomainError("合法性审查是重大行政决策的必经程序，不能免除。", field_errors={"kind": "不可免除。"})
    step = _step_run(step, actor=actor, name="waive", reason=reason)
    audit.record(actor=actor, action="update", obj=decision, action_label=f"程序不适用：{step.get_kind_display()}", reason=reason,
                 changes={"step": kind})
    return step


@transaction.atomic
def hearing_create(*, actor, decision_id, notice_on=None, notice_text="", held_on=None, place="", participants="", record=""):
    decision = workflow_lock(MajorDecision, _get(MajorDecision, decision_id).pk)
    _require(actor, "governance.decisions", decision.node)
    if decision.status != MajorDecision.Status.IN_PROCEDURE:
        raise DomainError("只有“履行程序中”的决策可以登记听证。")
    notice_on = clean_date(notice_on, field="notice_on", label="听证公告日期")
    held_on = clean_date(held_on, field="held_on", label="听证日期")
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


AUTO_STEPS = {"decide": "collective", "publish": "publication", "implement": "implementation", "evaluate": "evaluation"}


@transaction.atomic
def decision_transition(*, actor, decision_id: int, name: str, version: Any = None, reason: str = "",
                        agenda_item=None, decision_text: str = "", evidence: str = "",
                        late_reason: str = "") -> MajorDecision:
    def handle(decision, **_):
        today = clock.today()
        done_on = today
        if name == "decide":
            item = _agenda_item_for(actor, agenda_item, decision.node)
            decision.agenda_item, decision.decided_on = item, item.meeting.held_on
            decision.decision_text = clean_text(decision_text, field="decision_text", label="决策内容", max_length=10000)
            step_evidence = (f"{item.meeting.title}（{item.meeting.held_on:%Y年%m月%d日}）议题{item.seq}“{item.title}”："
                             f"{item.get_outcome_display()}。{item.decision_text}")
            done_on = decision.decided_on
        elif name == "publish":
            item = disclosure_publish(actor=actor, node=decision.node, category_code="major_decisions",
                                      title=f"关于{decision.title}的决策公告", body=decision.decision_text or decision.title,
                                      formed_on=decision.decided_on or today, late_reason=late_reason)
            step_evidence = f"{today:%Y年%m月%d日}在政务公开网站公布决策（信息编号{item.pk}）。"
        elif name == "implement":
            step_evidence = f"{today:%Y年%m月%d日}起组织实施。"
        elif name == "evaluate":
            step_evidence = clean_text(evidence, field="evidence", label="评估报告摘要", max_length=20000, min_length=4)
        else:
            return
        _step_run(_step(decision, AUTO_STEPS[name]), actor=actor,
                  name="record_collective" if name == "decide" else "record", evidence=step_evidence, done_on=done_on)

    return wf.DECISION.run(_get(MajorDecision, decision_id), actor=actor, name=name, version=_version(version),
                           reason=reason, handler=handle)


# ---- 党工委会议 ---------------------------------------------------------------------------------------------------

@transaction.atomic
def meeting_create(*, actor, node, title, held_on, place="", chair=None, members=(), guests=(), agenda=()):
    """members: core Users (voting); guests: [(name, village node, role label)] (non-voting); agenda: [title]."""
    _require(actor, "governance.meetings", node)
    if not node.is_tenant:
        raise DomainError("党工委会议应登记在街道。", field_errors={"node": "应为街道。"})
    meeting = Meeting.objects.create(
        node=node, title=clean_text(title, field="title", label="会议名称", max_length=120),
        held_on=clean_date(held_on, field="held_on", label="会议日期"),
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
    meeting = workflow_lock(Meeting, _get(Meeting, meeting_id).pk)
    _require(actor, "governance.meetings", meeting.node)
    if user is not None:
        if meeting.attendees.filter(user=user).exists():
            raise DomainError(f"{user.display_name}已在参会名单中。")
        attendee = MeetingAttendee.objects.create(meeting=meeting, user=user, name=user.display_name, is_voting=True,
                                                  role_label="党工委成员")
    else:
        name = clean_text(name, field="name", label="列席人员姓名", max_length=50)
        village = clean_node(actor, village if village not in (None, "") else "", perm="governance.meetings",
                             field="village", label="村（社区）", level=orgkinds.VILLAGE)
        if not village.is_within(meeting.node):
            raise DomainError("请选择本街道的村（社区）。", field_errors={"village": "请选择村（社区）。"})
        attendee = MeetingAttendee.objects.create(meeting=meeting, name=name, is_voting=False, village=village,
                                                  role_label=clean_text(role_label or "村党支部书记", field="role_label", label="身份", max_length=50))
    audit.record(actor=actor, action="update", obj=meeting, action_label="登记参会人员",
                 changes={"name": attendee.name, "voting": attendee.is_voting, "village": attendee.village_id})
    return attendee


@transaction.atomic
def meeting_add_item(*, actor, meeting_id, title):
    meeting = workflow_lock(Meeting, _get(Meeting, meeting_id).pk)
    _require(actor, "governance.meetings", meeting.node)
    title = clean_text(title, field="title", label="议题", max_length=200)
    seq = (meeting.items.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, seq=seq, title=title)
    audit.record(actor=actor, action="update", obj=meeting, action_label=f"增加议题{seq}", changes={"title": title})
    return item


@transaction.atomic
def agenda_item_decide(*, actor, item_id, outcome, decision_text=""):
    item = workflow_lock(AgendaItem, _get(AgendaItem, item_id).pk)
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
def meeting_import(*, actor, node, title, held_on, place="", members=(), guests=(), agenda=(), minutes="",
                   source="") -> Meeting:
    """One row of the meetings ledger (a meeting of the paper minute book): held on its own date, with its voting
    members by name (members without an account), its village guests ``[(name, village name)]``, its agenda
    ``[(title, outcome)]`` with the collective decisions taken, and its minutes. A past meeting comes in held (the
    annual report counts it in its own year); decisions and minutes need a meeting that has taken place and voting
    members. Every problem of the row is refused at once; the audit says "导入历史" with the business date."""
    _require(actor, "governance.meetings", node)
    if not node.is_tenant:
        raise DomainError("党工委会议应登记在街道。", field_errors={"node": "应为街道。"})
    errors = {}

    def check(field, fn):
        try:
            return fn()
        except DomainError as exc:
            errors.update(exc.field_errors or {field: exc.message})

    title = check("title", lambda: clean_text(title, field="title", label="会议名称", max_length=120))
    held_on = check("held_on", lambda: clean_date(held_on, field="held_on", label="会议日期"))
    place = check("place", lambda: clean_text(place, field="place", label="地点", max_length=100, required=False))
    minutes = check("minutes", lambda: clean_text(minutes, field="minutes", label="会议纪要", max_length=50000,
                                                  required=False))
    members = [check("members", lambda m=m: clean_text(m, field="members", label="党工委成员姓名", max_length=50))
               for m in members]
    resolved_guests = []
    for name, village_name in guests:
        name = check("guests", lambda n=name: clean_text(n, field="guests", label="列席人员姓名", max_length=50))
        village = check("guests", lambda v=village_name: clean_node(actor, v, perm="governance.meetings",
                                                                    field="guests", label="村（社区）",
                                                                    level=orgkinds.VILLAGE))
        if village is not None and not village.is_within(node):
            errors["guests"] = f"“{village.name}”不是本街道的村（社区）。"
        resolved_guests.append((name, village))
    items = []
    for item_title, outcome in agenda:
        item_title = check("agenda", lambda t=item_title: clean_text(t, field="agenda", label="议题", max_length=200))
        if outcome not in AgendaItem.Outcome.values:
            errors["agenda"] = "集体决定应为：" + "、".join(AgendaItem.Outcome.labels) + "。"
        items.append((item_title, outcome or AgendaItem.Outcome.PENDING))
    held = held_on is not None and held_on <= clock.today()
    decided = any(o != AgendaItem.Outcome.PENDING for _, o in items)
    if held_on is not None and not held and (minutes or decided):
        errors["held_on"] = "会议日期在今天之后：尚未召开的会议不能有会议纪要或集体决定。"
    if decided and not members:
        errors["members"] = "有集体决定的会议须填写有表决权的党工委成员。"
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    meeting = Meeting.objects.create(node=node, title=title, held_on=held_on, place=place or "", minutes=minutes or "",
                                     status=Meeting.Status.HELD if held else Meeting.Status.PLANNED)
    for name in members:
        MeetingAttendee.objects.create(meeting=meeting, name=name, is_voting=True, role_label="党工委成员")
    for name, village in resolved_guests:
        MeetingAttendee.objects.create(meeting=meeting, name=name, is_voting=False, village=village,
                                       role_label="村党支部书记")
    for seq, (item_title, outcome) in enumerate(items, start=1):
        AgendaItem.objects.create(meeting=meeting, seq=seq, title=item_title, outcome=outcome)
    history = held
    audit.record(actor=actor, action="import", obj=meeting,
                 action_label=f"{'导入历史' if history else '导入'}：{source or '党工委会议台账'}",
                 changes={"imported_history": history, "business_date": audit.normalize(held_on),
                          "members": members, "guests": [n for n, _ in resolved_guests],
                          "agenda": [f"{t}（{AgendaItem.Outcome(o).label}）" for t, o in items]})
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting_id: int, version: Any = None, title=None, place=None) -> Meeting:
    """Correct a meeting's name or place (audited)."""
    meeting = workflow_lock(Meeting, _get(Meeting, meeting_id).pk, _version(version))
    _require(actor, "governance.meetings", meeting.node)
    fields = ["title", "place"]
    before = audit.snapshot(meeting, fields)
    if title is not None:
        meeting.title = clean_text(title, field="title", label="会议名称", max_length=120)
    if place is not None:
        meeting.place = clean_text(place, field="place", label="地点", max_length=100, required=False)
    meeting.version += 1
    meeting.save()
    audit.record(actor=actor, action="update", obj=meeting, action_label="修改会议信息",
                 changes=audit.diff(before, audit.snapshot(meeting, fields)))
    return meeting


def meeting_record_minutes(*, actor, meeting_id: int, minutes: str, version: Any = None) -> Meeting:
    def handle(meeting, **_):
        if meeting.held_on > clock.today():
            raise DomainError("会议尚未召开，不能录入纪要。")
        meeting.minutes = clean_text(minutes, field="minutes", label="会议纪要", max_length=50000, min_length=4)

    return wf.MEETING.run(_get(Meeting, meeting_id), actor=actor, name="record_minutes", version=_version(version),
                          handler=handle)


# ---- 年报统计信息：申请人类别、办理结果口径、信息处理费、行政复议和行政诉讼 ---------------------------------------

@transaction.atomic
def request_record_statistics(*, actor, request_id: int, version: Any = None, organisation_kind=None,
                              table_reason=None, fee_amount=None) -> DisclosureRequest:
    """Record what the annual report's tables need and a reply does not say: the organisation's kind, the outcome
    row (the sub-reason of a refusal), the information processing fee (第四十二条). ``None`` leaves a field as is."""
    req = workflow_lock(DisclosureRequest, _get(DisclosureRequest, request_id).pk, _version(version))
    _require(actor, "governance.requests", req.node)
    fields = ["organisation_kind", "table_reason", "fee_amount"]
    before = audit.snapshot(req, fields)
    if organisation_kind is not None:
        if not isinstance(organisation_kind, str) or (organisation_kind and organisation_kind not in
                                                     DisclosureRequest.OrganisationKind.values):
            raise DomainError("请选择法人或其他组织的类别。", field_errors={"organisation_kind": "类别有误。"})
        if organisation_kind and req.applicant_type != DisclosureRequest.ApplicantType.ORGANISATION:
            raise DomainError("申请人为自然人，不登记组织类别。", field_errors={"organisation_kind": "自然人不适用。"})
        req.organisation_kind = organisation_kind
    if table_reason not in (None, ""):
        if req.status != DisclosureRequest.Status.ANSWERED:
            raise DomainError("答复后才能登记办理结果的统计口径。", field_errors={"table_reason": "尚未答复。"})
        req.table_reason = _table_reason(req.reply_type, table_reason)
    if fee_amount not in (None, ""):
        req.fee_amount = clean_decimal(fee_amount, field="fee_amount", label="信息处理费（元）",
                                       max_value=decimal.Decimal(1000000))
    req.version += 1
    req.save()
    audit.record(actor=actor, action="update", obj=req, action_label="登记年报统计信息",
                 changes=audit.diff(before, audit.snapshot(req, fields)), is_public=False)
    return req


def _remedy_result(remedy: DisclosureRemedy, *, result, decided_on) -> None:
    if result not in DisclosureRemedy.Result.values:
        raise DomainError("请选择结果。", field_errors={"result": "请选择。"})
    remedy.result = result
    if result == DisclosureRemedy.Result.PENDING:
        remedy.decided_on = None
        return
    day = clean_date(decided_on, field="decided_on", label="审结日期", not_future=True)
    if day < remedy.filed_on:
        raise DomainError("审结日期不能早于申请复议/起诉日期。", field_errors={"decided_on": "日期有误。"})
    remedy.decided_on = day


@transaction.atomic
def remedy_create(*, actor, request_id: int, kind: str, filed_on, body: str = "", result: str = "pending",
                  decided_on=None, note: str = "") -> DisclosureRemedy:
    """Record a reconsideration or lawsuit over a reply (table 四 of the annual report)."""
    req = workflow_lock(DisclosureRequest, _get(DisclosureRequest, request_id).pk)
    _require(actor, "governance.requests", req.node)
    if kind not in DisclosureRemedy.Kind.values:
        raise DomainError("请选择行政复议或行政诉讼的类型。", field_errors={"kind": "请选择。"})
    if req.status != DisclosureRequest.Status.ANSWERED:
        raise DomainError("申请尚未答复，不能登记行政复议或行政诉讼。")
    if req.remedies.filter(kind=kind).exists():
        raise DomainError(f"该申请已登记过“{DisclosureRemedy.Kind(kind).label}”，请修改原记录的结果。",
                          field_errors={"kind": "已登记。"})
    filed_on = clean_date(filed_on, field="filed_on", label="申请复议/起诉日期", not_future=True)
    if filed_on < req.answered_on:
        raise DomainError("申请复议/起诉日期不能早于答复日期。", field_errors={"filed_on": "日期有误。"})
    remedy = DisclosureRemedy(request=req, kind=kind, filed_on=filed_on,
                              body=clean_text(body, field="body", label="复议机关/人民法院", max_length=100,
                                              required=False),
                              note=clean_text(note, field="note", label="说明", max_length=2000, required=False))
    _remedy_result(remedy, result=result, decided_on=decided_on)
    remedy.save()
    audit.record(actor=actor, action="create", obj=req, action_label=f"登记{remedy.get_kind_display()}",
                 changes={"filed_on": filed_on, "result": remedy.result}, is_public=False)
    return remedy


@transaction.atomic
def remedy_update(*, actor, remedy_id: int, version: Any = None, result: str, decided_on=None,
                  note=None) -> DisclosureRemedy:
    remedy = workflow_lock(DisclosureRemedy, _get(DisclosureRemedy, remedy_id).pk, _version(version))
    _require(actor, "governance.requests", remedy.request.node)
    before = audit.snapshot(remedy, ["result", "decided_on", "note"])
    _remedy_result(remedy, result=result, decided_on=decided_on)
    if note is not None:
        remedy.note = clean_text(note, field="note", label="说明", max_length=2000, required=False)
    remedy.version += 1
    remedy.save()
    audit.record(actor=actor, action="update", obj=remedy.request, action_label=f"{remedy.get_kind_display()}结果",
                 changes=audit.diff(before, audit.snapshot(remedy, ["result", "decided_on", "note"])), is_public=False)
    return remedy


# ---- 政府信息公开工作年度报告 -------------------------------------------------------------------------------------

RULE_ANNUAL_REPORT = "governance.disclosure_annual_report"


def annual_report_deadline(report: DisclosureReport) -> workdays.Deadline:
    """第四十九条: published by 31 January of the next year (the rule row says how, with its basis)."""
    return workdays.compute_deadline(RULE_ANNUAL_REPORT, datetime.date(report.year + 1, 1, 1))


def _previous_tables(report: DisclosureReport) -> dict | None:
    prev = DisclosureReport.objects.filter(node=report.node, year=report.year - 1, tables__isnull=False,
                                           status__in=(DisclosureReport.Status.FINAL,
                                                       DisclosureReport.Status.PUBLISHED)).first()
    return prev.tables if prev else None


def annual_report_tables(report: DisclosureReport) -> dict:
    """The frozen tables of a final report, else the tables from the records now (computed once per object)."""
    if report.tables:
        return report.tables
    if getattr(report, "_live_tables", None) is None:
        report._live_tables = annual.compute(report.node, report.year)
    return report._live_tables


def annual_report_problems(report: DisclosureReport) -> list[str]:
    return annual.identity_problems(annual_report_tables(report), _previous_tables(report))


def _report_texts(report: DisclosureReport, *, overview, problems, other_matters) -> None:
    report.overview = clean_text(overview, field="overview", label="总体情况", max_length=20000, required=False)
    report.problems = clean_text(problems, field="problems", label="存在的主要问题及改进情况", max_length=20000,
                                 required=False)
    report.other_matters = clean_text(other_matters, field="other_matters", label="其他需要报告的事项",
                                      max_length=20000, required=False)


@transaction.atomic
def annual_report_create(*, actor, node, year, overview: str = "", problems: str = "",
                         other_matters: str = "") -> DisclosureReport:
    _require(actor, "governance.disclosure", node)
    node = _tenant(node)
    year = clean_int(year, field="year", label="年度", min_value=2008, max_value=clock.today().year)
    if DisclosureReport.objects.filter(node=node, year=year).exists():
        raise DomainError(f"{node.name}{year}年度报告已存在。", field_errors={"year": "已存在。"})
    report = DisclosureReport(node=node, year=year, created_at=clock.now())
    _report_texts(report, overview=overview, problems=problems, other_matters=other_matters)
    report.save()
    audit.record(actor=actor, action="create", obj=report, action_label="起草政府信息公开工作年度报告",
                 changes={"year": year}, is_public=False)
    return report


@transaction.atomic
def annual_report_update(*, actor, report_id: int, version: Any = None, overview: str = "", problems: str = "",
                         other_matters: str = "") -> DisclosureReport:
    report = workflow_lock(DisclosureReport, _get(DisclosureReport, report_id).pk, _version(version))
    _require(actor, "governance.disclosure", report.node)
    if report.status != DisclosureReport.Status.DRAFT:
        raise DomainError("只有起草中的报告可以修改；审核中的请先退回修改，已定稿的请先撤销定稿。")
    fields = ["overview", "problems", "other_matters"]
    before = audit.snapshot(report, fields)
    _report_texts(report, overview=overview, problems=problems, other_matters=other_matters)
    report.version += 1
    report.save()
    audit.record(actor=actor, action="update", obj=report, changes=audit.diff(before, audit.snapshot(report, fields)),
                 is_public=False)
    return report


def annual_report_transition(*, actor, report_id: int, name: str, version: Any = None, reason: str = "",
                             late_reason: str = "") -> DisclosureReport:
    def handle(report, *, reason, **_):
        if name == "finalise":
            tables = annual.compute(report.node, report.year)
            problems = annual.identity_problems(tables, _previous_tables(report))
            if problems:  # the records changed since the page was drawn
                raise DomainError("不能定稿：" + "".join(problems))
            report.tables, report.sha256 = tables, annual.digest(report, tables)
            report.finalised_at, report.finalised_by = clock.now(), actor
            return {"sha256": report.sha256}
        if name == "reopen":
            report.tables, report.sha256, report.finalised_at, report.finalised_by = None, "", None, None
        if name == "publish":
            from .documents import annual_report_docx

            title = str(report)
            item = disclosure_publish(actor=actor, node=report.node, category_code="disclosure_report", title=title,
                                      body=annual.plain_text(report, report.tables),
                                      formed_on=timezone.localdate(report.finalised_at), late_reason=late_reason,
                                      attachments=((f"{title}.docx", annual_report_docx(report)),))
            report.disclosure_item, report.published_on = item, clock.today()
            return {"disclosure_item": item.pk}
        return None

    with transaction.atomic():
        return wf.ANNUAL_REPORT.run(_get(DisclosureReport, report_id), actor=actor, name=name,
                                    version=_version(version), reason=reason, handler=handle)


# ---- 日历变化后重新计算 -----------------------------------------------------------------------------------------

@workdays.register_recompute
def recompute(actor):
    changed = 0
    for req in DisclosureRequest.objects.exclude(status__in=(DisclosureRequest.Status.ANSWERED,
                                                             DisclosureRequest.Status.ABANDONED)):
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
