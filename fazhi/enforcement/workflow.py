"""The enforcement case workflow — the one place that says which step may follow which, and who may take it.

立案（审批）→ 调查取证 → 告知（陈述申辩；较重处罚告知听证权）→ 陈述申辩及复核 / 听证（申请 → 通知 → 举行）
→ 法制审核（重大案件）→ 负责人集体讨论（情节复杂或重大）→ 决定 → 送达 → 执行 → 结案.

Every time limit is a DeadlineRule row (migrations 0005), read through ``rules.py``; the guards below judge them on
today's date for the buttons, and services re-judge them on the step's own date (a back-dated step is judged by
its date). Each refusal names its article of the 行政处罚法.
"""
from fazhi.core import clock
from fazhi.core.workflow import Transition, Workflow

from . import rules
from .models import EVIDENCE_STEP_KINDS, CaseStatus, LegalReview, Officer, Publication

S = CaseStatus


def _has_evidence(case, user):
    if not case.steps.filter(kind__in=EVIDENCE_STEP_KINDS, corrects__isnull=True).exists():
        return "尚无现场检查、询问或调查取证记录，不能告知。请先记录调查取证环节。"
    return None


def _hearing_window(case, user):
    return rules.hearing_request_problem(case, clock.today())


def _may_waive_hearing(case, user):
    if not case.heavy_penalty:
        return "本案未拟作较重处罚，当事人无听证权（行政处罚法第六十三条）。"
    if case.hearing_waived:
        return "已记录当事人放弃听证。"
    return None


def _statement_open(case, user):
    if case.statement_waived:
        return "已记录当事人明确放弃陈述、申辩（行政处罚法第六十二条）。"
    if case.statement_on and case.statement_review:
        return "已记录当事人的陈述、申辩及复核意见。"
    return None


def _hearing_to_hold(case, user):
    if not case.hearing_notified_on:
        return "尚未通知当事人听证的时间、地点（行政处罚法第六十四条第二项），不能举行听证。"
    return None


def not_case_officer(case, user):
    if case.officers.filter(user=user).exists() or case.steps.filter(officers__user=user).exists():
        return "法制审核人员不能审核自己承办的案件。"
    return None


def _can_decide(case, user):
    return rules.decide_problem(case, clock.today())


def _needs_review(case, user):
    if not case.is_major:
        return "本案不属于重大执法决定，无需法制审核。"
    last = case.reviews.order_by("-reviewed_at", "-id").first()
    if last and last.opinion == LegalReview.Opinion.APPROVE:
        return "本案已通过法制审核。"
    return None


def _needs_collective(case, user):
    if not rules.needs_collective(case):
        return "本案不属于情节复杂或者重大违法行为，无需负责人集体讨论（行政处罚法第五十七条第二款）。"
    if case.collective_on:
        return "已记录负责人集体讨论决定。"
    return None


def _extend_once(case, user):
    if case.decision_extension_days:
        return "办案期限已延长过一次，不能再次延长。"
    return None


PENDING = (S.NOTIFIED, S.HEARING, S.HEARD, S.REVIEWING, S.REVIEWED)

