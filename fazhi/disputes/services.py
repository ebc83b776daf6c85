"""Every write of the dispute module. Keyword-only arguments, atomic, audited. The workbench, the public site, the
API, the ledger import and the demo loader all call these functions."""
from __future__ import annotations

import datetime
import decimal
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from fazhi.core import audit, clock, codes, files, orgkinds, personal, policy, workdays
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.models import OrgNode, Unit, User
from fazhi.core.roles import Role
from fazhi.core.validators import clean_date, clean_decimal, clean_int, clean_text, id_number_error, phone_error
from fazhi.core.workflow import lock

from . import resident
from .models import (
    Agreement,
    Dispute,
    DisputeKind,
    FollowUp,
    MediationRoom,
    MediationSession,
    Mediator,
    Notice,
    Party,
    RiskWord,
    StateSpan,
    Transfer,
)
from .policies import dispute_policy, mediator_policy, room_policy
from .workflow import AUDIT_FIELDS as DISPUTE_FIELDS
from .workflow import dispute_workflow, people_mediators

DESCRIPTION_MAX = 5000
DEFAULT_ROUTES = ("您可以通过以下途径继续解决：1. 属于劳动争议的，向劳动人事争议仲裁委员会申请仲裁；"
                  "2. 属于行政机关职权范围的，向有关行政机关申请处理或申请行政调解；"
                  "3. 向人民法院提起诉讼。调解不成不影响您依法通过仲裁、行政、司法等途径维护自己的权利。")
RESIDENT = "群众（网上提交）"
MAX_PARTIES = 30
ADVISOR_REFUSED = "所选人员不是本案所在村（社区）或街道的法律顾问，不能参与本案调解。"

S = Dispute.Status


# ---- helpers -----------------------------------------------------------------------------------------------------

def _text(value, field, label, max_length, required=True, redact_numbers=False):
    if value is not None and not isinstance(value, str):
        raise DomainError(f"{label}应为文字。", field_errors={field: "应为文字。"})
    return clean_text(value, field=field, label=label, max_length=max_length, required=required,
                      redact_numbers=redact_numbers)


def _free_text(value, field, label, max_length, required=True):
    """A case's free text (事由, 简要情况, 地点): an ID or phone number pasted into it is not kept in plain text —
    the numbers belong in the parties' fields, which are encrypted at rest (the intake reads them out first)."""
    return _text(value, field, label, max_length, required=required, redact_numbers=True)


def _new_tracking_code():
    return codes.tracking_code(Dispute.objects.all(), "tracking_code", prefix="MT", length=8)


def _amount(value) -> decimal.Decimal | None:
    return clean_decimal(value, field="amount", label="涉及金额", max_value=decimal.Decimal("999999999999"),
                         required=False)


def _kind(kind):
    if isinstance(kind, DisputeKind):
        return kind
    found = DisputeKind.objects.filter(is_active=True).filter(
        Q(pk=kind) if str(kind).isdigit() else Q(code=kind) | Q(name=kind)).first() if kind not in (None, "") else None
    if found is None:
        raise DomainError("请选择纠纷类型。", field_errors={"kind": "请选择纠纷类型。"})
    return found


def _village_and_grid(village, grid):
    if grid is not None and not isinstance(grid, OrgNode):
        grid = OrgNode.objects.grids().filter(pk=grid, is_active=True).first() if str(grid).isdigit() else None
        if grid is None:
            raise DomainError("所选网格不存在。", field_errors={"grid": "网格不存在。"})
    if village is not None and not isinstance(village, OrgNode):
        village = (OrgNode.objects.villages().filter(pk=village, is_active=True).first()
                   if str(village).isdigit() else None)
    if village is None and grid is not None:
        village = grid.parent
    if village is None or village.level != orgkinds.VILLAGE:
        raise DomainError("请选择纠纷发生的村（社区）。", field_errors={"village": "请选择村（社区）。"})
    if grid is not None and (grid.level != orgkinds.GRID or grid.parent_id != village.pk):
        raise DomainError("所选网格不属于该村（社区）。", field_errors={"grid": "网格与村（社区）不一致。"})
    return village, grid


def _node_for_level(level, village, grid):
    if level == Dispute.Level.GRID:
        if grid is None:
            raise DomainError("网格层级办理需要先确定纠纷所在网格。", field_errors={"grid": "请选择网格。", "level": "缺少网格。"})
        return grid
    if level == Dispute.Level.VILLAGE:
        return village
    if level == Dispute.Level.SUBDISTRICT:
        return village.tenant()
    raise DomainError("办理层级应为网格、村（社区）或街道。", field_errors={"level": "层级不正确。"})


def clean_party(raw: dict, i: int = 1) -> dict:
    """Validate one party dict (name, role, kind, GB 11643 ID number, phone)."""
    role = raw.get("role") or Party.Role.APPLICANT
    if not isinstance(role, str) or role not in Party.Role.values:
        raise DomainError(f"第{i}位当事人的身份应为申请人或被申请人。", field_errors={"parties": "身份不正确。"})
    kind = raw.get("kind") or Party.Kind.PERSON
    if not isinstance(kind, str) or kind not in Party.Kind.values:
        raise DomainError(f"第{i}位当事人的类别应为自然人或单位。", field_errors={"parties": "类别不正确。"})
    prefix = f"第{i}位当事人（{Party.Role(role).label}）"

    def text(key: str, label: str, max_length: int, required: bool = False) -> str:
        try:
            return clean_text(raw.get(key), field=f"{role}_{key}", label=label, max_length=max_length,
                              required=required)
        except DomainError as exc:
            raise DomainError(f"{prefix}：{exc.message}", field_errors={**exc.field_errors, "parties": exc.message})

    name = text("name", "姓名或名称", 100, required=True)
    id_number = text("id_number", "身份证号/统一社会信用代码", 18).upper()
    if id_number:
        if kind == Party.Kind.PERSON:
            error = id_number_error(id_number)
        else:
            error = None if len(id_number) == 18 and id_number.isalnum() else "统一社会信用代码应为18位字母或数字。"
        if error:
            raise DomainError(f"{prefix}：{error}", field_errors={f"{role}_id_number": error, "parties": error})
    phone = text("phone", "电话", 20).replace(" ", "")
    if phone:
        error = phone_error(phone)
        if error:
            raise DomainError(f"{prefix}：{error}", field_errors={f"{role}_phone": error, "parties": error})
    address = text("address", "住址", 200)
    return dict(role=role, kind=kind, name=name, id_number=id_number, phone=phone, address=address)


def clean_parties(parties):
    """Validate a list of party dicts; return clean dicts. Errors name the party (第2位当事人) and the field."""
    if not parties:
        raise DomainError("请至少填写一位申请人。", field_errors={"parties": "请填写申请人。"})
    if not isinstance(parties, (list, tuple)) or not all(isinstance(p, dict) for p in parties):
        raise DomainError("当事人应为列表，每位当事人一项。", field_errors={"parties": "格式不正确。"})
    if len(parties) > MAX_PARTIES:
        raise DomainError(f"当事人不能超过{MAX_PARTIES}位，群体性纠纷请登记代表人。", field_errors={"parties": "当事人过多。"})
    cleaned = [clean_party(raw, i) for i, raw in enumerate(parties, start=1)]
    if not any(p["role"] == Party.Role.APPLICANT for p in cleaned):
        raise DomainError("请至少填写一位申请人。", field_errors={"parties": "请填写申请人。"})
    return cleaned


