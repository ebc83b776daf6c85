"""Residents hear when their case moves: an SMS in Chinese to the applicant's mobile, with a link that opens the
case's tracking page without the code — for 30 days; an expired or altered link says so and offers the code form."""
import time

import pytest
from django.core import signing
from django.urls import reverse

from fazhi.core.masking import personal_numbers_in
from fazhi.core.models import OutboundMessage

from .. import resident
from ..workflow import dispute_workflow
from . import factories as f

pytestmark = pytest.mark.django_db


def _sms_of(d):
    return list(OutboundMessage.objects.filter(kind=resident.KIND, target_id=str(d.pk)).order_by("pk"))


def _move(actor, d, name, capture, **data):
    with capture(execute=True):
        return f.run(actor, d, name, **data)


def test_accepting_a_case_texts_the_applicant_in_chinese_with_a_link_to_the_case(
        tree, users, settings, django_capture_on_commit_callbacks):
    settings.FAZHI = {**settings.FAZHI, "PUBLIC_BASE_URL": "https://fazhi.jixia.gov.cn/"}
    d = f.dispute(users.clerk, tree, contact="13955501234")
    assert _sms_of(d) == []  # registering is not a move: the clerk hands over the code at the window
    _move(users.clerk, d, "accept", django_capture_on_commit_callbacks)
    [sms] = _sms_of(d)
    assert sms.channel == "sms" and sms.recipient == "13955501234" and sms.status == OutboundMessage.Status.OUTBOX
    assert sms.body.startswith(f"您的纠纷（查询码{d.tracking_code}）已受理")
    assert "办理进度：https://fazhi.jixia.gov.cn/mediation/t/" in sms.body and "30天内有效" in sms.body
    assert len(sms.body) <= 134  # two SMS segments (67 characters each) with a short public address
    assert sms.link in sms.body and sms.params["status"].startswith("已受理") and sms.node == d.node
    assert resident.case_for_token(sms.link.rstrip("/").rsplit("/", 1)[-1]) == d


def test_each_move_the_resident_sees_sends_one_message_and_internal_steps_send_none(
        tree, users, django_capture_on_commit_callbacks):
    room = f.room(users.judicial, tree)
    d = f.dispute(users.clerk, tree)
    with django_capture_on_commit_callbacks(execute=True):
        f.to_agreed(users.clerk, d, room_obj=room)
    texts = [m.params["status"] for m in _sms_of(d)]
    assert texts == ["已受理，将安排调解员或调解室与您联系", "已安排调解（老赵劳动调解室），工作人员将与您约定调解时间",
                     "已开始调解", "调解成功，已签订调解协议"]  # the session record (internal) sends nothing
    _move(users.clerk, d, "follow_up", django_capture_on_commit_callbacks, performed=True, satisfaction="satisfied",
          note="已履行")
    assert _sms_of(d)[-1].params["status"] == "已回访并结案"


def test_every_transition_shown_to_residents_has_a_message():
    public = {t.name for t in dispute_workflow.transitions.values() if t.is_public}
    assert public == set(resident.STATUS_TEXT)


def test_no_message_without_an_applicants_mobile_number(tree, users, django_capture_on_commit_callbacks):
    landline = f.dispute(users.clerk, tree, contact="0533-7654321")
    _move(users.clerk, landline, "accept", django_capture_on_commit_callbacks)
    assert _sms_of(landline) == []
    d = f.dispute(users.clerk, tree, contact="13955507777")
    d.parties.filter(role="applicant").update(phone="")  # the case's contact phone may be a referrer's: not used
    _move(users.clerk, d, "accept", django_capture_on_commit_callbacks)
    assert _sms_of(d) == []


def test_a_refused_move_and_imported_history_send_nothing(tree, users, django_capture_on_commit_callbacks):
    from fazhi.core.errors import DomainError

    d = f.dispute(users.clerk, tree)
    with pytest.raises(DomainError):
        _move(users.clerk, d, "decline", django_capture_on_commit_callbacks)  # a reason is required
    d2 = f.dispute(users.clerk, tree)
    with django_capture_on_commit_callbacks(execute=True):
        dispute_workflow.run(d2, actor=users.clerk, name="accept", version=d2.version, imported=True)
    assert _sms_of(d) == [] and _sms_of(d2) == []


def test_the_link_opens_the_case_without_the_code_and_shows_no_personal_number(tree, users, client):
    d = f.dispute(users.clerk, tree, contact="13955502468")
    f.run(users.clerk, d, "accept")
    page = client.get(reverse("disputes_public:track_link", args=[resident.track_token(d)]))
    body = page.content.decode()
    assert page.status_code == 200
    assert d.tracking_code in body and "已受理" in body and "无需再输入查询码" in body
    assert "13955502468" not in body and personal_numbers_in(body) == []


def test_an_expired_link_says_so_in_chinese_and_offers_the_code_form(tree, users, client, monkeypatch):
    d = f.dispute(users.clerk, tree)
    token = resident.track_token(d)
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 31 * 86400)
    page = client.get(reverse("disputes_public:track_link", args=[token]))
    body = page.content.decode()
    assert page.status_code == 400 and "该查询链接已超过30天有效期" in body
    assert d.title not in body and "当前状态" not in body and 'name="code"' in body
    assert f'action="{reverse("disputes_public:track")}"' in body
    monkeypatch.setattr(signing.time, "time", lambda: now + 29 * 86400)
    assert client.get(reverse("disputes_public:track_link", args=[token])).status_code == 200


@pytest.mark.parametrize("spoil", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature altered
                                   lambda t: "ZZ" + t[2:],  # another code under the same signature
                                   lambda t: "x", lambda t: "%00" * 3, lambda t: "a" * 300])
def test_a_tampered_link_is_refused_with_a_clear_message_never_an_error(tree, users, client, spoil):
    d = f.dispute(users.clerk, tree)
    url = reverse("disputes_public:track_link", args=["placeholder"]).replace("placeholder", spoil(
        resident.track_token(d)))
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 400 and "链接不完整或已被修改" in body and d.title not in body and "当前状态" not in body


def test_a_link_signed_for_another_purpose_opens_nothing(tree, users, client):
    d = f.dispute(users.clerk, tree)
    other = resident._ShortSigner(salt="fazhi.something-else").sign(d.tracking_code)
    page = client.get(reverse("disputes_public:track_link", args=[other]))
    assert page.status_code == 400 and d.title not in page.content.decode()
