"""The statutory time limits and procedural rules of the 行政处罚法, judged on a given date.

Every limit is a ``DeadlineRule`` row (migration 0005: unit in working days where 第八十五条 says so); nothing here
holds a number of days. Each refusal names its article. The workflow's guards call these with today's date (what
the buttons offer); the services call them again with the step's own date (back-dated steps are judged by it).
"""
from __future__ import annotations

import datetime

from django.utils import timezone

from fazhi.core import workdays
from fazhi.core.errors import DomainError

from .models import CaseStatus, LegalReview

DECISION = "enforcement.decision"
SERVICE = "enforcement.service"
STATEMENT = "enforcement.statement"
HEARING_REQUEST = "enforcement.hearing_request"
HEARING_NOTICE = "enforcement.hearing_notice"
WITHDRAW = "enforcement.withdraw"
PAYMENT = "enforcement.payment"
RECONSIDERATION = "enforcement.reconsideration"
LITIGATION = "enforcement.litigation"
PUBLISH_PENALTY = "enforcement.publish_penalty"
PUBLISH_OTHER = "enforcement.publish_other"

#: 行政处罚法第八十六条: the 2021 law applies from this day (first-time reviewers need 法律职业资格 from then on).
LAW_2021_IN_FORCE = datetime.date(2021, 7, 15)


def deadline(code: str, start: datetime.date | None, **kwargs) -> workdays.Deadline | None:
    if start is None:
        return None
    return workdays.compute_deadline(code, start, **kwargs)


def statement_deadline(case) -> workdays.Deadline | None:
    return deadline(STATEMENT, case.notified_on)


def hearing_request_deadline(case) -> workdays.Deadline | None:
    return deadline(HEARING_REQUEST, case.notified_on) if case.heavy_penalty else None


def _open_until(d: workdays.Deadline | None, on: datetime.date) -> bool:
    """Is the window still open on ``on`` (its last day included)? An undefined calendar keeps it open."""
    return d is not None and (d.due is None or on <= d.due)


def hearing_request_problem(case, on: datetime.date) -> str | None:
    if not case.heavy_penalty:
        return "本案未拟作较重处罚，当事人无听证权（行政处罚法第六十三条）。"
    if case.hearing_waived:
        return "当事人已放弃听证。"
    d = hearing_request_deadline(case)
    if d is not None and d.due is not None and on > d.due:
        return (f"当事人应在告知后{d.amount}{d.unit_label}内提出听证要求（行政处罚法第六十四条第一项、第八十五条），"
                f"期限已于{d.due:%Y-%m-%d}届满。")
    return None


def needs_collective(case) -> bool:
    """第五十七条第二款: 情节复杂或者重大违法行为 — the case's complexity flag or a major-case rule it meets."""
    return bool(case.is_complex or case.is_major)


def decide_problem(case, on: datetime.date, *, check_review: bool = True) -> str | None:
    """Why a decision on ``on`` is unlawful now, or None (``check_review``: the legal-review gate too)."""
    if check_review and case.is_major and case.status != CaseStatus.REVIEWED:
        return "本案属于重大执法决定，须经法制审核人员审核同意后方可作出决定（行政处罚法第五十八条第一款）。"
    if case.is_major and case.pk:
        approved = case.reviews.filter(opinion=LegalReview.Opinion.APPROVE).order_by("-reviewed_at").first()
        if approved and on < timezone.localdate(approved.reviewed_at):
            return (f"决定日期不能早于法制审核同意的日期（{timezone.localdate(approved.reviewed_at):%Y-%m-%d}）："
                    "未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条第一款）。")
    if case.statement_on and not case.statement_review and not case.statement_waived:
        return "当事人提出了陈述、申辩，须先记录对其事实、理由和证据的复核意见（行政处罚法第四十五条）。"
    if not case.statement_waived and not case.statement_on:
        d = statement_deadline(case)
        if _open_until(d, on):
            until = f"至{d.due:%Y-%m-%d}" if d.due else ""
            return (f"当事人陈述、申辩的期限（告知后{d.amount}{d.unit_label}{until}）尚未届满，且当事人未明确放弃，"
                    "届满后方可作出决定（行政处罚法第四十四条、第四十五条、第六十二条）。")
    if case.heavy_penalty and not case.hearing_requested and not case.hearing_waived:
        d = hearing_request_deadline(case)
        if _open_until(d, on):
            until = f"至{d.due:%Y-%m-%d}" if d.due else ""
            return (f"当事人要求听证的期限（告知后{d.amount}{d.unit_label}{until}）尚未届满，且当事人未放弃听证，"
                    "届满后方可作出决定（行政处罚法第六十四条第一项、第八十五条）。")
    if needs_collective(case) and not case.collective_on:
        return "本案情节复杂或属重大违法行为，须经行政机关负责人集体讨论决定（行政处罚法第五十七条第二款）。"
    return None


def hearing_notice_problem(case, *, notified_on: datetime.date, hearing_on: datetime.date) -> str | None:
    d = deadline(HEARING_NOTICE, notified_on)
    if d is not None and d.due is not None and hearing_on < d.due:
        return (f"应在举行听证的{d.amount}{d.unit_label}前通知当事人听证的时间、地点（行政处罚法第六十四条第二项、第八十五条）："
                f"{notified_on:%Y-%m-%d}通知的，听证最早于{d.due:%Y-%m-%d}举行。")
    return None


def reviewer_problem(qualification, user) -> str | None:
    """第五十八条第二款: a first-time reviewer since the 2021 law must hold 法律职业资格."""
    name = getattr(user, "display_name", str(user))
    if qualification is None:
        return (f"{name}尚未登记为法制审核人员（开始从事法制审核的日期、法律职业资格），不能进行法制审核"
                "（行政处罚法第五十八条第二款）。")
    if qualification.reviewing_since >= LAW_2021_IN_FORCE and not qualification.qualification_number:
        return (f"{name}自{qualification.reviewing_since:%Y-%m-%d}起初次从事法制审核，应当取得法律职业资格"
                "（行政处罚法第五十八条第二款），尚未登记法律职业资格证书编号。")
    return None


def refuse(problem: str | None, field: str | None = None) -> None:
    if problem:
        raise DomainError(problem, field_errors={field: problem} if field else None, code="unlawful")
