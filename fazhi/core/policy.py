"""The one scoping policy: "may this user see / change this object" and "which objects may this user see".

A membership (node, role) grants the role's permissions on that node and everything below it. Everything inside
a node is found by a materialized-path prefix over the small org table, so a scoped list is
``record.node_id IN (SELECT id FROM core_orgnode WHERE path LIKE '0001.0002.%')`` — one indexed query.

Deny by default: anonymous or inactive users, and users without a matching membership, see nothing.
Objects outside the scope answer 404 (``NotFound``/``Http404``), never 403, so their existence is not revealed.
"""
from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404

from .errors import NotAllowed, NotFound
from .roles import INSTALLATION_PERMS, perms_for_role

_CACHE_ATTR = "_fazhi_memberships"
_SCOPE_ATTR = "_fazhi_scope_paths"


def memberships(user):
    """[(node_path, role, node_id, unit_id)] of the user's active memberships, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from .models import Membership

        cached = list(
            Membership.objects.filter(user=user, is_active=True, node__is_active=True).values_list(
                "node__path", "role", "node_id", "unit_id"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user):
    """Drop the cached memberships (after they change)."""
    for attr in (_CACHE_ATTR, _SCOPE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def roles(user):
    return {role for _, role, _, _ in memberships(user)}


def has_role(user, role, node=None):
    return any(r == role and (node is None or node.path.startswith(p)) for p, r, _, _ in memberships(user))


def scope_paths(user, perm):
    """The minimal list of node paths under which the user holds ``perm``.

    Installation-wide permissions (``roles.INSTALLATION_PERMS``) count only memberships on a top-level node. Worked
    out once per permission for the memberships cached on the user object (a page asks dozens of times)."""
    rows = memberships(user)
    cache = getattr(user, _SCOPE_ATTR, None) if rows else None
    if cache is not None and cache[0] is rows and perm in cache[1]:
        return list(cache[1][perm])
    top_only = perm in INSTALLATION_PERMS
    paths = sorted({p for p, role, _, _ in memberships(user)
                    if perm in perms_for_role(role) and (not top_only or p.count(".") == 1)})
    minimal = []
    for path in paths:
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    if rows:
        if cache is None or cache[0] is not rows:
            cache = (rows, {})
            setattr(user, _SCOPE_ATTR, cache)
        cache[1][perm] = tuple(minimal)
    return minimal


def has_perm(user, perm, node=None):
    """May the user do ``perm`` on ``node`` (anywhere, when node is None)?"""
    paths = scope_paths(user, perm)
    if node is None:
        return bool(paths)
    return any(node.path.startswith(p) for p in paths)


def nodes_q(user, perm):
    """A Q over OrgNode selecting every node inside the user's scope for ``perm`` (matches nothing if none)."""
    paths = scope_paths(user, perm)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(path__startswith=p) for p in paths))


def scoped_nodes(user, perm, kinds=None, *, level=None, tenants=False):
    """Active nodes inside the user's scope for ``perm``; narrowed by kind codes, by level, or to tenants."""
    from .models import OrgNode

    qs = OrgNode.objects.filter(nodes_q(user, perm), is_active=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if level is not None:
        qs = qs.at_level(level)
    if tenants:
        qs = qs.tenants()
    return qs


def scope(queryset, user, perm, field="node"):
    """Filter ``queryset`` to the rows whose ``field`` (a FK to OrgNode) lies inside the user's scope."""
    from .models import OrgNode

    paths = scope_paths(user, perm)
    if not paths:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": OrgNode.objects.filter(nodes_q(user, perm)).values("pk")})


def get_for_user(queryset, user, perm, field="node", **lookup):
    """Fetch one object and authorise it together; out of scope and missing look the same (Http404)."""
    try:
        return scope(queryset, user, perm, field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的管辖范围内。")


def require(user, perm, node, *, view_perm=None, message=None):
    """Raise unless the user may do ``perm`` on ``node``.

    If the user cannot even see the node (``view_perm``), the answer is NotFound so nothing is revealed.
    """
    if has_perm(user, perm, node):
        return
    if view_perm and not has_perm(user, view_perm, node):
        raise NotFound()
    raise NotAllowed(message or "您没有权限执行此操作。")


def user_home_node(user):
    """The highest node the user holds any membership on (for defaults such as the dashboard)."""
    from .models import OrgNode

    rows = memberships(user)
    if not rows:
        return None
    path = min((p for p, _, _, _ in rows), key=len)
    return OrgNode.objects.filter(path=path).first()


def raise_404_if(condition):
    if condition:
        raise Http404("记录不存在或不在您的管辖范围内。")
