"""What a new subdistrict still lacks in this module (the core's onboarding checklist, fazhi.core.onboarding).

一村（社区）一法律顾问: every active village of the subdistrict has an active village legal advisor. Computed from the
roster, never ticked by hand; the link opens the page that fixes it (the register form for a single gap, else the
coverage list narrowed to the gaps, each with its 登记顾问 button).
"""
from __future__ import annotations

from fazhi.core.models import OrgNode
from fazhi.core.onboarding import Check, link

from .selectors import villages_without_advisor_qs


def checks(tenant) -> list[Check]:
    villages = OrgNode.objects.villages().inside(tenant).filter(is_active=True)
    total = villages.count()
    gaps = list(villages_without_advisor_qs(villages).order_by("path").values_list("pk", "name"))
    if not total:
        detail, url = "尚未建立村（社区），建立后为每个村（社区）聘任法律顾问。", ""
    elif gaps:
        names = "、".join(name for _, name in gaps[:10]) + ("等" if len(gaps) > 10 else "")
        detail = f"{len(gaps)} 个村（社区）尚未配备法律顾问：{names}。"
        url = (link("legalservice:advisor_new", query=f"village={gaps[0][0]}") if len(gaps) == 1
               else link("legalservice:coverage", query=f"node={tenant.pk}&missing=1"))
    else:
        detail, url = f"{total} 个村（社区）均已配备法律顾问。", link("legalservice:coverage", query=f"node={tenant.pk}")
    return [Check("每个村（社区）配备法律顾问（一村一法律顾问）", bool(total) and not gaps, detail, url)]
