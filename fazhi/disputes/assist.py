"""Helping the clerk and the mediator decide (issue 18): what the intake form shows next to the text, the record of
what was suggested and what the clerk did, related open cases (并单), links and merges, and the agreement draft.

Reads here are scoped through ``dispute_policy``; writes are audited and called from ``services``.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q

from fazhi.core import audit, clock, personal
from fazhi.core.errors import DomainError

from . import extraction, triage
from .models import Dispute, DisputeLink, Party, TriageSuggestion
from .policies import dispute_policy

GROUP_APPLICANTS = 5  # a group dispute (群体性): this many applicants against one respondent
GROUP_OPEN_CASES = 3  # or this many open cases against the same respondent
Outcome = TriageSuggestion.Outcome


@dataclass
class Related:
    dispute: Dispute
    reasons: list[str] = field(default_factory=list)


# ---- related open cases (并单) -----------------------------------------------------------------------------------

def related_open(*, user, village, parties, place: str = "", exclude_pk=None, limit: int = 10) -> list[Related]:
    """Open cases the user may see, in the same subdistrict, with one of the same parties (ID number, phone, or
    name in the same village) or the same address. Each says why it is related."""
    if village is None:
        return []
    tenant = village.tenant()
    ids = {personal.normalise(p.get("id_number")) for p in parties if p.get("id_number")}
    phones = {personal.normalise(p.get("phone")) for p in parties if p.get("phone")}
    names = {p.get("name") for p in parties if p.get("name")}
    addresses = {a for a in [place, *(p.get("address") for p in parties)] if a and len(a) >= 4}
    # one indexed query per clue (an OR across the joined tables would scan every case of the district)
    open_ = Q(dispute__status__in=Dispute.OPEN_STATUSES)
    candidates: set[int] = set()
    if ids:
        candidates |= set(Party.objects.filter(open_, personal.match_any("id_number", ids)).values_list("dispute_id", flat=True)[:200])
    if phones:
        candidates |= set(Party.objects.filter(open_, personal.match_any("phone", phones)).values_list("dispute_id", flat=True)[:200])
        candidates |= set(Dispute.objects.filter(personal.match_any("contact_phone", phones), status__in=Dispute.OPEN_STATUSES)
                          .values_list("pk", flat=True)[:200])
    if names:
        candidates |= set(Party.objects.filter(open_, name__in=names, dispute__village=village)
                          .values_list("dispute_id", flat=True)[:200])
    if addresses:
        candidates |= set(Party.objects.filter(open_, address__in=addresses, dispute__village=village)
                          .values_list("dispute_id", flat=True)[:200])
        candidates |= set(Dispute.objects.filter(village=village, place__in=addresses,
                                                 status__in=Dispute.OPEN_STATUSES).values_list("pk", flat=True)[:200])
    candidates.discard(exclude_pk)
    if not candidates:
        return []
    qs = (dispute_policy.instances_for(user, "view")
          .filter(pk__in=candidates, status__in=Dispute.OPEN_STATUSES, village__path__startswith=tenant.path)
          .select_related("kind", "village").prefetch_related("parties").order_by("-received_on", "-pk")[:limit])
    out = []
    for d in qs:
        reasons = []
        for p in d.parties.all():
            if p.id_number and personal.normalise(p.id_number) in ids:
                reasons.append(f"同一当事人 {p.name}（身份证号相同）")
            elif p.phone and personal.normalise(p.phone) in phones:
                reasons.append(f"同一当事人 {p.name}（电话相同）")
            elif p.name in names and d.village_id == village.pk:
                reasons.append(f"同村同名当事人 {p.name}")
            elif p.address and p.address in addresses:
                reasons.append(f"同一地址 {p.address}")
        if d.place and d.place in addresses:
            reasons.append(f"同一发生地点 {d.place}")
        out.append(Related(d, sorted(set(reasons)) or ["联系电话相同"]))
    return out


def group_reasons(dispute: Dispute) -> list[str]:
    """Why the case looks like a group dispute: many applicants against one respondent, or several open cases
    against the same respondent in the subdistrict."""
    parties = list(dispute.parties.all())
    applicants = [p for p in parties if p.role == Party.Role.APPLICANT]
    respondents = [p for p in parties if p.role == Party.Role.RESPONDENT]
    reasons = []
    if len(applicants) >= GROUP_APPLICANTS and len(respondents) <= 1:
        reasons.append(f"群体性：{len(applicants)}位申请人针对同一被申请人")
    for r in respondents:
        same = Q(name=r.name, dispute__village__parent_id=dispute.village.parent_id)
        if r.id_number:
            same = personal.match("id_number", r.id_number) | same
        others = (Party.objects.filter(same, role=Party.Role.RESPONDENT, dispute__status__in=Dispute.OPEN_STATUSES)
                  .exclude(dispute=dispute).aggregate(n=Count("dispute", distinct=True))["n"])
        if others + 1 >= GROUP_OPEN_CASES:
            reasons.append(f"群体性：被申请人 {r.name} 另有{others}起在办纠纷")
    return reasons


# ---- intake: what the form shows next to the text -----------------------------------------------------------------

def intake_help(*, user, text: str, villages, village=None, channel="walk_in", title="", place="", amount=None,
                parties=()) -> dict:
    """Extraction from ``text``, the triage suggestion, the three most similar past cases (scoped) and related
    open cases, for the intake form."""
    ex = extraction.extract(text, villages=villages)
    village = village or ex.village
    parties = list(parties) or [dict(role=p.role, name=p.name, phone=p.phone, id_number=p.id_number,
                                     address=p.address) for p in ex.parties]
    out = {"extraction": ex, "suggestion": None, "reasons": [], "related": [], "village": village}
    amount = _number(amount)
    amount = amount if amount is not None else ex.amount
    if village is not None:
        tenant = village.tenant()
        words = triage.intake_words(title=title, description=text, place=place, channel=channel, village=village,
                                    amount=amount, parties=parties)
        out["suggestion"] = triage.suggest(tenant=tenant, words=words, amount=amount,
                                           applicants=sum(1 for p in parties if p.get("role") == "applicant") or 1)
        out["reasons"] = triage.similar(user=user, tenant=tenant, words=words, limit=3)
        out["related"] = related_open(user=user, village=village, parties=parties,
                                      place=place or (ex.addresses[0] if ex.addresses else ""))
    applicants = [p for p in parties if p.get("role") == "applicant"]
    out["group"] = len(applicants) >= GROUP_APPLICANTS
    return out


def _number(value):
    """A typed amount for the suggestion only (the service checks the field itself): junk counts as none."""
    try:
        return float(str(value).replace(",", "")) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _outcome(field_suggestion, chosen: str) -> str:
    if field_suggestion is None or not field_suggestion.assigned:
        return Outcome.MANUAL
    return Outcome.ACCEPTED if field_suggestion.value == chosen else Outcome.CHANGED


def record_intake(*, dispute: Dispute, actor, parties) -> TriageSuggestion:
    """Store what the system suggested for the new case and whether the clerk's kind and level follow it."""
    t, event = intake_suggestion(dispute=dispute, actor=actor, parties=parties)
    t.save(force_insert=True)
    if event is not None:
        audit.record(**event)
    return t


