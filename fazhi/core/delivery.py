"""Messages that leave the platform — email, SMS, WeChat template messages — behind one interface.

A service (or the notification inbox) asks for a message; the deployment decides how it travels::

    delivery.send(channel="sms", to=phone, body="您的纠纷已受理……", kind="disputes.case_moved", obj=dispute,
                  template="case_moved", params={"code": ..., "status": ..., "link": ...}, link=url)

``send`` writes an ``OutboundMessage`` row inside the caller's transaction and hands it to the channel's backend
after the commit (a refused or rolled-back change sends nothing). Each channel has one backend, chosen in settings:

======== ============================ ============================================================================
channel  setting                      backends here
======== ============================ ============================================================================
email    ``FAZHI_EMAIL_BACKEND``      ``EmailBackend``: Django's mail (``EMAIL_BACKEND``: SMTP in production, a file
                                      folder under var/outbox/mail in development, memory in tests)
sms      ``FAZHI_SMS_BACKEND``        ``OutboxSms`` (default: stored, not sent), ``HttpSms`` (a gateway's HTTP JSON
                                      API: endpoint, template, signature and token in ``FAZHI_SMS``)
wechat   ``FAZHI_WECHAT_BACKEND``     ``OutboxWechat`` (default), ``WechatTemplate`` (the official account's
                                      template-message API: app id/secret and template id in ``FAZHI_WECHAT``)
======== ============================ ============================================================================

A gateway with its own signing scheme (Aliyun, Tencent Cloud…) is a subclass of ``HttpSms`` overriding ``request``,
named in ``FAZHI_SMS_BACKEND``. Backends that reach the network run on the task queue (django-tasks; the
``jobs_worker``); the outbox backends and file/memory mail finish at once. A failed attempt is recorded with its
reason; a temporary failure is tried again (``MAX_ATTEMPTS``, ``RETRY_AFTER``) by ``manage.py deliver_messages``
(run it from a timer), a permanent one (bad configuration, a number the gateway refuses) is not. Administrators see
every message, its status and failure reason on 消息发送记录 (``/work/core/messages/``); addresses are encrypted at
rest and shown masked. Tests never reach the network: the real transport refuses to run under ``settings.TESTING``.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import django_tasks
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q
from django.utils.module_loading import import_string

from . import clock, policy
from .access import AccessPolicy
from .access import register as register_policy
from .models import OrgNode, OutboundMessage

logger = logging.getLogger(__name__)

S = OutboundMessage.Status
C = OutboundMessage.Channel
MAX_ATTEMPTS = 3
RETRY_AFTER = (datetime.timedelta(minutes=5), datetime.timedelta(minutes=30))  # after the 1st, 2nd failure
STALE_SENDING = datetime.timedelta(minutes=10)  # a message "sending" this long lost its worker: try again
DEFAULT_BACKENDS = {C.EMAIL: "fazhi.core.delivery.EmailBackend", C.SMS: "fazhi.core.delivery.OutboxSms",
                    C.WECHAT: "fazhi.core.delivery.OutboxWechat"}
SETTING_OF = {C.EMAIL: "FAZHI_EMAIL_BACKEND", C.SMS: "FAZHI_SMS_BACKEND", C.WECHAT: "FAZHI_WECHAT_BACKEND"}


class DeliveryError(Exception):
    """A backend's refusal, in Chinese for the administrator's page. ``permanent``: trying again will not help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


# ---- who sees the record: administrators of the organisation it belongs to ------------------------------------------

def _installation_wide(user, action: str) -> Q | None:
    """Messages that belong to no organisation (an account's email): the installation's system administrators."""
    return Q(node__isnull=True) if policy.has_perm(user, "core.manage_calendar") else None


outbox_policy = register_policy(AccessPolicy(OutboundMessage, actions={"view": "core.manage_org"},
                                             extra_grants=[_installation_wide],
                                             base=lambda qs: qs.select_related("node")))


