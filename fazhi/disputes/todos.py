"""Workbench to-dos of the dispute module: overdue and due-soon cases, cases to accept, follow-ups, judicial
confirmation windows, transfers to my body, and (for the leader) risk-flagged cases."""
from django.urls import reverse

from fazhi.core import policy
from fazhi.core.roles import Role
from fazhi.core.todos import Shortcut, add_counted

from . import selectors


def todos(user):
    if not (policy.has_perm(user, "disputes.view") or policy.has_perm(user, "disputes.view_joined")):
        return []
    items = []
    base = reverse("disputes:list")
    add_counted(items, selectors.overdue(user).count(), label="超期未办结的矛盾纠纷", url=f"{base}?overdue=1&sort=due",
                level="danger", detail="已超过办结期限（默认一个月），请尽快办结或上报。")
    add_counted(items, selectors.due_soon(user).count(), label="即将到期的矛盾纠纷", url=f"{base}?due_soon=1&sort=due",
                level="warning")
    if policy.has_perm(user, "disputes.accept"):
        add_counted(items, selectors.dispute_qs(user).filter(status="registered").count(), label="待受理的矛盾纠纷",
                    url=f"{base}?status=registered", level="warning")
    if policy.has_perm(user, "disputes.follow_up"):
        add_counted(items, selectors.followups_due(user).count(), label="待回访的矛盾纠纷", url=f"{base}?status=agreed",
                    level="info")
    if policy.has_perm(user, "disputes.judicial"):
        add_counted(items, selectors.judicial_window_open(user).count(), label="司法确认申请期内的调解协议",
                    url=f"{base}?judicial=&status=agreed", level="info",
                    detail="协议生效30日内可共同申请司法确认，请登记申请情况。")
    add_counted(items, selectors.transfers_to_my_body(user).count(), label="移交本机构办理的矛盾纠纷",
                url=reverse("disputes:transfers"), level="warning")
    if policy.has_perm(user, "disputes.oversee"):
        add_counted(items, selectors.flagged_open(user).count(), label="风险预警纠纷（重复、暴力倾向、群体性）",
                    url=f"{base}?flagged=1&status=open", level="danger")
    return items


def shortcuts(user):
    """A grid worker's 上报 button: the patrol report form, their grid already chosen when they have one."""
    if not policy.has_role(user, Role.GRID_WORKER) or not policy.has_perm(user, "disputes.intake"):
        return []
    grids = list(selectors.grids_for(user, "disputes.intake")[:2])
    url = reverse("disputes:new") + (f"?village={grids[0].parent_id}&grid={grids[0].pk}" if len(grids) == 1 else "")
    return [Shortcut(label="上报矛盾纠纷", url=url, note="网格排查发现的纠纷")]
