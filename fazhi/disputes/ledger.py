"""The people's-mediation ledger (人民调解台账): export from the scoped list, import through the module's services.

A row whose 登记编号 names a case the importer can see is that case: unchanged it is skipped, an edited 事由 / 纠纷简要
情况 / 涉及金额 / 纠纷类型 goes through ``dispute_update`` (audited). Any other row registers a case through
``dispute_create`` in the importer's scope (villages and grids matched by name, kinds by name), and — when it carries a
办理状态 beyond 已登记 — its history is replayed through the workflow runner with the sheet's own dates
(``imported=True, at=date``): validated (dates in order, not in the future, the state reachable from what the row
says), audited as "导入历史" by the importer at the time of the import, and never overdue for being old.
One bad row imports nothing (core ledger).

Spreadsheet speed (core ledger, ``check_row``): ``prepare`` loads every lookup the sheet needs once (villages, grids,
kinds, mediators, rooms: one query each) and ``check_row`` refuses a row exactly as ``import_row`` would — through
the same service helpers and workflow table — without writing, so the dry run of 5,000 rows takes seconds and never
holds the write lock. The import registers new rows a batch at a time (``prepare_batch``, ``fazhi.disputes.bulk``):
the same service helpers and workflow table, bulk INSERTs, the audit events appended in one go — a fixed number of
queries per batch instead of ~50 per row."""
from functools import partial
from types import SimpleNamespace

from fazhi.core import audit, clock, ledger, orgkinds, policy
from fazhi.core.errors import DomainError
from fazhi.core.roles import Role
from fazhi.core.validators import dates_in_order, id_number_error, phone_error

from . import bulk, selectors, services
from .models import Dispute, DisputeKind, MediationSession, Mediator
from .workflow import dispute_workflow

C = ledger.Column
S = Dispute.Status
IGNORED = "仅导出：导入时忽略此列"
HISTORY = "历史纠纷按此列进入办理状态；留空即“已登记”"
UPDATABLE = {"title": "title", "description": "description", "amount": "amount", "kind": "kind"}


def _party(d, role, attr):
    parties = [p for p in d.parties.all() if p.role == role]
    return "、".join(getattr(p, attr) for p in parties if getattr(p, attr))


def _find(actor, name, level, field, parent=None):
    name = (name or "").strip()
    if not name:
        return None
    qs = policy.scoped_nodes(actor, "disputes.intake", level=level).filter(name=name)
    if parent is not None:
        qs = qs.filter(parent=parent)
    nodes = list(qs[:2])
    if len(nodes) != 1:
        label = "村（社区）" if level == orgkinds.VILLAGE else "网格"
        message = f"找不到{label}“{name}”，或不在您的管辖范围内，或有重名。"
        raise DomainError(message, field_errors={field: message})
    return nodes[0]


