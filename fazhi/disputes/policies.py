"""Who may see and act on the dispute module's rows: one access policy per scoped model (see fazhi.core.access).

Every read of a ``Dispute`` — this app's selectors, the legal-service module's service-record form, the endpoint
layer, file downloads — goes through ``dispute_policy``. A legal advisor holds ``disputes.view_joined`` and reaches,
through the extra grant, exactly the cases they were joined to; nothing else.
"""
from django.db.models import Q

from fazhi.core import policy
from fazhi.core.access import AccessPolicy, register

from .models import Dispute, MediationRoom, Mediator


def joined_advisor(user, action: str) -> Q | None:
    """Advisors joined to a case may view it (and nothing more)."""
    if action != "view" or not policy.has_perm(user, "disputes.view_joined"):
        return None
    return Q(pk__in=Dispute.advisors.through.objects.filter(user_id=user.pk).values("dispute_id"))


DISPUTE_ACTIONS = {
    "view": "disputes.view", "intake": "disputes.intake", "accept": "disputes.accept", "assign": "disputes.assign",
    "transfer": "disputes.transfer", "mediate": "disputes.mediate", "escalate": "disputes.escalate",
    "follow_up": "disputes.follow_up", "judicial": "disputes.judicial", "manage": "disputes.manage",
}

dispute_policy = register(AccessPolicy(Dispute, actions=DISPUTE_ACTIONS, extra_grants=[joined_advisor]))
room_policy = register(AccessPolicy(MediationRoom, actions={"view": "disputes.view", "manage": "disputes.manage"}))
mediator_policy = register(AccessPolicy(Mediator, actions={"view": "disputes.view", "manage": "disputes.manage"}))
