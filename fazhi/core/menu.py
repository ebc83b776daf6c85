"""The menus, declared on the pages themselves:

    class DisputeList(ListPage):
        menu = "矛盾纠纷台账"            # an entry of the workbench menu
    class Submit(PublicPage):
        public_menu = "我要调解"         # an entry of the public site's menu and a tile of the portal
        public_note = "在线申请调解"

A workbench entry is shown to a user exactly when its page would let them in (the page's ``perms["GET"]`` through
the one gate, extra grants included), in the order of the app's ``urlpatterns``, under the app's ``verbose_name``.
An app whose pages are plain functions (core) lists them in its config as ``nav = [(label, url name, perm)]``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module

from django.urls import NoReverseMatch, reverse

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
        return _address(self.url_name)


@functools.lru_cache(maxsize=512)
def _address(url_name: str) -> str:
    """A menu entry's address, worked out once per process (the URL patterns do not change while it runs)."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""


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
    found, seen = [], set()
    legacy = getattr(app_config, "public_nav" if public else "nav", None)
    if legacy:  # an app whose pages are functions (core) lists them: (label, url name, permission)
        rows = [(*item, "")[:3] for item in legacy]
        found = [Entry(label, url_name, None, "" if public else extra, extra if public else "")
                 for label, url_name, extra in rows]
    elif module is not None:
        namespace = getattr(module, "app_name", app_config.label)
        for pattern in getattr(module, "urlpatterns", []):
            view = getattr(pattern.callback, "view_class", pattern.callback)
            label = getattr(view, "public_menu" if public else "menu", "")
            if label and view not in seen and getattr(pattern, "name", None):
                seen.add(view)
                found.append(Entry(label, f"{namespace}:{pattern.name}", view, "", getattr(view, "public_note", "")))
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
