"""Every write of core data. Keyword-only arguments; each runs in one transaction and writes its audit event."""
from django.db import IntegrityError, transaction

from . import audit, orgkinds, policy, workdays
from .errors import DomainError
from .models import CalendarOverride, CalendarYear, DeadlineRule, Membership, OrgNode, Unit, User
from .roles import Role
from .validators import clean_text


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
def unit_create(*, actor, node, kind, name, code="", description="", sort_order=0):
    if not node.is_tenant:
        raise DomainError("机构只能建立在街道（乡镇）下。")
    name = clean_text(name, field="name", label="机构名称", max_length=100)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(node=node, kind=kind, name=name, code=code, description=description, sort_order=sort_order)
    except IntegrityError:
        raise DomainError(f"已有名为“{name}”的机构。", field_errors={"name": "名称重复。"})
    audit.record(actor=actor, action="create", obj=unit, node=node, changes={"name": name, "kind": kind})
    return unit


@transaction.atomic
def user_create(*, actor, username, full_name, password=None, phone="", memberships=()):
    """Create a staff account with its (node, role[, unit]) memberships."""
    username = clean_text(username, field="username", label="用户名", max_length=150)
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field_errors={"username": "用户名已存在。"})
    user = User(username=username, full_name=full_name, phone=phone)
    if password:
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
def membership_grant(*, actor, user, node, role, unit=None):
    if role not in Role.values:
        raise DomainError("未知的角色。", field_errors={"role": "未知的角色。"})
    membership, created = Membership.objects.get_or_create(user=user, node=node, role=role, defaults={"unit": unit})
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit.record(actor=actor, action="create", obj=membership, node=node,
                 changes={"user": user.pk, "role": role, "node": node.pk, "unit": unit.pk if unit else None},
                 action_label=f"授予{user.display_name}“{Role(role).label}”角色")
    policy.forget(user)
    return membership


def _recompute(actor):
    return workdays.recompute_open_deadlines(actor)


@transaction.atomic
def calendar_override_set(*, actor, date, is_working_day, name):
    policy.require(actor, "core.manage_calendar", policy.user_home_node(actor) or OrgNode.objects.first())
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
    policy.require(actor, "core.manage_calendar", policy.user_home_node(actor) or OrgNode.objects.first())
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
    policy.require(actor, "core.manage_calendar", policy.user_home_node(actor) or OrgNode.objects.first())
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
    policy.require(actor, "core.manage_calendar", policy.user_home_node(actor) or OrgNode.objects.first())
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
