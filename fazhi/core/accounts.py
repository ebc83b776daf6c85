"""Accounts as a government network expects (等保 level 3, 身份鉴别).

- Password policy: Django's validators (length 10, not like the username, not common, not all digits) plus
  ``ComplexityValidator`` (three of: lower case, upper case, digits, symbols).
- Throttling and lock-out: django-axes (settings: 5 failures by account or by client address → locked 30 minutes;
  the client address is ``core.middleware.client_ip``, trusted proxies only), for the login page and HTTP Basic.
- Second factor: TOTP (django-otp) required for the roles in ``FAZHI_2FA_ROLES`` when ``FAZHI_REQUIRE_2FA`` is on
  (on by default; the demo/dev profile sets ``FAZHI_REQUIRE_2FA=0``). ``SecondFactorMiddleware`` sends such a user
  to enrol (QR code rendered locally) or to enter a code before any workbench page; HTTP Basic refuses them.
- Sessions: idle timeout (``SESSION_COOKIE_AGE``, renewed at most once a minute) and an absolute timeout
  (``FAZHI_SESSION_ABSOLUTE_SECONDS`` since login) enforced by ``SessionTimeoutMiddleware``.
- Audit: login, failed login, logout, lock-out, password change and reset, second-factor enrolment.
"""
from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from rest_framework import authentication, exceptions

from . import audit, policy
from .roles import Role

SESSION_AUTH_AT = "fazhi_auth_at"
SESSION_RENEWED_AT = "fazhi_renewed_at"


# ---- password policy ----------------------------------------------------------------------------------------
class ComplexityValidator:
    """At least three of four kinds of character: lower case, upper case, digits, symbols."""

    def __init__(self, kinds=3):
        self.kinds = kinds

    def validate(self, password, user=None):
        found = sum(bool(re.search(p, password or "")) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if found < self.kinds:
            raise ValidationError("密码须至少包含小写字母、大写字母、数字、符号中的三类。", code="password_too_simple")

    def get_help_text(self):
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"


# ---- who needs a second factor --------------------------------------------------------------------------------
DEFAULT_2FA_ROLES = (Role.ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.LEGAL_REVIEWER,
                     Role.CLERK, Role.ENFORCEMENT_HEAD, Role.DISCLOSURE_OFFICER)


def second_factor_required() -> bool:
    return bool(getattr(settings, "FAZHI_REQUIRE_2FA", True))


def needs_second_factor(user) -> bool:
    """Administrators, legal reviewers and roles that can export personal data (``FAZHI_2FA_ROLES``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = set(getattr(settings, "FAZHI_2FA_ROLES", DEFAULT_2FA_ROLES))
    return any(role in roles for _, role, _, _ in policy.memberships(user))


def has_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


_EXEMPT = ("/work/login/", "/work/logout/", "/work/account/2fa/", "/work/account/password/")


class SecondFactorMiddleware:
    """A user who needs a second factor reaches no workbench page, admin page or session API until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        guarded = path.startswith(("/work/", "/admin/", "/api/")) and not path.startswith(_EXEMPT)
        user = getattr(request, "user", None)
        if guarded and second_factor_required() and user is not None and user.is_authenticated \
                and not user.is_verified() and needs_second_factor(user):
            if path.startswith("/api/"):
                return JsonResponse({"detail": "您的岗位需要双因素认证，请先在工作台完成动态口令验证。",
                                     "code": "second_factor_required"}, status=403)
            target = "core:otp_verify" if has_device(user) else "core:otp_setup"
            from django.urls import reverse

            return redirect(f"{reverse(target)}?next={path}")
        return self.get_response(request)


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic for scripts; refused (not a second way round) for accounts that need a second factor."""

    def authenticate_credentials(self, userid, password, request=None):
        user, auth = super().authenticate_credentials(userid, password, request)
        if second_factor_required() and needs_second_factor(user):
            raise exceptions.AuthenticationFailed("该账号需要双因素认证，不能使用 HTTP Basic 登录。")
        return user, auth


# ---- sessions -------------------------------------------------------------------------------------------------
class SessionTimeoutMiddleware:
    """Absolute session lifetime: ``FAZHI_SESSION_ABSOLUTE_SECONDS`` after login the user must log in again. The idle
    timeout is ``SESSION_COOKIE_AGE``: the session (and its cookie) is renewed when it was last renewed more than
    ``FAZHI_SESSION_RENEW_SECONDS`` ago — once a minute rather than a database write on every page view, so an idle
    session ends between 29 and 30 minutes after the last request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(SESSION_AUTH_AT)
            limit = getattr(settings, "FAZHI_SESSION_ABSOLUTE_SECONDS", 8 * 3600)
            now = time.time()
            if started is None:
                request.session[SESSION_AUTH_AT] = now
            elif now - float(started) > limit:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "登录已超时，请重新登录。", "code": "not_authenticated"}, status=401)
                from django.urls import reverse

                return redirect(f"{reverse('core:login')}?next={request.path}")
            renewed = request.session.get(SESSION_RENEWED_AT)
            if not isinstance(renewed, (int, float)) or now - renewed >= getattr(settings, "FAZHI_SESSION_RENEW_SECONDS", 60):
                request.session[SESSION_RENEWED_AT] = now  # marks the session modified: saved, expiry and cookie renewed
        return self.get_response(request)