def intake_suggestion(*, dispute: Dispute, actor, parties, now=None, text_tokens=None):
    """The unsaved suggestion row of a new case and the audit event (``audit.record``'s arguments) when the clerk
    followed or changed a confident suggestion (None otherwise). Shared by ``record_intake`` and the bulk import."""
    tenant = dispute.village.tenant()
    words = triage.intake_words(title=dispute.title, description=dispute.description, place=dispute.place,
                                channel=dispute.channel, village=dispute.village, grid=dispute.grid,
                                amount=dispute.amount, parties=parties, text_tokens=text_tokens)
    s = triage.suggest(tenant=tenant, words=words, amount=dispute.amount,
                       applicants=sum(1 for p in parties if p.get("role") == "applicant") or 1)
    room, body = s.routing_objects() if s.routing else (None, None)
    kind = s.kind_obj
    t = TriageSuggestion(
        dispute=dispute, model=s.model, method=s.method, threshold=s.threshold, kind=kind,
        kind_confidence=s.kind.confidence if s.kind else 0, level=s.level.value if s.level else "",
        level_confidence=s.level.confidence if s.level else 0, room=room, centre_body=body,
        routing_confidence=s.routing.confidence if s.routing else 0, neighbours=s.neighbours[:3],
        kind_outcome=_outcome(s.kind, dispute.kind.code), level_outcome=_outcome(s.level, dispute.level),
        created_at=now or clock.now())
    if actor is None or t.kind_outcome == Outcome.MANUAL:
        return t, None  # a resident chose the kind, or nothing was suggested with confidence: the row is the record
    label = "采纳分派建议" if t.kind_outcome == Outcome.ACCEPTED else "修改分派建议"
    return t, dict(actor=actor, action="update", action_label=label, obj=dispute, changes={
        "suggested_kind": s.kind.label if s.kind else "", "kind_confidence": round(t.kind_confidence, 2),
        "chosen_kind": dispute.kind.name, "suggested_level": s.level.label if s.level else "",
        "chosen_level": dispute.get_level_display(), "method": s.method})


