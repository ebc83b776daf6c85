"""Delivery beyond the platform: one interface, the backend a deployment configures per channel, every message in
the outbox table with its outcome, retries for temporary failures — and never a network call in a test."""
import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from fazhi.core import clock, delivery
from fazhi.core.models import OutboundMessage

pytestmark = pytest.mark.django_db
S = OutboundMessage.Status
PHONE = "13912345678"


def _sms(capture, *, node=None, **kwargs):
    with capture(execute=True):
        m = delivery.send(channel="sms", to=PHONE, body="您登记的纠纷已受理。", kind="test.sms", template="case_moved",
                          params={"code": "AB12CD34"}, link="https://fazhi.example.cn/x", node=node, **kwargs)
    m.refresh_from_db()
    return m


class FakeTransport:
    """Stands in for the HTTP call: records the requests, answers from a script."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, method, url, *, payload=None, headers=None, timeout=10):
        self.calls.append({"method": method, "url": url, "payload": payload, "headers": headers or {}})
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def test_the_default_sms_backend_stores_the_message_in_the_outbox_and_sends_nothing(
        tree, settings, django_capture_on_commit_callbacks):
    assert isinstance(delivery.backend_for("sms"), delivery.OutboxSms)
    assert isinstance(delivery.backend_for("wechat"), delivery.OutboxWechat)
    m = _sms(django_capture_on_commit_callbacks, node=tree.sub)
    assert m.status == S.OUTBOX and m.get_status_display().startswith("已存入发件箱")
    assert m.attempts == 1 and m.sent_at is not None and m.backend == "fazhi.core.delivery.OutboxSms"
    assert m.recipient == PHONE and m.recipient_masked == "139****5678"
    with connection.cursor() as cursor:  # the number is encrypted at rest
        cursor.execute("SELECT recipient FROM core_outboundmessage WHERE id = %s", [m.pk])
        assert PHONE not in cursor.fetchone()[0]


def test_nothing_is_recorded_or_sent_when_the_callers_transaction_rolls_back(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                delivery.send(channel="sms", to=PHONE, body="不应发出", kind="test.sms")
                raise RuntimeError("refused")
    assert callbacks == [] and not OutboundMessage.objects.exists()


def test_no_address_no_message(tree):
    assert delivery.send(channel="sms", to="  ", body="x", kind="test.sms") is None
    assert not OutboundMessage.objects.exists()


def test_a_configured_http_sms_gateway_gets_the_template_and_the_receipt_is_kept(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.HttpSms"
    settings.FAZHI_SMS = {"ENDPOINT": "https://sms.example.cn/send", "TOKEN": "secret-token", "SIGN_NAME": "稷下街道",
                          "TEMPLATE": "SMS_1234"}
    fake = FakeTransport((200, {"code": "OK", "id": "receipt-9"}))
    monkeypatch.setattr(delivery.HttpSms, "transport", staticmethod(fake))
    assert isinstance(delivery.backend_for("sms"), delivery.HttpSms)
    m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.SENT and m.provider_id == "receipt-9" and m.backend == "fazhi.core.delivery.HttpSms"
    [call] = fake.calls
    assert call["url"] == "https://sms.example.cn/send" and call["headers"]["Authorization"] == "Bearer secret-token"
    assert call["payload"] == {"phone": PHONE, "sign_name": "稷下街道", "template": "SMS_1234",
                               "params": {"code": "AB12CD34"}, "text": "您登记的纠纷已受理。"}


def test_a_temporary_failure_is_retried_later_and_gives_up_after_three_attempts(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.HttpSms"
    settings.FAZHI_SMS = {"ENDPOINT": "https://sms.example.cn/send"}
    fake = FakeTransport((503, {"message": "busy"}))
    monkeypatch.setattr(delivery.HttpSms, "transport", staticmethod(fake))
    m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.RETRY and m.attempts == 1 and "暂时不可用" in m.last_error
    assert m.next_attempt_at - clock.now() > datetime.timedelta(minutes=4)
    assert delivery.deliver_due() == {"sent": 0, "failed": 0, "retry": 0}  # not due yet
    later = clock.now() + datetime.timedelta(hours=2)
    with clock.frozen(later):
        delivery.deliver_due()
    m.refresh_from_db()
    assert m.attempts == 2 and m.status == S.RETRY
    with clock.frozen(later + datetime.timedelta(hours=2)):
        delivery.deliver_due()
    m.refresh_from_db()
    assert m.attempts == 3 and m.status == S.FAILED and m.next_attempt_at is None
    assert len(fake.calls) == 3


def test_a_refusal_or_a_missing_configuration_fails_at_once_with_its_reason(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.HttpSms"
    settings.FAZHI_SMS = {}
    m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.FAILED and m.attempts == 1 and "未配置短信网关地址" in m.last_error
    settings.FAZHI_SMS = {"ENDPOINT": "https://sms.example.cn/send"}
    monkeypatch.setattr(delivery.HttpSms, "transport", staticmethod(FakeTransport((200, {"code": "isv.MOBILE_NUMBER_ILLEGAL",
                                                                                        "message": "号码格式错误"}))))
    m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.FAILED and "号码格式错误" in m.last_error


def test_an_adapter_of_another_channel_is_refused(tree, settings, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.OutboxWechat"
    m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.FAILED and "不是“短信”渠道的发送方式" in m.last_error


def test_the_real_transport_never_runs_in_tests():
    with pytest.raises(delivery.DeliveryError) as exc:
        delivery.urllib_transport("POST", "https://sms.example.cn/send", payload={})
    assert exc.value.permanent and "测试环境不进行网络调用" in exc.value.message


def test_wechat_template_messages_fetch_the_token_once_and_fill_the_template(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    cache.delete(delivery.WechatTemplate.TOKEN_KEY)
    settings.FAZHI_WECHAT_BACKEND = "fazhi.core.delivery.WechatTemplate"
    settings.FAZHI_WECHAT = {"APP_ID": "wx123", "APP_SECRET": "s3cret", "TEMPLATES": {"case_moved": "TPL-1"}}
    answers = FakeTransport((200, {"access_token": "TOKEN-A", "expires_in": 7200}), (200, {"errcode": 0, "msgid": 77}),
                            (200, {"errcode": 0, "msgid": 78}))
    monkeypatch.setattr(delivery.WechatTemplate, "transport", staticmethod(answers))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            delivery.send(channel="wechat", to="oOPENID-resident-1", body="您的纠纷已受理", kind="test.wechat",
                          template="case_moved", params={"status": "已受理"}, link="https://fazhi.example.cn/t/x")
    assert [m.status for m in OutboundMessage.objects.order_by("pk")] == [S.SENT, S.SENT]
    assert [c["url"].split("?")[0].rsplit("/", 1)[-1] for c in answers.calls] == ["token", "send", "send"]
    assert answers.calls[1]["payload"] == {"touser": "oOPENID-resident-1", "template_id": "TPL-1",
                                           "data": {"status": {"value": "已受理"}},
                                           "url": "https://fazhi.example.cn/t/x"}
    assert answers.calls[1]["url"].endswith("access_token=TOKEN-A")
    cache.delete(delivery.WechatTemplate.TOKEN_KEY)


def test_email_goes_through_djangos_mail_backend_and_is_recorded(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery.send(channel="email", to="clerk@example.org", subject="请处理", body="有一件纠纷待您处理。",
                      kind="test.email")
    [sent] = mail.outbox
    assert sent.to == ["clerk@example.org"] and "请处理" in sent.subject and sent.body == "有一件纠纷待您处理。"
    m = OutboundMessage.objects.get()
    assert m.status == S.SENT and m.recipient_masked == "c***@example.org"


def test_deliver_messages_sends_what_the_queue_lost(tree, settings, capsys):
    OutboundMessage.objects.create(channel="sms", backend="", kind="test.sms", recipient=PHONE, recipient_masked="x",
                                   body="待发送", created_at=clock.now())
    call_command("deliver_messages")
    assert "已发送 1 条" in capsys.readouterr().out
    assert OutboundMessage.objects.get().status == S.OUTBOX


def test_the_message_log_shows_administrators_their_own_messages_masked(
        tree, users, client_for, django_capture_on_commit_callbacks):
    mine = _sms(django_capture_on_commit_callbacks, node=tree.sub)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.send(channel="sms", to="13800001111", body="另一个街道的短信", kind="test.sms", node=tree.other)
    page = client_for(users.sub_admin).get(reverse("core:messages"))
    body = page.content.decode()
    assert page.status_code == 200 and "消息发送记录" in body
    assert f'data-message="{mine.pk}"' in body and "139****5678" in body and PHONE not in body
    assert "另一个街道的短信" not in body
    assert "另一个街道的短信" in client_for(users.admin).get(reverse("core:messages")).content.decode()
    failed_only = client_for(users.sub_admin).get(reverse("core:messages") + "?status=failed").content.decode()
    assert f'data-message="{mine.pk}"' not in failed_only
    assert client_for(users.clerk).get(reverse("core:messages")).status_code == 403


def test_the_demo_loader_never_texts_anyone_whatever_is_configured(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.HttpSms"
    settings.FAZHI_SMS = {"ENDPOINT": "https://sms.example.cn/send"}
    fake = FakeTransport((200, {"code": "OK"}))
    monkeypatch.setattr(delivery.HttpSms, "transport", staticmethod(fake))
    with delivery.outbox_only():
        m = _sms(django_capture_on_commit_callbacks)
    assert m.status == S.OUTBOX and m.backend == "fazhi.core.delivery.OutboxSms" and fake.calls == []
    assert _sms(django_capture_on_commit_callbacks).status == S.SENT and len(fake.calls) == 1


def test_an_administrator_resends_the_failed_messages_after_fixing_the_configuration(
        tree, users, settings, monkeypatch, client_for, django_capture_on_commit_callbacks):
    settings.FAZHI_SMS_BACKEND = "fazhi.core.delivery.HttpSms"
    settings.FAZHI_SMS = {}
    failed = _sms(django_capture_on_commit_callbacks, node=tree.sub)
    assert failed.status == S.FAILED
    page = client_for(users.sub_admin).get(reverse("core:messages")).content.decode()
    assert "重新发送失败的消息（1条）" in page and "未配置短信网关地址" in page
    settings.FAZHI_SMS = {"ENDPOINT": "https://sms.example.cn/send"}
    monkeypatch.setattr(delivery.HttpSms, "transport", staticmethod(FakeTransport((200, {"code": 0, "id": "r1"}))))
    assert client_for(users.other_admin).post(reverse("core:messages_resend")).status_code == 302
    failed.refresh_from_db()
    assert failed.status == S.FAILED  # another subdistrict's administrator resends nothing of ours
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users.sub_admin).post(reverse("core:messages_resend"))
    failed.refresh_from_db()
    assert failed.status == S.SENT and failed.attempts == 2 and failed.provider_id == "r1"
    assert client_for(users.clerk).post(reverse("core:messages_resend")).status_code == 403
