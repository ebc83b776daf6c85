"""Notifications: work that reaches a person shows up in their inbox on the workbench (unread count in the header).

A service tells the people its change concerns, inside its transaction::

    notifications.notify(recipients=[room.host], kind="disputes.assigned", title=f"新分派的矛盾纠纷：{d.code}",
                         url=reverse("disputes:detail", args=[d.pk]), obj=d, exclude=actor)

Nothing is written before the service's transaction commits (``transaction.on_commit``): a refused or rolled-back
change notifies nobody. A recipient gets the notification only if they may see its object — the object's access
policy (``fazhi.core.access``) decides, or ``perm`` on ``node`` when the notification has no object — so a
notification never tells anyone about a record outside their part of the tree. Opening a notification checks again:
a record that left the reader's scope since is not opened.

Three sources feed the inbox:

- services, at a hand-off (a case assigned to a room, a report waiting for review) — ``notify``;
- the workflow runner, for tables declared with ``Workflow(..., notify=notifications.next_actors)``: whoever may
  take the next step (the table's own guard and permission decide) is told that the record waits for them;
- ``remind_due_work()`` (``manage.py send_reminders``, run by a timer): each user's own to-dos at level
  "danger"/"warning" — overdue and soon-due records from every module's ``todos.py`` — once per to-do, again only
  when its count grows.

Delivery beyond the inbox is optional: ``settings.FAZHI_NOTIFICATION_CHANNELS`` lists dotted paths of channel
classes (``send(notification)``), e.g. ``fazhi.core.notifications.EmailChannel`` (Django's mail backend: SMTP in
production) or ``fazhi.core.notifications.OutboxChannel`` (the log, for development). An SMS or WeChat adapter is a
class with the same ``send``; a channel that fails is logged and never loses the in-app notification.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.utils.module_loading import import_string

from . import clock, policy
from .access import AccessPolicy, policy_for
from .access import register as register_policy
from .models import Membership, Notification, OrgNode, User

logger = logging.getLogger(__name__)

LEVELS = {Notification.Level.INFO, Notification.Level.WARNING, Notification.Level.DANGER}


# ---- who may read a notification: its recipient, nobody else -------------------------------------------------------

class NotificationPolicy(AccessPolicy):
    def may_anywhere(self, user, action: str = "view") -> bool:
        return bool(getattr(user, "is_authenticated", False))

    def may(self, user, action: str, obj: Notification) -> bool:
        return obj.recipient_id == getattr(user, "pk", None)

    def scope_q(self, user, action: str = "view") -> Q:
        return Q(recipient_id=user.pk)


notification_policy = register_policy(NotificationPolicy(Notification, actions={"view": "core.view"}))


# ---- creating -------------------------------------------------------------------------------------------------------

def _label(model_or_obj) -> str:
    meta = model_or_obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def may_see(user: User, *, obj: Model | None = None, node: OrgNode | None = None, perm: str | None = None) -> bool:
    """May ``user`` be told about ``obj`` (its access policy's "view"), or hold ``perm`` on ``node``?"""
    if user is None or not user.is_active:
        return False
    if obj is not None:
        try:
            access = policy_for(type(obj))
        except LookupError:
            access = None
        if access is not None:
            return access.may(user, "view", obj)
        if perm is None:
            return False  # an object nobody can vouch for is told to nobody
    if perm is not None:
        return policy.has_perm(user, perm, node)
    return True  # no object, no permission: the caller computed the message from the user's own scoped reads


def notify(*, recipients: Iterable[User | None], kind: str, title: str, url: str = "", obj: Model | None = None,
           node: OrgNode | None = None, body: str = "", level: str = Notification.Level.INFO, perm: str | None = None,
           exclude: User | str | None = None, topic: str = "", data: dict | None = None) -> None:
    """Tell ``recipients`` (after the current transaction commits; at once outside one). Recipients who may not
    see ``obj`` (or lack ``perm`` on ``node``), inactive users, duplicates and ``exclude`` (the actor) are skipped.
    With ``topic``, a recipient who already has a notification on that topic gets no second one."""
    ids = []
    exclude_id = getattr(exclude, "pk", None)  # the actor; a label ("群众（公众网站）") excludes nobody
    for user in recipients:
        if user is not None and user.pk not in ids and user.pk != exclude_id:
            ids.append(user.pk)
    if not ids:
        return
    if level not in LEVELS:
        raise ValueError(f"unknown notification level {level!r}")
    if node is None and obj is not None:
        node = _node_of(obj)
    message = {"kind": kind, "title": title[:200], "body": body, "url": url[:500], "level": level, "node": node,
               "target_type": _label(obj) if obj is not None else "", "target_id": str(obj.pk) if obj is not None else "",
               "topic": topic[:200], "data": data or {}}
    transaction.on_commit(lambda: _deliver(ids, message, obj=obj, perm=perm))


def _node_of(obj: Model) -> OrgNode | None:
    try:
        return policy_for(type(obj)).node_of(obj)
    except LookupError:
        return getattr(obj, "node", None)


def _deliver(ids: list[int], message: dict, *, obj: Model | None, perm: str | None) -> list[Notification]:
    created = []
    now = clock.now()
    for user in User.objects.filter(pk__in=ids, is_active=True):
        if not may_see(user, obj=obj, node=message["node"], perm=perm):
            continue
        if message["topic"] and Notification.objects.filter(recipient=user, topic=message["topic"]).exists():
            continue
        created.append(Notification.objects.create(recipient=user, created_at=now, **message))
    for notification in created:
        send_to_channels(notification)
    return created


def who_may(access: AccessPolicy, action: str, node: OrgNode):
    """The people to hand work to: active users whose role grants ``action`` on ``node`` (a membership on it or an
    ancestor) — not the administrators, who hold every permission and would be told about every record."""
    from .roles import Role

    members = Membership.objects.filter(is_active=True, node__is_active=True, node__path__in=node.ancestor_paths(),
                                        role__in=[r for r in Role.values if r != Role.ADMIN])
    return access.users_with(action, node).filter(pk__in=members.values("user_id"))


# ---- the workflow hook: whoever may take the next step --------------------------------------------------------------

def next_actors(workflow, obj: Model, *, actor: User, transition, old_state: str) -> None:
    """For ``Workflow(..., notify=next_actors)``: after a transition that changed the state, tell each person who may
    now run one of the table's transitions on the record (its permission on the record's node and its guard).
    Administrators, who hold every permission, are not told about every record; the actor is not told."""
    from .roles import Role, perms_for_role

    state = getattr(obj, workflow.state_field)
    if transition.target is None or state == old_state:
        return
    node = getattr(obj, workflow.node_field)
    steps = [t for t in workflow.transitions.values() if state in t.sources]
    if node is None or not steps:
        return
    perms = {t.perm for t in steps}
    roles = [r for r in Role.values if r != Role.ADMIN and perms & perms_for_role(r)]
    member_ids = Membership.objects.filter(is_active=True, role__in=roles, node__is_active=True,
                                           node__path__in=node.ancestor_paths()).values("user_id")
    recipients = []
    labels: dict[int, list[str]] = {}
    actor_id = getattr(actor, "pk", None)  # an actor may be a label ("申请人（网上补正）")
    for user in User.objects.filter(pk__in=member_ids, is_active=True).exclude(pk=actor_id):
        can = [t.label for t in steps if workflow.why_not(obj, user, t.name) is None]
        if can:
            recipients.append(user)
            labels[user.pk] = can
    if not recipients:
        return
    url = _url_of(obj)
    what = obj._meta.verbose_name
    state_label = workflow.state_label(state)
    for user in recipients:  # one call per person: the steps they may take differ
        notify(recipients=[user], kind=f"{_label(obj)}.{state}", title=f"{what}“{obj}”待您处理：{state_label}",
               body="可执行：" + "、".join(labels[user.pk]) + f"（由{getattr(actor, 'display_name', actor)}执行“{transition.label}”后）",
               url=url, obj=obj)


def _url_of(obj: Model) -> str:
    """The record's page: ``get_absolute_url``, else the app's "<app_label>:detail" route, else none."""
    from django.urls import NoReverseMatch, reverse

    getter = getattr(obj, "get_absolute_url", None)
    if getter is not None:
        return getter()
    try:
        return reverse(f"{obj._meta.app_label}:detail", args=[obj.pk])
    except NoReverseMatch:
        return ""  # a record without a page still notifies, without a link


# ---- reminders: the user's own to-dos that are overdue or due soon -------------------------------------------------

REMIND_LEVELS = ("danger", "warning")


def remind_due_work(*, users: Iterable[User] | None = None) -> int:
    """One pass of the reminder job: for every active user with a role, each to-do at level danger/warning (overdue,
    due soon, waiting for them) becomes a notification — once; again only when its count has grown since the last
    reminder. The counts are the user's own (every module's ``todos`` reads through scoped selectors). Returns the
    number of notifications created."""
    from .todos import todos_for

    if users is None:
        users = User.objects.filter(is_active=True, memberships__is_active=True).distinct()
    created = 0
    for user in users:
        policy.forget(user)
        current = {}
        for todo in todos_for(user):
            if todo.level in REMIND_LEVELS and todo.count:
                current[f"todo:{todo.module}:{todo.label}"[:200]] = todo
        last = {}
        for n in Notification.objects.filter(recipient=user, kind="todo.reminder").order_by("created_at", "pk"):
            last[n.topic] = n
        for topic, n in last.items():  # a to-do that went away: its next appearance is news again
            if topic not in current and n.data.get("count"):
                Notification.objects.filter(pk=n.pk).update(data={**n.data, "count": 0})
        for topic, todo in current.items():
            previous = last.get(topic)
            if previous is not None and previous.data.get("count", 0) >= todo.count:
                continue
            n = Notification.objects.create(
                recipient=user, kind="todo.reminder", title=f"{todo.label}：{todo.count}件", body=todo.detail,
                url=todo.url[:500], level=todo.level, topic=topic, data={"count": todo.count, "module": todo.module},
                created_at=clock.now())
            send_to_channels(n)
            created += 1
    return created


# ---- reading ----------------------------------------------------------------------------------------------------------

def inbox(user: User, *, unread_only: bool = False):
    qs = notification_policy.instances_for(user).select_related("node")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: User, notification: Notification) -> Notification:
    notification_policy.check(user, "view", notification)
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