# ---- backends ---------------------------------------------------------------------------------------------------------

class Backend:
    """One channel's way out. ``send(message)`` returns the provider's receipt id ("" if none) or raises (a
    ``DeliveryError`` with a Chinese reason; any other exception is recorded as a temporary failure)."""

    channel = ""
    network = True  # reaches the network: sent from the task queue, not inside a request
    outbox = False  # stores only: the row says "已存入发件箱", not "已发送"

    def send(self, message: OutboundMessage) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class EmailBackend(Backend):
    """Email through Django's mail backend (``EMAIL_BACKEND``: SMTP in production)."""

    channel = C.EMAIL

    @property
    def network(self) -> bool:
        return "smtp" in settings.EMAIL_BACKEND

    def send(self, message: OutboundMessage) -> str:
        from django.core.mail import EmailMessage

        subject = message.subject or "法治政府建设工作平台通知"
        sent = EmailMessage(f"【{sign_name()}】{subject}", message.body, None, [message.recipient]).send()
        if not sent:
            raise DeliveryError("邮件服务器未接受该邮件。")
        return ""


class OutboxSms(Backend):
    """Development and tests: the SMS is stored in the outbox table (and logged), never sent."""

    channel = C.SMS
    network = False
    outbox = True
    log = logging.getLogger("fazhi.delivery.outbox")

    def send(self, message: OutboundMessage) -> str:
        self.log.info("%s to %s: %s", message.channel, message.recipient_masked, message.body)
        return ""


class OutboxWechat(OutboxSms):
    channel = C.WECHAT


class OutboxEmail(OutboxSms):
    channel = C.EMAIL


Transport = Callable[..., tuple[int, dict]]


def urllib_transport(method: str, url: str, *, payload: dict | None = None, headers: dict | None = None,
                     timeout: float = 10) -> tuple[int, dict]:
    """The real HTTP call (JSON in, JSON out). Refuses to run in tests, so no test reaches the network."""
    if getattr(settings, "TESTING", False):
        raise DeliveryError("测试环境不进行网络调用。", permanent=True)
    data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured https URL
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"无法连接服务商：{exc}") from exc
    try:
        body = json.loads(raw.decode() or "{}")
    except (UnicodeDecodeError, ValueError):
        body = {"raw": raw[:200].decode(errors="replace")}
    return status, body if isinstance(body, dict) else {"raw": body}


class HttpSms(Backend):
    """A generic SMS gateway over HTTP: POST ``FAZHI_SMS["ENDPOINT"]`` with JSON
    ``{"phone", "sign_name", "template", "params", "text"}`` and ``Authorization: Bearer <TOKEN>``; a 2xx answer whose
    ``code`` (if any) is 0/"0"/"OK" is a success and its ``id``/``message_id``/``biz_id`` the receipt. Settings:
    ``ENDPOINT``, ``TOKEN``, ``TEMPLATE`` (the provider's template id; the message's own template name is the
    fallback), ``SIGN_NAME``, ``TIMEOUT`` (seconds). A provider with another shape overrides ``request``/``receipt``."""

    channel = C.SMS
    transport: Transport = staticmethod(urllib_transport)

    def config(self) -> dict:
        return dict(getattr(settings, "FAZHI_SMS", {}) or {})

    def request(self, message: OutboundMessage) -> tuple[str, dict, dict]:
        cfg = self.config()
        endpoint = cfg.get("ENDPOINT", "")
        if not endpoint.startswith(("https://", "http://")):
            raise DeliveryError("未配置短信网关地址（FAZHI_SMS_ENDPOINT）。", permanent=True)
        templates = cfg.get("TEMPLATES") or {}
        template = templates.get(message.template) or cfg.get("TEMPLATE") or message.template
        payload = {"phone": message.recipient, "sign_name": cfg.get("SIGN_NAME") or sign_name(), "template": template,
                   "params": message.params, "text": message.body}
        headers = {"Authorization": f"Bearer {cfg['TOKEN']}"} if cfg.get("TOKEN") else {}
        return endpoint, payload, headers

    def receipt(self, status: int, body: dict) -> str:
        if status >= 500 or status == 429:
            raise DeliveryError(f"短信网关暂时不可用（HTTP {status}）。")
        if status >= 400:
            raise DeliveryError(f"短信网关拒绝了该短信（HTTP {status}）：{_reason(body)}", permanent=True)
        code = body.get("code", 0)
        if str(code).upper() not in ("0", "OK", "200", "SUCCESS"):
            raise DeliveryError(f"短信网关拒绝了该短信（{code}）：{_reason(body)}", permanent=True)
        return str(body.get("id") or body.get("message_id") or body.get("biz_id") or "")[:100]

    def send(self, message: OutboundMessage) -> str:
        url, payload, headers = self.request(message)
        status, body = self.transport("POST", url, payload=payload, headers=headers,
                                      timeout=float(self.config().get("TIMEOUT", 10)))
        return self.receipt(status, body)


