"""Workbench to-dos of the enforcement module."""
from django.urls import reverse

from fazhi.core import policy
from fazhi.core.todos import Todo

from . import selectors
from .models import CaseStatus


def _cases(**filters):
    return lambda user: selectors.case_list(user=user, filters=filters)


# (permission, rows(user), label, list url name, query, level, detail) — one to-do when rows(user) is not empty
ITEMS = [
    ("enforcement.manage", lambda user: selectors.officers_expiring(user=user), "执法证将在60日内到期",
     "enforcement:officer_list", "?cert=expiring", "warning", "请提醒相关人员按时换证；过期后不能参与执法。"),
    ("enforcement.approve", _cases(status=CaseStatus.DRAFT), "待审批立案", "enforcement:case_list", "?status=draft", "info", ""),
    ("enforcement.review", lambda user: selectors.review_queue(user=user), "待法制审核的重大执法决定",
     "enforcement:review_queue", "", "warning", ""),
    ("enforcement.handle", _cases(due="overdue"), "执法案件超过决定期限", "enforcement:case_list", "?due=overdue", "danger", ""),
    ("enforcement.handle", _cases(due="soon"), "执法案件临近决定期限", "enforcement:case_list", "?due=soon", "warning", ""),
    ("enforcement.publish", lambda user: selectors.unpublished_decisions(user=user), "已作出但未公示的执法决定",
     "enforcement:deadlines", "", "warning", ""),
    ("enforcement.publish", lambda user: selectors.publications_to_withdraw(user=user), "原决定已撤销/变更、待撤回的公示",
     "enforcement:deadlines", "", "danger", "应在撤销/变更之日起3个工作日内撤回。"),
]


def todos(user):
    if not policy.has_perm(user, "enforcement.view"):
        return []
    items = []
    for perm, rows, label, url, query, level, detail in ITEMS:
        if not policy.has_perm(user, perm):
            continue
        n = rows(user).count()
        if n:
            items.append(Todo(label=label, url=reverse(url) + query, count=n, level=level, detail=detail))
    return items
