"""The dispute workflow, declared once. Every state change runs through ``dispute_workflow.run`` (core's one
transition runner); the UI lists ``available``.

registered → accepted / declined → assigned → in_mediation (sessions) → agreed / failed → (follow-up visit) closed;
an unsatisfied follow-up reopens the case (back to in_mediation) with its reason. Escalation (grid → village →
subdistrict) changes who handles the case: before assignment the state stays; a case already assigned or in
mediation goes back to "accepted" so the receiving level assigns it again (two rows, one label, disjoint sources).
Transfer between the centre's bodies keeps the state.
"""
from fazhi.core.workflow import Transition, Workflow

from .models import Agreement, Dispute, Mediator

S = Dispute.Status
OPEN = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.IN_MEDIATION)
AUDIT_FIELDS = ("status", "level", "node", "kind", "room", "centre_body", "title", "description", "place", "amount",
                "due_date", "is_flagged", "mediation_type")
FIELD_LABELS = {"terms": "协议内容", "performance_method": "履行方式", "performance_deadline": "履行期限",
                "participants": "参加人员", "record": "调解记录", "centre_body": "接收机构",
                "judicial_outcome": "司法确认情况", "satisfaction": "当事人满意度"}


def _needs_session(dispute, user):
    if not dispute.sessions.exists():
        return "请先登记至少一次调解记录，再登记调解结果。"
    return None


def _needs_signer(dispute, user):
    """人民调解法第十三条、第二十九条第二款: a people's-mediation agreement is signed by a people's mediator."""
    problem = _needs_session(dispute, user)
    if problem:
        return problem
    if dispute.mediation_type == Dispute.MediationType.PEOPLE and not people_mediators(dispute, user):
        return ("人民调解协议书须由人民调解员（人民调解委员会委员或聘任的人员）签名：请先在分派中指定人民调解员；"
                "由行政机关或法院特邀调解员主持的，请将调解类型改为行政调解或司法调解。")
    return None


def people_mediators(dispute, user) -> list[str]:
    """Names of the people's mediators (人民调解员) who sign the agreement: those assigned from the roster, else the
    user recording it when they are one (a village committee's mediator, or on the roster as a people's mediator)."""
    from fazhi.core import policy
    from fazhi.core.roles import Role

    names = [m.name for m in dispute.mediators.all() if m.kind == Mediator.Kind.PEOPLE and m.is_active]
    if names or user is None:
        return names
    profile = Mediator.objects.filter(user=user, kind=Mediator.Kind.PEOPLE, is_active=True).first()
    if profile is not None:
        return [profile.name]
    if policy.has_role(user, Role.MEDIATOR, dispute.node):
        return [user.display_name]
    return []


def _can_escalate(dispute, user):
    if dispute.level == Dispute.Level.SUBDISTRICT:
        return "本案已在街道层级办理，无法再上报。"
    return None


def _has_people_agreement(dispute, user):
    agreement = getattr(dispute, "agreement", None)
    if agreement is None:
        return "本案没有调解协议，无需司法确认。"
    if agreement.kind != Agreement.Kind.PEOPLE:
        return "本案的协议不是人民调解协议，不适用人民调解协议的司法确认程序。"
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
               fields=("held_on", "place", "participants", "record"), is_public=False),
    Transition("agree", "调解成功（签订协议）", (S.IN_MEDIATION,), S.AGREED, "disputes.mediate", guard=_needs_signer,
               fields=("facts", "responsibility", "terms", "performance_method", "performance_deadline")),
    Transition("fail", "调解不成", (S.IN_MEDIATION,), S.FAILED, "disputes.mediate", guard=_needs_session,
               requires_reason=True, style="danger", fields=("reason", "routes")),
    Transition("follow_up", "回访", (S.AGREED, S.FAILED), S.CLOSED, "disputes.follow_up",
               fields=("performed", "satisfaction", "note")),
    Transition("reopen", "重新调解", (S.AGREED, S.FAILED, S.CLOSED), S.IN_MEDIATION, "disputes.follow_up",
               requires_reason=True, style="danger"),
    # Escalation before assignment: the state stays, the handling level and node change.
    Transition("escalate", "上报上一级", (S.REGISTERED, S.ACCEPTED), None, "disputes.escalate", guard=_can_escalate,
               requires_reason=True),
    # Escalation of a case already assigned or in mediation: back to "accepted" for the receiving level to assign.
    Transition("escalate_assigned", "上报上一级", (S.ASSIGNED, S.IN_MEDIATION), S.ACCEPTED, "disputes.escalate",
               guard=_can_escalate, requires_reason=True),
    Transition("transfer", "移交其他机构", (S.ACCEPTED, S.ASSIGNED, S.IN_MEDIATION), None, "disputes.transfer",
               requires_reason=True, fields=("centre_body", "reason")),
    # 并单: a case about the same matter as another open case joins it; both keep their audit trail.
    Transition("merge", "并案（并入其他案件）", OPEN, S.MERGED, "disputes.intake", requires_reason=True, style="danger",
               fields=("target", "reason")),
    Transition("judicial", "登记司法确认", (S.AGREED, S.CLOSED), None, "disputes.judicial",
               guard=_has_people_agreement, is_public=False,
               fields=("judicial_outcome", "judicial_applied_on", "judicial_decided_on", "judicial_court")),
]


def _enter_state(dispute, old, new):
    from .services import enter_state

    enter_state(dispute, new)


dispute_workflow = Workflow(TRANSITIONS, state_labels=dict(Dispute.Status.choices), view_perm="disputes.view",
                            audit_fields=AUDIT_FIELDS, field_labels=FIELD_LABELS, on_enter=_enter_state)