@ledger.register
class MediationLedger(ledger.Ledger):
    key = "disputes.mediation"
    title = "人民调解台账"
    view_perm = "disputes.view"
    import_perm = "disputes.intake"
    key_column = "tracking_code"
    columns = [
        C("tracking_code", "登记编号", width=14, max_length=16,
          help="已有纠纷按登记编号对应（未改动的行跳过）；新纠纷留空，由系统编号"),
        C("received_on", "登记日期", kind="date", required=True),
        C("channel", "来源渠道", kind="choice", required=True, choices=dict(Dispute.Channel.choices),
          help="工作人员登记的新纠纷请选窗口来访、网格排查或部门移送"),
        C("referral_source", "移送单位", kind="choice", choices={k: v for k, v in Dispute.ReferralSource.choices if k}),
        C("village", "村（社区）", required=True, max_length=100, export=lambda d: d.village.name if d.village else ""),
        C("grid", "网格", max_length=100, export=lambda d: d.grid.name if d.grid else ""),
        C("kind", "纠纷类型", required=True, max_length=50, export=lambda d: d.kind.name),
        C("title", "事由", required=True, max_length=100, width=24),
        C("description", "纠纷简要情况", required=True, max_length=5000, width=40),
        C("amount", "涉及金额（元）", kind="decimal", min_value=0),
        C("applicant", "申请人", required=True, max_length=100, export=lambda d: _party(d, "applicant", "name")),
        C("applicant_id_number", "申请人身份证号", max_length=18, width=22, personal="id",
          export=lambda d: _party(d, "applicant", "id_number")),
        C("respondent", "被申请人", max_length=100, export=lambda d: _party(d, "respondent", "name")),
        C("contact_phone", "联系电话", required=True, max_length=20, personal="phone"),
        C("level", "办理层级", kind="choice", choices=dict(Dispute.Level.choices)),
        C("room", "调解室", max_length=100, help="历史纠纷：已分派的调解室（按名称）",
          export=lambda d: d.room.name if d.room else ""),
        C("mediators", "调解员", max_length=500, help="历史纠纷：在册调解员姓名，多人用“、”分隔（调解成功须有人民调解员）",
          export=lambda d: "、".join(m.name for m in d.mediators.all())),
        C("status", "办理状态", kind="choice", choices=dict(S.choices), help=HISTORY),
        C("accepted_on", "受理日期", kind="date"),
        C("concluded_on", "调解终结日期", kind="date", help="调解成功、调解不成或不予受理的日期"),
        C("resolved_on", "化解日期", kind="date", help="调解成功（签订协议）的日期"),
        C("closed_on", "结案日期", kind="date", help="回访结案的日期"),
        C("agreement_terms", "协议内容", help=IGNORED, width=30, export_only=True,
          export=lambda d: d.agreement.terms if hasattr(d, "agreement") else ""),
        C("judicial", "司法确认", help=IGNORED, export_only=True,
          export=lambda d: d.agreement.get_judicial_outcome_display() if hasattr(d, "agreement") and d.agreement.judicial_outcome else ""),
        C("followup", "回访情况", help=IGNORED, export_only=True,
          export=lambda d: "；".join(f"{f.visited_on} {f.get_satisfaction_display()}" for f in d.followups.all())),
    ]

    def queryset(self, user, params):
        return (selectors.dispute_list(user=user, filters=params).select_related("grid", "agreement")
                .prefetch_related("parties", "mediators", "followups"))

    def import_row(self, values, *, actor, row_number):
        steps = _history(values)  # validate the history before anything is written
        village = _find(actor, values["village"], orgkinds.VILLAGE, "village")
        grid = _find(actor, values.get("grid"), orgkinds.GRID, "grid", parent=village) if values.get("grid") else None
        parties = [dict(role="applicant", name=values["applicant"], id_number=values.get("applicant_id_number") or "",
                        phone=values["contact_phone"])]
        if values.get("respondent"):
            parties.append(dict(role="respondent", name=values["respondent"]))
        try:
            d = services.dispute_create(
                actor=actor, channel=values["channel"], village=village, grid=grid, kind=values["kind"],
                title=values["title"], description=values["description"], amount=values.get("amount"),
                contact_phone=values["contact_phone"], parties=parties, level=values.get("level") or None,
                referral_source=values.get("referral_source") or "", received_on=values["received_on"])
        except DomainError as exc:
            raise _in_columns(exc)
        if steps:
            _replay(d, steps, values, actor=actor, row_number=row_number)
        return d

    def prepare(self, actor, rows):
        """Every lookup the rows need, one query per table."""
        villages, grids = {}, {}
        for node in policy.scoped_nodes(actor, "disputes.intake", level=orgkinds.VILLAGE):
            villages.setdefault(node.name, []).append(node)
        for node in policy.scoped_nodes(actor, "disputes.intake", level=orgkinds.GRID):
            grids.setdefault((node.parent_id, node.name), []).append(node)
        kinds = {}
        for kind in DisputeKind.objects.filter(is_active=True):
            kinds.update({str(kind.pk): kind, kind.code: kind, kind.name: kind})
        wanted = {n for _, values in rows for n in _names(values.get("mediators"))}
        mediators = {m.name: m for m in selectors.mediators_for(actor).filter(name__in=wanted)} if wanted else {}
        rooms = {}
        if any(values.get("room") for _, values in rows):
            for room in selectors.rooms_for(actor):
                rooms.setdefault(room.name, room)
        own_profile = Mediator.objects.filter(user=actor, kind=Mediator.Kind.PEOPLE, is_active=True).exists()
        return SimpleNamespace(villages=villages, grids=grids, kinds=kinds, mediators=mediators, rooms=rooms,
                               own_profile=own_profile, perms={}, bulk={})

    def check_row(self, values, *, actor, row_number, context):
        """What ``import_row`` would refuse, found by reading only (``dispute_create``'s checks and the history's
        transitions: permissions and the agreement's people's mediator)."""
        steps = _history(values)
        village, grid = _place(values, context)
        try:
            _check_create(values, village, grid, actor=actor, context=context)
        except DomainError as exc:
            raise _in_columns(exc)
        if steps:
            mediators = [context.mediators.get(n) for n in _names(values.get("mediators"))]
            missing = [n for n, m in zip(_names(values.get("mediators")), mediators) if m is None]
            if missing:
                message = f"调解员名册中找不到：{'、'.join(missing)}。请先在调解员名册中登记。"
                raise DomainError(message, field_errors={"mediators": message})
            if values.get("room") and values["room"].strip() not in context.rooms:
                message = f"找不到调解室“{values['room']}”，或不在您的管辖范围内。"
                raise DomainError(message, field_errors={"room": message})
            node = context.node
            for name, _at in steps:
                t = dispute_workflow.get(name)
                if not _may(actor, t.perm, node, context):
                    raise DomainError(f"您没有权限执行“{t.label}”。")
                if name == "agree" and not _signed_by_people_mediator(mediators, actor, node, context):
                    raise DomainError(_needs_signer_message())

    def prepare_batch(self, items, *, actor, context):
        """``import_row`` for a batch of new rows [(row number, values)] with a fixed number of queries
        (``fazhi.disputes.bulk``): the same checks through the same service helpers, the same stored values and
        audit events, the history replayed through the workflow table in memory. The work is done here, reading
        only; the returned ``write()`` writes the batch (in the import's transaction) and returns the created cases
        in row order. A row it refuses raises ``ledger.RowFailed``. A batch that repeats a submission registered
        today (or loses a number to a concurrent registration) goes through ``import_row`` row by row: the service
        answers such a row with the earlier case."""
        if context is None:
            context = self.prepare(actor, items)
        may = bulk.may_cache(actor)
        rows = []
        for number, values in items:
            try:
                rows.append(self._bulk_row(values, actor=actor, row_number=number, context=context, may=may))
            except DomainError as exc:
                raise ledger.RowFailed(number, _in_columns(exc)) from exc
        try:
            cases = bulk.prepare_many(actor=actor, rows=rows, cache=context.bulk)
        except DomainError as exc:  # a history step refused in memory (the row is on the exception)
            number = getattr(exc, "row_number", items[0][0])
            raise ledger.RowFailed(number, _in_columns(exc)) from exc

        def write():
            created = bulk.write_many(cases) if cases is not None else None
            if created is not None:
                return created
            out = []
            for number, values in items:
                try:
                    out.append(self.import_row(values, actor=actor, row_number=number))
                except DomainError as exc:
                    raise ledger.RowFailed(number, exc) from exc
            return out

        return write

    def _bulk_row(self, values, *, actor, row_number, context, may):
        steps = _history(values)
        village, grid = _place(values, context)
        parties = [dict(role="applicant", name=values["applicant"], id_number=values.get("applicant_id_number") or "",
                        phone=values["contact_phone"])]
        if values.get("respondent"):
            parties.append(dict(role="respondent", name=values["respondent"]))
        kind = context.kinds.get(str(values["kind"]).strip()) if values.get("kind") not in (None, "") else None
        c = services.clean_intake(
            actor=actor, channel=values["channel"], village=village, grid=grid, kind=kind or values["kind"],
            title=values["title"], description=values["description"], amount=values.get("amount"),
            contact_phone=values["contact_phone"], parties=parties, level=values.get("level") or None,
            referral_source=values.get("referral_source") or "")
        then = None
        if steps:
            names = _names(values.get("mediators"))
            missing = [n for n in names if n not in context.mediators]
            if missing:
                message = f"调解员名册中找不到：{'、'.join(missing)}。请先在调解员名册中登记。"
                raise DomainError(message, field_errors={"mediators": message})
            room = None
            if values.get("room"):
                room = context.rooms.get(values["room"].strip())
                if room is None:
                    message = f"找不到调解室“{values['room']}”，或不在您的管辖范围内。"
                    raise DomainError(message, field_errors={"room": message})
            mediators = list({n: context.mediators[n] for n in names}.values())
            then = _bulk_replay(steps, values, actor=actor, row_number=row_number, context=context, may=may,
                                mediators=mediators, room=room)
        return bulk.Row(c, channel=values["channel"], referral_source=values.get("referral_source") or "",
                        received_on=values["received_on"], then=then)

    def check_update(self, record, values, *, actor, context=None):
        refused = {}
        for key, value in values.items():
            if key in UPDATABLE:
                continue
            if key == "applicant_id_number" and value and id_number_error(value):
                refused[key] = id_number_error(value)
            else:
                refused[key] = "已登记的纠纷不能通过台账修改此项，请在案件页面办理。"
        if refused:
            raise DomainError("；".join(refused.values()), field_errors=refused)

    def update_row(self, record, values, *, actor):
        self.check_update(record, values, actor=actor)
        services.dispute_update(actor=actor, dispute=record, version=record.version,
                                **{UPDATABLE[k]: v for k, v in values.items()})


