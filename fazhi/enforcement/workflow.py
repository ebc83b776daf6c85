"""The enforcement case workflow — the one place that says which step may follow which, and who may take it.

立案（审批）→ 调查取证 → 告知（较重处罚告知听证权，5日内申请）→ 听证（如申请）→ 法制审核（重大案件）→ 决定 → 送达 → 执行 → 结案.
Each transition records a CaseStep (services.case_transition); steps the law requires two certificated officers
for are checked there against STEP_RULES.
"""
import datetime

from fazhi.core import clock
from fazhi.core.workflow import Transition, Workflow

from .models import EVIDENCE_STEP_KINDS, CaseStatus, LegalReview, Officer, Publication

S = CaseStatus
HEARING_REQUEST_DAYS = 5  # 行政处罚法第六十四条


def _has_evidence(case, user):
    if not case.steps.filter(kind__in=EVIDENCE_STEP_KINDS, corrects__isnull=True).exists():
        return "尚无现场检查、询问或调查取证记录，不能告知。请先记录调查取证环节。"
    return None


def _hearing_window(case, user):
    if not case.heavy_penalty:
        return "本案未拟作较重处罚，当事人无听证权。"
    if case.notified_on and (clock.today() - case.notified_on).days > HEARING_REQUEST_DAYS:
        return f"当事人应在告知后{HEARING_REQUEST_DAYS}日内提出听证申请，已超过期限。"
    return None


def _not_case_officer(case, user):
    if case.officers.filter(user=user).exists() or case.steps.filter(officers__user=user).exists():
        return "法制审核人员不能审核自己承办的案件。"
    return None


def _can_decide(case, user):
    if case.is_major and case.status != S.REVIEWED:
        return "本案属于重大执法决定，须经法制审核人员审核同意后方可作出决定。"
    if (case.heavy_penalty and not case.hearing_requested and case.notified_on
            and (clock.today() - case.notified_on).days <= HEARING_REQUEST_DAYS):
        return (f"当事人要求听证的期限（告知后{HEARING_REQUEST_DAYS}日内，至{case.notified_on + datetime.timedelta(days=HEARING_REQUEST_DAYS):%Y-%m-%d}）"
                "尚未届满，届满后方可作出决定。")
    return None


def _needs_review(case, user):
    if not case.is_major:
        return "本案不属于重大执法决定，无需法制审核。"
    last = case.reviews.order_by("-reviewed_at", "-id").first()
    if last and last.opinion == LegalReview.Opinion.APPROVE:
        return "本案已通过法制审核。"
    return None


case_workflow = Workflow([
    Transition("approve_filing", "批准立案", (S.DRAFT,), S.INVESTIGATING, "enforcement.approve",
               fields=("content",)),
    Transition("reject_filing", "不予立案", (S.DRAFT,), S.NOT_FILED, "enforcement.approve", requires_reason=True,
               style="danger"),
    Transition("notify", "告知当事人", (S.INVESTIGATING,), S.NOTIFIED, "enforcement.handle", guard=_has_evidence,
               fields=("occurred_at", "place", "officers", "content", "heavy_penalty", "proposed_fine")),
    Transition("request_hearing", "登记听证申请", (S.NOTIFIED,), S.HEARING, "enforcement.handle", guard=_hearing_window,
               fields=("occurred_at", "content")),
    Transition("hold_hearing", "记录听证", (S.HEARING,), S.HEARD, "enforcement.handle",
               fields=("occurred_at", "place", "officers", "content")),
    Transition("submit_review", "提请法制审核", (S.NOTIFIED, S.HEARD), S.REVIEWING, "enforcement.handle", guard=_needs_review,
               fields=("content",)),
    Transition("decide", "作出决定", (S.NOTIFIED, S.HEARD, S.REVIEWED), S.DECIDED, "enforcement.approve", guard=_can_decide,
               fields=("result", "fine_amount", "decision_text", "decision_basis", "discretion_applied")),
    Transition("serve", "送达", (S.DECIDED,), S.SERVED, "enforcement.handle",
               fields=("occurred_at", "place", "officers", "content")),
    Transition("execute", "执行完毕", (S.SERVED,), S.EXECUTED, "enforcement.handle",
               fields=("occurred_at", "place", "officers", "content")),
    Transition("close", "结案", (S.SERVED, S.EXECUTED), S.CLOSED, "enforcement.approve", fields=("content",)),
    Transition("extend", "延长办案期限", (S.INVESTIGATING, S.NOTIFIED, S.HEARING, S.HEARD, S.REVIEWING, S.REVIEWED), None,
               "enforcement.approve", requires_reason=True, fields=("extra_days",), style="secondary"),
], state_labels=dict(CaseStatus.choices), view_perm="enforcement.view",
    audit_fields=("status", "filed_on", "notified_on", "decided_on", "served_on", "closed_on", "decision_due"))

# Reviewing is done through services.legal_review_record, which checks these two.
review_workflow = Workflow([
    Transition("approve_review", "审核同意", (S.REVIEWING,), S.REVIEWED, "enforcement.review", guard=_not_case_officer),
    Transition("reject_review", "退回补正", (S.REVIEWING,), S.INVESTIGATING, "enforcement.review", guard=_not_case_officer,
               requires_reason=True, style="danger"),
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
