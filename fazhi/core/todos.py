"""To-dos on the workbench home. Each app may provide ``<app>/todos.py`` with ``todos(user) -> [Todo]``."""
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass
class Todo:
    label: str
    url: str
    count: int = 0
    level: str = "info"  # info, warning, danger
    module: str = ""
    detail: str = ""


def _providers():
    for config in apps.get_app_configs():
        if config.name == "fazhi.core":
            yield config.verbose_name, core_todos
        elif config.name.startswith("fazhi."):
            try:
                module = import_module(f"{config.name}.todos")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.todos":
                    raise
                continue
            yield getattr(config, "verbose_name", config.label), module.todos


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
