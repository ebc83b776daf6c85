"""What a new subdistrict still lacks in this module (the core's onboarding checklist, fazhi.core.onboarding).

Publicity works once the subdistrict has someone in a role that runs it (司法所: sites, the 法治带头人/法律明白人
register and trainings) and someone who keeps the leadership law-study records (党政办). A register of
法治带头人/法律明白人 in every village is the goal of the cultivation programme, shown but not blocking. Everything is
computed from records; each link opens the page that fixes it.
"""
from __future__ import annotations

from fazhi.core.onboarding import Check, accounts_check, link

from . import selectors


def checks(tenant) -> list[Check]:
    total, gaps = selectors.villages_without_leaders(tenant)
    if not total:
        detail = "尚未建立村（社区）。"
    elif gaps:
        detail = f"{len(gaps)} 个村（社区）尚未登记：" + "、".join(gaps[:10]) + ("等" if len(gaps) > 10 else "") + "。"
    else:
        detail = f"{total} 个村（社区）均已登记。"
    return [
        accounts_check(tenant, "publicity.manage", "普法工作账号（司法所：普法阵地、名册与培训）", "可开展普法工作（如司法所工作人员）的"),
        accounts_check(tenant, "publicity.manage_study", "领导干部学法登记账号（党政办）", "可登记领导干部学法（如党政办工作人员）的"),
        Check("每个村（社区）登记法治带头人、法律明白人", bool(total) and not gaps, detail,
              link("publicity:leader_create"), required=False),
    ]
