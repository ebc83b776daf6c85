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
        from . import accounts, checks, org_ledger, orgkinds, signals  # noqa: F401

        orgkinds._connect()
        from .domain import discover

        discover()
