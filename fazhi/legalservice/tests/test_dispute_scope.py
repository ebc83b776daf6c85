"""Regression (issue 10, leak 1): the service-record form and API offer a village advisor exactly the dispute cases
the dispute module shows them — never a case of their village they were not joined to — and refuse linking one."""
import re

import pytest

from fazhi.core import clock
from fazhi.disputes import selectors as dispute_selectors
from fazhi.disputes import services as dispute_services
from fazhi.disputes.tests import factories as df
from fazhi.legalservice.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tree, users):
    hidden = df.dispute(users.clerk, tree, grid=tree.liu1, level="grid", title="刘家村网格隐藏案件")
    joined = df.dispute(users.clerk, tree, title="顾问参与的案件")
    dispute_services.advisor_join(actor=users.clerk, dispute=joined, advisor=users.advisor)
    return hidden, joined


def _offered(client):
    html = client.get("/work/legal/services/new/").content.decode()
    select = re.search(r'<select name="dispute".*?</select>', html, re.S).group(0)
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select)}


def test_form_offers_exactly_the_cases_the_disputes_module_shows(client_for, users, legal, cases):
    hidden, joined = cases
    shown_by_disputes = set(dispute_selectors.dispute_list(user=users.advisor).values_list("pk", flat=True))
    assert shown_by_disputes == {joined.pk}
    assert _offered(client_for(users.advisor)) == shown_by_disputes
    # staff of the subdistrict still see both
    assert {hidden.pk, joined.pk} <= _offered(client_for(users.judicial))


def _body(advisor, dispute):
    return {"node": advisor.node_id, "advisor": advisor.pk, "kind": "mediation", "date": str(clock.today()),
            "title": "参与调解", "people_served": "2", "dispute": dispute.pk}


def test_api_refuses_linking_a_hidden_case_and_stores_nothing(api_for, users, legal, cases):
    hidden, joined = cases
    api = api_for(users.advisor)
    response = api.post("/api/legal/services/", _body(legal.liu, hidden), format="json")
    assert response.status_code == 400
    assert "dispute" in response.json()["errors"]
    assert not ServiceRecord.objects.exists()
    response = api.post("/api/legal/services/", _body(legal.liu, joined), format="json")
    assert response.status_code == 201, response.content
    assert ServiceRecord.objects.get().dispute_id == joined.pk


def test_form_refuses_linking_a_hidden_case(client_for, users, legal, cases):
    hidden, _ = cases
    body = _body(legal.liu, hidden)
    response = client_for(users.advisor).post("/work/legal/services/new/", body)
    assert response.status_code == 400
    assert not ServiceRecord.objects.exists()


def test_service_refuses_a_hidden_case(users, legal, cases):
    from fazhi.core.errors import DomainError
    from fazhi.legalservice import services

    hidden, _ = cases
    with pytest.raises(DomainError) as err:
        services.service_record_create(actor=users.advisor, node=legal.liu.node, advisor=legal.liu, kind="mediation",
                                       date=clock.today(), title="参与调解", people_served=2, dispute=hidden)
    assert "dispute" in err.value.field_errors
    assert not ServiceRecord.objects.exists()
