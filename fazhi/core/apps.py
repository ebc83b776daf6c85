from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "平台基础"
    nav = [
        ("组织与人员", "core:org_tree", "core.view"),
        ("工作日历", "core:calendar", "core.manage_calendar"),
        ("期限规则", "core:deadline_rules", "core.manage_calendar"),
        ("审计日志", "core:audit_log", "core.view_audit"),
        ("台账导入导出", "core:ledgers", "core.view"),
    ]

    def ready(self):
        from importlib import import_module

        from django.apps import apps

        from . import checks, org_ledger, signals  # noqa: F401
        from .figures import autodiscover

        autodiscover()
        # Each domain app registers its ledgers in <app>/ledger.py.
        for config in apps.get_app_configs():
            if config.name.startswith("fazhi.") and config.name != "fazhi.core":
                try:
                    import_module(f"{config.name}.ledger")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.ledger":
                        raise
