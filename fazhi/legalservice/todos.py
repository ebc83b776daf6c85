"""Workbench to-dos: unanswered consultations (overdue first), villages without an advisor, tomorrow's bookings."""
import datetime

from django.urls import reverse

from fazhi.core import clock, policy
from fazhi.core.todos import Todo

from . import selectors


def todos(user):
    if not policy.has_perm(user, "legalservice.view"):
        return []
    items = []
    today = clock.today()
    if policy.has_perm(user, "legalservice.answer"):
        pending = selectors.pending_consultations_for(user)
        overdue = pending.filter(due_date__lt=today).count()
        total = pending.count()
        if overdue:
            items.append(Todo(label="在线咨询已超期未答复", url=reverse("legalservice:consultations") + "?due=overdue", count=overdue,
                              level="danger", detail="已超过答复期限，请尽快答复。"))
        if total - overdue:
            items.append(Todo(label="在线咨询待答复", url=reverse("legalservice:consultations") + "?status=pending",
                              count=total - overdue, level="warning"))
    if policy.has_perm(user, "legalservice.manage"):
        gaps = selectors.villages_without_advisor(user=user).count()
        if gaps:
            items.append(Todo(label="村（社区）未配备法律顾问", url=reverse("legalservice:coverage"), count=gaps, level="warning",
                              detail="一村（社区）一法律顾问：请为这些村登记法律顾问。"))
    tomorrow = today + datetime.timedelta(days=1)
    booked = selectors.bookings_for_day(user=user, day=tomorrow)
    if selectors.advisors_for_user_account(user).exists():
        booked = booked.filter(office_hour__advisor__user=user)
    count = booked.count()
    if count:
        items.append(Todo(label=f"明天（{tomorrow:%m月%d日}）坐班预约", url=reverse("legalservice:bookings") + "?f=1&upcoming=1",
                          count=count, level="info"))
    return items
