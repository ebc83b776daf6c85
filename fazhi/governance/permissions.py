"""What each role may do in this module (merged into core.roles). Permission strings: "governance.<verb>"."""
from fazhi.core.roles import Role

GRANTS = {
    # 信息公开工作人员: proactive disclosure and requests
    Role.DISCLOSURE_OFFICER: {"governance.view", "governance.disclosure", "governance.requests"},
    # 党政办工作人员: normative documents, major decisions, meetings, comment moderation
    Role.OFFICE_STAFF: {"governance.view", "governance.documents", "governance.decisions", "governance.meetings",
                        "governance.moderate"},
    # 法制审核人员: legality review
    Role.LEGAL_REVIEWER: {"governance.view", "governance.legal_review"},
    # 党政主要负责人: view everything, decide, approve extensions, finalise the annual disclosure report
    Role.LEADER: {"governance.view", "governance.decide", "governance.approve_extension", "governance.report_finalise"},
}
