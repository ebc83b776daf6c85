"""The explicit domain-app protocol: what a module tells the core, discovered in one place.

A domain app's ``AppConfig`` derives from ``DomainApp`` and declares, as data:

    class DisputesConfig(DomainApp):
        name = "fazhi.disputes"
        verbose_name = "矛盾纠纷多元化解"
        provides = ("permissions", "policies", "figures", "ledger", "todos", "workdays")

Menus are not declared here: a page carries its own entry (``menu = "…"``, ``public_menu = "…"``, see
``fazhi.core.menu``).

``provides`` names the modules of the app that register something with the core; they are imported once, at
start-up, by ``discover()`` — a missing module that is declared is an error at start-up, never a silent skip:

- ``permissions``: ``GRANTS = {Role.X: {"app.verb"}}`` — merged into ``fazhi.core.roles``.
- ``policies``: ``access.register(AccessPolicy(...))`` per scoped model, extra grants included.
- ``figures``: ``@figures.figure(...)`` functions for reports, dashboards and the API.
- ``ledger``: ``@ledger.register`` Excel ledgers.
- ``todos``: ``def todos(user) -> list[Todo]`` for the workbench home.
- ``workdays``: ``@workdays.register_recompute`` hooks (deadlines stored on rows, recomputed on calendar change).
- ``jobs``: background work registered with ``fazhi.core.jobs``.
- ``onboarding``: ``def checks(tenant) -> list[onboarding.Check]`` — what a new subdistrict still lacks in this module.
- ``retention``: ``@retention.register(code)`` handlers that pseudonymise closed records past their retention period.

The core imports no domain app by name.
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps

KNOWN = ("permissions", "policies", "figures", "ledger", "todos", "workdays", "jobs", "onboarding", "retention")


class DomainApp(AppConfig):
    provides: tuple[str, ...] = ()

    def provided(self, name: str) -> ModuleType | None:
        """The app's ``name`` module if the app declares it (imported on first use)."""
        if name not in self.provides:
            return None
        return import_module(f"{self.name}.{name}")


def domain_apps() -> list[DomainApp]:
    return [c for c in apps.get_app_configs() if isinstance(c, DomainApp)]


def providers(name: str) -> list[tuple[DomainApp, ModuleType]]:
    """(app, module) for every domain app that declares ``name`` in ``provides``."""
    out = []
    for config in domain_apps():
        module = config.provided(name)
        if module is not None:
            out.append((config, module))
    return out


_discovered = False


def discover() -> None:
    """Import every declared module once (called from ``CoreConfig.ready``)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in domain_apps():
        unknown = set(config.provides) - set(KNOWN)
        if unknown:
            raise ValueError(f"{config.name}: unknown provides {sorted(unknown)}")
        for name in config.provides:
            if name != "permissions":  # read lazily by roles (it may import models)
                config.provided(name)
