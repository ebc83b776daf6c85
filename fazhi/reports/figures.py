"""Figures of the reports module: how last year's plan (section 四) was carried out."""
from fazhi.core.figures import figure, within

from .models import PlanItem


def _items(node, start, end):
    return within(PlanItem.objects, node).filter(due_date__range=(start, end)).exclude(status=PlanItem.Status.DROPPED)


@figure("reports.plan_items", "年度计划任务", unit="项", records="reports:plan_list")
def plan_items(node, start, end):
    return _items(node, start, end).count()


@figure("reports.plan_items_done", "已完成的年度计划任务", unit="项", records="reports:plan_list",
        records_params=lambda node, start, end: {"status": "done"})
def plan_items_done(node, start, end):
    return _items(node, start, end).filter(status=PlanItem.Status.DONE).count()
