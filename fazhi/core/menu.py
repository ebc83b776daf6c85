"""The menus, declared where the pages are: the workbench menu in an app's ``urls.py``, the public site's menu (and
the portal's tiles) in its ``urls_public.py``.

    urlpatterns = [
        menu("矛盾纠纷台账", "", views.DisputeList.as_view(), name="list"),
        path("new/", views.DisputeNew.as_view(), name="new"),
    ]
    urlpatterns = [public_menu("我要调解", "", views_public.submit, name="submit", note="在线申请调解")]

A workbench entry is shown to a user exactly when its page would let them in (the page's ``perms["GET"]`` through
the one gate, extra grants included; a function view names its ``perm``), in the order of ``urlpatterns``, under
the app's ``verbose_name``. No app lists a menu a second time in ``apps.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.urls import NoReverseMatch, URLPattern, path, reverse

from . import policy


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    view: object
    perm: str = ""
    note: str = ""

    def allowed(self, user) -> bool:
        if self.perm:
            return policy.has_perm(user, self.perm)
        may_any = getattr(self.view, "may_any", None)
        return may_any is None or may_any(user, "GET")

    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


def menu(label: str, route: str, view, *, name: str, perm: str = "") -> URLPattern:
    """A URL pattern that is also an entry of its app's workbench menu."""
    pattern = path(route, view, name=name)
    pattern.menu_entry = (label, perm, "")
    return pattern


def public_menu(label: str, route: str, view, *, name: str, note: str = "") -> URLPattern:
    """A URL pattern that is also an entry of the public site's menu and a tile of the portal (with ``note``)."""
    pattern = path(route, view, name=name)
    pattern.public_entry = (label, "", note)
    return pattern


def entries(app_config, *, public: bool = False) -> list[Entry]:
    """The entries an app declares in ``urls.py`` (or ``urls_public.py``); none when it has no such module."""
    if not app_config.name.startswith("fazhi."):
        return []
    key = "_public_entries" if public else "_menu_entries"
    cached = getattr(app_config, key, None)
    if cached is not None:
        return cached
    module_name = f"{app_config.name}.{'urls_public' if public else 'urls'}"
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        module = None
    found = []
    if module is not None:
        namespace = getattr(module, "app_name", app_config.label)
        for pattern in getattr(module, "urlpatterns", []):
            declared = getattr(pattern, "public_entry" if public else "menu_entry", None)
            if declared:
                label, perm, note = declared
                view = getattr(pattern.callback, "view_class", pattern.callback)
                found.append(Entry(label, f"{namespace}:{pattern.name}", view, perm, note))
    setattr(app_config, key, found)
    return found


def sections(user, app_configs) -> list[dict]:
    """The workbench menu for ``user``: one section per app with at least one entry the user may open."""
    out = []
    for config in app_configs:
        items = [{"label": e.label, "url": e.url(), "name": e.url_name} for e in entries(config) if e.allowed(user)]
        items = [item for item in items if item["url"]]
        if items:
            out.append({"title": config.verbose_name, "items": items, "app": config.label})
    return out


def public_items(app_configs) -> list[dict]:
    """The public site's menu (and the portal's tiles): label, address and note."""
    items = [{"label": e.label, "url": e.url(), "note": e.note}
             for config in app_configs for e in entries(config, public=True)]
    return [item for item in items if item["url"]]
