"""A correction the applicant submits online reaches the disclosure officer at once (a hand-off, not a silent change
of state)."""
import datetime

import pytest
from django.urls import reverse

from fazhi.core import clock
from fazhi.core.models import Notification
from fazhi.governance import services

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_correction_returned_by_the_applicant_reaches_the_disclosure_officer(
        users, tree, django_capture_on_commit_callbacks):
    req = f.request(tree, day=datetime.date(2024, 3, 1))
    with clock.frozen(datetime.date(2024, 3, 4)):
        services.request_transition(actor=users.disclosure, request_id=req.pk, name="request_correction",
                                    reason="请写明年份")
    with clock.frozen(datetime.date(2024, 3, 6)), django_capture_on_commit_callbacks(execute=True):
        services.request_correct_by_applicant(code=req.tracking_code, phone="13905331234",
                                              correction_text="申请公开2022年全年的低保资金发放情况")
    told = Notification.objects.filter(kind="governance.correction_received")
    assert "disclosure" in set(told.values_list("recipient__username", flat=True))
    assert not told.filter(recipient__username__in=["other_admin", "other_clerk", "admin"]).exists()
    n = told.get(recipient=users.disclosure)
    assert n.url == reverse("governance:request_detail", args=[req.pk]) and "答复期限重新计算" in n.body
