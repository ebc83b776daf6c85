"""Excel ledgers of the enforcement module: cases, officers and powers (export, import, round trip; cases with their
history — see ``CaseLedger``).

Imported rows are filed under the subdistrict named in the row's 所属街道 column; a subdistrict's staff may leave it
empty (their own subdistrict), a district-level account must fill it in — a row is never filed under the first
subdistrict silently.

Round trip: a row names its record by 账号 (officers) or 事项编码 (powers, within the row's subdistrict). An exported
sheet re-imports as "nothing to do"; an edited cell goes through ``officer_update`` / ``power_update`` (validation,
workflow for a status change, audit); any other row is created through ``officer_create`` / ``power_create``."""
from django.utils import timezone

from fazhi.core import audit, clock, ledger, policy
from fazhi.core.errors import DomainError
from fazhi.core.validators import dates_in_order

from . import selectors, services
from .models import (
    EVIDENCE_STEP_KINDS,
    REVIEW_CHECKLIST,
    Case,
    CaseStatus,
    LegalReview,
    Officer,
    Power,
    PowerType,
    Result,
    StepKind,
)

SUBJECT_COLUMN = ledger.Column("subject__node__name", "所属街道", max_length=100,
                               help="区级账号导入时必填：填写街道名称或简称；街道工作人员可不填（即本街道）。"
                                    "已有记录按账号/编码对应，不能通过台账改到别的街道。")
MOVE_REFUSED = "已登记的记录不能通过台账改到别的街道。"


def _subject(actor, values):
    try:
        return selectors.subject_for(user=actor, subject=values.get("subject__node__name") or None)
    except DomainError as exc:
        raise DomainError(exc.message, field_errors={"subject__node__name": exc.message}) from None


def _keep_subject(actor, record, values):
    """An edited 所属街道 on an existing record: empty or the same subdistrict is no change; another is refused.
    True if other cells remain to update."""
    name = values.pop(SUBJECT_COLUMN.key, None)
    if name and _subject(actor, values | {SUBJECT_COLUMN.key: name}).pk != record.subject_id:
        raise DomainError(MOVE_REFUSED, field_errors={SUBJECT_COLUMN.key: MOVE_REFUSED})
    return bool(values)


class EnforcementLedger(ledger.Ledger):
    """A ledger of this module: its rows are one selector's (``selector(user=, filters=)``); a row naming an existing
    record updates it through ``update(record, fields, actor=)`` with every field of ``fields`` (the sheet's value
    where it changed, the record's otherwise)."""

    view_perm = "enforcement.view"
    import_perm = "enforcement.manage"
    selector = None
    fields: tuple = ()

    def queryset(self, user, params):
        return type(self).selector(user=user, filters=params)

    def update_row(self, record, values, *, actor):
        if _keep_subject(actor, record, values):
            self.update(record, {k: values.get(k, getattr(record, k)) for k in self.fields}, actor=actor)

    def update(self, record, fields, *, actor):
        raise NotImplementedError


# ---- cases: round trip and history ---------------------------------------------------------------------------------

S = CaseStatus
UNFILED = "（未立案）系统编号"  # the 案号 cell of a case not filed yet (it has no number): names it for the round trip
NOT_RECORDED = "（历史台账未记载）"
HISTORY_NOTE = "据历史台账导入，原始记录见纸质卷宗。"
# the states a row may bring a case to, in workflow order (hearings and refusals to file are recorded on the case page)
RANK = {S.DRAFT: 0, S.INVESTIGATING: 1, S.NOTIFIED: 2, S.REVIEWING: 3, S.REVIEWED: 4, S.DECIDED: 5, S.SERVED: 6,
        S.EXECUTED: 7, S.CLOSED: 8}
NOT_IMPORTED = {S.NOT_FILED: "不予立案的线索不作为执法案件导入；请只导入已立案的案件。",
                S.HEARING: "经过听证的案件须在案件页面登记听证申请、通知和听证笔录，不能通过台账导入到“待听证”。",
                S.HEARD: "经过听证的案件须在案件页面登记听证申请、通知和听证笔录，不能通过台账导入到“已听证”。"}
