"""Every read of core data, already scoped to the user."""
from django.db.models import Count, Q

from . import policy
from .models import AuditEvent, Membership, OrgNode, Unit


def org_tree_for_user(user):
    """Nodes inside the user's scope, in tree order, with member counts (2 queries)."""
    return policy.scoped_nodes(user, "core.view").annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("path")


def node_get_for_user(user, pk, perm="core.view"):
    """A node the user may see; 404 otherwise."""
    from django.http import Http404

    try:
        node = OrgNode.objects.get(pk=pk)
    except (OrgNode.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的管辖范围内。")
    if not policy.has_perm(user, perm, node):
        raise Http404("记录不存在或不在您的管辖范围内。")
    return node


def members_of(user, node):
    return Membership.objects.filter(node=node, is_active=True).select_related("user", "unit").order_by("role", "user__full_name") if policy.has_perm(user, "core.view", node) else Membership.objects.none()


def units_for_user(user):
    return policy.scope(Unit.objects.filter(is_active=True), user, "core.view").select_related("node")


def audit_events_for_user(user, *, filters=None):
    """Audit events of records inside the user's scope (events without a node: administrators of the whole tree)."""
    filters = filters or {}
    qs = AuditEvent.objects.all()
    scoped = policy.scope(qs, user, "core.view_audit")
    if any(len(p.strip(".").split(".")) == 1 for p in policy.scope_paths(user, "core.view_audit")):
        scoped = scoped | qs.filter(node__isnull=True)
    qs = scoped
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("actor"):
        qs = qs.filter(actor_label__contains=filters["actor"])
    if filters.get("q"):
        qs = qs.filter(Q(object_repr__contains=filters["q"]) | Q(action_label__contains=filters["q"]))
    return qs.order_by("-at", "-id")


def nodes_by_kind(user, kind, perm="core.view"):
    return policy.scoped_nodes(user, perm, kinds=[kind]).order_by("path")
