"""消息发送记录: every message that left (or tried to leave) the platform — email, SMS, WeChat — with its status, attempts
and failure reason, for the administrators of the organisation it belongs to (``fazhi.core.delivery``)."""
from .delivery import C, S, counts_for, messages_for, outbox_policy
from .pages import ListPage


class Messages(ListPage):
    perms = {"GET": "core.manage_org"}
    access = outbox_policy
    template_name = "core/delivery/messages.html"

    def get_queryset(self):
        return messages_for(self.request.user, filters=self.request.GET)

    def extra_context(self):
        counts = counts_for(self.request.user)
        return {"statuses": [(value, label, counts.get(value, 0)) for value, label in S.choices],
                "channels": C.choices}