# date columns in the order the workflow takes them: a later one may not be earlier
ORDER = [("filed_on", "立案日期"), ("notified_on", "告知日期"), ("reviewed_on", "法制审核日期"),
         ("collective_on", "集体讨论日期"), ("decided_on", "决定日期"), ("served_on", "送达日期"),
         ("executed_on", "执行日期"), ("closed_on", "结案日期")]
DATES = dict(ORDER) | {"published_on": "公示日期"}
# columns naming what the case is: fixed once it is registered
IDENTITY = ("title", "power__name", "node__name", "party_kind", "party_name", "facts", "officers")
# a service's field → the sheet's column
FIELD_COLUMN = {"node": "node__name", "power": "power__name", "filed_on": "filed_on", "reviewer": "reviewer",
                "reviewed_on": "reviewed_on", "published_on": "published_on", "number": "number",
                "decision_number": "decision_number", "fine_amount": "fine_amount", "proposed_fine": "fine_amount",
                "result": "result", "officers": "officers", "title": "title", "facts": "facts",
                "party_name": "party_name", "party_kind": "party_kind", "statement_waived": "statement_waived"}


def _case_key(case):
    return case.number or f"{UNFILED}{case.pk}"


def _unfiled_pk(value):
    text = str(value or "").strip()
    if text.startswith(UNFILED) and text[len(UNFILED):].isdigit() and len(text) < len(UNFILED) + 12:
        return int(text[len(UNFILED):])
    return None


def _approved_review(case):
    return next((r for r in sorted(case.reviews.all(), key=lambda r: (r.reviewed_at, r.pk), reverse=True)
                 if r.opinion == LegalReview.Opinion.APPROVE), None)


def _reviewed_on(case):
    review = _approved_review(case)
    return timezone.localdate(review.reviewed_at) if review else None


def _reviewer_name(case):
    review = _approved_review(case)
    return review.reviewer.display_name if review else ""


def _published_on(case):
    return min((p.published_on for p in case.publications.all()), default=None)


def _names(text):
    return [n.strip() for n in (text or "").replace("，", "、").replace(",", "、").split("、") if n.strip()]


def _officers(subject, text):
    """The officers a cell names (姓名 or 执法证号, separated by 、) in the subject's roster, or a Chinese refusal."""
    people, unknown = [], []
    roster = list(selectors.officers_of(subject))
    for name in _names(text):
        matches = [o for o in roster if o.name == name or (o.certificate_number and o.certificate_number == name)]
        if len(matches) != 1:
            unknown.append(name)
        elif matches[0] not in people:
            people.append(matches[0])
    if unknown:
        raise DomainError("执法人员名册中找不到（或有重名）：" + "、".join(unknown[:10]) + "。请先在执法人员台账中登记。",
                          field_errors={"officers": "执法人员名册中找不到（或有重名）：" + "、".join(unknown[:10])})
    return people


def _place(actor, subject, name):
    """Where the case happened: a village or grid of the subject's subdistrict by name, or the subdistrict itself."""
    name = (name or "").strip()
    node = subject.node
    if name in (node.name, node.short_name):
        return node
    matches = list(policy.scoped_nodes(actor, "enforcement.handle").filter(path__startswith=node.path, name=name)[:2])
    if len(matches) != 1:
        message = f"{node.name}没有名为“{name}”的村（社区）或网格，或有重名。"
        raise DomainError(message, field_errors={"node__name": message})
    return matches[0]


def _power(subject, text):
    text = (text or "").strip()
    matches = [p for p in selectors.powers_of(subject) if text in (p.name, p.code)]
    if len(matches) != 1:
        message = f"{subject.node.name}的权责清单中没有有效事项“{text}”（填写事项名称或事项编码）。"
        raise DomainError(message, field_errors={"power__name": message})
    return matches[0]


def _reviewer(actor, text):
    text = (text or "").strip()
    matches = [q.user for q in selectors.reviewers(user=actor) if text in (q.user.username, q.user.full_name)]
    if len(matches) != 1:
        message = f"法制审核人员名单中找不到“{text}”（或有重名）。请先登记法制审核人员。"
        raise DomainError(message, field_errors={"reviewer": message})
    return matches[0]


def _is_major(case, fine):
    return bool(services.major_reasons(case, fine=fine))