def _in_columns(exc):
    """A service's field errors under the sheet's column keys."""
    mapping = {"applicant_id_number": "applicant_id_number", "parties": "applicant", "phone": "contact_phone"}
    exc.field_errors = {mapping.get(k, k): v for k, v in exc.field_errors.items()}
    return exc


def _names(text):
    return [n.strip() for n in (text or "").replace("，", "、").replace(",", "、").split("、") if n.strip()]


def _pick(nodes, name, level, field):
    """``_find`` over preloaded nodes: exactly one node of that name in scope."""
    if len(nodes) != 1:
        label = "村（社区）" if level == orgkinds.VILLAGE else "网格"
        message = f"找不到{label}“{(name or '').strip()}”，或不在您的管辖范围内，或有重名。"
        raise DomainError(message, field_errors={field: message})
    return nodes[0]


def _may(actor, perm, node, context):
    key = (perm, node.pk)
    if key not in context.perms:
        context.perms[key] = policy.has_perm(actor, perm, node)
    return context.perms[key]


def _check_create(values, village, grid, *, actor, context):
    """``services.dispute_create``'s refusals for a staff registration, through its own helpers, reading only."""
    channel = values["channel"]
    if channel == Dispute.Channel.ONLINE:
        raise DomainError("工作人员代为登记请选择“窗口来访”。", field_errors={"channel": "请选择窗口来访、网格排查或部门移送。"})
    services._village_and_grid(village, grid)
    kind = context.kinds.get(str(values["kind"]).strip())
    if kind is None:
        raise DomainError("请选择纠纷类型。", field_errors={"kind": "请选择纠纷类型。"})
    services._text(values["title"], "title", "事由", 100)
    services._text(values["description"], "description", "纠纷简要情况", services.DESCRIPTION_MAX)
    error = phone_error(values["contact_phone"])
    if error:
        raise DomainError(error, field_errors={"contact_phone": error, "phone": error})
    parties = [dict(role="applicant", name=values["applicant"], id_number=values.get("applicant_id_number") or "",
                    phone=values["contact_phone"])]
    if values.get("respondent"):
        parties.append(dict(role="respondent", name=values["respondent"]))
    services.clean_parties(parties)
    services._amount(values.get("amount"))
    if channel == Dispute.Channel.REFERRAL and not values.get("referral_source"):
        raise DomainError("部门移送的纠纷请选择移送单位。", field_errors={"referral_source": "请选择移送单位。"})
    level = values.get("level") or (Dispute.Level.GRID if channel == Dispute.Channel.PATROL else Dispute.Level.SUBDISTRICT)
    if channel == Dispute.Channel.PATROL and grid is None:
        raise DomainError("网格排查上报请选择网格。", field_errors={"grid": "请选择网格。"})
    node = services._node_for_level(level, village, grid)
    if not _may(actor, "disputes.intake", node, context):
        raise DomainError("您没有在该村（网格）登记纠纷的权限。")
    context.node = node


