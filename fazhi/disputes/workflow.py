"""The dispute workflow, declared once. Services call ``dispute_workflow.check``; the UI lists ``available``.

registered → accepted / declined → assigned → in_mediation (sessions) → agreed / failed → (follow-up visit) closed;
an unsatisfied follow-up reopens the case (back to in_mediation) with its reason. Escalation (grid → village →
subdistrict) and transfer between the centre's bodies keep the state and change who handles the case.
"""
from fazhi.core.workflow import Transition, Workflow

from .models import Dispute

S = Dispute.Status
OPEN = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.IN_MEDIATION)


def _needs_session(dispute, user):
    if not dispute.sessions.exists():
        return "请先登记至少一次调解记录，再登记调解结果。"
    return None


def _can_escalate(dispute, user):
    if dispute.level == Dispute.Level.SUBDISTRICT:
        return "本案已在街道层级办理，无法再上报。"
    return None


def _has_agreement(dispute, user):
    if not hasattr(dispute, "agreement"):
        return "本案没有调解协议，无需司法确认。"
    return None


def _parties_present(dispute, user):
    roles = {p.role for p in dispute.parties.all()}
    if "applicant" not in roles:
        return "请先登记申请人，再受理。"
    return None


TRANSITIONS = [
    Transition("accept", "受理", (S.REGISTERED,), S.ACCEPTED, "disputes.accept", guard=_parties_present),
    Transition("decline", "不予受理", (S.REGISTERED,), S.DECLINED, "disputes.accept", requires_reason=True,
               style="danger", fields=("reason", "next_steps")),
    Transition("assign", "分派", (S.ACCEPTED,), S.ASSIGNED, "disputes.assign",
               fields=("level", "centre_body", "room", "mediators", "mediation_type")),
    Transition("start", "开始调解", (S.ASSIGNED,), S.IN_MEDIATION, "disputes.mediate"),
    Transition("session", "登记调解记录", (S.IN_MEDIATION,), None, "disputes.mediate",
               fields=("held_on", "place", "participants", "record")),
    Transition("agree", "调解成功（签订协议）", (S.IN_MEDIATION,), S.AGREED, "disputes.mediate", guard=_needs_session,
               fields=("facts", "terms", "performance_method", "performance_deadline")),
    Transition("fail", "调解不成", (S.IN_MEDIATION,), S.FAILED, "disputes.mediate", guard=_needs_session,
               requires_reason=True, style="danger", fields=("reason", "routes")),
    Transition("follow_up", "回访", (S.AGREED, S.FAILED), S.CLOSED, "disputes.follow_up",
               fields=("performed", "satisfaction", "note")),
    Transition("reopen", "重新调解", (S.AGREED, S.FAILED, S.CLOSED), S.IN_MEDIATION, "disputes.follow_up",
               requires_reason=True, style="danger"),
    Transition("escalate", "上报上一级", OPEN, None, "disputes.escalate", guard=_can_escalate, requires_reason=True),
    Transition("transfer", "移交其他机构", (S.ACCEPTED, S.ASSIGNED, S.IN_MEDIATION), None, "disputes.transfer",
               requires_reason=True, fields=("centre_body", "reason")),
    Transition("judicial", "登记司法确认", (S.AGREED, S.CLOSED), None, "disputes.judicial", guard=_has_agreement,
               fields=("judicial_outcome", "judicial_applied_on", "judicial_decided_on", "judicial_court")),
]

dispute_workflow = Workflow(TRANSITIONS, state_labels=dict(Dispute.Status.choices))
