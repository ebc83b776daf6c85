"""The notification inbox on the workbench: the list (unread first in the header count), open (marks read and goes
to the record, if the reader may still see it), mark read, mark all read."""
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import notifications
from .pages import ActionPage, ListPage, Page


class Inbox(ListPage):
    template_name = "core/notifications.html"
    partial_template = None

    def get_queryset(self):
        return notifications.inbox(self.request.user, unread_only=self.request.GET.get("unread") == "1")

    def extra_context(self):
        return {"unread_only": self.request.GET.get("unread") == "1"}


class Open(Page):
    """Follow a notification's link: marked read; a record that has left the reader's scope is not opened."""

    access = notifications.notification_policy

    def get(self, request, pk):
        n = self.get_object(pk)
        notifications.mark_read(user=request.user, notification=n)
        if not n.url or not notifications.target_visible(request.user, n):
            if n.url:
                messages.warning(request, "该事项已不在您的管辖范围内，或已被删除。")
            return HttpResponseRedirect(reverse("core:notifications"))
        local = n.url.startswith("/") and not n.url.startswith(("//", "/\\"))  # links are the platform's own pages
        return HttpResponseRedirect(n.url if local else reverse("core:notifications"))


class MarkRead(ActionPage):
    access = notifications.notification_policy
    success_message = ""

    def perform(self):
        notifications.mark_read(user=self.request.user, notification=self.get_object(self.kwargs["pk"]))

    def redirect_url(self):
        return reverse("core:notifications")


class MarkAllRead(ActionPage):
    census_skip = "no object id"

    def perform(self):
        n = notifications.mark_all_read(user=self.request.user)
        return f"已将 {n} 条通知标为已读。" if n else "没有未读通知。"

    def redirect_url(self):
        return reverse("core:notifications")
