"""Who may see and act on the government-affairs module's rows: one access policy per scoped model.

Every read — this app's selectors, the endpoint and page layer, file downloads, other apps — goes through these
policies (``fazhi.core.access``): missing or outside scope is 404, visible but not allowed to act is 403.
"""
from fazhi.core.access import AccessPolicy, register

from . import models as m

VIEW = "governance.view"

item_policy = register(AccessPolicy(
    m.DisclosureItem, actions={"view": VIEW, "disclosure": "governance.disclosure"},
    base=lambda qs: qs.select_related("category", "node", "publisher")))
request_policy = register(AccessPolicy(
    m.DisclosureRequest, actions={"view": VIEW, "requests": "governance.requests",
                                "approve_extension": "governance.approve_extension"},
    base=lambda qs: qs.select_related("node", "extension_approved_by")))
document_policy = register(AccessPolicy(
    m.NormativeDocument, actions={"view": VIEW, "documents": "governance.documents",
                                "legal_review": "governance.legal_review", "decide": "governance.decide"},
    base=lambda qs: qs.select_related("node", "reviewer", "agenda_item__meeting", "disclosure_item")))
comment_policy = register(AccessPolicy(
    m.PublicComment, actions={"view": VIEW, "moderate": "governance.moderate"},
    base=lambda qs: qs.select_related("document", "decision", "node")))
decision_policy = register(AccessPolicy(
    m.MajorDecision, actions={"view": VIEW, "decisions": "governance.decisions", "decide": "governance.decide"},
    base=lambda qs: qs.select_related("node", "agenda_item__meeting")))
meeting_policy = register(AccessPolicy(
    m.Meeting, actions={"view": VIEW, "meetings": "governance.meetings"},
    base=lambda qs: qs.select_related("node", "chair")))
agenda_policy = register(AccessPolicy(
    m.AgendaItem, actions={"view": VIEW, "meetings": "governance.meetings"}, node_field="meeting__node",
    base=lambda qs: qs.select_related("meeting", "meeting__node")))
step_policy = register(AccessPolicy(
    m.DecisionStep, actions={"view": VIEW, "decisions": "governance.decisions"}, node_field="decision__node"))
hearing_policy = register(AccessPolicy(
    m.Hearing, actions={"view": VIEW, "decisions": "governance.decisions"}, node_field="decision__node"))
remedy_policy = register(AccessPolicy(
    m.DisclosureRemedy, actions={"view": VIEW, "requests": "governance.requests"}, node_field="request__node",
    base=lambda qs: qs.select_related("request", "request__node")))
report_policy = register(AccessPolicy(
    m.DisclosureReport, actions={"view": VIEW, "disclosure": "governance.disclosure",
                               "finalise": "governance.report_finalise"},
    base=lambda qs: qs.select_related("node", "finalised_by", "disclosure_item")))
