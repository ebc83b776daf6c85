"""The demo loader produces the report's figures: 141 items published in 2023, 24 meetings with village secretaries."""
import datetime

import pytest

from fazhi.core import figures


@pytest.mark.django_db
def test_demo_governance_figures():
    from fazhi.demo import calendar, governance, org

    ctx = org.load(org.DemoContext())
    calendar.load(ctx)
    governance.load(ctx)
    sub, start, end = ctx.subdistrict, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    assert figures.compute("governance.disclosure_published", sub, start, end) == 141
    months = figures.compute("governance.disclosure_by_month", sub, start, end)
    assert all(v > 0 for v in months.values())
    assert 0.9 < figures.compute("governance.disclosure_timeliness", sub, start, end) < 1.0
    assert figures.compute("governance.meetings", sub, start, end) == 24
    assert figures.compute("governance.meetings_with_guests", sub, start, end) == 24
    assert figures.compute("governance.decision_procedure_completeness", sub, start, end) == 1.0
    assert figures.compute("governance.normative_docs_filed", sub, start, end) == 1
    replies = figures.compute("governance.requests_by_reply", sub, start, end)
    assert len(replies) >= 5


@pytest.mark.django_db
def test_demo_publishes_the_2023_disclosure_report():
    from fazhi.demo import calendar, governance, org
    from fazhi.governance.models import DisclosureReport

    ctx = org.load(org.DemoContext())
    calendar.load(ctx)
    governance.load(ctx)
    report = DisclosureReport.objects.get(node=ctx.subdistrict, year=2023)
    assert report.status == "published" and report.published_on == datetime.date(2024, 1, 22)
    rows = {r["key"]: r["cells"][-1]["n"] for r in report.tables["requests"]["rows"] if r.get("key")}
    assert rows["new"] == 6 and rows["handled"] == 6 and rows["refuse_process"] == 1
    assert report.tables["remedies"]["rows"][0]["cells"][0]["n"] == 1  # 行政复议 结果维持
