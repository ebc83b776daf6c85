"""Every write of core data. Keyword-only arguments; each runs in one transaction and writes its audit event."""
import re

from django.db import IntegrityError, transaction

from . import audit, orgkinds, policy, workdays
from .errors import DomainError, NotAllowed
from .models import CalendarOverride, CalendarYear, DeadlineRule, Membership, OrgNode, Unit, User
from .roles import Role
from .validators import clean_text, validate_phone


def _next_path(parent):
    prefix = parent.path if parent else ""
    siblings = OrgNode.objects.filter(parent=parent).values_list("path", flat=True)
    numbers = [int(p[len(prefix):].rstrip(".")) for p in siblings]
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):04d}."


@transaction.atomic
def org_node_create(*, actor, parent, name, kind=None, code="", short_name="", sort_order=0, check_scope=True):
    name = clean_text(name, field="name", label="名称", max_length=100)
    allowed = orgkinds.child_codes(parent.kind if parent else None)
    if not allowed:
        raise DomainError(f"“{parent.name}”下不能再建立下级节点。", field_errors={"kind": "层级不正确。"})
    kind = kind or (orgkinds.default_code(parent.level + 1) if parent else allowed[0])
    if kind not in allowed:
        labels = "、".join(orgkinds.get(c).label for c in allowed)
        where = f"“{parent.name}”下" if parent else "顶层"
        raise DomainError(f"{where}只能建立{labels}。", field_errors={"kind": "层级不正确。"})
    if check_scope and parent is not None:
        policy.require(actor, "core.manage_org", parent, view_perm="core.view")
    if OrgNode.objects.filter(parent=parent, name=name).exists():
        raise DomainError(f"“{parent.name if parent else '顶层'}”下已有名为“{name}”的节点。", field_errors={"name": f"“{parent.name if parent else '顶层'}”下已有同名节点。"})
    path = _next_path(parent)
    node = OrgNode.objects.create(name=name, kind=kind, parent=parent, path=path, depth=path.count(".") - 1,
                                  code=code or "", short_name=short_name or "", sort_order=sort_order)
    audit.record(actor=actor, action="create", obj=node, node=node,
                 changes={"name": name, "kind": kind, "parent": parent.pk if parent else None, "code": code})
    return node


@transaction.atomic
def unit_create(*, actor, node, kind, name, code="", description="", sort_order=0, check_scope=True) -> Unit:
    """A department, a body of the one-stop centre (矛调中心入驻机构) or a committee of a tenant (街道/乡镇).
    ``check_scope=False`` only for a domain service that has already authorised the actor (e.g. the mediation
    committee kept by the dispute module's managers)."""
    if check_scope and _is_person(actor):
        policy.require(actor, "core.manage_org", node, view_perm="core.view", message="您没有维护该街道机构的权限。")
    if not node.is_tenant:
        raise DomainError("机构只能建立在街道（乡镇）下。", field_errors={"node": "请选择街道（乡镇）。"})
    if kind not in Unit.Kind.values:
        raise DomainError("请选择机构类型。", field_errors={"kind": "类型不正确。"})
    name = clean_text(name, field="name", label="机构名称", max_length=100)
    code = clean_text(code, field="code", label="编码", max_length=40, required=False)
    description = clean_text(description, field="description", label="职能说明", max_length=2000, required=False)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(node=node, kind=kind, name=name, code=code, description=description, sort_order=sort_order)
    except IntegrityError:
        raise DomainError(f"已有名为“{name}”的机构。", field_errors={"name": "名称重复。"})
    audit.record(actor=actor, action="create", obj=unit, node=node, changes={"name": name, "kind": kind})
    return unit


def _is_person(actor) -> bool:
    return isinstance(actor, User)


def _require_users(actor, node) -> None:
    """Accounts and role grants: ``core.manage_users`` on the node (404 when the node is outside the actor's view)."""
    if _is_person(actor):
        policy.require(actor, "core.manage_users", node, view_perm="core.view",
                       message="您没有在该组织管理账号和岗位角色的权限。")


def _check_password(password, user) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        message = "；".join(exc.messages)
        raise DomainError(f"密码不符合要求：{message}", field_errors={"password": f"密码不符合要求：{message}"})


@transaction.atomic
def user_create(*, actor, username, full_name, password=None, phone="", memberships=()) -> User:
    """Create a staff account with its (node, role[, unit]) memberships (the actor manages users on each node)."""
    username = clean_text(username, field="username", label="用户名", max_length=150)
    if not re.fullmatch(r"[A-Za-z0-9_.@+-]+", username):
        raise DomainError("用户名只能使用字母、数字和 _ . @ + -。", field_errors={"username": "含不允许的字符。"})
    full_name = clean_text(full_name, field="full_name", label="姓名", max_length=50)
    phone = validate_phone(phone) if (phone or "").strip() else ""
    for item in memberships:
        _require_users(actor, item[0])
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field_errors={"username": "用户名已存在。"})
    user = User(username=username, full_name=full_name, phone=phone)
    if password:
        if _is_person(actor):
            _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor=actor, action="create", obj=user, node=memberships[0][0] if memberships else None,
                 changes={"username": username, "full_name": full_name})
    for item in memberships:
        node, role = item[0], item[1]
        unit = item[2] if len(item) > 2 else None
        membership_grant(actor=actor, user=user, node=node, role=role, unit=unit)
    return user


