"""Access policies of core's own scoped models (see fazhi.core.access)."""
from .access import AccessPolicy, register
from .models import Membership, OrgNode, Unit

node_policy = register(AccessPolicy(OrgNode, actions={"view": "core.view", "manage": "core.manage_org"},
                                    node_field="self"))
unit_policy = register(AccessPolicy(Unit, actions={"view": "core.view", "manage": "core.manage_org"}))
membership_policy = register(AccessPolicy(Membership, actions={"view": "core.view", "manage": "core.manage_users"},
                                          base=lambda qs: qs.select_related("user", "node", "unit")))
