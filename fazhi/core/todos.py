"""To-dos on the workbench home. A domain app declares ``"todos"`` in ``provides``: ``<app>/todos.py`` with
``todos(user) -> [Todo]``."""
from dataclasses import dataclass


@dataclass
class Todo:
    label: str
    url: str
    count: int = 0
    level: str = "info"  # info, warning, danger
    module: str = ""
    detail: str = ""


def _providers():
    from .domain import providers

    yield "平台基础", core_todos
    for config, module in providers("todos"):
        yield config.verbose_name, module.todos


def todos_for(user):
    items = []
    for module_name, provider in _providers():
        for todo in provider(user):
            todo.module = todo.module or module_name
            items.append(todo)
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda t: order.get(t.level, 3))


def core_todos(user):
    """Administrators: next year's holiday schedule must be entered before deadlines can run into it."""
    from django.urls import reverse

    from . import clock, policy, workdays

    if not policy.has_perm(user, "core.manage_calendar"):
        return []
    today = clock.today()
    next_year = today.year + 1
    if today.month >= 11 and not workdays.Calendar().knows_year(next_year):
        return [Todo(label=f"录入{next_year}年法定节假日安排", url=reverse("core:calendar") + f"?year={next_year}", count=1,
                     level="warning", detail="未录入前，跨入该年的期限无法计算。")]
    return []
