"""What a new subdistrict still lacks for information disclosure (the core's onboarding checklist).

Disclosure works once someone can register and answer requests (信息公开工作人员, 政府信息公开条例第四条: the
agency designates its disclosure office), the proactive-disclosure catalogue has categories (第二十条 lists what is
published proactively), and someone can review and finalise the annual report (第四十九条). Computed from records;
each link opens the page that fixes it.
"""
from __future__ import annotations

from fazhi.core.onboarding import Check, accounts_check, link

from . import selectors


def checks(tenant) -> list[Check]:
    categories = selectors.categories().count()
    return [
        accounts_check(tenant, "governance.requests", "依申请公开办理账号（信息公开工作人员）", "可登记、答复依申请公开的"),
        Check("主动公开目录", categories > 0,
              f"目录有 {categories} 个类别。" if categories else "主动公开目录没有启用的类别，主动公开信息无处归类。",
              link("governance:items")),
        accounts_check(tenant, "governance.report_finalise", "信息公开工作年度报告审核定稿账号（街道负责人）",
                       "可审核定稿年度报告的", required=False),
    ]