def _search_text(dispute, parties=None):
    from fazhi.core.search import search_text

    names = [p["name"] if isinstance(p, dict) else p.name for p in (parties if parties is not None else dispute.parties.all())]
    return search_text(dispute.tracking_code, dispute.title, dispute.description, dispute.place, *names)


def _deadline(dispute, start=None):
    try:
        d = workdays.compute_deadline(dispute.kind.deadline_rule_code or "disputes.conclude",
                                      start or dispute.accepted_on or dispute.received_on)
    except DomainError:
        d = workdays.compute_deadline("disputes.conclude", start or dispute.accepted_on or dispute.received_on)
    return d


def case_deadline(dispute: Dispute) -> workdays.Deadline:
    """The case's time limit (a rule row per kind; one month by default), explaining itself."""
    return _deadline(dispute)


def _set_due(dispute, deadline=None):
    d = deadline or _deadline(dispute)
    dispute.due_date = d.due
    dispute.deadline_unknown = d.due is None
    return d


def _decider(actor, dispute):
    """Who decided, in words a resident understands: the body (or the node) and the person."""
    if actor is None or isinstance(actor, str):
        return actor or "系统"
    if not hasattr(actor, "_disputes_unit_name"):  # cached on the user object like policy.memberships
        unit_ids = [u for _, _, _, u in policy.memberships(actor) if u]
        unit = Unit.objects.filter(pk__in=unit_ids).first() if unit_ids else None
        actor._disputes_unit_name = unit.name if unit else ""
    where = actor._disputes_unit_name or _handler_name(dispute)
    return f"{where} {actor.display_name}"[:100]


def _handler_name(dispute) -> str:
    """Who handles the case, as a resident reads it: the village/grid, or the tenant's dispute centre."""
    return f"{dispute.node.name}矛调中心" if dispute.node.is_tenant else dispute.node.name


def _notice(dispute, *, title, decided_by, reason="", next_steps=""):
    return Notice.objects.create(dispute=dispute, at=clock.now(), title=title, decided_by=decided_by,
                                 reason=reason, next_steps=next_steps)


def enter_state(dispute, status) -> None:
    """Close the open time-in-state span and open one for ``status`` (the workflow's on_enter hook)."""
    now = clock.now()
    StateSpan.objects.filter(dispute=dispute, left_at__isnull=True).update(left_at=now)
    StateSpan.objects.create(dispute=dispute, status=status, entered_at=now)


def _refresh_risk(dispute, *, actor):
    """Recompute the risk flags (repeat parties within 12 months; risk words in the text, segmented with jieba)."""
    reasons = []
    parties = list(dispute.parties.all())
    ids = {p.id_number for p in parties if p.id_number}
    phones = {p.phone for p in parties if p.phone}
    if ids or phones:
        since = dispute.received_on - datetime.timedelta(days=365)
        match = Q()
        if ids:
            match |= personal.match_any("id_number", ids)  # by keyed hash: the numbers are encrypted
        if phones:
            match |= personal.match_any("phone", phones)
        earlier = (Party.objects.filter(match, dispute__received_on__gte=since, dispute__received_on__lte=dispute.received_on,
                                        dispute__village__parent_id=dispute.village.parent_id)  # same subdistrict only
                   .exclude(dispute=dispute).values_list("dispute__tracking_code", flat=True).distinct()[:5])
        earlier = sorted(set(earlier))
        if earlier:
            reasons.append(f"重复纠纷：同一当事人12个月内另有纠纷（{'、'.join(earlier)}）")
    from .assist import group_reasons

    reasons.extend(group_reasons(dispute))
    found = risk_words_in(f"{dispute.title}\n{dispute.description}")
    for category, words in found.items():
        reasons.append(f"{RiskWord.Category(category).label}：{'、'.join(words)}")
    flagged = bool(reasons)
    if flagged != dispute.is_flagged or reasons != dispute.risk_reasons:
        was = dispute.is_flagged
        dispute.is_flagged, dispute.risk_reasons = flagged, reasons
        Dispute.objects.filter(pk=dispute.pk).update(is_flagged=flagged, risk_reasons=reasons)
        if flagged and not was:
            audit.record(actor=actor, action="flag", action_label="风险预警", obj=dispute, changes={"risk": reasons})
    return reasons


_JIEBA_WORDS = set()


def risk_words_in(text, words=None, segmented=None):
    """{category: [words]} of the active risk words found in ``text`` (jieba segmentation, words added to its
    dictionary so "同归于尽" stays one word). ``words`` ({word: category}, ``active_risk_words()``) saves the query
    when many texts are checked at once; ``segmented(words)``, if given, returns the set of ``text``'s segments once
    the risk words are in the dictionary (or None to segment here)."""
    from fazhi.core.search import _get_jieba

    jieba = _get_jieba()
    words = active_risk_words() if words is None else words
    if not words:
        return {}
    for w in words.keys() - _JIEBA_WORDS:
        jieba.add_word(w, freq=20000)
        _JIEBA_WORDS.add(w)
    tokens = segmented(words) if segmented is not None else None
    if tokens is None:
        tokens = set(jieba.cut_for_search(text or ""))
    found = {}
    for w, category in words.items():
        if w in tokens:
            found.setdefault(category, []).append(w)
    return found


def active_risk_words():
    return dict(RiskWord.objects.filter(is_active=True).values_list("word", "category"))