case_workflow = Workflow([
    Transition("approve_filing", "批准立案", (S.DRAFT,), S.INVESTIGATING, "enforcement.approve",
               fields=("occurred_at", "content")),
    Transition("reject_filing", "不予立案", (S.DRAFT,), S.NOT_FILED, "enforcement.approve", requires_reason=True,
               style="danger"),
    Transition("notify", "告知当事人", (S.INVESTIGATING,), S.NOTIFIED, "enforcement.handle", guard=_has_evidence,
               fields=("occurred_at", "place", "officers", "content", "heavy_penalty", "proposed_fine")),
    Transition("record_statement", "记录陈述申辩及复核", (S.NOTIFIED, S.HEARING, S.HEARD, S.REVIEWED), None,
               "enforcement.handle", guard=_statement_open,
               fields=("occurred_at", "statement_waived", "statement_text", "statement_review"), style="secondary"),
    Transition("request_hearing", "登记听证申请", (S.NOTIFIED,), S.HEARING, "enforcement.handle", guard=_hearing_window,
               fields=("occurred_at", "content")),
    Transition("waive_hearing", "记录当事人放弃听证", (S.NOTIFIED,), None, "enforcement.handle",
               guard=_may_waive_hearing, fields=("occurred_at", "content"), style="secondary"),
    Transition("notify_hearing", "通知听证时间地点", (S.HEARING,), None, "enforcement.handle",
               fields=("occurred_at", "hearing_at", "hearing_place", "hearing_host"),
               required=("hearing_at", "hearing_place", "hearing_host"), style="secondary"),
    Transition("hold_hearing", "记录听证", (S.HEARING,), S.HEARD, "enforcement.handle", guard=_hearing_to_hold,
               fields=("occurred_at", "place", "officers", "content"), required=("content",)),
    Transition("submit_review", "提请法制审核", (S.NOTIFIED, S.HEARD), S.REVIEWING, "enforcement.handle", guard=_needs_review,
               fields=("content",)),
    Transition("collective_decide", "负责人集体讨论", (S.NOTIFIED, S.HEARD, S.REVIEWED), None, "enforcement.approve",
               guard=_needs_collective, fields=("occurred_at", "attendees", "content"),
               required=("attendees", "content"), style="secondary"),
    Transition("decide", "作出决定", (S.NOTIFIED, S.HEARD, S.REVIEWED), S.DECIDED, "enforcement.approve", guard=_can_decide,
               fields=("occurred_at", "result", "fine_amount", "decision_text", "decision_basis", "discretion_applied")),
    Transition("serve", "送达", (S.DECIDED,), S.SERVED, "enforcement.handle",
               fields=("occurred_at", "place", "officers", "content")),
    Transition("execute", "执行完毕", (S.SERVED,), S.EXECUTED, "enforcement.handle",
               fields=("occurred_at", "place", "officers", "content")),
    Transition("close", "结案", (S.SERVED, S.EXECUTED), S.CLOSED, "enforcement.approve", fields=("occurred_at", "content")),
    Transition("extend", "延长办案期限", (S.INVESTIGATING, *PENDING), None, "enforcement.approve", guard=_extend_once,
               requires_reason=True, fields=("extra_days", "extension_basis"), required=("extra_days", "extension_basis"),
               style="secondary"),
], state_labels=dict(CaseStatus.choices), view_perm="enforcement.view",
    audit_fields=("status", "filed_on", "notified_on", "decided_on", "served_on", "closed_on", "decision_due"),
    field_labels={"hearing_at": "听证时间", "hearing_place": "听证地点", "hearing_host": "听证主持人",
                  "attendees": "参加集体讨论的负责人", "content": "记录内容", "extra_days": "延长天数",
                  "extension_basis": "延长所依据的法律、法规、规章规定"})

# Reviewing is done through services.legal_review_record, which checks these two.
review_workflow = Workflow([
    Transition("approve_review", "审核同意", (S.REVIEWING,), S.REVIEWED, "enforcement.review", guard=not_case_officer),
    Transition("reject_review", "退回补正", (S.REVIEWING,), S.INVESTIGATING, "enforcement.review", guard=not_case_officer,
               requires_reason=True, style="danger"),
], state_labels=dict(CaseStatus.choices), view_perm="enforcement.view")

# History from a ledger: a review approved on paper, recorded by the office that imports the ledger (enforcement.manage)
# for the reviewer the sheet names; services.legal_review_record checks that reviewer as the table above checks a
# reviewer acting themselves (permission, qualification, not an investigator). Not offered as a button.
review_history_workflow = Workflow([
    Transition("import_review", "登记历史法制审核（审核同意）", (S.REVIEWING,), S.REVIEWED, "enforcement.manage"),
], state_labels=dict(CaseStatus.choices), view_perm="enforcement.view")

OS = Officer.Status
# An officer's certificate: 暂扣 / 注销 / 恢复 (officer_update runs these when the status changes).
officer_workflow = Workflow([
    Transition("suspend", "暂扣执法证", (OS.ACTIVE,), OS.SUSPENDED, "enforcement.manage", style="danger"),
    Transition("revoke", "注销执法证", (OS.ACTIVE, OS.SUSPENDED), OS.REVOKED, "enforcement.manage", style="danger"),
    Transition("reinstate", "恢复执法证", (OS.SUSPENDED,), OS.ACTIVE, "enforcement.manage"),
], state_labels=dict(OS.choices), view_perm="enforcement.view",
    audit_fields=("status", "certificate_number", "valid_from", "valid_until"))

PS = Publication.Status
# A published decision: its revocation is recorded (the withdrawal clock starts), then it is withdrawn with a public
# reason (行政处罚法第四十八条第二款).
publication_workflow = Workflow([
    Transition("mark_revoked", "登记原决定被撤销/变更", (PS.PUBLISHED,), None, "enforcement.publish", requires_reason=True),
    Transition("withdraw", "撤回执法决定公示", (PS.PUBLISHED,), PS.WITHDRAWN, "enforcement.publish", requires_reason=True,
               style="danger"),
], state_labels=dict(PS.choices), view_perm="enforcement.view",
    audit_fields=("status", "revoked_on", "withdraw_due", "withdrawn_on"))

# Steps officers may record while investigating (no state change).
EVIDENCE_STATES = (S.INVESTIGATING,)
