"""Roles from DOMAIN.md and what each may do.

A role is held on a node (Membership) and covers that node and everything below it. What a role may do is a set
of permission strings ("<app>.<verb>"). Core grants its own; each domain app declares its grants in
``<app>/permissions.py`` (declared in its ``DomainApp.provides``) as ``GRANTS = {Role.X: {"app.verb", ...}}`` and they are merged here, so there is still
one answer to "what may this role do". Residents have no account: they use the public site.
"""
from functools import lru_cache

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    LEADER = "leader", "党政主要负责人"
    CLERK = "clerk", "矛调中心工作人员"
    MEDIATOR = "mediator", "村干部/人民调解员"
    GRID_WORKER = "grid_worker", "网格员"
    ROOM_HOST = "room_host", "调解室负责人"
    LEGAL_ADVISOR = "legal_advisor", "法律顾问"
    JUDICIAL_STAFF = "judicial_staff", "司法所工作人员"
    ENFORCEMENT_OFFICER = "enforcement_officer", "执法人员"
    ENFORCEMENT_HEAD = "enforcement_head", "执法办负责人"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    SUPERVISOR = "supervisor", "执法监督人员"
    DISCLOSURE_OFFICER = "disclosure_officer", "信息公开工作人员"
    OFFICE_STAFF = "office_staff", "党政办工作人员"
    # 三员分立 (等保 level 3): system operation, security (accounts and roles), audit review — held by three people
    SYSTEM_ADMIN = "system_admin", "系统管理员（三员）"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# Core's own grants. "core.view" = may open the workbench and see the org tree inside their node.
CORE_GRANTS = {
    Role.ADMIN: {"core.view", "core.manage_org", "core.manage_users", "core.manage_calendar", "core.view_audit",
                 "core.import_ledger"},
    Role.LEADER: {"core.view", "core.view_audit"},
    # 三员分立: none of the three can do another's job; none of them handles business records
    Role.SYSTEM_ADMIN: {"core.view", "core.manage_org", "core.manage_calendar", "core.import_ledger"},
    Role.SECURITY_ADMIN: {"core.view", "core.manage_users"},
    Role.AUDIT_ADMIN: {"core.view", "core.view_audit"},
}
ALL_ROLES_CORE = {"core.view"}
# Personal numbers (个人信息保护法第五十一条第四项, 合理确定操作权限): who may ask to see an ID or phone number in full
# (each time with a reason, audited), and who exports them unmasked (audited; these roles need the second factor,
# fazhi/core/accounts.py DEFAULT_2FA_ROLES). Everyone else sees them masked. The administrator holds both.
for _role in (Role.CLERK, Role.MEDIATOR, Role.ROOM_HOST, Role.JUDICIAL_STAFF, Role.ENFORCEMENT_OFFICER,
              Role.ENFORCEMENT_HEAD, Role.LEGAL_REVIEWER, Role.LEGAL_ADVISOR, Role.DISCLOSURE_OFFICER):
    CORE_GRANTS.setdefault(_role, set()).add("core.reveal_personal")
for _role in (Role.CLERK, Role.ENFORCEMENT_HEAD):
    CORE_GRANTS.setdefault(_role, set()).add("core.export_personal")

# Permissions over installation-wide data (the working-day calendar, deadline rules, risk words, publicity key dates):
# a change there changes every subdistrict, so only a role held on a top-level node (the district, or the whole
# installation) grants them — a subdistrict administrator cannot edit what other subdistricts run on.
INSTALLATION_PERMS = frozenset({"core.manage_calendar", "core.manage_installation"})


@lru_cache(maxsize=1)
def role_permissions():
    """{role: frozenset(perms)} merged from core and every app's permissions.GRANTS."""
    merged = {role: set(ALL_ROLES_CORE) for role in Role.values}
    for role, perms in CORE_GRANTS.items():
        merged[role] |= perms
    from .domain import providers

    for _config, module in providers("permissions"):
        for role, perms in getattr(module, "GRANTS", {}).items():
            merged[str(role)] |= set(perms)
    # The administrator may do everything any role may do, within their node.
    everything = set().union(*merged.values())
    merged[Role.ADMIN] = everything
    return {role: frozenset(perms) for role, perms in merged.items()}


def perms_for_role(role):
    return role_permissions().get(role, frozenset())
