"""The party's personal numbers in enforcement cases: encrypted at rest, masked on the case page with an audited
"显示", and pseudonymised once the case has been closed longer than the retention rule."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from fazhi.core import personal
from fazhi.core.models import AuditEvent
from fazhi.enforcement.models import Case

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


def test_case_numbers_encrypted_searchable_and_masked_on_the_page(users, client_for, make_case):
    case = make_case()
    with connection.cursor() as cursor:
        cursor.execute("SELECT party_id_number, party_phone FROM enforcement_case WHERE id = %s", [case.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert ID_NUMBER not in stored_id and "13800001111" not in stored_phone
    assert list(Case.objects.filter(personal.match("party_id_number", ID_NUMBER))) == [case]
    html = client_for(users.officer).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert ID_NUMBER not in html and "13800001111" not in html and "138****1111" in html and "查看理由" in html
    html = client_for(users.supervisor).get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "违法搭建彩钢棚" in html and ID_NUMBER not in html and "查看理由" not in html  # 执法监督: the case, not the numbers
    r = client_for(users.officer).post("/work/core/personal/reveal/", {"target": "enforcement.case", "id": case.pk,
                                                                       "reason": "送达处罚告知书"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and ID_NUMBER in r.content.decode() and "13800001111" in r.content.decode()
    event = AuditEvent.objects.get(action="reveal_personal")
    assert event.actor_id == users.officer.pk and event.object_id == str(case.pk) and event.reason == "送达处罚告知书"


def test_retention_pseudonymises_a_closed_case_of_a_person(users, make_case):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=datetime.date(2015, 1, 5))
    out = io.StringIO()
    call_command("apply_retention", "--rule", "enforcement.closed", stdout=out)
    assert "已去标识化 1 条记录" in out.getvalue()
    case = Case.objects.get(pk=case.pk)
    assert case.party_name == "张**" and case.party_id_number == "" and case.party_phone == ""
    assert case.party_address == "" and case.party_id_number_hash == "" and case.title == "违法搭建彩钢棚"
    assert not Case.objects.filter(personal.match("party_id_number", ID_NUMBER)).exists()
    assert AuditEvent.objects.filter(action="pseudonymise", object_id=str(case.pk)).count() == 1