def _submission_key(*, channel, village, kind, contact_phone, description, parties):
    names = ",".join(sorted(p["name"] for p in parties))
    raw = "|".join([channel, str(village.pk), str(kind.pk), contact_phone, " ".join(description.split()), names])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def clean_intake(*, actor, channel, village, kind, title, description, parties, contact_phone, grid=None, level=None,
                 place="", amount=None, requested_room=None, referral_source="", referral_note="",
                 mediation_type=Dispute.MediationType.PEOPLE, occurred_on=None):
    """Every check and clean-up of a registration (``dispute_create``'s, and a bulk import's: the same refusals and
    the same stored values), reading only. Returns the cleaned fields, the handling ``node`` and the parties."""
    from types import SimpleNamespace

    is_public = actor is None
    if channel not in Dispute.Channel.values:
        raise DomainError("来源渠道不正确。", field_errors={"channel": "来源渠道不正确。"})
    if is_public and channel != Dispute.Channel.ONLINE:
        raise NotAllowed("群众只能通过网上提交登记纠纷。")
    if not is_public and channel == Dispute.Channel.ONLINE:
        raise DomainError("工作人员代为登记请选择“窗口来访”。", field_errors={"channel": "请选择窗口来访、网格排查或部门移送。"})
    village, grid = _village_and_grid(village, grid)
    kind = _kind(kind)
    title = _free_text(title, "title", "事由", 100)
    description = _free_text(description, "description", "纠纷简要情况", DESCRIPTION_MAX)
    place = _free_text(place, "place", "发生地点", 200, required=False)
    error = phone_error(contact_phone)
    if error:
        raise DomainError(error, field_errors={"contact_phone": error, "phone": error})
    contact_phone = contact_phone.strip().replace(" ", "")
    parties = clean_parties(parties)
    amount = _amount(amount)
    if referral_source and referral_source not in Dispute.ReferralSource.values:
        raise DomainError("移送单位不正确。", field_errors={"referral_source": "移送单位不正确。"})
    if channel == Dispute.Channel.REFERRAL and not referral_source:
        raise DomainError("部门移送的纠纷请选择移送单位。", field_errors={"referral_source": "请选择移送单位。"})
    referral_note = _text(referral_note, "referral_note", "移送说明", 200, required=False)
    if mediation_type not in Dispute.MediationType.values:
        raise DomainError("调解类型不正确。", field_errors={"mediation_type": "调解类型不正确。"})
    occurred_on = clean_date(occurred_on, field="occurred_on", label="纠纷发生日期", required=False, not_future=True)
    room = None
    if requested_room not in (None, ""):
        room = requested_room if isinstance(requested_room, MediationRoom) else (
            MediationRoom.objects.filter(pk=requested_room, is_active=True).first() if str(requested_room).isdigit() else None)
        if room is None or not village.path.startswith(room.node.path):
            raise DomainError("所选调解室不存在或不在本街道。", field_errors={"requested_room": "调解室不可选。"})
    if level is None:
        level = Dispute.Level.GRID if channel == Dispute.Channel.PATROL else Dispute.Level.SUBDISTRICT
    if channel == Dispute.Channel.PATROL and grid is None:
        raise DomainError("网格排查上报请选择网格。", field_errors={"grid": "请选择网格。"})
    node = _node_for_level(level, village, grid)
    if not is_public:
        policy.require(actor, "disputes.intake", node, view_perm="disputes.view",
                       message="您没有在该村（网格）登记纠纷的权限。")
    return SimpleNamespace(is_public=is_public, village=village, grid=grid, kind=kind, level=level, node=node, room=room,
                           parties=parties, title=title, description=description, place=place,
                           contact_phone=contact_phone, amount=amount, referral_note=referral_note,
                           occurred_on=occurred_on)


# ---- intake ------------------------------------------------------------------------------------------------------

@transaction.atomic
def dispute_create(*, actor, channel, village, kind, title, description, parties, contact_phone, grid=None, level=None,
                   place="", amount=None, requested_room=None, referral_source="", referral_note="", received_on=None,
                   mediation_type=Dispute.MediationType.PEOPLE, occurred_on=None):
    """Register a dispute from any channel. ``actor`` None = a resident on the public site (channel "online").

    Submitting the same form twice (same channel, village, kind, phone, text and parties within a day) returns
    the first case instead of creating a second one; the returned object has ``duplicate = True``.
    """
    c = clean_intake(actor=actor, channel=channel, village=village, kind=kind, title=title, description=description,
                     parties=parties, contact_phone=contact_phone, grid=grid, level=level, place=place, amount=amount,
                     requested_room=requested_room, referral_source=referral_source, referral_note=referral_note,
                     mediation_type=mediation_type, occurred_on=occurred_on)
    village, kind, description, contact_phone, parties = c.village, c.kind, c.description, c.contact_phone, c.parties
    now = clock.now()
    key = _submission_key(channel=channel, village=village, kind=kind, contact_phone=contact_phone,
                          description=description, parties=parties)
    existing = Dispute.objects.filter(submission_key=key, created_at__gte=now - datetime.timedelta(days=1)).first()
    if existing is not None:
        existing.duplicate = True
        return existing
    dispute = new_dispute(c, actor=actor, channel=channel, referral_source=referral_source,
                          mediation_type=mediation_type, received_on=received_on, now=now, key=key,
                          tracking_code=_new_tracking_code())
    deadline = _set_due(dispute)
    dispute.search_text = _search_text(dispute, parties)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin's insert fails alone, then we answer with it
            dispute.save()
    except IntegrityError:
        existing = Dispute.objects.filter(dedupe_key=dispute.dedupe_key).first()
        if existing is None:
            raise
        existing.duplicate = True
        return existing
    Party.objects.bulk_create([Party(dispute=dispute, **p) for p in parties])
    StateSpan.objects.create(dispute=dispute, status=S.REGISTERED, entered_at=now)
    audit.record(**created_event(dispute, c, actor=actor))
    registered_notice(dispute, deadline, now=now).save(force_insert=True)
    _refresh_risk(dispute, actor=actor or RESIDENT)
    from .assist import record_intake

    record_intake(dispute=dispute, actor=actor, parties=parties)
    dispute.duplicate = False
    return dispute


# The pieces of a registration that ``dispute_create`` and the bulk import (``fazhi.disputes.bulk``) share, so a case
# registered either way is stored and audited alike.

INTAKE_LABELS = {"online": "群众网上提交", "walk_in": "窗口登记", "patrol": "网格排查上报", "referral": "部门移送登记"}


def new_dispute(c, *, actor, channel, referral_source, mediation_type, received_on, now, key, tracking_code):
    """The unsaved case of a cleaned registration ``c`` (``clean_intake``)."""
    dedupe_key = hashlib.sha256(f"{key}|{clock.today().isoformat()}".encode()).hexdigest()
    return Dispute(
        node=c.node, village=c.village, grid=c.grid, tracking_code=tracking_code, status=S.REGISTERED, level=c.level,
        kind=c.kind, channel=channel, referral_source=referral_source or "", referral_note=c.referral_note,
        mediation_type=mediation_type, title=c.title, description=c.description, place=c.place, amount=c.amount,
        requested_room=c.room, contact_phone=c.contact_phone, received_on=received_on or clock.today(),
        occurred_on=c.occurred_on,
        submission_key=key, dedupe_key=dedupe_key, created_by=None if c.is_public else actor, created_at=now,
        updated_at=now)


def created_event(dispute, c, *, actor):
    """``audit.record``'s arguments for the registration of ``dispute``."""
    return dict(actor=RESIDENT if c.is_public else actor, action="create", action_label=INTAKE_LABELS[dispute.channel],
                obj=dispute, changes={"channel": dispute.channel, "kind": c.kind.name, "level": c.level,
                                      "room": c.room.name if c.room else ""}, is_public=True)


def registered_notice(dispute, deadline, *, now):
    """The unsaved "已登记" notice the resident reads (with the case's time limit explained)."""
    return Notice(dispute=dispute, at=now, title="已登记", decided_by=_handler_name(dispute),
                  next_steps=f"我们已收到您的纠纷登记，将在受理后安排调解。{deadline.explain()}")


