"""What each role may do in the dispute module (merged into core.roles).

Permission strings ("disputes.<verb>"), held on a node and covering everything below it:
- view        see cases (and rooms, roster) inside the node.
- intake      register a case (walk-in, patrol report, referral).
- accept      accept or decline a registered case.
- assign      assign an accepted case to a level, a centre body, a room and mediators (only to a level inside
              the user's own scope: a village mediator assigns to the village or one of its grids).
- transfer    hand a case over to another body of the centre (subdistrict staff).
- mediate     start mediation, record sessions, record an agreement or a failed mediation.
- escalate    escalate grid → village → subdistrict with a reason.
- follow_up   record the follow-up visit (回访) that closes or reopens a case.
- judicial    record the judicial confirmation (司法确认) of an agreement.
- manage      keep the rooms, the mediator roster, the committee and the risk word list.
- oversee     see risk-flagged cases as a to-do (the subdistrict leader).
- view_joined (legal advisors) see only the cases they joined as advisor (Dispute.advisors), nothing else.

Choices: a grid worker finds and reports disputes on patrol, mediates small ones at grid level and escalates;
a village mediator does the same at village level; the centre's clerk does the intake at the window, accepts,
assigns and transfers; room hosts mediate the cases in their room; judicial-office staff (司法所) supervise the
whole process and record judicial confirmations; the leader sees everything and the risk flags but does not
handle cases.
"""
from fazhi.core.roles import Role

GRANTS = {
    Role.CLERK: {"disputes.view", "disputes.intake", "disputes.accept", "disputes.assign", "disputes.transfer",
                 "disputes.mediate",
                 "disputes.escalate", "disputes.follow_up", "disputes.judicial"},
    Role.JUDICIAL_STAFF: {"disputes.view", "disputes.intake", "disputes.accept", "disputes.assign", "disputes.transfer",
                          "disputes.mediate",
                          "disputes.escalate", "disputes.follow_up", "disputes.judicial", "disputes.manage"},
    Role.ROOM_HOST: {"disputes.view", "disputes.mediate", "disputes.follow_up"},
    Role.MEDIATOR: {"disputes.view", "disputes.intake", "disputes.accept", "disputes.assign", "disputes.mediate",
                    "disputes.escalate", "disputes.follow_up"},
    Role.GRID_WORKER: {"disputes.view", "disputes.intake", "disputes.mediate", "disputes.escalate",
                       "disputes.follow_up"},
    Role.LEADER: {"disputes.view", "disputes.oversee"},
    Role.LEGAL_ADVISOR: {"disputes.view_joined"},
}