def _check(row, *, case, today, new=True):
    """Every refusal of the row's state and dates at once (all of the row's errors in one pass); returns the target
    rank. ``case`` is the record (or, for a ``new`` row, an unsaved one) the major-case rules are judged on."""
    errors = {}
    status = row.get("status") or S.DRAFT
    if status in NOT_IMPORTED:
        raise DomainError(NOT_IMPORTED[status], field_errors={"status": NOT_IMPORTED[status]})
    rank = RANK[status]
    label = S(status).label
    for key, name in DATES.items():
        if row.get(key) and row[key] > today:
            errors[key] = f"{name}不能晚于今天。"
    fine = row.get("fine_amount")
    major = _is_major(case, fine)
    needed = {"filed_on": rank >= 1, "notified_on": rank >= 2, "decided_on": rank >= 5, "result": rank >= 5,
              "served_on": rank >= 6, "executed_on": rank == 7, "closed_on": rank == 8,
              "reviewed_on": rank == 4 or (rank >= 5 and major), "reviewer": rank == 4 or (rank >= 5 and major),
              "collective_on": rank >= 5 and major}
    allowed = {"filed_on": rank >= 1, "notified_on": rank >= 2, "statement_waived": rank >= 2,
               "reviewed_on": rank >= 4, "reviewer": rank >= 4, "collective_on": rank >= 4, "decided_on": rank >= 5,
               "result": rank >= 5, "decision_number": rank >= 5, "published_on": rank >= 5, "served_on": rank >= 6,
               "executed_on": rank >= 7, "closed_on": rank == 8, "fine_amount": rank >= 2}
    headers = {c.key: c.header for c in CaseLedger.columns}
    for key, must in needed.items():
        if must and row.get(key) in (None, "") and key not in errors:
            why = "（重大执法决定：行政处罚法第五十七条第二款、第五十八条）" if key in ("reviewed_on", "reviewer", "collective_on") \
                and rank != 4 else ""
            errors[key] = f"状态为“{label}”的案件须填写{headers[key]}{why}。"
    for key, ok in allowed.items():
        if not ok and row.get(key) not in (None, "", False) and key not in errors:
            errors[key] = f"状态为“{label}”的案件不应填写{headers[key]}。"
    if rank in (3, 4) and not major:
        errors.setdefault("status", f"本案不属于重大执法决定，无需法制审核，状态不能为“{label}”。")
    if rank >= 4 and row.get("collective_on") and not (major or case.is_complex):
        errors.setdefault("collective_on", "本案不属于情节复杂或者重大违法行为，无需负责人集体讨论（行政处罚法第五十七条第二款）；"
                                           "请清空集体讨论日期。")
    if fine is not None and rank >= 5 and row.get("result") and row["result"] != Result.PENALTY:
        errors.setdefault("fine_amount", "处理结果不是“给予行政处罚”的案件不应填写罚款金额。")
    dates_in_order(row, ORDER, errors, show_date=True)
    if row.get("published_on") and row.get("decided_on") and row["published_on"] < row["decided_on"] \
            and "published_on" not in errors:
        errors["published_on"] = f"公示日期不能早于决定日期（{row['decided_on']:%Y-%m-%d}）。"
    if rank >= 1 and not row.get("number") and new:
        errors.setdefault("number", "已立案的历史案件请填写纸质卷宗上的案号。")
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    return rank


def _in_columns(exc, column, day=None):
    """A service's refusal under the sheet's columns; what names no column goes under the step's date column. An
    officer refused on a step says on which date (a certificate is judged on the step's own date)."""
    errors = {}
    for key, message in (exc.field_errors or {}).items():
        if key == "officers" and day is not None:
            message = f"{DATES[column]}{day:%Y-%m-%d}：{message}"
        errors[FIELD_COLUMN.get(key, column)] = message
    if not errors:
        errors[column] = exc.message
    return DomainError(exc.message, field_errors=errors)


