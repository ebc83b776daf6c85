"""Who may see and act on the enforcement module's rows: one access policy per scoped model (fazhi.core.access).

Every read of these models — this app's selectors, pages, API, ledgers, evidence downloads, other apps — goes
through these policies. Scope is the org tree: a membership covers its node and everything below it.
"""
from fazhi.core import masking
from fazhi.core.access import AccessPolicy, register

from .models import (
    Accountability,
    Case,
    CaseStep,
    CustodyEvent,
    Evaluation,
    LegalReview,
    Officer,
    Power,
    Publication,
    ReviewerQualification,
    Subject,
)

VIEW = "enforcement.view"
CASE_ACTIONS = {
    "view": VIEW, "handle": "enforcement.handle", "approve": "enforcement.approve", "review": "enforcement.review",
    "publish": "enforcement.publish", "supervise": "enforcement.supervise", "manage": "enforcement.manage",
}
MANAGE = {"view": VIEW, "manage": "enforcement.manage"}

subject_policy = register(AccessPolicy(Subject, actions=MANAGE | {"handle": "enforcement.handle"}, base=lambda qs: qs.select_related("unit", "node")))
power_policy = register(AccessPolicy(Power, actions=MANAGE, base=lambda qs: qs.select_related("subject__unit")))
officer_policy = register(AccessPolicy(
    Officer, actions=MANAGE | {"supervise": "enforcement.supervise"},
    base=lambda qs: qs.select_related("subject__unit", "user")))
case_policy = register(AccessPolicy(
    Case, actions=CASE_ACTIONS,
    base=lambda qs: qs.select_related("power", "node", "subject__unit", "subject__node", "created_by")))
step_policy = register(AccessPolicy(
    CaseStep, actions={"view": VIEW, "handle": "enforcement.handle"},
    base=lambda qs: qs.select_related("case", "case__subject")))
publication_policy = register(AccessPolicy(
    Publication, actions={"view": VIEW, "publish": "enforcement.publish"}, base=lambda qs: qs.select_related("case")))
review_policy = register(AccessPolicy(LegalReview, actions={"view": VIEW, "review": "enforcement.review"}))
evaluation_policy = register(AccessPolicy(
    Evaluation, actions={"view": VIEW, "supervise": "enforcement.supervise"},
    base=lambda qs: qs.select_related("case", "evaluator")))
accountability_policy = register(AccessPolicy(
    Accountability, actions={"view": VIEW, "supervise": "enforcement.supervise"},
    base=lambda qs: qs.select_related("officer", "case")))
custody_policy = register(AccessPolicy(CustodyEvent, actions={"view": VIEW}))
reviewer_policy = register(AccessPolicy(ReviewerQualification, actions=MANAGE))


@masking.register_public_contacts
def published_office_lines():
    """The enforcement subject's public office line (shown with its publicity) stays visible."""
    return Subject.objects.exclude(office_phone="").values_list("office_phone", flat=True)
