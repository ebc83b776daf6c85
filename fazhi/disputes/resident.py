"""Residents hear when their case moves: an SMS to the applicant with a link that opens the case's tracking page
without the tracking code and phone.

``case_moved`` is called by ``services.dispute_transition`` after each transition (never for history imported from a
ledger, which runs the workflow directly). Transitions the resident sees on the tracking page (the table's
``is_public``) send one SMS — through the configured SMS backend (``fazhi.core.delivery``), after the commit — to each
applicant's mobile number (a landline or no number: no SMS). The case's own contact phone is not used: for a case a
department referred or a grid worker reported it may be the referrer's.

The link carries the tracking code signed with a timestamp (``django.core.signing``, salt per purpose), valid for
``settings.FAZHI_TRACK_LINK_DAYS`` days; ``case_for_token`` answers the case, or why the link no longer opens it
(expired, altered) in Chinese. The address is ``FAZHI["PUBLIC_BASE_URL"]`` + the public route.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

from fazhi.core import delivery

from .models import Dispute, Party

SALT = "fazhi.disputes.track-link"
MOBILE = re.compile(r"1[3-9]\d{9}")
KIND = "disputes.case_moved"

# transition → what the resident reads after "您的纠纷（查询码…）"
STATUS_TEXT = {
    "accept": "已受理，将安排调解员或调解室与您联系",
    "decline": "不予受理，理由和其他解决途径请查看详情",
    "assign": "已安排调解（{where}），工作人员将与您约定调解时间",
    "start": "已开始调解",
    "agree": "调解成功，已签订调解协议",
    "fail": "调解不成，其他解决途径请查看详情",
    "follow_up": "已回访并结案",
    "reopen": "已重新调解",
    "escalate": "已上报上一级办理",
    "escalate_assigned": "已上报上一级办理，将重新安排调解",
    "transfer": "已移交{where}办理",
    "merge": "已与相关纠纷并案办理",
}


def link_days() -> int:
    return int(getattr(settings, "FAZHI_TRACK_LINK_DAYS", 30))


class _ShortSigner(signing.TimestampSigner):
    """Django's timestamped HMAC-SHA256 signer with the signature cut to 128 bits (22 characters): an SMS is paid
    per 70 characters, and 128 bits is far beyond guessing."""

    def signature(self, value, key=None):
        return super().signature(value, key)[:22]


def _signer() -> signing.TimestampSigner:
    return _ShortSigner(salt=SALT)


def track_token(dispute: Dispute) -> str:
    return _signer().sign(dispute.tracking_code)


def track_link(dispute: Dispute) -> str:
    base = settings.FAZHI["PUBLIC_BASE_URL"].rstrip("/")
    return base + reverse("disputes_public:track_link", args=[track_token(dispute)])


class LinkProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def case_for_token(token: str) -> Dispute:
    """The case a link opens; ``LinkProblem`` (a Chinese message) when it is expired, altered or unknown."""
    token = (token or "").strip()
    if not token or len(token) > 200:
        raise LinkProblem("链接不完整或已被修改，请输入查询码和手机号码查询。")
    try:
        code = _signer().unsign(token, max_age=link_days() * 86400)
    except signing.SignatureExpired:
        raise LinkProblem(f"该查询链接已超过{link_days()}天有效期，请输入查询码和手机号码查询。") from None
    except signing.BadSignature:
        raise LinkProblem("链接不完整或已被修改，请输入查询码和手机号码查询。") from None
    from .selectors import dispute_for_link

    dispute = dispute_for_link(code)
    if dispute is None:
        raise LinkProblem("没有找到该链接对应的纠纷，请输入查询码和手机号码查询。")
    return dispute


def mobiles(dispute: Dispute) -> list[str]:
    """The applicants' mobile numbers, each once."""
    out = []
    for party in Party.objects.filter(dispute=dispute, role=Party.Role.APPLICANT).order_by("pk"):
        number = (party.phone or "").strip().replace(" ", "").replace("-", "")
        if MOBILE.fullmatch(number) and number not in out:
            out.append(number)
    return out


def _where(dispute: Dispute) -> str:
    if dispute.room_id:
        return dispute.room.name
    if dispute.centre_body_id:
        return dispute.centre_body.name
    return dispute.node.name


def message_text(dispute: Dispute, name: str, link: str) -> tuple[str, dict]:
    status = STATUS_TEXT[name].format(where=_where(dispute))
    text = f"您的纠纷（查询码{dispute.tracking_code}）{status}。办理进度：{link} （{link_days()}天内有效）"
    return text, {"code": dispute.tracking_code, "status": status, "link": link}


def case_moved(dispute: Dispute, name: str) -> list:
    """After transition ``name``: one SMS per applicant mobile (sent after the commit). Returns the outbox rows."""
    if name not in STATUS_TEXT:
        return []
    numbers = mobiles(dispute)
    if not numbers:
        return []
    link = track_link(dispute)
    text, params = message_text(dispute, name, link)
    return [delivery.send(channel="sms", to=number, body=text, kind=KIND, template="case_moved", params=params,
                          link=link, obj=dispute, node=dispute.node) for number in numbers]