class _Replay:
    """The row's steps not yet on the case, each through its service on the sheet's own date (``imported``)."""

    def __init__(self, case, row, *, actor, rank, officers, reviewer):
        self.case, self.row, self.actor, self.rank = case, row, actor, rank
        self.officers, self.reviewer = [o.pk for o in officers], reviewer

    def step(self, column, fn, **kwargs):
        try:
            result = fn(**kwargs)
        except DomainError as exc:
            raise _in_columns(exc, column, self.row.get(column)) from None
        if isinstance(result, Case):
            self.case = result
        return result

    def move(self, name, column, **data):
        return self.step(column, services.case_transition, actor=self.actor, case=self.case, name=name,
                         imported=True, occurred_at=self.row[column], **data)

    def run(self):
        case, row, rank = self.case, self.row, self.rank
        officers = dict(place=NOT_RECORDED, officers=self.officers, content=HISTORY_NOTE)
        if rank >= 1 and not case.filed_on:
            self.move("approve_filing", "filed_on", number=row.get("number") or "", content=HISTORY_NOTE)
        if rank >= 2 and not case.notified_on:
            if not self.case.steps.filter(kind__in=EVIDENCE_STEP_KINDS, corrects__isnull=True).exists():
                self.step("filed_on", services.step_record, actor=self.actor, case=self.case, kind=StepKind.EVIDENCE,
                          occurred_at=row["filed_on"], imported=True, **officers)
            self.move("notify", "notified_on", proposed_fine=row.get("fine_amount"), heavy_penalty=False,
                      **(officers | {"content": HISTORY_NOTE}))
        if row.get("statement_waived") and not self.case.statement_waived:
            self.move("record_statement", "notified_on", statement_waived=True)
        if (rank in (3, 4) or row.get("reviewed_on")) and self.case.status == S.NOTIFIED:
            self.move("submit_review", "notified_on", content=HISTORY_NOTE)
        if row.get("reviewed_on") and self.case.status == S.REVIEWING:
            self.step("reviewed_on", services.legal_review_record, actor=self.actor, case=self.case,
                      opinion=LegalReview.Opinion.APPROVE, checklist={k: True for k, _ in REVIEW_CHECKLIST},
                      reasons=HISTORY_NOTE, reviewed_on=row["reviewed_on"], reviewer=self.reviewer, imported=True)
            self.case.refresh_from_db()
        if row.get("collective_on") and not self.case.collective_on:
            self.move("collective_decide", "collective_on", attendees=NOT_RECORDED, content=HISTORY_NOTE)
        if rank >= 5 and not self.case.decided_on:
            result, fine = row["result"], row.get("fine_amount")
            text = f"{Result(result).label}" + (f"，罚款{fine}元" if fine is not None else "") + "。" + HISTORY_NOTE
            self.move("decide", "decided_on", result=result, fine_amount=fine, decision_text=text,
                      decision_basis=self.case.power.legal_basis, discretion_applied=NOT_RECORDED,
                      decision_number=row.get("decision_number") or "")
        if rank >= 6 and not self.case.served_on:
            self.move("serve", "served_on", **officers)
        if row.get("executed_on") and not self.case.executed_on:
            self.move("execute", "executed_on", **officers)
        if rank == 8 and not self.case.closed_on:
            self.move("close", "closed_on", content=HISTORY_NOTE)
        if row.get("published_on") and not self.case.publications.exists():
            self.step("published_on", services.publication_publish, actor=self.actor, case=self.case,
                      published_on=row["published_on"], scrub=True)
        return self.case