def _signed_by_people_mediator(mediators, actor, node, context):
    """``workflow.people_mediators`` for a case not yet written: an assigned people's mediator, else the importer."""
    if any(m.kind == Mediator.Kind.PEOPLE and m.is_active for m in mediators):
        return True
    return context.own_profile or policy.has_role(actor, Role.MEDIATOR, node)


def _needs_signer_message():
    return ("人民调解协议书须由人民调解员（人民调解委员会委员或聘任的人员）签名：请先在分派中指定人民调解员；"
            "由行政机关或法院特邀调解员主持的，请将调解类型改为行政调解或司法调解。")


# ---- history: a row's final state and dates, replayed through the workflow runner ----------------------------------

# transition name, the date column it happened on
_PATHS = {
    S.REGISTERED: [],
    S.ACCEPTED: [("accept", "accepted_on")],
    S.DECLINED: [("decline", "concluded_on")],
    S.ASSIGNED: [("accept", "accepted_on"), ("assign", "accepted_on")],
    S.IN_MEDIATION: [("accept", "accepted_on"), ("assign", "accepted_on"), ("start", "accepted_on")],
    S.AGREED: [("accept", "accepted_on"), ("assign", "accepted_on"), ("start", "accepted_on"),
               ("session", "resolved_on"), ("agree", "resolved_on")],
    S.FAILED: [("accept", "accepted_on"), ("assign", "accepted_on"), ("start", "accepted_on"),
               ("session", "concluded_on"), ("fail", "concluded_on")],
}
_NEEDS = {"accepted_on": "受理日期", "concluded_on": "调解终结日期", "resolved_on": "化解日期", "closed_on": "结案日期"}