class WechatTemplate(Backend):
    """WeChat official-account template messages: the access token from ``/cgi-bin/token`` (cached until shortly
    before it expires), then ``/cgi-bin/message/template/send`` with the template's fields. ``FAZHI_WECHAT``:
    ``APP_ID``, ``APP_SECRET``, ``TEMPLATES`` ({our template name: WeChat template id}) or ``TEMPLATE``, ``API``
    (default https://api.weixin.qq.com). The recipient is the resident's openid; each of the message's params
    becomes a template field ``{"value": ...}``, and its link the message's ``url``."""

    channel = C.WECHAT
    transport: Transport = staticmethod(urllib_transport)
    TOKEN_KEY = "fazhi:delivery:wechat-token"

    def config(self) -> dict:
        return dict(getattr(settings, "FAZHI_WECHAT", {}) or {})

    def api(self) -> str:
        return (self.config().get("API") or "https://api.weixin.qq.com").rstrip("/")

    def access_token(self) -> str:
        token = cache.get(self.TOKEN_KEY)
        if token:
            return token
        cfg = self.config()
        if not cfg.get("APP_ID") or not cfg.get("APP_SECRET"):
            raise DeliveryError("未配置微信公众号的 AppID/AppSecret（FAZHI_WECHAT）。", permanent=True)
        query = urllib.parse.urlencode({"grant_type": "client_credential", "appid": cfg["APP_ID"],
                                        "secret": cfg["APP_SECRET"]})
        status, body = self.transport("GET", f"{self.api()}/cgi-bin/token?{query}")
        if status != 200 or not body.get("access_token"):
            raise DeliveryError(f"获取微信 access_token 失败：{_reason(body)}")
        cache.set(self.TOKEN_KEY, body["access_token"], max(60, int(body.get("expires_in", 7200)) - 300))
        return body["access_token"]

    def send(self, message: OutboundMessage) -> str:
        cfg = self.config()
        template = (cfg.get("TEMPLATES") or {}).get(message.template) or cfg.get("TEMPLATE")
        if not template:
            raise DeliveryError("未配置微信模板消息的模板编号（FAZHI_WECHAT）。", permanent=True)
        payload = {"touser": message.recipient, "template_id": template,
                   "data": {k: {"value": str(v)[:200]} for k, v in message.params.items()}}
        if message.link:
            payload["url"] = message.link
        token = self.access_token()
        status, body = self.transport("POST", f"{self.api()}/cgi-bin/message/template/send?access_token={token}",
                                      payload=payload)
        code = body.get("errcode", 0)
        if code in (40001, 40014, 42001):  # the token expired or was revoked: fetch a new one next time
            cache.delete(self.TOKEN_KEY)
            raise DeliveryError(f"微信 access_token 已失效（{code}），将重试。")
        if status != 200 or code != 0:
            raise DeliveryError(f"微信拒绝了该模板消息（{code}）：{_reason(body)}", permanent=status == 200)
        return str(body.get("msgid", ""))[:100]


