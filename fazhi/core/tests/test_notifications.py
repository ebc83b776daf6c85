"""Notifications: work that reaches a person shows in their inbox — only what they may see, only after the commit."""
import datetime

import pytest
from django.core import mail
from django.urls import reverse

from fazhi.core import clock, notifications
from fazhi.core.errors import DomainError
from fazhi.core.models import Membership, Notification
from fazhi.core.workflow import Workflow
from fazhi.disputes import services as dispute_services
from fazhi.disputes.tests import factories as f
from fazhi.disputes.workflow import dispute_workflow

pytestmark = pytest.mark.django_db


def _accepted_case(users, tree):
    d = f.dispute(users.clerk, tree)
    f.run(users.clerk, d, "accept")
    d.refresh_from_db()
    return d


def _assign_to_room(users, tree, d, capture):
    room = dispute_services.room_save(actor=users.admin, node=tree.sub, name="老赵调解室", host_name="赵师傅",
                                      host=users.host, specialities=["neighbour"])
    with capture(execute=True):
        f.run(users.clerk, d, "assign", level="subdistrict", room=room.pk)
    return room


def test_a_case_assigned_to_a_room_reaches_its_host_with_a_link_and_an_unread_count(
        users, tree, client_for, django_capture_on_commit_callbacks):
    d = _accepted_case(users, tree)
    _assign_to_room(users, tree, d, django_capture_on_commit_callbacks)

    inbox = list(notifications.inbox(users.host))
    assert [n.title for n in inbox] == [f"新分派的矛盾纠纷：{d}"]
    assert not Notification.objects.filter(recipient=users.clerk).exists()  # the actor is not told of their own act

    host = client_for(users.host)
    home = host.get(reverse("core:home")).content.decode()
    assert "未读 1 条" in home  # the header
    assert "未读通知" in home  # the host's to-dos
    page = host.get(reverse("core:notifications")).content.decode()
    assert d.title in page and "老赵调解室" in page
    response = host.get(reverse("core:notification_open", args=[inbox[0].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("disputes:detail", args=[d.pk])
    assert host.get(response["Location"]).status_code == 200
    assert "未读 1 条" not in host.get(reverse("core:home")).content.decode()


def test_a_refused_assignment_notifies_nobody(users, tree, django_capture_on_commit_callbacks):
    d = _accepted_case(users, tree)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        f.run(users.clerk, d, "assign", level="subdistrict", room=999999)
    assert not Notification.objects.exists()


def test_only_recipients_who_may_see_the_record_are_told(users, tree, django_capture_on_commit_callbacks):
    d = f.dispute(users.clerk, tree, level="village")  # handled by 刘家村
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[users.clerk, users.mediator, users.mediator_yang, users.other_clerk, None],
                             kind="test", title="请处理", obj=d)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"clerk", "mediator"}  # not 大杨村's mediator, not another subdistrict's clerk


def test_a_notification_about_a_record_that_left_the_readers_scope_does_not_open_it(
        users, tree, client_for, django_capture_on_commit_callbacks):
    d = f.dispute(users.clerk, tree, level="village")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[users.mediator], kind="test", title="请处理", obj=d,
                             url=reverse("disputes:detail", args=[d.pk]))
    n = Notification.objects.get(recipient=users.mediator)
    Membership.objects.filter(user=users.mediator).update(is_active=False)
    Membership.objects.create(user=users.mediator, node=tree.yang, role="mediator")
    c = client_for(users.mediator)
    response = c.get(reverse("core:notification_open", args=[n.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:notifications")
    assert "已不在您的管辖范围内" in response.content.decode()


def test_nobody_reads_or_marks_anothers_notification(users, tree, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[users.clerk], kind="test", title="只给矛调中心的通知")
    n = Notification.objects.get()
    other = client_for(users.leader)
    assert other.get(reverse("core:notification_open", args=[n.pk])).status_code == 404
    assert other.post(reverse("core:notification_read", args=[n.pk])).status_code == 404
    assert "只给矛调中心的通知" not in other.get(reverse("core:notifications")).content.decode()
    other.post(reverse("core:notifications_read_all"))
    n.refresh_from_db()
    assert n.read_at is None

    mine = client_for(users.clerk)
    mine.post(reverse("core:notification_read", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is not None
    assert "没有未读通知" in mine.get(reverse("core:notifications") + "?unread=1").content.decode()


def test_reminders_tell_each_user_their_own_overdue_work_once_and_again_when_it_grows(users, tree):
    with clock.frozen(datetime.date(2026, 3, 2)):
        d1 = _accepted_case(users, tree)
    later = d1.due_date + datetime.timedelta(days=3)
    with clock.frozen(later):
        assert notifications.remind_due_work(users=[users.clerk, users.other_clerk]) >= 1
        mine = Notification.objects.get(recipient=users.clerk, title__startswith="超期未办结的矛盾纠纷")
        assert mine.title.endswith("：1件") and mine.level == "danger" and mine.url.startswith(reverse("disputes:list"))
        assert not Notification.objects.filter(recipient=users.other_clerk).exists()  # not their subdistrict
        assert notifications.remind_due_work(users=[users.clerk]) == 0  # nothing new: no second reminder
    with clock.frozen(datetime.date(2026, 3, 2)):
        _accepted_case(users, tree)
    with clock.frozen(later):
        notifications.remind_due_work(users=[users.clerk])
    titles = list(Notification.objects.filter(recipient=users.clerk, title__startswith="超期未办结")
                  .values_list("title", flat=True))
    assert sorted(titles) == ["超期未办结的矛盾纠纷：1件", "超期未办结的矛盾纠纷：2件"]


def test_next_actors_are_told_a_record_waits_for_them(users, tree, django_capture_on_commit_callbacks):
    wf = Workflow(list(dispute_workflow.transitions.values()), state_labels=dispute_workflow.state_labels,
                  view_perm=dispute_workflow.view_perm, notify=notifications.next_actors)
    d = f.dispute(users.clerk, tree)
    d.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        wf.run(d, actor=users.clerk, name="accept", version=d.version)
    told = Notification.objects.filter(kind="disputes.dispute.accepted")
    names = set(told.values_list("recipient__username", flat=True))
    assert "clerk" not in names and "admin" not in names and "other_clerk" not in names
    assert names, "someone may assign the accepted case"
    assert all("可执行" in n.body for n in told)


def test_channels_deliver_beyond_the_inbox_and_a_failing_one_loses_nothing(
        users, tree, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FAZHI_NOTIFICATION_CHANNELS = ["fazhi.core.notifications.EmailChannel",
                                            "fazhi.core.tests.test_notifications.BrokenChannel"]
    users.clerk.email = "clerk@example.org"
    users.clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[users.clerk, users.mediator], kind="test", title="请处理", url="/work/")
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["clerk@example.org"]]  # the mediator has no address
    assert "请处理" in mail.outbox[0].subject and "/work/" in mail.outbox[0].body


class BrokenChannel(notifications.Channel):
    name = "broken"

    def send(self, notification):
        raise RuntimeError("gateway down")


def test_the_reminder_command_reports_what_it_sent(users, tree):
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(datetime.date(2026, 3, 2)):
        d = _accepted_case(users, tree)
    out = StringIO()
    with clock.frozen(d.due_date + datetime.timedelta(days=1)):
        call_command("send_reminders", stdout=out)
    sent = Notification.objects.filter(kind="todo.reminder").count()
    assert sent >= 1 and out.getvalue().strip() == f"已发送 {sent} 条到期提醒。"