@transaction.atomic
def membership_grant(*, actor, user, node, role, unit=None) -> Membership:
    """Grant ``role`` on ``node`` (covering everything below it). Audited as a permission change."""
    _require_users(actor, node)
    if role not in Role.values:
        raise DomainError("未知的岗位角色。", field_errors={"role": "未知的角色。"})
    if unit is not None and (not node.tenant() or unit.node_id != node.tenant().pk):
        raise DomainError("所选机构不属于该街道。", field_errors={"unit": "机构不属于该街道。"})
    membership, created = Membership.objects.get_or_create(user=user, node=node, role=role, defaults={"unit": unit})
    if not created and membership.is_active:
        raise DomainError(f"{user.display_name}已在{node.name}担任“{Role(role).label}”。", field_errors={"role": "已有该角色。"})
    if not created:
        membership.is_active = True
        membership.unit = unit
        membership.save(update_fields=["is_active", "unit"])
    audit.record(actor=actor, action="grant", obj=membership, node=node,
                 changes={"user": user.pk, "role": role, "node": node.pk, "unit": unit.pk if unit else None},
                 action_label=f"授予{user.display_name}“{Role(role).label}”角色")
    policy.forget(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership, reason="") -> Membership:
    _require_users(actor, membership.node)
    if not membership.is_active:
        raise DomainError("该岗位角色已撤销。")
    reason = clean_text(reason, field="reason", label="理由", max_length=500, required=False)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(actor=actor, action="revoke", obj=membership, node=membership.node, reason=reason,
                 changes={"user": membership.user_id, "role": membership.role, "is_active": [True, False]},
                 action_label=f"撤销{membership.user.display_name}“{membership.get_role_display()}”角色")
    policy.forget(membership.user)
    return membership


@transaction.atomic
def user_set_active(*, actor, user, is_active: bool, reason="") -> User:
    """Disable or re-enable an account; the actor must manage users on every node the account holds a role on."""
    nodes = [m.node for m in Membership.objects.filter(user=user).select_related("node")]
    if not nodes and _is_person(actor):
        raise NotAllowed("该账号不在您的管辖范围内。")
    for node in nodes:
        _require_users(actor, node)
    if user == actor:
        raise DomainError("不能停用自己的账号。")
    user.is_active = bool(is_active)
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="update", obj=user, node=nodes[0] if nodes else None, reason=reason,
                 changes={"is_active": [not is_active, bool(is_active)]},
                 action_label="启用账号" if is_active else "停用账号")
    return user


@transaction.atomic
def unit_update(*, actor, unit, name=None, description=None, is_active=None) -> Unit:
    policy.require(actor, "core.manage_org", unit.node, view_perm="core.view")
    before = audit.snapshot(unit, ("name", "description", "is_active"))
    if name is not None:
        unit.name = clean_text(name, field="name", label="机构名称", max_length=100)
    if description is not None:
        unit.description = clean_text(description, field="description", label="职能说明", max_length=2000,
                                      required=False)
    if is_active is not None:
        unit.is_active = bool(is_active)
    if Unit.objects.filter(node=unit.node, kind=unit.kind, name=unit.name).exclude(pk=unit.pk).exists():
        raise DomainError(f"已有名为“{unit.name}”的机构。", field_errors={"name": "名称重复。"})
    unit.save()
    audit.record(actor=actor, action="update", obj=unit, node=unit.node,
                 changes=audit.diff(before, audit.snapshot(unit, ("name", "description", "is_active"))))
    return unit


@transaction.atomic
def org_node_update(*, actor, node, name=None, short_name=None, code=None, is_active=None) -> OrgNode:
    """Rename a node or set its short name (简称, used in document numbers) and code."""
    target = node.parent or node
    policy.require(actor, "core.manage_org", target if node.parent else node, view_perm="core.view")
    fields = ("name", "short_name", "code", "is_active")
    before = audit.snapshot(node, fields)
    if name is not None:
        node.name = clean_text(name, field="name", label="名称", max_length=100)
        if OrgNode.objects.filter(parent=node.parent, name=node.name).exclude(pk=node.pk).exists():
            raise DomainError("同一上级下已有同名节点。", field_errors={"name": "同名。"})
    if short_name is not None:
        node.short_name = clean_text(short_name, field="short_name", label="简称", max_length=20, required=False)
    if code is not None:
        node.code = clean_text(code, field="code", label="编码", max_length=40, required=False)
    if is_active is not None:
        node.is_active = bool(is_active)
    node.save()
    audit.record(actor=actor, action="update", obj=node, node=node, changes=audit.diff(before, audit.snapshot(node, fields)))
    return node