def _reason(body: dict) -> str:
    for key in ("message", "msg", "errmsg", "error", "raw"):
        if body.get(key):
            return str(body[key])[:200]
    return "无说明"


def sign_name() -> str:
    return (getattr(settings, "FAZHI_SMS", {}) or {}).get("SIGN_NAME") or "法治政府建设工作平台"


OUTBOX_BACKENDS = {C.EMAIL: "fazhi.core.delivery.OutboxEmail", C.SMS: "fazhi.core.delivery.OutboxSms",
                   C.WECHAT: "fazhi.core.delivery.OutboxWechat"}
_outbox_only: contextvars.ContextVar[bool] = contextvars.ContextVar("fazhi_delivery_outbox_only", default=False)


@contextlib.contextmanager
def outbox_only():
    """Within the block every channel uses its outbox backend: the demo loader's residents (made-up numbers that may
    belong to real people) are never texted, whatever the deployment configured."""
    token = _outbox_only.set(True)
    try:
        yield
    finally:
        _outbox_only.reset(token)


def configured_path(channel: str) -> str:
    if _outbox_only.get():
        return OUTBOX_BACKENDS[channel]
    return getattr(settings, SETTING_OF[channel], "") or DEFAULT_BACKENDS[channel]


def backend_for(channel: str) -> Backend:
    path = configured_path(channel)
    backend = import_string(path)()
    if backend.channel != channel:
        raise DeliveryError(f"{path} 不是“{C(channel).label}”渠道的发送方式。", permanent=True)
    return backend


