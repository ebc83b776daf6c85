"""Residents' phone numbers in bookings and consultations: encrypted at rest, still found by the public lookup and the
one-booking-per-phone rule, masked on staff pages with an audited "显示"."""
import pytest
from django.db import connection
from django.urls import reverse

from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.legalservice import selectors, services

from . import factories as f

pytestmark = pytest.mark.django_db


def test_booking_phone_encrypted_unique_and_masked(tree, users, legal, client_for):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    booking = services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM legalservice_booking WHERE id = %s", [booking.pk])
        assert "13900001111" not in cursor.fetchone()[0]
    with pytest.raises(DomainError, match="预约过"):
        services.booking_create(office_hour_id=slot.pk, name="张三", phone="139 0000 1111", topic="再约")
    html = client_for(users.judicial).get(reverse("legalservice:office_hour_detail", args=[slot.pk])).content.decode()
    assert "13900001111" not in html and "139****1111" in html
    r = client_for(users.judicial).post("/work/core/personal/reveal/", {"target": "legalservice.booking",
                                        "id": booking.pk, "reason": "电话确认预约"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "13900001111" in r.content.decode()
    assert AuditEvent.objects.filter(action="reveal_personal", actor=users.judicial).count() == 1


def test_consultation_lookup_by_code_and_phone_still_works(tree, users, legal):
    c = services.consultation_create(village=tree.liu, asker_name="李四", phone="13900002222", title="继承",
                                     question="父亲的房子怎么继承？")
    assert selectors.public_consultation_by_code(c.code, "13900002222").pk == c.pk
    assert selectors.public_consultation_by_code(c.code, "13900002223") is None


def test_numbers_typed_into_a_question_are_not_stored_in_plain_text(tree):
    """The resident's phone has its own encrypted field; one typed into the question is replaced."""
    c = f.consultation(tree.liu, question="我家宅基地被占，请回电13905331234，身份证370305197001011118。")
    c.refresh_from_db()
    assert "13905331234" not in c.question and "370305197001011118" not in c.question
    assert "［电话已隐去］" in c.question and "我家宅基地被占" in c.question
