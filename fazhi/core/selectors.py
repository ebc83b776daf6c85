"""Every read of core data, already scoped to the user."""
from django.db.models import Count, Q

from . import policy
from .errors import NotFound
from .models import AuditEvent, Membership, OrgNode, Unit


def within_dates(qs, field: str, start=None, end=None):
    """Rows whose ``field`` falls from ``start`` to ``end`` (dates, inclusive; an empty end leaves that side open)."""
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def get_or_not_found(qs, pk):
    """Row ``pk`` of ``qs`` (a pk that is not a whole number finds nothing); ``NotFound`` when there is none."""
    found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


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


def tenants_for(user, perm="core.view"):
    """The tenants (街道/乡镇) inside the user's scope for ``perm``."""
    return policy.scoped_nodes(user, perm, tenants=True).order_by("path")


def units_list(user, *, filters=None):
    from .policies import unit_policy

    qs = unit_policy.instances_for(user).select_related("node").order_by("node__path", "kind", "sort_order", "id")
    node = (filters or {}).get("node")
    if node and str(node).isdigit() and len(str(node)) < 12:
        qs = qs.filter(node_id=int(node))
    return qs


def users_managed_by(user, *, filters=None):
    """Accounts holding (or having held) a role inside the nodes where ``user`` manages users."""
    from .models import User

    nodes = OrgNode.objects.filter(policy.nodes_q(user, "core.manage_users"))
    qs = User.objects.filter(pk__in=Membership.objects.filter(node__in=nodes.values("pk")).values("user_id"))
    f = filters or {}
    node = f.get("node")
    if node and str(node).isdigit() and len(str(node)) < 12:
        target = OrgNode.objects.filter(pk=int(node)).first()
        if target is not None:
            qs = qs.filter(pk__in=Membership.objects.filter(node__path__startswith=target.path).values("user_id"))
    q = (f.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs.order_by("username")


def user_get_managed(user, pk):
    """An account ``user`` may manage; 404 otherwise (missing and out of scope look the same)."""
    from .errors import NotFound

    if not (isinstance(pk, int) or (isinstance(pk, str) and pk.isdigit() and len(pk) < 12)):
        raise NotFound()
    found = users_managed_by(user).filter(pk=int(pk)).first()
    if found is None:
        raise NotFound()
    return found


def memberships_of(account):
    return Membership.objects.filter(user=account).select_related("node", "unit").order_by("-is_active", "node__path")


def own_memberships(user):
    return Membership.objects.filter(user=user, is_active=True).select_related("node")


def calendar_overrides(year):
    from .models import CalendarOverride

    return CalendarOverride.objects.filter(date__year=year)


def calendar_years():
    from .models import CalendarYear

    return CalendarYear.objects.all()


def deadline_rules():
    from .models import DeadlineRule

    return DeadlineRule.objects.all()


def deadline_rule(pk):
    from django.http import Http404

    from .models import DeadlineRule

    rule = DeadlineRule.objects.filter(pk=pk).first() if str(pk).isdigit() and len(str(pk)) < 12 else None
    if rule is None:
        raise Http404("期限规则不存在。")
    return rule


def stored_file(uuid):
    """The stored file with this uuid (whether the user may read it is files.may_download's answer)."""
    from .models import StoredFile

    return StoredFile.objects.filter(uuid=uuid).select_related("node").first()


def top_nodes():
    return OrgNode.objects.filter(parent=None)
