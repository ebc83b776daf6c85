"""Per-model access policies: the one answer to "which rows of this model may this user see or act on".

Modelled on Wagtail's permission policies, with Zulip's ``access_*`` rule that a missing row and a row outside the
user's part of the tree look the same (404), and Sentry's rule that a visible row the user may not act on is 403.

Each app declares one ``AccessPolicy`` per scoped model in its ``policies.py`` and registers it::

    dispute_policy = access.register(AccessPolicy(
        Dispute, actions={"view": "disputes.view", "change": "disputes.intake", "mediate": "disputes.mediate"},
        extra_grants=[joined_advisors],
    ))

and every read of the model — its own app's selectors, other apps, the endpoint layer, file downloads — goes
through ``instances_for``/``get_for_user``. An app never filters another app's model itself.

Scope is the materialized path: a membership (node, role) covers that node and everything below it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

from . import policy
from .errors import NotAllowed, NotFound

#: An extra grant: (user, action) -> Q over the model's rows the user may also reach, or None.
ExtraGrant = Callable[[Any, str], Q | None]


@dataclass
class AccessPolicy:
    model: type[Model]
    actions: dict[str, str]  # action -> permission string ("view" is required)
    node_field: str = "node"  # the FK to OrgNode ("self" for OrgNode itself)
    extra_grants: list[ExtraGrant] = field(default_factory=list)
    base: Callable[[QuerySet], QuerySet] | None = None  # e.g. select_related for every read

    def __post_init__(self) -> None:
        if "view" not in self.actions:
            raise ValueError(f"{self.model.__name__}: an access policy needs a 'view' action")

    # ---- permissions ---------------------------------------------------------------------------------------
    def perm(self, action: str) -> str:
        try:
            return self.actions[action]
        except KeyError:
            raise ValueError(f"{self.model.__name__}: unknown action {action!r}") from None

    def may_anywhere(self, user, action: str = "view") -> bool:
        """Does the user hold the action's permission on any node (or through an extra grant)?"""
        if policy.has_perm(user, self.perm(action)):
            return True
        return any(grant(user, action) is not None for grant in self.extra_grants)

    def may(self, user, action: str, obj: Model) -> bool:
        """May ``user`` do ``action`` on ``obj`` (already known to exist)?"""
        node = self.node_of(obj)
        if node is not None and policy.has_perm(user, self.perm(action), node):
            return True
        for grant in self.extra_grants:
            q = grant(user, action)
            if q is not None and self.model._default_manager.filter(q, pk=obj.pk).exists():
                return True
        return False

    def node_of(self, obj: Model):
        if self.node_field == "self":
            return obj
        node = obj
        for part in self.node_field.split("__"):
            node = getattr(node, part, None)
            if node is None:
                return None
        return node

    # ---- reads ---------------------------------------------------------------------------------------------
    def _queryset(self) -> QuerySet:
        qs = self.model._default_manager.all()
        return self.base(qs) if self.base else qs

    def scope_q(self, user, action: str = "view") -> Q:
        """A Q over the model selecting the rows the user may reach for ``action`` (matches nothing if none)."""
        from .models import OrgNode

        perm = self.perm(action)
        q = Q(pk__in=[])
        if policy.scope_paths(user, perm):
            field = "pk" if self.node_field == "self" else self.node_field
            q = Q(**{f"{field}__in": OrgNode.objects.filter(policy.nodes_q(user, perm)).values("pk")})
        for grant in self.extra_grants:
            extra = grant(user, action)
            if extra is not None:
                q |= extra
        return q

    def instances_for(self, user, action: str = "view", queryset: QuerySet | None = None) -> QuerySet:
        """Every row the user may reach for ``action``; one indexed prefix query over the org tree."""
        qs = self._queryset() if queryset is None else queryset
        if not self.may_anywhere(user, action):
            return qs.none()
        return qs.filter(self.scope_q(user, action))

    def get_for_user(self, user, action: str = "view", pk: Any = None, *, queryset: QuerySet | None = None,
                     **lookup) -> Model:
        """One row, authorised: missing or outside the user's view scope → NotFound (404); visible but the user
        may not do ``action`` → NotAllowed (403)."""
        if pk is not None:
            lookup["pk"] = pk
        if not _valid_lookup(lookup):
            raise NotFound()
        try:
            obj = self.instances_for(user, "view", queryset).get(**lookup)
        except (self.model.DoesNotExist, self.model.MultipleObjectsReturned, ValueError, TypeError, OverflowError):
            raise NotFound() from None
        if action != "view" and not self.may(user, action, obj):
            raise NotAllowed(f"您没有权限对该{self.model._meta.verbose_name}执行此操作。")
        return obj

    def check(self, user, action: str, obj: Model) -> None:
        """Raise NotFound unless the user may see ``obj``; NotAllowed unless they may do ``action`` on it."""
        if not self.may(user, "view", obj):
            raise NotFound()
        if action != "view" and not self.may(user, action, obj):
            raise NotAllowed(f"您没有权限对该{self.model._meta.verbose_name}执行此操作。")

    def users_with(self, action: str, node) -> QuerySet:
        """The reverse query: active users who may do ``action`` on ``node`` (a membership on it or an ancestor
        whose role grants the permission). Extra grants are per row and are not included."""
        from .models import Membership, User
        from .roles import Role, perms_for_role

        perm = self.perm(action)
        roles = [r for r in Role.values if perm in perms_for_role(r)]
        members = Membership.objects.filter(is_active=True, role__in=roles, node__is_active=True,
                                            node__path__in=node.ancestor_paths())
        return User.objects.filter(is_active=True, pk__in=members.values("user_id")).distinct()


def _valid_lookup(lookup: dict) -> bool:
    """Ids from URLs and JSON: refuse values no row can have (1e30, lists, booleans) before they reach SQL."""
    value = lookup.get("pk")
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value < 2**63
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return len(value) < 19 and 0 < int(value)
    return not isinstance(value, (list, dict, float))


_registry: dict[type[Model], AccessPolicy] = {}


def register(access_policy: AccessPolicy) -> AccessPolicy:
    _registry[access_policy.model] = access_policy
    return access_policy


def policy_for(model: type[Model]) -> AccessPolicy:
    """The registered policy of a model (apps read each other's rows only through it)."""
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"no access policy registered for {model.__name__}") from None


def registered() -> Iterable[AccessPolicy]:
    return list(_registry.values())


class Gate:
    """What the API's ``Endpoint`` and the workbench's ``Page`` share: the method's permission somewhere in the
    user's tree and the object lookup through the model's policy. One copy, so the two can never disagree."""

    perms: dict[str, str | tuple[str, ...]] = {}
    access: AccessPolicy | None = None

    @classmethod
    def may_any(cls, user, method: str) -> bool:
        """Whether the user holds (one of) the permission(s) the HTTP method needs anywhere; True if none is set."""
        method = "GET" if method in ("HEAD", "OPTIONS") else method
        required = cls.perms.get(method)
        if required is None:
            return True
        names = (required,) if isinstance(required, str) else tuple(required)
        return any(cls._may_anywhere(user, perm) for perm in names)

    @classmethod
    def _may_anywhere(cls, user, perm: str) -> bool:
        if policy.has_perm(user, perm):
            return True
        access = cls.access
        if access is not None:
            action = next((a for a, p in access.actions.items() if p == perm), None)
            return action is not None and access.may_anywhere(user, action)
        return False

    def get_object(self, pk: Any, action: str = "view", *, access: AccessPolicy | None = None, **lookup):
        access = access or self.access
        if access is None:
            raise NotFound()
        return access.get_for_user(self.request.user, action, pk, **lookup)