@ledger.register
class CaseLedger(EnforcementLedger):
    """行政执法案件台账: export, round trip and history.

    Rows match on 案号 (within 所属街道; a case not filed yet is named by its system number). A new row registers a
    case through ``case_create`` and replays its steps up to the row's 状态 through the workflow, each on the sheet's
    own date (``imported``): dates in order and not in the future, the state reachable, the officers' certificates
    valid on each step's date (行政处罚法第四十二条), a major decision reviewed (第五十八条) and discussed (第五十七条第二款)
    — audited as "导入历史" by the importer. Limits that had run out before the import raise no alarm
    (``selectors.expired_before_entry``). An existing case's row may carry it further (a later 状态 with the new
    steps' dates, a 公示日期) the same way; what is recorded already is never changed by a sheet.

    Imports run in one transaction (no ``check_row``): a row writes a case, its steps and reviews, which the batched
    path could not undo (add-only records are protected); a year of cases is a few hundred rows."""

    key = "enforcement.cases"
    title = "行政执法案件台账"
    import_perm = "enforcement.manage"
    selector = selectors.case_list
    key_column = "number"
    scope_column = SUBJECT_COLUMN.key
    columns = [
        ledger.Column("number", "案号", width=24, max_length=60, export=_case_key,
                      help="已登记的案件按案号对应（未改动的行跳过，改动的行更新）；历史案件填写纸质卷宗的案号；"
                           "待立案审批的新案件留空；尚未立案的案件导出为“（未立案）系统编号N”，请勿改动"),
        ledger.Column("title", "案由", required=True, max_length=200, width=30),
        ledger.Column("power__name", "执法事项", required=True, max_length=200, width=28,
                      help="本街道权责清单中的事项名称或事项编码"),
        ledger.Column("power__power_type", "权力类型", kind="choice", choices=dict(PowerType.choices), export_only=True),
        ledger.Column("node__name", "发生地", required=True, max_length=100, help="村（社区）或网格名称；街道本级填街道名称"),
        ledger.Column("party_kind", "当事人类型", kind="choice", choices=dict(Case.PartyKind.choices),
                      help="留空即自然人"),
        ledger.Column("party_name", "当事人", required=True, max_length=100),
        ledger.Column("facts", "案件事实", max_length=10000, width=40, help="待立案审批的新案件必填；历史案件可留空"),
        ledger.Column("officers", "承办人员", max_length=200, width=18,
                      export=lambda c: "、".join(o.name for o in c.officers.all()),
                      help="执法人员姓名或执法证号，不少于两人，用“、”分隔；执法证须在各环节日期有效（行政处罚法第四十二条）"),
        ledger.Column("status", "状态", kind="choice", choices=dict(CaseStatus.choices),
                      help="历史案件按此列进入办理状态（须填写到达该状态的各环节日期）；留空即待立案审批"),
        ledger.Column("is_major", "重大案件", kind="bool", export_only=True),
        ledger.Column("filed_on", "立案日期", kind="date"),
        ledger.Column("decision_due", "决定期限", kind="date", export_only=True),
        ledger.Column("notified_on", "告知日期", kind="date", help="告知拟作出的处罚及陈述、申辩权的日期"),
        ledger.Column("statement_waived", "当事人放弃陈述申辩", kind="bool",
                      help="当事人明确放弃的填“是”；否则决定日期须在陈述申辩期限届满之后（行政处罚法第四十四条、第六十二条）"),
        ledger.Column("reviewed_on", "法制审核日期", kind="date", export=_reviewed_on,
                      help="重大执法决定：法制审核同意的日期（行政处罚法第五十八条）"),
        ledger.Column("reviewer", "法制审核人员", max_length=50, export=_reviewer_name,
                      help="已登记的法制审核人员的姓名或账号"),
        ledger.Column("collective_on", "集体讨论日期", kind="date",
                      help="情节复杂或重大违法行为：负责人集体讨论决定的日期（行政处罚法第五十七条第二款）"),
        ledger.Column("decided_on", "决定日期", kind="date"),
        ledger.Column("result", "处理结果", kind="choice", choices=dict(Result.choices)),
        ledger.Column("fine_amount", "罚款金额（元）", kind="decimal", min_value=0, max_value=9_999_999_999,
                      export=lambda c: c.fine_amount if c.decided_on else c.proposed_fine,
                      help="已决定的为决定罚款金额，尚未决定的为拟罚款金额"),
        ledger.Column("decision_number", "决定书文号", max_length=60, width=24, help="历史案件填写原决定书文号；留空由系统编号"),
        ledger.Column("served_on", "送达日期", kind="date"),
        ledger.Column("executed_on", "执行日期", kind="date"),
        ledger.Column("closed_on", "结案日期", kind="date"),
        ledger.Column("published_on", "公示日期", kind="date", export=_published_on,
                      help="执法决定已公示的日期（按期与否按该日期判断）"),
        SUBJECT_COLUMN,
    ]

    def queryset(self, user, params):
        return super().queryset(user, params).select_related("power", "node", "subject__node") \
            .prefetch_related("officers", "reviews__reviewer", "publications")

    def find(self, user, value, values=None):
        """By 案号 within the row's 所属街道 (a name or short name), or by the system number of a case not filed yet."""
        if value in (None, ""):
            return None
        qs = super().queryset(user, {})  # one row: no prefetching for the export
        pk = _unfiled_pk(value)
        if pk is not None:  # still names the case once it is filed (and numbered) through an edited row
            return qs.filter(pk=pk).first()
        if (values or {}).get(self.scope_column):
            try:
                subject = selectors.subject_for(user=user, subject=values[self.scope_column], action="view")
            except DomainError:
                return None
            qs = qs.filter(subject=subject)
        matches = list(qs.filter(number=value)[:2])
        return matches[0] if len(matches) == 1 else None

    def current(self, record):
        return {c.key: c.parse(c.export_value(record))[0] for c in self.import_columns()}

    def import_row(self, values, *, actor, row_number):
        if _unfiled_pk(values.get("number")) is not None:
            message = f"没有“{values['number']}”这件案件，或不在您的管辖范围内；新案件请清空案号。"
            raise DomainError(message, field_errors={"number": message})
        subject = _subject(actor, values)
        errors, found = {}, {}
        for key, fn in (("power__name", lambda: _power(subject, values["power__name"])),
                        ("node__name", lambda: _place(actor, subject, values["node__name"])),
                        ("officers", lambda: _officers(subject, values.get("officers"))),
                        ("reviewer", lambda: _reviewer(actor, values["reviewer"]) if values.get("reviewer") else None)):
            try:
                found[key] = fn()
            except DomainError as exc:
                errors.update(exc.field_errors)
        try:
            _check(values, case=Case(power=found.get("power__name") or Power(power_type=""), is_complex=False,
                                     involves_public_interest=False), today=clock.today())
        except DomainError as exc:
            errors = exc.field_errors | errors
        if errors:
            raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
        status = values.get("status") or S.DRAFT
        history = status != S.DRAFT
        try:
            case = services.case_create(
                actor=actor, subject=subject, power=found["power__name"], node=found["node__name"],
                title=values["title"], party_kind=values.get("party_kind") or Case.PartyKind.PERSON,
                party_name=values["party_name"], facts=values.get("facts") or (HISTORY_NOTE if history else ""),
                officers=[o.pk for o in found["officers"]], on=values.get("filed_on"))
        except DomainError as exc:
            raise _in_columns(exc, "filed_on", values.get("filed_on")) from None
        audit.record(actor=actor, action="import", obj=case, is_public=False,
                     action_label=f"{'导入历史' if history else '导入'}：{self.title}第{row_number}行",
                     changes={"imported_history": history, "status": status,
                              "business_date": audit.normalize(values.get("filed_on"))})
        return _Replay(case, values, actor=actor, rank=RANK[status], officers=found["officers"],
                       reviewer=found.get("reviewer")).run()

    def update_row(self, record, values, *, actor):
        """Carry a case further (a later 状态 with the new steps' dates, a 公示日期), through the same replay; what is
        recorded already is refused (case steps are add-only: a correction is made on the case page)."""
        if not _keep_subject(actor, record, values):
            return  # only 所属街道 written another way (its short name): nothing to change
        current = self.current(record)
        headers = {c.key: c.header for c in self.columns}
        errors = {}
        if record.status not in RANK:
            message = f"状态为“{record.get_status_display()}”的案件请在案件页面办理。"
            raise DomainError(message, field_errors={next(iter(values), "status"): message})
        new_status = values.get("status", record.status) or S.DRAFT
        if new_status in RANK and RANK[new_status] < RANK[record.status]:
            errors["status"] = f"案件状态不能从“{record.get_status_display()}”改回“{S(new_status).label}”。"
        deciding = RANK.get(new_status, 0) >= 5 and not record.decided_on
        for key in values:
            if key in IDENTITY:
                errors[key] = f"已登记案件的{headers[key]}不能通过台账修改，请在案件页面办理。"
            elif key in ("result", "fine_amount", "decision_number") and not deciding:
                errors[key] = (f"已作出决定的案件，{headers[key]}不能通过台账修改。" if record.decided_on else
                               f"{headers[key]}随作出决定一并登记（请同时填写状态和决定日期）；拟罚款金额请在案件页面重新告知。")
            elif key == "statement_waived" and not values[key]:
                errors[key] = "已记录的当事人放弃陈述申辩不能通过台账撤销。"
            elif current.get(key) not in (None, "", False) and key != "status":
                errors[key] = f"已记录的{headers[key]}不能通过台账修改（执法环节记录只增不改），如需更正请在案件页面新增更正记录。"
        if errors:
            raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
        row = current | values
        row["number"] = record.number  # a case filed through the sheet now is numbered by the system
        rank = _check(row, case=record, today=clock.today(), new=False)
        reviewer = _reviewer(actor, row["reviewer"]) if values.get("reviewer") else None
        _Replay(record, row, actor=actor, rank=rank, officers=list(record.officers.all()), reviewer=reviewer).run()