def _place(values, context):
    """The row's village and grid (or None) from the lookup tables read once for the sheet."""
    village = _pick(context.villages.get((values["village"] or "").strip(), []), values["village"],
                    orgkinds.VILLAGE, "village")
    grid = None
    if values.get("grid"):
        grid = _pick(context.grids.get((village.pk, values["grid"].strip()), []), values["grid"],
                     orgkinds.GRID, "grid")
    return village, grid


def _history(values):
    """The transitions that bring a new case to the row's 办理状态, with their dates; refuses what cannot be."""
    status = values.get("status") or S.REGISTERED
    v = dict(values)
    if status == S.CLOSED:
        path = list(_PATHS[S.AGREED if v.get("resolved_on") else S.FAILED]) + [("follow_up", "closed_on")]
    else:
        path = list(_PATHS[status])
    if status in (S.AGREED, S.CLOSED) and v.get("resolved_on") and not v.get("concluded_on"):
        v["concluded_on"] = v["resolved_on"]
    errors = {}
    today = clock.today()
    for key, label in [("received_on", "登记日期"), *_NEEDS.items()]:
        if v.get(key) and v[key] > today:
            errors[key] = f"{label}不能晚于今天。"
    needed = {column for _, column in path}
    if status in (S.FAILED, S.DECLINED) or (status == S.CLOSED and not v.get("resolved_on")):
        needed.add("concluded_on")
    for key in needed:
        if not v.get(key) and key not in errors:
            errors[key] = f"办理状态为“{S(status).label}”的历史纠纷须填写{_NEEDS[key]}。"
    if v.get("resolved_on") and status not in (S.AGREED, S.CLOSED):
        errors["resolved_on"] = "填写了化解日期的纠纷，办理状态应为“调解成功”或“已结案”。"
    if v.get("resolved_on") and v.get("concluded_on") and v["resolved_on"] != v["concluded_on"]:
        errors["concluded_on"] = "调解成功的纠纷，调解终结日期应与化解日期相同。"
    for key in ("accepted_on", "concluded_on", "closed_on"):
        if values.get(key) and key not in needed and key not in errors and status != S.CLOSED:
            errors[key] = f"办理状态为“{S(status).label}”的纠纷不应填写{_NEEDS[key]}。"
    order = [("received_on", "登记日期"), ("accepted_on", "受理日期"), ("concluded_on", "调解终结日期"),
             ("closed_on", "结案日期")]
    dates_in_order(v, order, errors)
    if errors:
        raise DomainError("；".join(errors.values()), field_errors=errors)
    return [(name, v[column]) for name, column in path]


def _replay(d, steps, values, *, actor, row_number):
    mediators = _mediators(actor, d, values.get("mediators"))
    room = _room(actor, values.get("room"))
    data = {"mediators": mediators, "room": room}
    audit.record(actor=actor, action="import", obj=d, action_label=f"导入历史：人民调解台账第{row_number}行",
                 changes={"imported_history": True, "status": values.get("status"),
                          "business_date": audit.normalize(values["received_on"])}, is_public=False)
    for name, at in steps:
        d = dispute_workflow.run(d, actor=actor, name=name, version=d.version, at=at, imported=True, data=data,
                                 reason="导入历史台账" if dispute_workflow.get(name).requires_reason else "",
                                 handler=_HANDLERS.get(name) and _with_date(_HANDLERS[name], at))


def _mediators(actor, d, names):
    wanted = [n.strip() for n in (names or "").replace("，", "、").replace(",", "、").split("、") if n.strip()]
    if not wanted:
        return []
    found = {m.name: m for m in selectors.mediators_for(actor).filter(name__in=wanted)}
    missing = [n for n in wanted if n not in found]
    if missing:
        message = f"调解员名册中找不到：{'、'.join(missing)}。请先在调解员名册中登记。"
        raise DomainError(message, field_errors={"mediators": message})
    return list(found.values())


