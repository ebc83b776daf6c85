"""Accounts (等保 level 3): password policy, lock-out by account and by client address (page and HTTP Basic),
audit of login/failed login/logout/lock-out, password change and administrator reset, TOTP for the roles that
need it, idle and absolute session timeouts, 三员分立 roles, trusted proxies."""
import base64
import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import PASSWORD, make_user
from fazhi.core.middleware import client_ip
from fazhi.core.models import AuditEvent
from fazhi.core.roles import Role, perms_for_role

pytestmark = pytest.mark.django_db
GOOD = "Fazhi-2024-ok"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/work/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("password", ["12345678", "clerk12345", "abcdefghij", "password123", "Short-1"])
def test_weak_passwords_are_refused(users, password):
    with pytest.raises(ValidationError):
        validate_password(password, users.clerk)


def test_a_strong_password_passes(users):
    validate_password(GOOD, users.clerk)


def test_lockout_by_account_even_with_the_right_password_then_audited(users):
    client = Client()
    for i in range(5):
        # the fifth failure itself already answers "locked"
        assert _login(client, "clerk", "wrong-Password-1", ip=f"10.0.0.{i + 1}").status_code == (200 if i < 4 else 429)
    response = _login(client, "clerk", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").count() >= 5
    assert AuditEvent.objects.filter(action="locked_out", object_repr="clerk").exists()


def test_lockout_by_client_address_across_accounts(users):
    client = Client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _login(client, name, "wrong-Password-1", ip="10.1.1.1")
    assert _login(client, "leader", PASSWORD, ip="10.1.1.1").status_code == 429
    assert _login(Client(), "leader", PASSWORD, ip="10.2.2.2").status_code == 302


def test_rotating_x_forwarded_for_does_not_dodge_the_lockout(users):
    client = Client()
    for i in range(6):
        client.post("/work/login/", {"username": f"u{i}", "password": "x"}, REMOTE_ADDR="10.3.3.3",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    assert _login(client, "leader", PASSWORD, ip="10.3.3.3").status_code == 429


def test_http_basic_is_locked_out_too(users):
    client = Client()

    def basic(password):
        token = base64.b64encode(f"leader:{password}".encode()).decode()
        return client.get("/api/core/me/", HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR="10.4.4.4")

    assert basic(PASSWORD).status_code == 200
    for _ in range(5):
        assert basic("wrong-Password-1").status_code in (401, 403)
    assert basic(PASSWORD).status_code in (401, 403, 429)


def test_login_and_logout_are_audited(users):
    client = Client()
    assert _login(client, "leader", PASSWORD).status_code == 302
    client.post("/work/logout/")
    actions = set(AuditEvent.objects.filter(actor_id=users.leader.pk).values_list("action", flat=True))
    assert {"login", "logout"} <= actions


def test_self_service_password_change(users):
    client = Client()
    client.force_login(users.clerk)
    weak = client.post("/work/account/password/", {"old_password": PASSWORD, "new_password1": "12345678",
                                                  "new_password2": "12345678"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    ok = client.post("/work/account/password/", {"old_password": PASSWORD, "new_password1": GOOD,
                                                "new_password2": GOOD})
    assert ok.status_code == 302
    users.clerk.refresh_from_db()
    assert users.clerk.check_password(GOOD)
    assert AuditEvent.objects.filter(action="password_change", object_id=str(users.clerk.pk)).exists()


def test_administrator_reset_in_scope_only(users):
    client = Client()
    client.force_login(users.sub_admin)
    url = f"/work/account/users/{users.clerk.pk}/password/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"new_password1": GOOD, "new_password2": GOOD}).status_code == 302
    users.clerk.refresh_from_db()
    assert users.clerk.check_password(GOOD)
    assert AuditEvent.objects.filter(action="password_reset", actor_id=users.sub_admin.pk).exists()
    assert client.get(f"/work/account/users/{users.other_clerk.pk}/password/").status_code == 404
    clerk = Client()
    clerk.force_login(users.leader)
    assert clerk.get(url).status_code == 403


def test_second_factor_is_enforced_for_administrators(users, settings):
    settings.FAZHI_REQUIRE_2FA = True
    admin = Client()
    assert _login(admin, "sub_admin", PASSWORD).status_code == 302
    page = admin.get("/work/core/org/")
    assert page.status_code == 302 and "/work/account/2fa/setup/" in page["Location"]
    assert admin.get("/api/core/me/").status_code == 403
    setup = admin.get("/work/account/2fa/setup/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=users.sub_admin)
    assert admin.post("/work/account/2fa/setup/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
                      ).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert admin.post("/work/account/2fa/setup/", {"token": code, "next": "/work/core/org/"}).status_code == 302
    assert admin.get("/work/core/org/").status_code == 200
    # a fresh login must give the code again
    again = Client()
    _login(again, "sub_admin", PASSWORD)
    assert "/work/account/2fa/verify/" in again.get("/work/")["Location"]
    # HTTP Basic is no way round it
    token = base64.b64encode(f"sub_admin:{PASSWORD}".encode()).decode()
    assert Client().get("/api/core/me/", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401
    # a mediator needs no second factor
    mediator = Client()
    _login(mediator, "mediator", PASSWORD)
    assert mediator.get("/work/").status_code == 200


def test_second_factor_relaxed_by_the_demo_setting(users, settings):
    settings.FAZHI_REQUIRE_2FA = False
    client = Client()
    _login(client, "sub_admin", PASSWORD)
    assert client.get("/work/core/org/").status_code == 200


def test_idle_and_absolute_timeouts(users, settings):
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    client = Client()
    _login(client, "leader", PASSWORD)
    assert client.get("/work/").status_code == 200
    session = client.session
    session["fazhi_auth_at"] = time.time() - settings.FAZHI_SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get("/work/")
    assert response.status_code == 302 and "/work/login/" in response["Location"]
    assert client.get("/work/").status_code == 302


def test_the_idle_clock_is_renewed_once_a_minute_not_written_on_every_page_view(users, settings):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    _login(client, "leader", PASSWORD)
    client.get("/work/")
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/work/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert Session.objects.get(pk=key).expire_date == first  # a page view a second later writes nothing
    session = client.session
    session["fazhi_renewed_at"] = time.time() - settings.FAZHI_SESSION_RENEW_SECONDS - 1
    session.save()
    before = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    assert client.get("/work/").status_code == 200
    assert Session.objects.get(pk=key).expire_date > before  # a minute on: the idle clock starts again
    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_idle_session_ends(users, settings):
    from django.contrib.sessions.models import Session

    client = Client()
    _login(client, "leader", PASSWORD)
    client.get("/work/")
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))  # 30 minutes without a request
    response = client.get("/work/")
    assert response.status_code == 302 and "/work/login/" in response["Location"]


def test_three_separate_administrators(tree):
    assert "core.view_audit" not in perms_for_role(Role.SYSTEM_ADMIN)
    assert "core.manage_users" not in perms_for_role(Role.SYSTEM_ADMIN)
    assert perms_for_role(Role.SECURITY_ADMIN) >= {"core.manage_users"}
    assert "core.view_audit" not in perms_for_role(Role.SECURITY_ADMIN)
    assert perms_for_role(Role.AUDIT_ADMIN) >= {"core.view_audit"}
    assert not perms_for_role(Role.AUDIT_ADMIN) & {"core.manage_users", "core.manage_org"}
    auditor = make_user("auditor", tree.sub, Role.AUDIT_ADMIN)
    client = Client()
    client.force_login(auditor)
    assert client.get("/work/core/audit/").status_code == 200
    assert client.get("/work/core/calendar/").status_code == 403


# ---- trusted proxies --------------------------------------------------------------------------------------------
def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_ignored_without_trusted_proxies(settings):
    settings.FAZHI_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "1.1.1.1")) == "203.0.113.9"


def test_forwarded_for_believed_from_a_trusted_proxy_rightmost_untrusted_hop(settings):
    settings.FAZHI_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.5"]
    assert client_ip(_request("10.0.0.2", "6.6.6.6, 198.51.100.7, 192.168.1.5")) == "198.51.100.7"
    assert client_ip(_request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"  # peer not trusted
    assert client_ip(_request("10.0.0.2", "garbage")) == "10.0.0.2"


def test_audit_records_the_real_address_not_a_spoofed_one(users, settings):
    settings.FAZHI_TRUSTED_PROXIES = []
    client = Client()
    client.post("/work/login/", {"username": "leader", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7",
                HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert AuditEvent.objects.filter(action="login").latest("id").ip == "10.7.7.7"
