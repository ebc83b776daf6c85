"""Every enforcement figure opens exactly its records (issue 14), on enforcement data: a case filed before the period
and closed in it, reviews, audio-video steps, an evaluation, a revoked officer. The registry is enumerated, so a new
figure of this module is covered automatically."""
import datetime

import pytest

from fazhi.core import clock, figures
from fazhi.enforcement import services

from .conftest import advance

pytestmark = pytest.mark.django_db
PERIODS = [(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),  # everything
           (datetime.date(2023, 5, 1), datetime.date(2023, 12, 31))]  # the April case was filed before it


def _listed(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    page = (r.context or {}).get("page_obj")
    assert page is not None, f"{url} is not a record list"
    return page.paginator.count


@pytest.fixture
def data(enf, users, tree, make_case):
    with clock.frozen(clock.at_local(datetime.date(2023, 4, 20), 10)):
        early = services.case_transition(actor=users.enforcement_head, case=make_case(title="四月立案"),
                                         name="approve_filing")
    advance(early, users, enf, to="closed")
    advance(make_case(title="倾倒建筑垃圾"), users, enf, to="decided", fine="20000")  # major: one legal review
    closed = advance(make_case(title="占道经营"), users, enf, to="closed")
    services.evaluation_record(actor=users.supervisor, case=closed, findings="规范", scores={
        "subject": 10, "officers": 10, "facts": 20, "basis": 20, "procedure": 18, "documents": 10, "recording": 10})
    services.officer_update(actor=users.enforcement_head, officer=enf.oh, version=enf.oh.version,
                            certificate_number="37030003", issuing_authority="淄博市人民政府",
                            valid_from=datetime.date(2021, 1, 1), valid_until=datetime.date(2025, 12, 31),
                            status="revoked", reason="调离执法岗位")
    return tree


def test_every_enforcement_figure_link_lists_exactly_its_records(users, data, client_for):
    client = client_for(users.admin)
    checked, mismatches = set(), {}
    for key, fig in figures.all_figures().items():
        if not key.startswith("enforcement."):
            continue
        assert fig.records, f"{key} has no records link"
        for node in (data.sub, data.district):
            for start, end in PERIODS:
                listed = _listed(client, fig.records_url(node, start, end))
                if fig.kind in ("rate", "amount"):
                    continue
                value = fig.value(node, start, end)
                value = sum(value.values()) if fig.kind == "breakdown" else value
                if listed != value:
                    mismatches[(key, node.name, str(start))] = (value, listed)
                checked.add(key)
    assert not mismatches, "figure ≠ its records link (value, listed): " + repr(mismatches)
    assert {"enforcement.cases_filed", "enforcement.cases_closed", "enforcement.legal_reviews",
            "enforcement.av_required_steps", "enforcement.officers_total"} <= checked
    # the data really tells the periods apart: the April case is closed in May's period but not filed in it
    may = PERIODS[1]
    assert figures.compute("enforcement.cases_closed", data.sub, *may) == 2
    assert figures.compute("enforcement.cases_filed", data.sub, *may) == 2
    assert figures.compute("enforcement.officers_total", data.sub, *may) == 2
    assert figures.compute("enforcement.legal_reviews", data.sub, *may) == 1