def record_assignment(dispute: Dispute, *, actor) -> None:
    """At assignment: whether the room/body and level chosen follow the suggestion (recorded and audited)."""
    t = TriageSuggestion.objects.filter(dispute=dispute).first()
    if t is None:
        return
    suggested = triage.routing_value(t.room_id, t.centre_body_id) if (t.room_id or t.centre_body_id) else "none"
    chosen = triage.routing_value(dispute.room_id, dispute.centre_body_id)
    assigned = t.routing_confidence >= t.threshold
    t.routing_outcome = Outcome.MANUAL if not assigned else Outcome.ACCEPTED if suggested == chosen else Outcome.CHANGED
    if t.level_confidence >= t.threshold:
        t.level_outcome = Outcome.ACCEPTED if t.level == dispute.level else Outcome.CHANGED
    t.save(update_fields=["routing_outcome", "level_outcome"])
    if t.routing_outcome != Outcome.MANUAL:
        audit.record(actor=actor, action="update", obj=dispute,
                     action_label="采纳分派建议" if t.routing_outcome == Outcome.ACCEPTED else "修改分派建议",
                     changes={"suggested": triage._routing_label(suggested), "chosen": triage._routing_label(chosen)})


def assign_prefill(dispute: Dispute) -> dict:
    """For the assign form: the suggested level/room/body when confident enough, else "待人工分派"."""
    t = TriageSuggestion.objects.filter(dispute=dispute).select_related("room", "centre_body", "kind").first()
    if t is None:
        return {}
    routing_ok = t.routing_confidence >= t.threshold
    return {"triage": t, "routing_assigned": routing_ok, "level_assigned": t.level_confidence >= t.threshold,
            "room_id": t.room_id if routing_ok else None, "body_id": t.centre_body_id if routing_ok else None,
            "level": t.level if t.level_confidence >= t.threshold else None,
            "routing_percent": round(t.routing_confidence * 100), "level_percent": round(t.level_confidence * 100)}


# ---- links and merges ---------------------------------------------------------------------------------------------

def link(*, actor, source: Dispute, target: Dispute, reason: str = "", kind=DisputeLink.Kind.RELATED) -> DisputeLink:
    """Link two cases (both audited). Both must be visible to the actor and in the same subdistrict."""
    if source.pk == target.pk:
        raise DomainError("不能与本案自身关联。", field_errors={"target": "不能选择本案。"})
    dispute_policy.check(actor, "intake", source)
    dispute_policy.check(actor, "view", target)
    if source.village.parent_id != target.village.parent_id:
        raise DomainError("只能关联同一街道的案件。", field_errors={"target": "不在同一街道。"})
    found = DisputeLink.objects.filter(Q(source=source, target=target) | Q(source=target, target=source)).first()
    if found is not None and kind == DisputeLink.Kind.RELATED:
        return found
    if found is not None:
        found.delete()
    ln = DisputeLink.objects.create(source=source, target=target, kind=kind, reason=(reason or "")[:200],
                                    at=clock.now(), by=actor)
    label = "并入案件" if kind == DisputeLink.Kind.MERGED else "关联案件"
    audit.record(actor=actor, action="update", action_label=label, obj=source,
                 changes={"target": target.tracking_code, "reason": reason})
    audit.record(actor=actor, action="update", action_label="并入本案" if kind == DisputeLink.Kind.MERGED else "关联案件",
                 obj=target, changes={"source": source.tracking_code, "reason": reason})
    return ln


def find_target(*, actor, source: Dispute, value) -> Dispute:
    """The case to link or merge with: by tracking code or id, visible to the actor, open, not the case itself."""
    value = (str(value or "")).strip().upper()
    if not value:
        raise DomainError("请填写要关联或并入的案件查询码。", field_errors={"target": "请填写查询码。"})
    qs = dispute_policy.instances_for(actor, "view")
    target = qs.filter(Q(tracking_code=value) | Q(pk=int(value)) if value.isdigit() and len(value) < 12
                       else Q(tracking_code=value)).first()
    if target is None:
        raise DomainError("未找到该案件，或不在您的管辖范围内。", field_errors={"target": "案件不存在。"})
    if target.pk == source.pk:
        raise DomainError("不能与本案自身关联或并案。", field_errors={"target": "不能选择本案。"})
    return target


def links_of(dispute: Dispute, user) -> list[tuple[str, Dispute, DisputeLink]]:
    """The case's links whose other case the user may see: (direction label, other case, link)."""
    visible = dispute_policy.instances_for(user, "view")
    out = []
    for ln in DisputeLink.objects.filter(source=dispute).select_related("target"):
        if visible.filter(pk=ln.target_id).exists():
            out.append(("并入" if ln.kind == "merged" else "关联", ln.target, ln))
    for ln in DisputeLink.objects.filter(target=dispute).select_related("source"):
        if visible.filter(pk=ln.source_id).exists():
            out.append(("已并入本案" if ln.kind == "merged" else "关联", ln.source, ln))
    return out


