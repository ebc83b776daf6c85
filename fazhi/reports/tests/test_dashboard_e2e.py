"""The dashboard in a real browser: it opens on the last complete year, a pie slice and a line point open their
records (the point: its month's), a stat card compares with the year before."""
import datetime

import pytest

from conftest import browser_login
from fazhi.core import clock
from fazhi.disputes.tests import factories as f


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chart_elements_open_their_records_and_the_year_before_is_compared(browser_page, users, tree):
    for day in (datetime.date(2023, 3, 6), datetime.date(2023, 3, 20), datetime.date(2022, 5, 9)):
        with clock.frozen(day):
            f.to_agreed(users.clerk, f.dispute(users.clerk, tree))
    page = browser_page
    browser_login(page, "leader")
    page.goto(page.base_url + f"/work/reports/dashboard/?node={tree.sub.pk}")
    page.locator("#charts[data-loaded='1']").wait_for()
    assert page.get_by_label("年度").input_value() == str(datetime.date.today().year - 1)  # the last complete year

    page.goto(page.base_url + f"/work/reports/dashboard/?node={tree.sub.pk}&year=2023")
    page.locator("#charts[data-loaded='1']").wait_for()
    stats = page.locator("#chart-disputes_overdue .stat").first.inner_text()
    assert "2022年" in stats  # year-on-year on the stat cards

    # a line point: the data table carries the same link as the point — its month's records
    page.locator("#chart-disputes_month summary").click()
    link = page.locator("#chart-disputes_month table a", has_text="2023年3月").first
    href = link.get_attribute("href")
    assert "start=2023-03-01" in href and "end=2023-03-31" in href

    # a pie slice: one kind, so the ring is one slice; click on it
    canvas = page.locator("#chart-disputes_kind canvas")
    box = canvas.bounding_box()
    radius = min(box["width"], box["height"]) / 2 * 0.46
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - radius)
    page.wait_for_url("**/work/disputes/**")
    assert "start=2023-01-01" in page.url and "end=2023-12-31" in page.url and "date=resolved" in page.url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pie_slice_opens_exactly_the_records_of_its_kind(browser_page, users, tree):
    """Two kinds (2 and 1 disputes): the slice clockwise from the top is the first kind, the one just left of the
    top the second; each click lists that kind's disputes only."""
    import math

    from fazhi.disputes.models import DisputeKind
    from fazhi.reports import dashboard

    for day, kind in ((datetime.date(2023, 3, 6), "contract_debt"), (datetime.date(2023, 4, 6), "contract_debt"),
                      (datetime.date(2023, 5, 6), "neighbour")):
        with clock.frozen(day):
            f.to_agreed(users.clerk, f.dispute(users.clerk, tree, kind_code=kind))
    pie = next(c for c in dashboard.dashboard_data(tree.sub, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
               ["charts"] if c["id"] == "disputes_kind")["series"][0]["value"]
    first, last = list(pie)[0], list(pie)[-1]
    page = browser_page
    browser_login(page, "leader")
    url = page.base_url + f"/work/reports/dashboard/?node={tree.sub.pk}&year=2023"
    for angle, name in ((30, first), (-25, last)):
        page.goto(url)
        page.locator("#chart-disputes_kind .chart[data-drawn='1']").wait_for()
        box = page.locator("#chart-disputes_kind canvas").bounding_box()
        radius = min(box["width"], box["height"]) / 2 * 0.46
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(cx + radius * math.sin(math.radians(angle)), cy - radius * math.cos(math.radians(angle)))
        page.wait_for_url("**/work/disputes/**")
        assert f"kind={DisputeKind.objects.get(name=name).pk}" in page.url, (name, page.url)
        rows = page.locator("table tbody tr")
        assert rows.count() == pie[name], (name, rows.count())