def backend_path(backend: Backend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


# ---- sending ------------------------------------------------------------------------------------------------------

def mask_address(channel: str, to: str) -> str:
    if channel == C.EMAIL and "@" in to:
        local, _, domain = to.partition("@")
        return f"{local[:1]}***@{domain}"[:100]
    if channel == C.SMS:
        return (to[:3] + "****" + to[-4:]) if len(to) >= 7 else "****"
    return (to[:4] + "…" + to[-2:]) if len(to) > 8 else "****"


def _label(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def send(*, channel: str, to: str, body: str, kind: str, subject: str = "", template: str = "",
         params: dict | None = None, link: str = "", obj: Model | None = None,
         node: OrgNode | None = None) -> OutboundMessage | None:
    """Record a message and send it after the current transaction commits (at once outside one). Returns the row,
    or None when there is no address to send to."""
    if channel not in C.values:
        raise ValueError(f"unknown channel {channel!r}")
    to = (to or "").strip()
    if not to:
        return None
    if node is None and obj is not None:
        node = getattr(obj, "node", None)
    message = OutboundMessage.objects.create(
        channel=channel, backend=configured_path(channel),
        kind=kind[:60], recipient=to[:254], recipient_masked=mask_address(channel, to), subject=subject[:200],
        body=body, template=template[:100], params=params or {}, link=link[:500], node=node,
        target_type=_label(obj) if obj is not None else "", target_id=str(obj.pk) if obj is not None else "",
        status=S.PENDING, created_at=clock.now())
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(message_id: int) -> None:
    """After the commit: backends that reach the network go on the task queue; the others are tried at once."""
    message = OutboundMessage.objects.filter(pk=message_id).only("channel").first()
    if message is None:
        return
    try:
        network = backend_for(message.channel).network
    except Exception:  # noqa: BLE001 - a broken configuration is recorded by the attempt itself
        network = False
    if network:
        try:
            deliver_task.enqueue(message_id)
            return
        except Exception:  # noqa: BLE001 - no queue: the message stays pending for deliver_messages
            logger.exception("message %s: could not enqueue; left pending", message_id)
            return
    attempt(message_id)


@django_tasks.task()
def deliver_task(message_id: int) -> None:
    attempt(message_id)


def attempt(message_id: int) -> OutboundMessage | None:
    """Try one message once: claim it (pending or due for a retry: its ``next_attempt_at`` moves ``STALE_SENDING``
    ahead, so no other sender takes it meanwhile), call its channel's backend, record the outcome. Returns the row,
    or None when someone else holds or finished it."""
    now = clock.now()
    claimable = Q(status__in=[S.PENDING, S.RETRY]) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    claimed = OutboundMessage.objects.filter(claimable, pk=message_id).update(next_attempt_at=now + STALE_SENDING,
                                                                               status=S.PENDING)
    if not claimed:
        return None
    message = OutboundMessage.objects.get(pk=message_id)
    message.attempts += 1
    try:
        backend = backend_for(message.channel)
        message.backend = backend_path(backend)
        receipt = backend.send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded with its reason
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        reason = exc.message if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        logger.warning("message %s (%s) attempt %s failed: %s", message.pk, message.channel, message.attempts, reason)
        message.last_error = reason[:500]
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.status, message.next_attempt_at = S.FAILED, None
        else:
            message.status = S.RETRY
            message.next_attempt_at = clock.now() + RETRY_AFTER[min(message.attempts, len(RETRY_AFTER)) - 1]
    else:
        message.status = S.OUTBOX if backend.outbox else S.SENT
        message.sent_at, message.next_attempt_at, message.last_error = clock.now(), None, ""
        message.provider_id = (receipt or "")[:100]
    message.save(update_fields=["attempts", "backend", "status", "sent_at", "next_attempt_at", "last_error",
                                "provider_id"])
    return message


def deliver_due() -> dict:
    """One pass of ``manage.py deliver_messages``: every message still pending (its queue lost it, or a sender died)
    or due for a retry is tried once. Returns counts by outcome."""
    now = clock.now()
    due = OutboundMessage.objects.filter(status__in=[S.PENDING, S.RETRY]).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).order_by("created_at", "pk")
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        message = attempt(pk)
        if message is None:
            continue
        if message.status in (S.SENT, S.OUTBOX):
            counts["sent"] += 1
        elif message.status == S.RETRY:
            counts["retry"] += 1
        else:
            counts["failed"] += 1
    return counts


def resend_failed(*, actor) -> int:
    """An administrator's "重新发送失败的消息" (after fixing the configuration): the failed messages they may see are
    tried once more, after the commit; audited per organisation. Returns how many."""
    from . import audit

    rows = list(outbox_policy.instances_for(actor).filter(status=S.FAILED).order_by("pk")[:500])
    if not rows:
        return 0
    with transaction.atomic():
        ids = [m.pk for m in rows]
        OutboundMessage.objects.filter(pk__in=ids, status=S.FAILED).update(status=S.RETRY, next_attempt_at=None)
        by_node: dict = {}
        for m in rows:
            by_node.setdefault(m.node, []).append(m.pk)
        for node, pks in by_node.items():
            audit.record(actor=actor, action="update", action_label="重新发送失败的消息", node=node,
                         object_type=OutboundMessage._meta.label_lower, object_id=pks[0],
                         object_repr=f"发送失败的外发消息{len(pks)}条", changes={"messages": pks})
        for pk in ids:
            transaction.on_commit(lambda pk=pk: dispatch(pk))
    return len(rows)


# ---- reading ------------------------------------------------------------------------------------------------------

def messages_for(user, *, filters=None):
    """The messages an administrator may see, newest first; ``filters``: status, channel."""
    qs = outbox_policy.instances_for(user)
    filters = filters or {}
    status = filters.get("status")
    if status in S.values:
        qs = qs.filter(status=status)
    channel = filters.get("channel")
    if channel in C.values:
        qs = qs.filter(channel=channel)
    return qs


def counts_for(user) -> dict:
    from django.db.models import Count

    rows = outbox_policy.instances_for(user).values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}
