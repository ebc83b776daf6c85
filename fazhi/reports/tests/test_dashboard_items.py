"""Issue 17 item 4: every pie slice and bar of the dashboard opens exactly its records, and drilling into a village
keeps the village's own figures (legal services are recorded on the village, not on its grids)."""
import datetime
from urllib.parse import urlsplit

import pytest

from fazhi.core import clock
from fazhi.disputes.models import DisputeKind
from fazhi.disputes.tests import factories as f
from fazhi.legalservice.tests import factories as lf
from fazhi.reports import dashboard

pytestmark = pytest.mark.django_db
START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def _chart(data, chart_id):
    return next(c for c in data["charts"] if c["id"] == chart_id)


def _listed(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    return r.context["page_obj"].paginator.count


def test_each_pie_slice_and_bar_opens_exactly_its_records(users, tree, client_for):
    for day, kind in ((datetime.date(2023, 3, 6), "contract_debt"), (datetime.date(2023, 4, 6), "contract_debt"),
                      (datetime.date(2023, 5, 6), "neighbour")):
        with clock.frozen(day):
            f.to_agreed(users.clerk, f.dispute(users.clerk, tree, kind_code=kind))
    data = dashboard.dashboard_data(tree.sub, START, END)
    client = client_for(users.leader)
    pie = _chart(data, "disputes_kind")["series"][0]
    assert sorted(pie["value"].values()) == [1, 2]
    for item, count in pie["value"].items():
        url = pie["item_urls"][item]
        assert f"kind={DisputeKind.objects.get(name=item).pk}" in urlsplit(url).query
        assert _listed(client, url) == count, item  # the slice's records, not the whole figure's
    bars = _chart(data, "disputes_level")["series"][0]
    for item, count in bars["value"].items():
        assert _listed(client, bars["item_urls"][item]) == count, item


def test_drilling_into_a_village_keeps_its_legal_services(users, tree):
    advisor = lf.advisor(users.judicial, tree.liu, name="孙立法")
    with clock.frozen(datetime.date(2023, 6, 1)):
        for _ in range(3):
            lf.record(users.judicial, tree.liu, advisor, date=datetime.date(2023, 5, 20))
    village = _chart(dashboard.dashboard_data(tree.liu, START, END), "legal_by_village")
    assert village["categories"][0] == {"id": tree.liu.pk, "name": "刘家村（本级）", "own": True}
    services = next(s for s in village["series"] if s["key"] == "legalservice.services")
    assert services["value"][0] == 3 and sum(services["value"][1:]) == 0  # the grids hold none of them
    sub = _chart(dashboard.dashboard_data(tree.sub, START, END), "legal_by_village")
    assert not any(c.get("own") for c in sub["categories"])  # all recorded on villages: no own-level bar
    by_name = {c["name"]: i for i, c in enumerate(sub["categories"])}
    assert next(s for s in sub["series"] if s["key"] == "legalservice.services")["value"][by_name["刘家村"]] == 3