@ledger.register
class OfficerLedger(EnforcementLedger):
    key = "enforcement.officers"
    title = "行政执法人员台账"
    selector = selectors.officer_list
    key_column = "user__username"
    fields = ("certificate_number", "issuing_authority", "valid_from", "valid_until", "status")
    columns = [
        ledger.Column("user__username", "账号", required=True, max_length=150,
                      help="已登记的执法人员按账号对应（未改动的行跳过，改动的执法证信息更新）；新账号即新登记"),
        ledger.Column("name", "姓名", export_only=True),
        ledger.Column("certificate_number", "执法证号", max_length=40),
        ledger.Column("issuing_authority", "发证机关", max_length=100),
        ledger.Column("valid_from", "有效期起", kind="date"),
        ledger.Column("valid_until", "有效期至", kind="date"),
        ledger.Column("status", "状态", kind="choice", choices=dict(Officer.Status.choices)),
        SUBJECT_COLUMN,
    ]

    def import_row(self, values, *, actor, row_number):
        subject = _subject(actor, values)
        user = selectors.officer_candidates(subject).filter(username=values["user__username"]).first()
        if user is None:
            raise DomainError("账号不存在或不在本街道。", field_errors={"user__username": "账号不存在或不在本街道"})
        return services.officer_create(actor=actor, subject=subject, user=user, certificate_number=values.get("certificate_number") or "",
                                       issuing_authority=values.get("issuing_authority") or "", valid_from=values.get("valid_from"),
                                       valid_until=values.get("valid_until"), status=values.get("status") or Officer.Status.ACTIVE)

    def update(self, record, fields, *, actor):
        fields["status"] = fields["status"] or Officer.Status.ACTIVE
        services.officer_update(actor=actor, officer=record, version=record.version, reason="台账导入", **fields)


