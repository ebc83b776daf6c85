"""Bookings are cancelled through the one transition runner; refusal codes are the same in pages and API."""
import pytest
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.legalservice import services
from fazhi.legalservice.models import Booking

from . import factories as f

pytestmark = pytest.mark.django_db


def _booking(users, tree, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    return services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")


def test_booking_cancel_runs_the_table_and_is_audited(client_for, tree, users, legal):
    booking = _booking(users, tree, legal)
    url = reverse("legalservice:booking_cancel", args=[booking.pk])
    assert client_for(users.leader).post(url, {"reason": "x"}).status_code == 403  # may see, may not act
    assert client_for(users.other_admin).post(url, {"reason": "x"}).status_code == 404
    r = client_for(users.advisor).post(url, {"reason": ""})
    assert r.status_code == 302 and Booking.objects.get().status == Booking.Status.BOOKED  # reason required
    r = client_for(users.advisor).post(url, {"reason": "群众来电取消"})
    assert r.status_code == 302 and Booking.objects.get().status == Booking.Status.CANCELLED
    event = AuditEvent.objects.filter(action="transition", action_label="取消预约").get()
    assert event.changes["status"] == ["booked", "cancelled"] and "张三" not in event.object_repr
    r = client_for(users.advisor).post(url, {"reason": "再取消"}, follow=True)
    assert "不能执行“取消预约”" in r.content.decode()


def test_consultation_page_and_api_refuse_alike(client_for, api_for, tree, users, legal):
    c = f.consultation(tree.liu)
    page = reverse("legalservice:consultation_transition", args=[c.pk])
    api = f"/api/legal/consultations/{c.pk}/transition/"
    assert client_for(users.advisor).post(page, {"action": "fly"}).status_code == 400
    assert api_for(users.advisor).post(api, {"action": "fly"}, format="json").status_code == 400
    assert client_for(users.clerk).post(page, {"action": "answer", "answer": "x"}).status_code == 403  # role lacks it
    assert api_for(users.clerk).post(api, {"action": "answer", "answer": "x"}, format="json").status_code == 403
    assert api_for(users.advisor).post(api, ["answer"], format="json").status_code == 400