def merged_timeline(dispute: Dispute, user) -> list:
    """The audit events of the cases merged into this one (each case keeps its own chain; shown together)."""
    events = []
    for case in dispute_policy.instances_for(user, "view").filter(merged_into=dispute):
        for e in audit.timeline(case):
            events.append((case, e))
    return events


# ---- agreement draft ----------------------------------------------------------------------------------------------

_DEADLINE = re.compile(r"(\d+|[一二三四五六七八九十两]+)(?:个)?(日|天|月)内|(\d{4}年)?\d{1,2}月\d{1,2}日(?:前|之前|以前)")
_METHOD = ("转账", "现金", "分期", "一次性", "支付", "给付", "归还", "返还", "拆除", "恢复", "维修", "疏通", "履行")


def performance_warnings(terms: str, method: str = "", deadline=None) -> list[str]:
    """What the agreement lacks for its performance (人民调解法第二十九条: 履行协议的方式、期限)."""
    warnings = []
    terms = terms or ""
    if not terms.strip():
        warnings.append("尚未填写协议内容。")
        return warnings
    if not method and not any(w in terms for w in _METHOD):
        warnings.append("协议内容未写明履行方式（如一次性转账支付、分期给付、自行拆除）。")
    if deadline is None and not _DEADLINE.search(terms):
        warnings.append("协议内容未写明履行期限（如“于十五日内”“2026年3月31日前”）。")
    if any(w in terms for w in ("赔偿", "支付", "给付", "归还")) and not extraction._amounts(terms):
        warnings.append("协议涉及给付，但未写明金额。")
    return warnings


def agreement_draft(dispute: Dispute, *, user=None) -> dict:
    """A first draft of the agreement's statutory fields from the case record, for the mediator to edit."""
    parties = list(dispute.parties.all())
    applicants = "、".join(p.name for p in parties if p.role == Party.Role.APPLICANT)
    respondents = "、".join(p.name for p in parties if p.role == Party.Role.RESPONDENT)
    sessions = list(dispute.sessions.all())
    facts = f"申请人{applicants}与被申请人{respondents or '—'}因{dispute.title}发生纠纷。{dispute.description}"
    if dispute.amount is not None:
        facts += f"争议涉及金额{dispute.amount}元。"
    if sessions:
        facts += f"经调解（共{len(sessions)}次，最近一次{sessions[-1].held_on:%Y年%m月%d日}），双方就以下事项达成一致。"
    responsibility = "\n".join([f"申请人{p.name}：" for p in parties if p.role == Party.Role.APPLICANT]
                               + [f"被申请人{p.name}：" for p in parties if p.role == Party.Role.RESPONDENT])
    terms, source = "", None
    if sessions and any(w in sessions[-1].record for w in ("同意", "约定", "达成")):
        terms = sessions[-1].record
    elif user is not None:
        for case in triage.similar_to(user=user, dispute=dispute, limit=5):
            agreement = getattr(case, "agreement", None)
            if agreement is not None and agreement.terms:
                terms, source = agreement.terms, case
                break
    deadline_date = clock.today() + datetime.timedelta(days=15)
    method = next((w for w in ("银行转账", "现金", "分期") if w in terms), "")
    return {"facts": facts, "responsibility": responsibility, "terms": terms, "terms_source": source,
            "performance_method": method, "performance_deadline": deadline_date,
            "warnings": performance_warnings(terms, method)}


def prefill_values(help_: dict) -> dict:
    """Form values from the extraction and the confident parts of the suggestion (the view fills empty fields)."""
    ex = help_["extraction"]
    out = {}
    applicant = next((p for p in ex.parties if p.role == "applicant"), None)
    respondent = next((p for p in ex.parties if p.role == "respondent"), None)
    for prefix, p in (("applicant", applicant), ("respondent", respondent)):
        if p is not None:
            out.update({f"{prefix}_name": p.name, f"{prefix}_phone": p.phone, f"{prefix}_id_number": p.id_number,
                        f"{prefix}_address": p.address})
    if applicant is None and ex.phones:
        out["applicant_phone"] = ex.phones[0]
    out["contact_phone"] = (applicant.phone if applicant and applicant.phone else ex.phones[0] if ex.phones else "")
    out["place"] = ex.addresses[0] if ex.addresses else ""
    out["amount"] = str(ex.amount) if ex.amount is not None else ""
    out["occurred_on"] = ex.dates[0].isoformat() if ex.dates else ""
    if help_.get("village") is not None:
        out["village"] = help_["village"].pk
    s = help_.get("suggestion")
    if s is not None and s.kind is not None and s.kind.assigned and s.kind_obj is not None:
        out["kind"] = s.kind_obj.pk
    if s is not None and s.level is not None and s.level.assigned:
        out["level"] = s.level.value
    return out