@ledger.register
class PowerLedger(EnforcementLedger):
    key = "enforcement.powers"
    title = "权责清单"
    selector = selectors.power_list
    key_column = "code"
    fields = ("code", "name", "power_type", "legal_basis", "discretion")
    scope_column = "subject__node__name"
    columns = [
        ledger.Column("code", "事项编码", required=True, max_length=40,
                      help="已有事项按所属街道和事项编码对应（未改动的行跳过，改动的内容更新）；新编码即新增事项"),
        ledger.Column("name", "事项名称", required=True, max_length=200, width=30),
        ledger.Column("power_type", "权力类型", kind="choice", required=True, choices=dict(PowerType.choices)),
        ledger.Column("legal_basis", "法律依据", required=True, max_length=5000, width=40),
        ledger.Column("discretion", "裁量基准", max_length=5000, width=40),
        SUBJECT_COLUMN,
    ]

    def import_row(self, values, *, actor, row_number):
        return services.power_create(actor=actor, subject=_subject(actor, values), code=values["code"], name=values["name"],
                                     power_type=values["power_type"], legal_basis=values["legal_basis"],
                                     discretion=values.get("discretion") or "")

    def find(self, user, value, values=None):
        """A row's 所属街道 may be a name or a short name: the record is looked up in that subject's list."""
        if value in (None, "") or not (values or {}).get(self.scope_column):
            return super().find(user, value)
        try:
            subject = selectors.subject_for(user=user, subject=values[self.scope_column], action="view")
        except DomainError:
            return None
        return self.queryset(user, {}).filter(subject=subject, code=value).first()

    def update(self, record, fields, *, actor):
        services.power_update(actor=actor, power=record, version=record.version, is_active=record.is_active,
                              **{k: v or "" for k, v in fields.items()})
