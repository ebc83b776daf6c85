"""消息发送记录: every message that left (or tried to leave) the platform — email, SMS, WeChat — with its status, attempts
and failure reason, for the administrators of the organisation it belongs to (``fazhi.core.delivery``)."""
from django.urls import reverse

from .delivery import C, S, counts_for, messages_for, outbox_policy, resend_failed
from .pages import ActionPage, ListPage


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


class ResendFailed(ActionPage):
    perms = {"POST": "core.manage_org"}

    def perform(self):
        n = resend_failed(actor=self.request.user)
        return f"已重新发送 {n} 条失败的消息，结果见下表。" if n else "没有发送失败的消息。"

    def redirect_url(self):
        return reverse("core:messages")