@transaction.atomic
def dispute_register(*, actor, related_action: str = "", related_target: str = "", **fields):
    """Intake with the clerk's answer to "related open case found": register, then link to or merge into it (one
    transaction: a refused link or merge registers nothing)."""
    d = dispute_create(actor=actor, **fields)
    if getattr(d, "duplicate", False) or not related_action:
        return d
    if related_action == "link":
        dispute_link(actor=actor, dispute=d, target=related_target, reason="登记时发现相关在办案件")
    elif related_action == "merge":
        merged = dispute_transition(actor=actor, dispute=d, name="merge", version=d.version, target=related_target,
                                    reason="登记时发现与在办案件为同一事项，并单办理")
        merged.duplicate = False
        return merged
    else:
        raise DomainError("相关案件的处理方式不正确。", field_errors={"related_action": "请选择。"})
    return d


@transaction.atomic
def dispute_update(*, actor: User, dispute: Dispute, version: Any, title: str | None = None,
                   description: str | None = None, place: str | None = None, amount: Any = None,
                   kind: Any = None) -> Dispute:
    d = lock(Dispute, dispute.pk, _version(version))
    dispute_policy.check(actor, "intake", d)
    if d.status not in Dispute.OPEN_STATUSES:
        raise DomainError("已办结的纠纷不能修改基本情况。")
    before = audit.snapshot(d, DISPUTE_FIELDS)
    if title is not None:
        d.title = _free_text(title, "title", "事由", 100)
    if description is not None:
        d.description = _free_text(description, "description", "纠纷简要情况", DESCRIPTION_MAX)
    if place is not None:
        d.place = _free_text(place, "place", "发生地点", 200, required=False)
    if amount is not None:
        d.amount = _amount(amount)
    if kind is not None:
        d.kind = _kind(kind)
        _set_due(d)
    d.search_text = _search_text(d)
    d.version += 1
    d.updated_at = clock.now()
    d.save()
    audit.record(actor=actor, action="update", action_label="修改基本情况", obj=d,
                 changes=audit.diff(before, audit.snapshot(d, DISPUTE_FIELDS)))
    _refresh_risk(d, actor=actor)
    return d


def _open_for_parties(actor: User, dispute: Dispute, version: Any) -> Dispute:
    d = lock(Dispute, dispute.pk, _version(version))
    dispute_policy.check(actor, "intake", d)
    if d.status not in Dispute.OPEN_STATUSES:
        raise DomainError("已办结的纠纷不能再变更当事人。")
    return d


def _parties_changed(d: Dispute, *, actor: User, label: str, changes: dict) -> None:
    d.version += 1
    d.updated_at = clock.now()
    d.search_text = _search_text(d)
    d.save(update_fields=["version", "updated_at", "search_text"])
    audit.record(actor=actor, action="update", action_label=label, obj=d, changes=changes)
    _refresh_risk(d, actor=actor)


@transaction.atomic
def party_add(*, actor: User, dispute: Dispute, version: Any, role: str, name: str, kind: str = Party.Kind.PERSON,
              id_number: str = "", phone: str = "", address: str = "") -> Party:
    d = _open_for_parties(actor, dispute, version)
    if d.parties.count() >= MAX_PARTIES:
        raise DomainError(f"当事人不能超过{MAX_PARTIES}位，群体性纠纷请登记代表人。", field_errors={"parties": "当事人过多。"})
    p = clean_party(dict(role=role, name=name, kind=kind, id_number=id_number, phone=phone, address=address),
                    d.parties.count() + 1)
    party = Party.objects.create(dispute=d, **p)
    _parties_changed(d, actor=actor, label="添加当事人", changes={"party": f"{party.get_role_display()} {party.name}"})
    return party


PARTY_FIELDS = ("role", "kind", "name", "id_number", "phone", "address")


def _party_of(d: Dispute, party: Any) -> Party:
    party_id = party.pk if isinstance(party, Party) else clean_int(party, field="party", label="当事人", min_value=1)
    found = Party.objects.select_for_update().filter(dispute=d, pk=party_id).first()
    if found is None:
        raise DomainError("该当事人不属于本纠纷。", field_errors={"party": "当事人不存在。"})
    return found


@transaction.atomic
def party_update(*, actor: User, dispute: Dispute, party: Any, version: Any, **fields: Any) -> Party:
    """Correct one party's details (audited before/after; refused if the case changed since ``version``)."""
    d = _open_for_parties(actor, dispute, version)
    p = _party_of(d, party)
    before = audit.snapshot(p, PARTY_FIELDS)
    raw = {f: fields[f] if f in fields and fields[f] is not None else getattr(p, f) for f in PARTY_FIELDS}
    raw.update({f: personal.keep_if_masked(p, f, raw[f]) for f in ("id_number", "phone")})  # the form shows them masked
    position = list(d.parties.values_list("pk", flat=True)).index(p.pk) + 1
    for key, value in clean_party(raw, position).items():
        setattr(p, key, value)
    others = [x.role for x in d.parties.exclude(pk=p.pk)]
    if Party.Role.APPLICANT not in others + [p.role]:
        raise DomainError("每起纠纷至少要有一位申请人。", field_errors={"role": "至少保留一位申请人。"})
    p.save()
    _parties_changed(d, actor=actor, label="修改当事人",
                     changes={"party": p.name, **audit.diff(before, audit.snapshot(p, PARTY_FIELDS))})
    return p


@transaction.atomic
def party_remove(*, actor: User, dispute: Dispute, party: Any, version: Any) -> Dispute:
    """Remove a party registered by mistake (audited; the last applicant cannot be removed)."""
    d = _open_for_parties(actor, dispute, version)
    p = _party_of(d, party)
    if p.role == Party.Role.APPLICANT and not d.parties.filter(role=Party.Role.APPLICANT).exclude(pk=p.pk).exists():
        raise DomainError("不能删除唯一的申请人；如需更换，请先添加新的申请人。", field_errors={"party": "唯一的申请人。"})
    label = f"{p.get_role_display()} {p.name}"
    p.delete()
    _parties_changed(d, actor=actor, label="删除当事人", changes={"party": label})
    return d


def advisor_covers(advisor: User, dispute: Dispute) -> bool:
    """Does ``advisor`` hold the legal-advisor role on a node covering the case — the node handling it or the
    village/grid where it arose (or one of their ancestors)? An advisor of another subdistrict never does."""
    return any(policy.has_role(advisor, Role.LEGAL_ADVISOR, node)
               for node in (dispute.node, dispute.village, dispute.grid) if node is not None)


@transaction.atomic
def advisor_join(*, actor: User, dispute: Dispute, advisor: User) -> Dispute:
    """A legal advisor joins a mediation; from then on the advisor can see this case (and only cases they join).
    Only an advisor of the case's own village, grid or subdistrict may join (the extra grant reads no further)."""
    d = lock(Dispute, dispute.pk)
    dispute_policy.check(actor, "assign", d)
    if advisor is None or not advisor.is_active or not advisor_covers(advisor, d):
        raise DomainError(ADVISOR_REFUSED, field_errors={"advisor": ADVISOR_REFUSED})
    d.advisors.add(advisor)
    audit.record(actor=actor, action="update", action_label="法律顾问参与调解", obj=d, changes={"advisor": advisor.display_name})
    return d


