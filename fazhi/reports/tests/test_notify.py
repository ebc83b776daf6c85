"""Hand-offs of the annual report reach the next person: submitted for review, the leader is told; returned, the
drafters are told — each with a link to the report, after the commit, never the person who acted."""
import pytest
from django.urls import reverse

from fazhi.core.models import Notification
from fazhi.reports import services

pytestmark = pytest.mark.django_db


def test_a_submitted_report_reaches_the_leader_and_a_returned_one_the_drafters(
        users, report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_transition(actor=users.office, report=report, name="submit", expected_version=report.version)
    leader = Notification.objects.get(recipient=users.leader)
    assert "待审核" in leader.title and "审核通过并定稿" in leader.body
    assert leader.url == reverse("reports:detail", args=[report.pk])
    assert not Notification.objects.filter(recipient=users.office).exists()
    assert not Notification.objects.filter(recipient__in=[users.other_admin, users.other_clerk, users.admin]).exists()

    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_transition(actor=users.leader, report=report, name="return", reason="第三部分请补充原因",
                                   expected_version=report.version)
    back = Notification.objects.get(recipient=users.office)
    assert "起草中" in back.title and "提交审核" in back.body
