"""A resident's online consultation reaches the advisor it was routed to at once — only that advisor."""
import pytest
from django.urls import reverse

from fazhi.core.models import Notification
from fazhi.legalservice import services

pytestmark = pytest.mark.django_db


def test_a_consultation_reaches_the_advisor_it_was_routed_to(legal, tree, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = services.consultation_create(village=tree.liu, asker_name="张三", phone="13900001111", title="宅基地能否继承",
                                         question="父亲去世后宅基地能否由子女继承？")
    n = Notification.objects.get()
    assert n.recipient == users.advisor and n.title == "新的在线咨询：宅基地能否继承"
    assert n.url == reverse("legalservice:consultation_detail", args=[c.pk])