@transaction.atomic
def attachment_add(*, actor: User, dispute: Dispute, upload: Any):
    """Attach evidence (photo or PDF) to a case; served only through core's scoped file download."""
    d = lock(Dispute, dispute.pk)
    dispute_policy.check(actor, "mediate", d)
    if upload is None:
        raise DomainError("请选择要上传的文件。", field_errors={"file": "请选择文件。"})
    stored = files.store_upload(upload, owner=d, node=d.node, actor=actor, allowed_kinds=("image", "pdf"),
                                purpose="evidence")
    audit.record(actor=actor, action="upload", action_label="上传附件", obj=d, changes={"file": stored.original_name})
    return stored


# ---- the workflow ------------------------------------------------------------------------------------------------

def _version(value: Any) -> int:
    try:
        return clean_int(value, field="version", label="版本号（version）")
    except DomainError:
        raise DomainError("缺少或无效的版本号（version），请刷新页面后重试。", field_errors={"version": "无效。"}) from None


def _bool(value: Any) -> bool | None:
    if isinstance(value, str):
        return value in {"1", "true", "True", "yes", "是", "on"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    return None


def _choice(value: Any, choices, *, field: str, message: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise DomainError(message, field_errors={field: message})
    return value


def dispute_transition(*, actor: User, dispute: Dispute, name: str, version: Any, reason: str = "",
                       **data: Any) -> Dispute:
    """Run one transition of the workflow through core's runner: refuses (400) what the table does not allow now,
    (409) if someone changed the case since ``version``; the table's target decides the state, the handler below
    sets the side fields (dates, agreement, notices, follow-ups)."""
    version = _version(version)
    if not isinstance(name, str):
        name = ""
    if not isinstance(reason, str):
        raise DomainError("理由应为文字。", field_errors={"reason": "应为文字。"})
    if name == "follow_up" and data.get("satisfaction") == FollowUp.Satisfaction.UNSATISFIED:
        # An unsatisfied answer at the follow-up visit reopens the case; its reason is the visit note.
        note = data.get("note")
        name, reason = "reopen", (reason or (note if isinstance(note, str) else "") or "").strip()
        if not reason:
            raise DomainError("当事人不满意时，请在回访情况中写明原因，案件将重新调解。",
                              field_errors={"note": "请写明不满意的原因。"})
    if name in ("escalate", "escalate_assigned"):
        # one button, two table rows: the state stays before assignment, goes back to "accepted" after it
        name = "escalate_assigned" if dispute.status in (S.ASSIGNED, S.IN_MEDIATION) else "escalate"
    with transaction.atomic():
        d = dispute_workflow.run(dispute, actor=actor, name=name, version=version, reason=reason, data=data,
                                 handler=_HANDLERS.get(name))
        resident.case_moved(d, name)  # the applicant's SMS with a link to the case, sent after the commit
    return d


def _accept(d, *, actor, reason, data, transition):
    d.accepted_on = clock.today()
    _set_due(d)
    _notice(d, title="已受理", decided_by=_decider(actor, d), reason=reason,
            next_steps=f"您的纠纷已受理，将安排调解员或调解室与您联系。{_deadline(d).explain()}")


def _decline(d, *, actor, reason, data, transition):
    next_steps = _text(data.get("next_steps") or "", "next_steps", "下一步建议", 1000, required=False) or (
        "本纠纷不属于人民调解受理范围。" + DEFAULT_ROUTES)
    d.concluded_on = clock.today()
    _notice(d, title="不予受理", decided_by=_decider(actor, d), reason=reason, next_steps=next_steps)


def _id_of(value: Any, *, field: str, message: str) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return clean_int(value, field=field, label="编号", min_value=1)
    except DomainError:
        raise DomainError(message, field_errors={field: message}) from None


def _centre_body(d: Dispute, value: Any, *, message: str) -> Unit | None:
    body_id = _id_of(value, field="centre_body", message=message)
    if body_id is None:
        return None
    body = Unit.objects.filter(pk=body_id, kind=Unit.Kind.CENTRE_BODY, is_active=True, node=d.village.tenant()).first()
    if body is None:
        raise DomainError(message, field_errors={"centre_body": message})
    return body


def _assign(d, *, actor, reason, data, transition):
    level = data.get("level") or d.level
    if not isinstance(level, str) or level not in Dispute.Level.values:
        raise DomainError("办理层级应为网格、村（社区）或街道。", field_errors={"level": "层级不正确。"})
    node = _node_for_level(level, d.village, d.grid)
    if not policy.has_perm(actor, "disputes.assign", node):
        raise DomainError("不能分派到您管辖范围以外的层级；需要上级办理的，请使用“上报上一级”并写明理由。",
                          field_errors={"level": "超出管辖范围。"})
    sub = d.village.tenant()
    body = _centre_body(d, data.get("centre_body"), message="所选承办机构不存在或不属于本街道矛调中心。")
    room_id = _id_of(data.get("room"), field="room", message="所选调解室不存在或未开放。")
    room = None
    if room_id is not None:
        room = MediationRoom.objects.filter(pk=room_id, is_active=True, node=sub).first()
        if room is None:
            raise DomainError("所选调解室不存在或未开放。", field_errors={"room": "调解室不可选。"})
    raw = data.get("mediators") or []
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    mediator_ids = [_id_of(m, field="mediators", message="所选调解员不正确。") for m in raw]
    mediators = []
    if mediator_ids:
        mediators = list(Mediator.objects.filter(pk__in=mediator_ids, is_active=True, node__path__startswith=sub.path))
        if len(mediators) != len(set(mediator_ids)):
            raise DomainError("所选调解员不在本街道调解员名册中。", field_errors={"mediators": "调解员不在名册中。"})
    if body is None and room is None and not mediators and level == Dispute.Level.SUBDISTRICT:
        raise DomainError("请至少指定承办机构、调解室或调解员之一。", field_errors={"room": "请指定调解室或调解员。"})
    mediation_type = _choice(data.get("mediation_type") or d.mediation_type, Dispute.MediationType.values,
                             field="mediation_type", message="调解类型不正确。")
    d.level, d.node, d.centre_body, d.room, d.mediation_type = level, node, body, room, mediation_type
    d.mediators.set(mediators)
    from .assist import record_assignment

    record_assignment(d, actor=actor)
    where = room.name if room else (body.name if body else node.name)
    _notify_assigned(d, actor=actor, where=where, people=[room.host if room else None] + [m.user for m in mediators])
    _notice(d, title="已安排调解", decided_by=_decider(actor, d), reason=reason,
            next_steps=f"您的纠纷由{where}负责调解{('，调解员：' + '、'.join(m.name for m in mediators)) if mediators else ''}，"
                       f"{('开放时间：' + room.opening_hours + '。') if room and room.opening_hours else ''}工作人员将与您约定调解时间。")
    return {"mediators": [m.name for m in mediators]}


def _notify_assigned(d, *, actor, where, people):
    """The room host and the mediators with an account (else whoever mediates on the node itself) are told, after
    the commit, that the case is theirs now."""
    from django.urls import reverse

    from fazhi.core import notifications

    people = [p for p in people if p is not None] or list(
        notifications.who_may(dispute_policy, "mediate", d.node).filter(memberships__node=d.node).distinct())
    notifications.notify(recipients=people, kind="disputes.assigned", title=f"新分派的矛盾纠纷：{d}",
                         body=f"已分派由{where}负责调解（{actor.display_name}）。", obj=d, exclude=actor,
                         url=reverse("disputes:detail", args=[d.pk]), level="warning")


def _session(d, *, actor, reason, data, transition):
    held_on = clean_date(data.get("held_on") or clock.today(), field="held_on", label="调解日期", not_future=True)
    if held_on < d.received_on:
        raise DomainError("调解日期不能早于登记日期。", field_errors={"held_on": "早于登记日期。"})
    s = MediationSession.objects.create(
        dispute=d, held_on=held_on,
        place=_text(data.get("place") or (d.room.name if d.room else ""), "place", "调解地点", 100),
        participants=_text(data.get("participants"), "participants", "参加人员", 300),
        record=_text(data.get("record"), "record", "调解记录", DESCRIPTION_MAX),
        recorded_by=actor)
    return {"session": f"{s.held_on} {s.place}"}


def judicial_deadline(agreement: Agreement) -> workdays.Deadline | None:
    """The 30-day window for judicial confirmation (人民调解法第三十三条; a last day on a rest day moves to the next
    working day, 民事诉讼法第八十五条第三款 — set on the rule row). None for agreements it does not apply to."""
    if agreement.kind != Agreement.Kind.PEOPLE:
        return None
    return workdays.compute_deadline("disputes.judicial_confirmation", agreement.signed_on)


def _agreement_number(d: Dispute, today: datetime.date, kind: str) -> str:
    sub = d.village.tenant()
    seq = Agreement.objects.filter(signed_on__year=today.year, kind=kind,
                                   dispute__village__parent=d.village.parent).count() + 1
    word = {Agreement.Kind.PEOPLE: "调字", Agreement.Kind.ADMINISTRATIVE: "行调字", Agreement.Kind.JUDICIAL: "特调字"}[kind]
    return f"（{today.year}）{(sub.short_name or sub.name[:2])}{word}第{seq}号"


def _agree(d, *, actor, reason, data, transition):
    today = clock.today()
    facts = _text(data.get("facts") or d.description, "facts", "纠纷事实及争议事项", DESCRIPTION_MAX)
    responsibility = _text(data.get("responsibility") or "", "responsibility", "各方当事人的责任", DESCRIPTION_MAX,
                           required=False)
    terms = _text(data.get("terms"), "terms", "协议内容", DESCRIPTION_MAX)
    method = _text(data.get("performance_method"), "performance_method", "履行方式", 200)
    deadline = clean_date(data.get("performance_deadline"), field="performance_deadline", label="履行期限")
    if deadline < today:
        raise DomainError("履行期限不能早于签订日期。", field_errors={"performance_deadline": "早于签订日期。"})
    kind = d.mediation_type  # Agreement.Kind mirrors Dispute.MediationType
    signers = people_mediators(d, actor) if kind == Agreement.Kind.PEOPLE else [m.name for m in d.mediators.all()]
    number = _agreement_number(d, today, kind)
    agreement, _ = Agreement.objects.update_or_create(dispute=d, defaults=dict(
        kind=kind, number=number, facts=facts, responsibility=responsibility, terms=terms,
        performance_method=method, performance_deadline=deadline, signed_on=today, signed_by="、".join(signers)[:200],
        judicial_deadline=None, judicial_outcome="", judicial_applied_on=None, judicial_decided_on=None,
        judicial_court=""))
    jc = judicial_deadline(agreement)
    if jc is not None:
        agreement.judicial_deadline = jc.due
        agreement.save(update_fields=["judicial_deadline"])
    d.resolved_on = d.concluded_on = today
    title = Agreement.Kind(kind).label
    next_steps = f"各方已签订{title}（{number}），请按约定履行。我们将进行回访。"
    if jc is not None:
        window = f"（截止{jc.due:%Y年%m月%d日}）" if jc.due else ""
        next_steps = (f"各方已签订人民调解协议书（{number}），请按约定履行。双方认为有必要的，可自协议生效之日起30日内"
                      f"{window}共同向人民法院申请司法确认。我们将进行回访。")
    _notice(d, title="调解成功", decided_by=_decider(actor, d), next_steps=next_steps)
    return {"agreement": number, "agreement_kind": title}


def _fail(d, *, actor, reason, data, transition):
    routes = _text(data.get("routes") or DEFAULT_ROUTES, "routes", "其他救济途径", 2000)
    d.failure_routes = routes
    d.concluded_on = clock.today()
    d.resolved_on = None
    _notice(d, title="调解不成", decided_by=_decider(actor, d), reason=reason, next_steps=routes)


def _follow_up(d, *, actor, reason, data, transition):
    performed = _bool(data.get("performed"))
    if performed is None:
        raise DomainError("请选择协议是否履行。", field_errors={"performed": "请选择。"})
    satisfaction = _choice(data.get("satisfaction"), FollowUp.Satisfaction.values, field="satisfaction",
                           message="请选择当事人满意度。")
    note = _text(data.get("note") or "", "note", "回访情况", 2000, required=False)
    FollowUp.objects.create(dispute=d, visited_on=clock.today(), performed=performed, satisfaction=satisfaction,
                            note=note, visited_by=actor)
    d.closed_on = clock.today()
    _notice(d, title="已结案", decided_by=_decider(actor, d),
            next_steps="经回访，本纠纷已办结。如协议未履行，您可以申请司法确认后向人民法院申请强制执行，或再次联系我们。")
    return {"performed": performed, "satisfaction": satisfaction}


def _reopen(d, *, actor, reason, data, transition):
    satisfaction = data.get("satisfaction")
    if not isinstance(satisfaction, str) or satisfaction not in FollowUp.Satisfaction.values:
        satisfaction = FollowUp.Satisfaction.UNSATISFIED
    FollowUp.objects.create(dispute=d, visited_on=clock.today(), performed=bool(_bool(data.get("performed"))),
                            satisfaction=satisfaction, note=reason, visited_by=actor)
    d.resolved_on = d.concluded_on = d.closed_on = None
    d.accepted_on = d.accepted_on or clock.today()
    dl = _deadline(d, start=clock.today())
    d.due_date, d.deadline_unknown = dl.due, dl.due is None
    _notice(d, title="重新调解", decided_by=_decider(actor, d), reason=reason,
            next_steps="根据回访情况，您的纠纷已重新进入调解，调解员将与您联系。")


def _escalate(d, *, actor, reason, data, transition):
    before = d.node.name
    if d.level == Dispute.Level.GRID:
        d.level, d.node = Dispute.Level.VILLAGE, d.village
    else:
        d.level, d.node = Dispute.Level.SUBDISTRICT, d.village.tenant()
    after = _handler_name(d)
    Transfer.objects.create(dispute=d, kind=Transfer.Kind.ESCALATE, at=clock.now(), from_label=before, to_label=after,
                            reason=reason, by=actor)
    _notice(d, title="上报上一级办理", decided_by=_decider(actor, d), reason=reason,
            next_steps=f"您的纠纷已由{before}上报至{after}办理，后续由{after}与您联系。")
    return {"from": before, "to": after}


def _transfer(d, *, actor, reason, data, transition):
    body = _centre_body(d, data.get("centre_body"), message="请选择接收的矛调中心入驻机构。")
    if body is None:
        raise DomainError("请选择接收的矛调中心入驻机构。", field_errors={"centre_body": "请选择机构。"})
    if body.pk == d.centre_body_id:
        raise DomainError("本案已由该机构承办，无需移交。", field_errors={"centre_body": "与当前承办机构相同。"})
    before = d.centre_body.name if d.centre_body else (d.room.name if d.room else d.node.name)
    d.centre_body = body
    if d.level != Dispute.Level.SUBDISTRICT:
        d.level, d.node = Dispute.Level.SUBDISTRICT, d.village.tenant()
    Transfer.objects.create(dispute=d, kind=Transfer.Kind.TRANSFER, at=clock.now(), from_label=before,
                            to_label=body.name, to_body=body, reason=reason, by=actor)
    _notice(d, title=f"移交{body.name}办理", decided_by=_decider(actor, d), reason=reason,
            next_steps=f"您的纠纷已移交{body.name}办理，请留意{body.name}工作人员的联系；如有疑问可到街道矛调中心窗口咨询。")
    return {"to_body": body.name}


def _judicial(d, *, actor, reason, data, transition):
    a = d.agreement
    outcome = _choice(data.get("judicial_outcome"), {"not_applied", "applied", "confirmed", "rejected"},
                      field="judicial_outcome", message="请选择司法确认情况。")
    applied_on = clean_date(data.get("judicial_applied_on"), field="judicial_applied_on", label="申请日期",
                            required=False)
    decided_on = clean_date(data.get("judicial_decided_on"), field="judicial_decided_on", label="裁定日期",
                            required=False)
    if outcome in {"applied", "confirmed", "rejected"}:
        if applied_on is None:
            raise DomainError("请填写申请司法确认的日期。", field_errors={"judicial_applied_on": "请填写日期。"})
        if applied_on < a.signed_on:
            raise DomainError("申请日期不能早于协议签订日期。", field_errors={"judicial_applied_on": "早于签订日期。"})
        window = judicial_deadline(a)
        if window is not None and window.due is not None and applied_on > window.due:
            raise DomainError(f"申请日期已超过30日申请期限（截止{window.due:%Y-%m-%d}）。{window.explain()}",
                              field_errors={"judicial_applied_on": "超过申请期限。"})
    if outcome in {"confirmed", "rejected"}:
        if decided_on is None:
            raise DomainError("请填写法院裁定日期。", field_errors={"judicial_decided_on": "请填写日期。"})
        if decided_on < applied_on:
            raise DomainError("裁定日期不能早于申请日期。", field_errors={"judicial_decided_on": "早于申请日期。"})
    a.judicial_outcome = outcome
    a.judicial_applied_on = applied_on
    a.judicial_decided_on = decided_on if outcome in {"confirmed", "rejected"} else None
    a.judicial_court = _text(data.get("judicial_court") or "", "judicial_court", "受理法院", 100, required=False)
    a.save()
    return {"judicial_outcome": outcome}


def _merge(d, *, actor, reason, data, transition):
    """并单: this case joins ``target`` (an open case of the same subdistrict). Its parties not yet on the target
    are added there; both cases keep their own audit trail, linked both ways; the resident is told."""
    from .assist import find_target, link

    target = find_target(actor=actor, source=d, value=data.get("target"))
    if target.status not in Dispute.OPEN_STATUSES:
        raise DomainError("只能并入正在办理的案件。", field_errors={"target": "该案件已办结。"})
    dispute_policy.check(actor, "intake", target)
    if target.village.parent_id != d.village.parent_id:
        raise DomainError("只能并入同一街道的案件。", field_errors={"target": "不在同一街道。"})
    known = {(p.name, p.id_number) for p in target.parties.all()}
    added = []
    for p in d.parties.all():
        if (p.name, p.id_number) not in known and target.parties.count() < MAX_PARTIES:
            Party.objects.create(dispute=target, role=p.role, kind=p.kind, name=p.name, id_number=p.id_number,
                                 phone=p.phone, address=p.address)
            added.append(p.name)
    d.merged_into = target
    d.concluded_on = clock.today()
    link(actor=actor, source=d, target=target, reason=reason, kind="merged")
    if added:
        Dispute.objects.filter(pk=target.pk).update(version=target.version + 1, updated_at=clock.now())
        audit.record(actor=actor, action="update", action_label="并案添加当事人", obj=target,
                     changes={"parties": added, "from": d.tracking_code})
    _notice(d, title="已并案办理", decided_by=_decider(actor, d), reason=reason,
            next_steps=f"您的纠纷与{target.tracking_code}号纠纷涉及同一事项，已并案办理，后续进度请以该查询码为准。")
    return {"merged_into": target.tracking_code, "parties_added": added}


@transaction.atomic
def dispute_link(*, actor: User, dispute: Dispute, target: Any, reason: str = ""):
    """Record that two cases are related (same parties or address), audited on both."""
    from .assist import find_target, link

    d = lock(Dispute, dispute.pk)
    other = find_target(actor=actor, source=d, value=target)
    reason = _text(reason or "", "reason", "关联原因", 200, required=False)
    return link(actor=actor, source=d, target=other, reason=reason)


_HANDLERS = {"accept": _accept, "merge": _merge, "decline": _decline, "assign": _assign, "session": _session,
             "agree": _agree, "fail": _fail, "follow_up": _follow_up, "reopen": _reopen, "escalate": _escalate,
             "escalate_assigned": _escalate, "transfer": _transfer, "judicial": _judicial}


@transaction.atomic
def transfer_acknowledge(*, actor, transfer):
    t = Transfer.objects.select_for_update().get(pk=transfer.pk)
    dispute_policy.check(actor, "view", t.dispute)
    if not t.acknowledged:
        t.acknowledged = True
        t.save(update_fields=["acknowledged"])
        audit.record(actor=actor, action="update", action_label="接收移交", obj=t.dispute, changes={"to": t.to_label})
    return t


# ---- rooms, roster, committee, risk words ------------------------------------------------------------------------

def _sub_node(actor, node):
    if node is None or not node.is_tenant:
        raise DomainError("请选择所属街道。", field_errors={"node": "请选择街道。"})
    policy.require(actor, "disputes.manage", node, view_perm="disputes.view")
    return node


def _locked_to_manage(actor, record, access, fields):
    """A record about to change: read again under a row lock, checked for "manage", with its audit snapshot."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    access.check(actor, "manage", record)
    return record, audit.snapshot(record, fields)


ROOM_FIELDS = ("name", "host_name", "host", "opening_hours", "location", "introduction", "sort_order", "is_active")


@transaction.atomic
def room_save(*, actor, node=None, room=None, name, host_name, specialities=(), opening_hours="", location="",
              introduction="", host=None, sort_order=0, is_active=True, photo=None):
    """Create (room None) or change a mediation room. ``photo`` an uploaded image (optional)."""
    if room is None:
        node = _sub_node(actor, node)
        room = MediationRoom(node=node)
        before = {}
    else:
        room, before = _locked_to_manage(actor, room, room_policy, ROOM_FIELDS)
    room.name = _text(name, "name", "调解室名称", 50)
    room.host_name = _text(host_name, "host_name", "负责人", 50)
    room.opening_hours = _text(opening_hours, "opening_hours", "开放时间", 100, required=False)
    room.location = _text(location, "location", "地点", 100, required=False)
    room.introduction = _text(introduction, "introduction", "简介", 2000, required=False)
    room.host, room.is_active = host, bool(is_active)
    room.sort_order = clean_int(sort_order or 0, field="sort_order", label="排序")
    if MediationRoom.objects.filter(node=room.node, name=room.name).exclude(pk=room.pk).exists():
        raise DomainError("已有同名调解室。", field_errors={"name": "名称重复。"})
    room.save()
    room.specialities.set([_kind(k) for k in specialities])
    if photo is not None:
        stored = files.store_upload(photo, owner=room, node=room.node, actor=actor, allowed_kinds=("image",),
                                    purpose="photo", is_public=True)
        room.photo = stored
        room.save(update_fields=["photo"])
    audit.record(actor=actor, action="update" if before else "create", obj=room,
                 changes=audit.diff(before, audit.snapshot(room, ROOM_FIELDS)))
    return room


MEDIATOR_FIELDS = ("name", "kind", "organisation", "phone", "committee", "committee_position", "is_active", "user")


@transaction.atomic
def mediator_save(*, actor, node=None, mediator=None, name, kind=Mediator.Kind.PEOPLE, organisation="", phone="",
                  specialities=(), committee=None, committee_position="", user=None, is_active=True, sort_order=0):
    if mediator is None:
        if node is None:
            raise DomainError("请选择所属组织。", field_errors={"node": "请选择。"})
        policy.require(actor, "disputes.manage", node, view_perm="disputes.view")
        mediator = Mediator(node=node)
        before = {}
    else:
        mediator, before = _locked_to_manage(actor, mediator, mediator_policy, MEDIATOR_FIELDS)
    if kind not in Mediator.Kind.values:
        raise DomainError("调解员类别不正确。", field_errors={"kind": "类别不正确。"})
    mediator.name = _text(name, "name", "姓名", 50)
    mediator.kind = kind
    mediator.organisation = _text(organisation, "organisation", "工作单位/职务", 100, required=False)
    phone = (phone or "").strip()
    if phone and phone_error(phone):
        raise DomainError(phone_error(phone), field_errors={"phone": phone_error(phone)})
    mediator.phone = phone
    if committee is not None:
        if committee.kind != Unit.Kind.COMMITTEE or not mediator.node.path.startswith(committee.node.path) and \
                not committee.node.path.startswith(mediator.node.path):
            raise DomainError("所选调解委员会不正确。", field_errors={"committee": "委员会不正确。"})
    mediator.committee = committee
    mediator.committee_position = _text(committee_position, "committee_position", "委员会职务", 30, required=False)
    mediator.user, mediator.is_active = user, bool(is_active)
    mediator.sort_order = clean_int(sort_order or 0, field="sort_order", label="排序")
    mediator.save()
    mediator.specialities.set([_kind(k) for k in specialities])
    audit.record(actor=actor, action="update" if before else "create", obj=mediator, node=mediator.node,
                 changes=audit.diff(before, audit.snapshot(mediator, MEDIATOR_FIELDS)))
    return mediator


@transaction.atomic
def committee_ensure(*, actor, node, name="行政调解委员会", description=""):
    """The subdistrict's administrative mediation committee (行政调解委员会), kept as a core Unit (kind committee)."""
    node = _sub_node(actor, node)
    unit = Unit.objects.filter(node=node, kind=Unit.Kind.COMMITTEE, name=name).first()
    if unit is None:
        from fazhi.core import services as core_services

        unit = core_services.unit_create(actor=actor, node=node, kind=Unit.Kind.COMMITTEE, name=name,
                                         description=description, check_scope=False)
    return unit


@transaction.atomic
def risk_word_add(*, actor, word, category):
    if not policy.has_perm(actor, "disputes.manage"):
        raise NotAllowed()
    word = _text(word, "word", "风险词", 30)
    if category not in RiskWord.Category.values:
        raise DomainError("请选择风险类别。", field_errors={"category": "请选择类别。"})
    rw, _ = RiskWord.objects.update_or_create(word=word, defaults={"category": category, "is_active": True})
    audit.record(actor=actor, action="create", action_label="添加风险词", obj=rw, node=policy.user_home_node(actor),
                 changes={"word": word, "category": category})
    return rw


@transaction.atomic
def risk_word_remove(*, actor, word):
    if not policy.has_perm(actor, "disputes.manage"):
        raise NotAllowed()
    rw = RiskWord.objects.filter(pk=word.pk).first()
    if rw:
        rw.is_active = False
        rw.save(update_fields=["is_active"])
        audit.record(actor=actor, action="update", action_label="停用风险词", obj=rw, node=policy.user_home_node(actor),
                     changes={"word": rw.word})
    return rw


# ---- deadlines recompute -----------------------------------------------------------------------------------------

@workdays.register_recompute
def recompute(actor):
    """A calendar or rule change recomputes the stored due date of every open case."""
    changed = 0
    cal = workdays.Calendar()
    rules = {}
    from fazhi.core.models import DeadlineRule

    for r in DeadlineRule.objects.filter(code__startswith="disputes."):
        rules[r.code] = r
    with transaction.atomic():
        for d in Dispute.objects.filter(status__in=Dispute.OPEN_STATUSES).select_related("kind"):
            r = rules.get(d.kind.deadline_rule_code) or rules.get("disputes.conclude")
            if r is None:
                continue
            dl = workdays.compute_deadline(r.code, d.accepted_on or d.received_on, cal=cal, rule_obj=r)
            if dl.due != d.due_date:
                Dispute.objects.filter(pk=d.pk).update(due_date=dl.due, deadline_unknown=dl.due is None)
                changed += 1
        jc = rules.get("disputes.judicial_confirmation")
        if jc is not None:  # agreements whose judicial-confirmation window is still unused
            for a in Agreement.objects.filter(kind=Agreement.Kind.PEOPLE, judicial_outcome=""):
                dl = workdays.compute_deadline(jc.code, a.signed_on, cal=cal, rule_obj=jc)
                if dl.due != a.judicial_deadline:
                    Agreement.objects.filter(pk=a.pk).update(judicial_deadline=dl.due)
                    changed += 1
    return changed