def _require_installation(actor):
    """Installation-wide data: only an administrator of a top-level node (see roles.INSTALLATION_PERMS)."""
    if not policy.has_perm(actor, "core.manage_calendar"):
        raise NotAllowed("工作日历和期限规则为全区共用数据，只有区级（平台）管理员可以修改。")


def _recompute(actor):
    return workdays.recompute_open_deadlines(actor)


@transaction.atomic
def calendar_override_set(*, actor, date, is_working_day, name):
    _require_installation(actor)
    name = clean_text(name, field="name", label="名称", max_length=50)
    before = CalendarOverride.objects.filter(date=date).first()
    old = {"is_working_day": before.is_working_day, "name": before.name} if before else {}
    override, _ = CalendarOverride.objects.update_or_create(date=date, defaults={"is_working_day": is_working_day, "name": name})
    audit.record(actor=actor, action="update" if before else "create", obj=override, node=None,
                 changes=audit.diff(old, {"is_working_day": is_working_day, "name": name}),
                 action_label=f"设置{date:%Y-%m-%d}为{'工作日' if is_working_day else '休息日'}（{name}）")
    changed = _recompute(actor)
    return override, changed


@transaction.atomic
def calendar_override_delete(*, actor, date):
    _require_installation(actor)
    override = CalendarOverride.objects.filter(date=date).first()
    if override is None:
        raise DomainError("该日期没有调整记录。")
    audit.record(actor=actor, action="update", obj=override, node=None,
                 changes={"deleted": [str(override), None]}, action_label=f"取消{date:%Y-%m-%d}的节假日调整")
    override.delete()
    return _recompute(actor)


@transaction.atomic
def calendar_year_define(*, actor, year, note="", is_complete=False):
    """Enter a year the package does not know (Mon–Fri plus the overrides). Until ``is_complete`` is set — once all
    its holidays and make-up days are entered — deadlines that run into it are provisional and say so. Calling it
    again for an entered year with ``is_complete`` marks the year complete."""
    _require_installation(actor)
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年份应在2000至2100之间。", field_errors={"year": "年份不正确。"})
    note = clean_text(note, field="note", label="说明", max_length=200, required=False)
    cal_year, created = CalendarYear.objects.get_or_create(year=year, defaults={
        "note": note, "is_complete": bool(is_complete), "defined_by": actor if getattr(actor, "pk", None) else None})
    if not created:
        if cal_year.is_complete or not is_complete:
            raise DomainError(f"{year}年已经录入过" + ("，并已标记完整。" if cal_year.is_complete else "；录入全部节假日后请勾选“已录入完整”。"))
        cal_year.is_complete = True
        cal_year.save(update_fields=["is_complete"])
        audit.record(actor=actor, action="update", obj=cal_year, node=None, object_repr=f"{year}年工作日历",
                     changes={"is_complete": [False, True]}, action_label=f"标记{year}年工作日历已录入完整")
        return cal_year, _recompute(actor)
    audit.record(actor=actor, action="create", obj=cal_year, node=None, object_repr=f"{year}年工作日历",
                 changes={"year": year, "note": note, "is_complete": bool(is_complete)},
                 action_label=f"录入{year}年工作日历（周一至周五为工作日，节假日按调整表）")
    changed = _recompute(actor)
    return cal_year, changed


@transaction.atomic
def deadline_rule_update(*, actor, rule, amount, unit, legal_basis, name=None, due_soon_days=None):
    _require_installation(actor)
    if amount is None or int(amount) <= 0 or int(amount) > 3650:
        raise DomainError("期限应为1至3650之间的整数。", field_errors={"amount": "期限不正确。"})
    if unit not in DeadlineRule.Unit.values:
        raise DomainError("期限单位不正确。", field_errors={"unit": "单位不正确。"})
    legal_basis = clean_text(legal_basis, field="legal_basis", label="依据", max_length=1000)
    before = audit.snapshot(rule, ["name", "amount", "unit", "legal_basis", "due_soon_days"])
    rule.amount, rule.unit, rule.legal_basis = int(amount), unit, legal_basis
    if name:
        rule.name = clean_text(name, field="name", label="名称", max_length=100)
    if due_soon_days is not None:
        rule.due_soon_days = int(due_soon_days)
    rule.save()
    audit.record(actor=actor, action="update", obj=rule, node=None,
                 changes=audit.diff(before, audit.snapshot(rule, ["name", "amount", "unit", "legal_basis", "due_soon_days"])))
    changed = _recompute(actor)
    return rule, changed


def deadline_rule_ensure(*, code, name, amount, unit, legal_basis, due_soon_days=3):
    """Install a default rule if missing (used by migrations/demo); never overwrites a site's own setting."""
    rule, _ = DeadlineRule.objects.get_or_create(code=code, defaults=dict(name=name, amount=amount, unit=unit, legal_basis=legal_basis, due_soon_days=due_soon_days))
    return rule
