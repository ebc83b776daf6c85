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


def add_counted(items: list, count: int, **fields) -> None:
    """Adds a to-do for ``count`` records to ``items``, none when there are none."""
    if count:
        items.append(Todo(count=count, **fields))


@dataclass
class Shortcut:
    """A big button at the top of the workbench home for the one thing a role does most (a grid worker: 上报)."""

    label: str
    url: str
    note: str = ""


def shortcuts_for(user) -> list[Shortcut]:
    """Shortcuts declared by the apps' ``todos.py`` as ``shortcuts(user) -> [Shortcut]`` (optional)."""
    out = []
    for _, module in _modules():
        provider = getattr(module, "shortcuts", None)
        if provider is not None:
            out.extend(provider(user))
    return out


def _modules():
    from .domain import providers

    return providers("todos")


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
    """Everyone: unread notifications (work handed to them). Administrators: next year's holiday schedule must be
    entered before deadlines can run into it."""
    from django.urls import reverse

    from . import clock, notifications, policy, workdays

    items = []
    unread = notifications.unread_count(user)
    if unread:  # "info": the reminder job does not remind of its own notifications
        items.append(Todo(label="未读通知", url=reverse("core:notifications") + "?unread=1", count=unread, level="info",
                          detail="分派给您、等待您处理或即将到期的事项。"))
    if not policy.has_perm(user, "core.manage_calendar"):
        return items
    today = clock.today()
    next_year = today.year + 1
    if today.month >= 11 and not workdays.Calendar().knows_year(next_year):
        items.insert(0, Todo(label=f"录入{next_year}年法定节假日安排", url=reverse("core:calendar") + f"?year={next_year}",
                             count=1, level="warning", detail="未录入前，跨入该年的期限无法计算。"))
    return items
