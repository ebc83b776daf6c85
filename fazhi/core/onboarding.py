"""The onboarding checklist: what a new subdistrict (tenant) still lacks before it can work.

Core checks its own part (short name, villages and grids, the centre's bodies, accounts for the key roles); each
domain app that declares ``"onboarding"`` in ``provides`` adds ``checks(tenant) -> list[Check]`` in
``<app>/onboarding.py`` (an advisor for every village, an officer with a valid certificate, a disclosure
catalogue…). Every item is computed from records, never ticked by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from . import orgkinds


@dataclass
class Check:
    label: str
    ok: bool
    detail: str = ""
    url: str = ""
    module: str = ""
    required: bool = True  # a required item blocks "ready to work"


def link(name: str, *args, query: str = "") -> str:
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def accounts_with(tenant, perm: str) -> int:
    """How many active accounts work inside ``tenant`` in a role that grants ``perm``."""
    from .models import Membership
    from .roles import Role, perms_for_role

    roles = [r for r in Role.values if perm in perms_for_role(r)]
    return (Membership.objects.filter(is_active=True, user__is_active=True, role__in=roles,
                                      node__path__startswith=tenant.path).values("user_id").distinct().count())


def accounts_check(tenant, perm: str, label: str, who: str, *, required: bool = True) -> Check:
    """"Someone here can do ``perm``": ok with the count, or what is missing, linking to the accounts page."""
    n = accounts_with(tenant, perm)
    return Check(label, n > 0, f"已有 {n} 个账号。" if n else f"尚无{who}账号。",
                 link("core:accounts", query=f"node={tenant.pk}"), required=required)


def core_checks(tenant) -> list[Check]:
    from .models import Membership, OrgNode, Unit
    from .roles import Role

    villages = list(OrgNode.objects.villages().inside(tenant).filter(is_active=True).values_list("pk", "name"))
    grids_by_village = set(OrgNode.objects.grids().inside(tenant).filter(is_active=True)
                           .values_list("parent_id", flat=True))
    no_grid = [name for pk, name in villages if pk not in grids_by_village]
    bodies = Unit.objects.filter(node=tenant, kind=Unit.Kind.CENTRE_BODY, is_active=True).count()
    active = Membership.objects.filter(is_active=True, user__is_active=True)
    roles = set(active.filter(node__path__startswith=tenant.path).values_list("role", flat=True))
    if active.filter(role=Role.ADMIN, node__path__in=tenant.ancestor_paths()).exists():
        roles.add(Role.ADMIN)  # an administrator above the subdistrict (the district's) administers it too
    node_url = link("core:node_detail", tenant.pk)
    out = [
        Check("设置街道简称（用于文号）", bool(tenant.short_name), "" if tenant.short_name else "文号如“稷下发〔2024〕1号”需要简称。",
              link("core:node_edit", tenant.pk)),
        Check("建立村（社区）", bool(villages), f"已有 {len(villages)} 个。" if villages else "尚未建立任何村（社区）。", node_url),
        Check("每个村（社区）划分网格", bool(villages) and not no_grid,
              ("未划分网格：" + "、".join(no_grid[:10])) if no_grid else "", node_url),
        Check("矛调中心入驻机构", bodies > 0, f"已有 {bodies} 个。" if bodies else "尚未登记入驻机构（如司法所、派出所）。",
              link("core:units", query=f"node={tenant.pk}")),
    ]
    for role, label in ((Role.ADMIN, "管理员账号（街道或区）"), (Role.CLERK, "矛调中心工作人员账号"),
                        (Role.LEADER, "党政主要负责人账号")):
        out.append(Check(label, role in roles, "" if role in roles else f"尚无“{role.label}”。",
                         link("core:accounts", query=f"node={tenant.pk}")))
    return out


def checklist(tenant) -> list[Check]:
    from .domain import providers

    items = [c for c in core_checks(tenant)]
    for c in items:
        c.module = c.module or "平台基础"
    for config, module in providers("onboarding"):
        for c in module.checks(tenant):
            c.module = c.module or config.verbose_name
            items.append(c)
    return items


def is_ready(items: list[Check]) -> bool:
    return all(c.ok for c in items if c.required)


def tenants_for(user):
    from . import policy

    return policy.scoped_nodes(user, "core.view", tenants=True).order_by("path")


__all__ = ["Check", "checklist", "core_checks", "is_ready", "link", "orgkinds", "tenants_for"]
