"""The states of office hours and consultations, and who may move them — the one place.

Office hour:  计划坐班 → 已坐班 / 未坐班 / 已取消 (recorded by the advisor or judicial staff; held/missed only on or
after the day, cancelled only before it).
Booking:      已预约 → 已取消 (staff who record office hours, with a reason).
Consultation: 待答复 → 已答复 (the advisor of the village or judicial staff); an answered consultation may be
published as a cleaned, masked public example by judicial staff (a separate flag, not a state).
"""
from fazhi.core import clock
from fazhi.core.workflow import Transition, Workflow

from .models import Booking, Consultation, OfficeHour

S = OfficeHour.Status


def _not_before_day(obj, user):
    if obj.date > clock.today():
        return f"坐班日期为{obj.date:%Y年%m月%d日}，当天或之后才能登记坐班情况。"
    return None


def _before_day(obj, user):
    if obj.date < clock.today():
        return "已过坐班日期，不能取消；请登记为“已坐班”或“未坐班”。"
    return None


office_hour_workflow = Workflow(
    [
        Transition("hold", "登记已坐班", (S.PLANNED, S.MISSED), S.HELD, "legalservice.record_office_hour",
                   guard=_not_before_day, fields=("people_received", "note")),
        Transition("miss", "登记未坐班", (S.PLANNED,), S.MISSED, "legalservice.record_office_hour",
                   guard=_not_before_day, requires_reason=True, style="danger", fields=("reason",)),
        Transition("cancel", "取消坐班", (S.PLANNED,), S.CANCELLED, "legalservice.record_office_hour",
                   guard=_before_day, requires_reason=True, style="danger", fields=("reason",)),
    ],
    state_labels=dict(S.choices), view_perm="legalservice.view",
    audit_fields=("status", "people_received", "note"),
)

C = Consultation.Status


def _not_published(obj, user):
    return "已发布为公开案例。" if obj.is_published else None


def _published(obj, user):
    return None if obj.is_published else "尚未发布。"


consultation_workflow = Workflow(
    [
        Transition("answer", "答复", (C.PENDING,), C.ANSWERED, "legalservice.answer", fields=("answer",)),
        Transition("publish", "发布为公开案例", (C.ANSWERED,), None, "legalservice.publish", guard=_not_published,
                   fields=("public_question", "public_answer")),
        Transition("unpublish", "撤回公开案例", (C.ANSWERED,), None, "legalservice.publish", guard=_published,
                   requires_reason=True, style="danger", fields=("reason",)),
    ],
    state_labels=dict(C.choices), view_perm="legalservice.view",
    audit_fields=("status", "is_published"),
)

B = Booking.Status

booking_workflow = Workflow(
    [
        Transition("cancel", "取消预约", (B.BOOKED,), B.CANCELLED, "legalservice.record_office_hour",
                   requires_reason=True, style="danger", fields=("reason",)),
    ],
    state_labels=dict(B.choices), view_perm="legalservice.view", audit_fields=("status",),
)
