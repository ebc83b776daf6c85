"""The workbench menu, declared where the pages are: in the app's ``urls.py``.

    urlpatterns = [
        menu("矛盾纠纷台账", "", views.DisputeList.as_view(), name="list"),
        path("new/", views.DisputeNew.as_view(), name="new"),
        ...
    ]

An entry is shown to a user exactly when its page would let them in (the page's ``perms["GET"]`` through the one
gate, extra grants included), in the order of ``urlpatterns``, under the app's ``verbose_name``. No app lists its
menu a second time in ``apps.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.urls import NoReverseMatch, URLPattern, path, reverse


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    view: object

    def allowed(self, user) -> bool:
        may_any = getattr(self.view, "may_any", None)
        return may_any is None or may_any(user, "GET")


def menu(label: str, route: str, view, *, name: str) -> URLPattern:
    """A URL pattern that is also an entry of its app's workbench menu."""
    pattern = path(route, view, name=name)
    pattern.menu_label = label
    return pattern


def entries(app_config) -> list[Entry]:
    """The menu entries an app declares in its ``urls.py`` (none when it has no such module)."""
    cached = getattr(app_config, "_menu_entries", None)
    if cached is not None:
        return cached
    try:
        module = import_module(f"{app_config.name}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_config.name}.urls":
            raise
        module = None
    found = []
    if module is not None:
        namespace = getattr(module, "app_name", app_config.label)
        for pattern in getattr(module, "urlpatterns", []):
            label = getattr(pattern, "menu_label", "")
            if label:
                view = getattr(pattern.callback, "view_class", pattern.callback)
                found.append(Entry(label, f"{namespace}:{pattern.name}", view))
    app_config._menu_entries = found
    return found


def sections(user, app_configs) -> list[dict]:
    """The menu for ``user``: one section per app with at least one entry the user may open."""
    out = []
    for config in app_configs:
        items = []
        for entry in entries(config):
            if not entry.allowed(user):
                continue
            try:
                items.append({"label": entry.label, "url": reverse(entry.url_name), "name": entry.url_name})
            except NoReverseMatch:
                continue
        if items:
            out.append({"title": config.verbose_name, "items": items, "app": config.label})
    return out
