"""To-dos: last year's report not yet reported up / published as its statutory deadline nears; plan items due."""
import datetime

from django.urls import reverse

from fazhi.core import clock, policy
from fazhi.core.todos import Todo

from . import selectors, services
from .models import PlanItem


def todos(user):
    if not policy.has_perm(user, "reports.edit"):
        return []
    out = []
    today = clock.today()
    year = today.year - 1
    nodes = selectors.tenants_for(user, "reports.edit")
    reports = selectors.reports_of(nodes=nodes, year=year)
    for node in nodes:
        report = reports.get(node.pk)
        if report is None:
            out.append(Todo(label=f"起草{node.name}{year}年法治政府建设年度报告", url=reverse("reports:list"), count=1,
                            level="warning", detail="须于3月1日前报送上级、4月1日前向社会公开"))
            continue
        for d in services.report_deadlines(report):
            if d["status"] in ("overdue", "due_soon"):
                out.append(Todo(label=f"{report.title}：{d['deadline'].rule_name}", url=reverse("reports:detail", args=[report.pk]),
                                count=1, level="danger" if d["status"] == "overdue" else "warning",
                                detail=d["deadline"].explain()))
    soon = today + datetime.timedelta(days=30)
    due = selectors.plan_items(user=user, action="edit").filter(
        status__in=[PlanItem.Status.PLANNED, PlanItem.Status.IN_PROGRESS], due_date__lte=soon).count()
    if due:
        out.append(Todo(label="年度计划任务临期或超期", url=reverse("reports:plan_list") + "?status=planned", count=due,
                        level="warning"))
    return out