# ---- audit events -------------------------------------------------------------------------------------------
def _record(**kwargs):
    with transaction.atomic():
        audit.record(**kwargs)


def _home(user):
    return policy.user_home_node(user) if getattr(user, "pk", None) else None


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_AUTH_AT] = time.time()
    _record(actor=user, action="login", obj=user, node=_home(user), action_label="登录")


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        _record(actor=user, action="logout", obj=user, node=_home(user), action_label="退出登录")


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    _record(actor="匿名", action="login_failed", object_type="core.user", object_id=username[:64] or "-",
            object_repr=username, action_label="登录失败", changes={"username": username})


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    _record(actor="系统", action="locked_out", object_type="core.user", object_id=(username or "-")[:64],
            object_repr=username or "", action_label="账号锁定（多次登录失败）",
            changes={"username": username, "ip": ip_address}, ip=ip_address or "")


def connect():
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="fazhi_locked_out")


connect()


def record_account_event(*, actor, user, action, label, changes=None):
    _record(actor=actor, action=action, obj=user, node=_home(user), action_label=label, changes=changes or {})


# ---- helpers for the account pages ---------------------------------------------------------------------------
_PASSWORD_LABELS = {"old_password": "原密码", "new_password1": "新密码", "new_password2": "再次输入新密码"}


def localise_password_form(form):
    for name, label in _PASSWORD_LABELS.items():
        if name in form.fields:
            form.fields[name].label = label
    if "new_password1" in form.fields:
        form.fields["new_password1"].help_text = "至少10位，须包含小写字母、大写字母、数字、符号中的三类，不能与用户名相似或过于常见。"
    form.error_messages = {**form.error_messages, "password_mismatch": "两次输入的新密码不一致。",
                           "password_incorrect": "原密码不正确。"}
    return form


def managed_user_or_404(actor, pk):
    """A user with a role somewhere the actor may manage users (core.manage_users); otherwise 404."""
    from django.http import Http404

    from . import selectors
    from .errors import NotFound

    try:
        return selectors.user_get_managed(actor, str(pk))
    except NotFound:
        raise Http404("用户不存在或不在您的管辖范围内。") from None


def qr_svg(data: str) -> str:
    """An inline SVG QR code (the ``qrcode`` package; nothing leaves the server)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def pending_device(user):
    """The user's unconfirmed authenticator device (created on first visit to the enrolment page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False).first() or \
        TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def confirm_device(user, device):
    """Confirm ``device`` and drop the user's other devices (one authenticator per account)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
