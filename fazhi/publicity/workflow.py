"""The life of a publicity event, declared once: planned → held (results recorded) or cancelled.

An event entered after its date is created directly as held (services.event_create); a planned one must have its
results (people reached per group, materials, slogans) recorded within the ``publicity.event_record`` time limit.
"""
from fazhi.core import clock
from fazhi.core.workflow import Transition, Workflow

from .models import Event

S = Event.Status


def _held_already(event, user):
    if event.date > clock.today():
        return f"活动日期为{event.date:%Y年%m月%d日}，尚未到达，开展后才能登记开展情况。"
    return None


EVENT_WORKFLOW = Workflow(
    [
        Transition("record", "登记开展情况", (S.PLANNED,), S.HELD, "publicity.record_event", guard=_held_already,
                   fields=("materials", "slogans", "online_reach", "reach")),
        Transition("cancel", "取消活动", (S.PLANNED,), S.CANCELLED, "publicity.record_event", requires_reason=True,
                   style="danger", fields=("reason",)),
    ],
    state_labels=dict(S.choices), view_perm="publicity.view",
    audit_fields=("status", "materials", "slogans", "online_reach", "cancel_reason", "record_due"),
)
