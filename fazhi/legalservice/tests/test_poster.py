"""The advisor poster a village prints and posts on its wall (issue 17 item 6): its QR code carries the configured
public address, the page warns while that address is still this machine's own (127.0.0.1), and it fits one A4
page however many advisors and office-hour rules the village has."""
import datetime
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from fazhi.legalservice import services
from fazhi.legalservice.views_public import is_local_address, qr_svg

from . import factories as f

PUBLIC = "https://fazhi.example.gov.cn"


def _public(url):
    return override_settings(FAZHI={**settings.FAZHI, "PUBLIC_BASE_URL": url})


@pytest.mark.django_db
def test_poster_warns_while_the_public_address_is_local_and_not_after(client, tree, users, legal):
    url = reverse("legalservice_public:poster", args=[tree.liu.pk])
    with _public("http://127.0.0.1:8000"):
        html = client.get(url).content.decode()
    assert "data-local-address" in html and "FAZHI_PUBLIC_BASE_URL" in html and "打不开" in html
    with _public(PUBLIC + "/"):
        html = client.get(url).content.decode()
    assert "data-local-address" not in html
    village_url = f"{PUBLIC}/legal/village/{tree.liu.pk}/"
    assert village_url in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg == qr_svg(village_url) and svg != qr_svg(f"http://127.0.0.1:8000/legal/village/{tree.liu.pk}/")


@pytest.mark.parametrize(("url", "local"), [
    ("http://127.0.0.1:8000", True), ("http://localhost", True), ("http://0.0.0.0:8000", True),
    ("https://fazhi.example.gov.cn", False), ("http://10.2.3.4:8000", False),
])
def test_which_addresses_count_as_local(url, local):
    assert is_local_address(url + "/legal/village/1/") is local


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crowded_poster_prints_on_one_a4_page(browser_page, tree, users, legal):
    """Five village advisors with photos, two full-time advisors and five office-hour rules: Chromium's own print
    to PDF (A4) gives one page."""
    for i in range(4):
        f.advisor(users.judicial, tree.liu, name=f"律师{i}", photo=f.png_upload())
    for i in range(2):
        f.advisor(users.judicial, kind="fulltime", node=tree.sub, name=f"专职{i}")
    for week in (1, 2, 3, 4, -1):
        services.office_hour_rule_create(actor=users.judicial, node=tree.liu, advisor=legal.liu, week_of_month=week,
                                         weekday=2, start_time=datetime.time(9), end_time=datetime.time(11, 30),
                                         place="刘家村公共法律服务站（村委会二楼东侧会议室）", months=1)
    page = browser_page
    page.goto(page.base_url + f"/legal/village/{tree.liu.pk}/poster/")
    assert page.locator("[data-local-address]").is_visible()  # the test server's address is 127.0.0.1
    page.wait_for_selector("[data-fit-page][data-fitted]")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the poster prints on {pages} pages"
    sheet = page.locator("[data-fit-page]")
    assert sheet.evaluate("s => s.scrollHeight <= s.clientHeight + 1")  # nothing cut off at the bottom
    assert page.get_by_text("律师3").is_visible() and page.locator(".consult svg").is_visible()
