"""Workbench to-dos of the enforcement module."""
from django.urls import reverse

from fazhi.core import policy
from fazhi.core.todos import Todo

from . import selectors
from .models import CaseStatus


def todos(user):
    if not policy.has_perm(user, "enforcement.view"):
        return []
    items = []
    if policy.has_perm(user, "enforcement.manage"):
        n = selectors.officers_expiring(user=user).count()
        if n:
            items.append(Todo(label="执法证将在60日内到期", url=reverse("enforcement:officer_list") + "?cert=expiring", count=n,
                              level="warning", detail="请提醒相关人员按时换证；过期后不能参与执法。"))
    if policy.has_perm(user, "enforcement.approve"):
        n = selectors.case_list(user=user, filters={"status": CaseStatus.DRAFT}).count()
        if n:
            items.append(Todo(label="待审批立案", url=reverse("enforcement:case_list") + "?status=draft", count=n, level="info"))
    if policy.has_perm(user, "enforcement.review"):
        n = selectors.review_queue(user=user).count()
        if n:
            items.append(Todo(label="待法制审核的重大执法决定", url=reverse("enforcement:review_queue"), count=n, level="warning"))
    if policy.has_perm(user, "enforcement.handle"):
        n = selectors.case_list(user=user, filters={"due": "overdue"}).count()
        if n:
            items.append(Todo(label="执法案件超过决定期限", url=reverse("enforcement:case_list") + "?due=overdue", count=n, level="danger"))
        n = selectors.case_list(user=user, filters={"due": "soon"}).count()
        if n:
            items.append(Todo(label="执法案件临近决定期限", url=reverse("enforcement:case_list") + "?due=soon", count=n, level="warning"))
    if policy.has_perm(user, "enforcement.publish"):
        n = selectors.unpublished_decisions(user=user).count()
        if n:
            items.append(Todo(label="已作出但未公示的执法决定", url=reverse("enforcement:deadlines"), count=n, level="warning"))
        n = selectors.publications_to_withdraw(user=user).count()
        if n:
            items.append(Todo(label="原决定已撤销/变更、待撤回的公示", url=reverse("enforcement:deadlines"), count=n, level="danger",
                              detail="应在撤销/变更之日起3个工作日内撤回。"))
    return items
