from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "平台基础"
    nav = [
        ("组织与人员", "core:org_tree", "core.view"),
        ("机构与入驻单位", "core:units", "core.view"),
        ("账号与岗位角色", "core:accounts", "core.manage_users"),
        ("新街道开通清单", "core:onboarding", "core.manage_org"),
        ("工作日历", "core:calendar", "core.manage_calendar"),
        ("期限规则", "core:deadline_rules", "core.manage_calendar"),
        ("审计日志", "core:audit_log", "core.view_audit"),
        ("消息发送记录", "core:messages", "core.manage_org"),
        ("台账导入导出", "core:ledgers", "core.view"),
    ]

    def ready(self):
        from . import accounts, checks, delivery, org_ledger, orgkinds, policies, signals  # noqa: F401

        orgkinds._connect()
        from .domain import discover

        discover()