def target_visible(user: User, notification: Notification) -> bool:
    """Is the record the notification is about still visible to its reader (None of an object: yes)?"""
    if not notification.target_type:
        return True
    from django.apps import apps

    try:
        model = apps.get_model(notification.target_type)
        access = policy_for(model)
    except (LookupError, ValueError):
        return False
    obj = model._default_manager.filter(pk=notification.target_id).first()
    return obj is not None and access.may(user, "view", obj)


# ---- channels beyond the inbox ----------------------------------------------------------------------------------------

class Channel:
    """A delivery channel: ``send(notification)``; raise to report a failure (it is logged, nothing else)."""

    name = "channel"

    def send(self, notification: Notification) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxChannel(Channel):
    """Development: every notification is written to the log ("fazhi.notifications.outbox")."""

    name = "outbox"
    log = logging.getLogger("fazhi.notifications.outbox")

    def send(self, notification: Notification) -> None:
        self.log.info("to %s: %s %s", notification.recipient.username, notification.title, absolute(notification.url))


class EmailChannel(Channel):
    """Email to users with an address, through ``fazhi.core.delivery`` (recorded in 消息发送记录; Django's mail
    backend: SMTP in production)."""

    name = "email"

    def send(self, notification: Notification) -> None:
        from . import delivery

        address = notification.recipient.email
        if not address:
            return
        link = absolute(notification.url)
        text = "\n\n".join(p for p in (notification.body, link) if p)
        delivery.send(channel="email", to=address, subject=notification.title, body=text, kind=notification.kind,
                      link=link, node=notification.node)


def absolute(url: str) -> str:
    if not url or "://" in url:
        return url
    base = getattr(settings, "FAZHI", {}).get("PUBLIC_BASE_URL", "").rstrip("/")
    return base + url


_extra_channels: list[Channel] = []


def register_channel(channel: Channel) -> Channel:
    """A deployment's own adapter (SMS gateway, WeChat template messages) added at start-up."""
    _extra_channels.append(channel)
    return channel


def channels() -> list[Channel]:
    configured = [import_string(path)() for path in getattr(settings, "FAZHI_NOTIFICATION_CHANNELS", [])]
    return configured + list(_extra_channels)


def send_to_channels(notification: Notification) -> None:
    for channel in channels():
        try:
            channel.send(notification)
        except Exception:  # noqa: BLE001 - a channel that fails never loses the in-app notification
            logger.exception("notification %s: channel %s failed", notification.pk, channel.name)

