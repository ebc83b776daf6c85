"""A case submitted for legal review reaches the legal reviewer of its node at once — not the officer who submitted
it, not an administrator, not another subdistrict."""
import pytest
from django.urls import reverse

from fazhi.core.models import Notification
from fazhi.enforcement import services

from .conftest import advance

pytestmark = pytest.mark.django_db


def test_a_case_submitted_for_review_reaches_the_legal_reviewer(make_case, users, enf,
                                                                django_capture_on_commit_callbacks):
    case = advance(make_case(is_complex=True), users, enf, to="notified")
    case = services.case_transition(actor=users.officer, case=case, name="record_statement", statement_waived=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(actor=users.officer, case=case, name="submit_review")
    told = Notification.objects.filter(kind="enforcement.review_requested")
    assert set(told.values_list("recipient__username", flat=True)) == {"reviewer"}
    n = told.get()
    assert n.url == reverse("enforcement:case_detail", args=[case.pk]) and "提请法制审核" in n.title
