"""Workbench to-dos: key dates coming up with no event planned; planned events whose results are overdue."""
from django.urls import reverse

from fazhi.core import clock, policy, workdays
from fazhi.core.errors import DomainError
from fazhi.core.todos import Todo

from . import selectors, services


def todos(user):
    items = _key_date_todos(user)
    if not policy.has_perm(user, "publicity.record_event"):
        return items
    today = clock.today()
    try:
        lead = workdays.rule(services.KEY_DATE_LEAD_RULE).amount
    except DomainError:
        lead = 14
    missing = selectors.key_dates_without_event(user, today=today, lead_days=lead) if policy.has_perm(user, "publicity.manage") else []
    if missing:
        names = "、".join(f"{o.key_date.name}（{o.start:%m月%d日}）" for o in missing[:5])
        items.append(Todo(label=f"{lead}天内的宣传节点尚无活动计划", url=reverse("publicity:calendar"), count=len(missing),
                          level="warning", detail=names))
    due = selectors.due_events(user)
    overdue = due.filter(record_due__lt=today).count()
    if overdue:
        items.append(Todo(label="普法活动已过登记期限，尚未登记开展情况", url=reverse("publicity:events") + "?due=overdue",
                          count=overdue, level="danger", detail="活动开展后5个工作日内登记受众人次、宣传资料和照片（期限规则可调整）"))
    past_unrecorded = due.filter(record_due__gte=today, date__lte=today).count()
    if past_unrecorded:
        items.append(Todo(label="普法活动待登记开展情况", url=reverse("publicity:events") + "?status=planned", count=past_unrecorded,
                          level="info"))
    return items


def _key_date_todos(user):
    """Administrators: lunar festivals need their solar date entered for the current year (and next, from October)."""
    if not policy.has_perm(user, "core.manage_calendar"):
        return []
    today = clock.today()
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    missing = [(kd, y) for kd in selectors.key_dates().filter(calendar="lunar") for y in years if kd.start_in(y) is None]
    if not missing:
        return []
    return [Todo(label="录入农历节日的公历日期", url=reverse("publicity:key_dates"), count=len(missing), level="warning",
                 detail="、".join(f"{kd.name}{y}年" for kd, y in missing[:6]))]