def _room(actor, name):
    if not name:
        return None
    room = selectors.rooms_for(actor).filter(name=name.strip()).first()
    if room is None:
        message = f"找不到调解室“{name}”，或不在您的管辖范围内。"
        raise DomainError(message, field_errors={"room": message})
    return room


def _with_date(handler, at):
    def run(d, *, actor, reason, data, transition):
        return handler(d, at=at, data=data)

    return run


def _accepted(d, *, at, data):
    d.accepted_on = at
    deadline = services.case_deadline(d)
    d.due_date, d.deadline_unknown = deadline.due, deadline.due is None


def _assigned(d, *, at, data):
    d.mediators.set(data["mediators"])
    d.room = data["room"]


def _session(d, *, at, data):
    MediationSession.objects.create(dispute=d, held_on=at, place=d.room.name if d.room else "（历史台账）",
                                    participants="（历史台账未记载）", record="据历史台账导入，原始记录见纸质卷宗。")


def _concluded(d, *, at, data):
    d.concluded_on = at


def _resolved(d, *, at, data):
    d.concluded_on = d.resolved_on = at


def _closed(d, *, at, data):
    d.closed_on = at


_HANDLERS = {"accept": _accepted, "assign": _assigned, "session": _session, "decline": _concluded,
             "fail": _concluded, "agree": _resolved, "follow_up": _closed}


# ---- the same history for a bulk import: replayed through the workflow table on the unsaved case -----------------

def _bulk_replay(steps, values, *, actor, row_number, context, may, mediators, room):
    """``_replay`` for ``bulk.register_many``: the same "导入历史" event, then each transition through
    ``bulk.Case.run`` (the table's checks, with the guards answered in memory) with the handlers below."""
    def then(case):
        case.record(actor=actor, action="import", action_label=f"导入历史：人民调解台账第{row_number}行",
                    changes={"imported_history": True, "status": values.get("status"),
                             "business_date": audit.normalize(values["received_on"])}, is_public=False)
        for name, at in steps:
            try:
                case.run(name, actor=actor, may=may, at=at, imported=True, guard=_BULK_GUARDS.get(name) and partial(
                             _BULK_GUARDS[name], actor=actor, context=context),
                         reason="导入历史台账" if dispute_workflow.get(name).requires_reason else "",
                         handler=partial(_BULK_HANDLERS[name], at=at, mediators=mediators, room=room)
                         if name in _BULK_HANDLERS else None)
            except DomainError as exc:
                exc.row_number = row_number
                raise

    return then


def _bulk_accepted(case, *, at, **_):
    d = case.dispute
    d.accepted_on = at
    deadline = case.deadlines(d)
    d.due_date, d.deadline_unknown = deadline.due, deadline.due is None


def _bulk_assigned(case, *, at, mediators, room, **_):
    case.mediators = list(mediators)
    case.dispute.room = room


def _bulk_session(case, *, at, **_):
    d = case.dispute
    case.sessions.append(MediationSession(dispute=d, held_on=at, place=d.room.name if d.room else "（历史台账）",
                                          participants="（历史台账未记载）", record="据历史台账导入，原始记录见纸质卷宗。"))


def _bulk_dates(*names):
    def handler(case, *, at, **_):
        for name in names:
            setattr(case.dispute, name, at)

    return handler


_BULK_HANDLERS = {"accept": _bulk_accepted, "assign": _bulk_assigned, "session": _bulk_session,
                  "decline": _bulk_dates("concluded_on"), "fail": _bulk_dates("concluded_on"),
                  "agree": _bulk_dates("concluded_on", "resolved_on"), "follow_up": _bulk_dates("closed_on")}


def _has_applicant(case, **_):
    return None if any(p["role"] == "applicant" for p in case.parties) else "请先登记申请人，再受理。"


def _has_session(case, **_):
    return None if case.sessions else "请先登记至少一次调解记录，再登记调解结果。"


def _has_signer(case, *, actor, context):
    """``workflow._needs_signer`` on the unsaved case (``_signed_by_people_mediator``)."""
    problem = _has_session(case)
    if problem:
        return problem
    d = case.dispute
    if d.mediation_type == Dispute.MediationType.PEOPLE and not _signed_by_people_mediator(
            case.mediators or [], actor, d.node, context):
        return _needs_signer_message()
    return None


_BULK_GUARDS = {"accept": _has_applicant, "agree": _has_signer, "fail": _has_session}
