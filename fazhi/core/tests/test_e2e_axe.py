"""axe-core (vendored, offline: fazhi/core/tests/vendor/axe-core) on the main public pages: no violation whose
impact is "serious" or "critical". The pages are found through the public menu, as a resident would."""
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def axe_page(browser_page):
    """A phone-sized page whose context lets Playwright add axe's script tag despite the site's CSP
    (script-src 'self'); the pages themselves are served unchanged."""
    context = browser_page.context.browser.new_context(locale="zh-CN", viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = browser_page.base_url
    try:
        yield page
    finally:
        context.close()


def axe_problems(page):
    """The serious and critical axe violations of the page as (rule, impact, [target...]) rows."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => [v.id, v.impact, v.nodes.slice(0, 5).map(n => n.target.join(' '))]);
    }""")
    return [tuple(row) for row in result]


def test_axe_runs_offline_and_finds_a_planted_violation(axe_page, tree):
    """The check can fail: an input without a label on a public page is reported."""
    page = axe_page
    page.goto(page.base_url + reverse("portal:home"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=planted>')")
    rules = {rule for rule, _, _ in axe_problems(page)}
    assert "label" in rules


def test_the_main_public_pages_have_no_serious_axe_violations(axe_page, tree):
    page = axe_page
    page.goto(page.base_url + reverse("portal:home"))
    hrefs = page.evaluate("[...document.querySelectorAll('#public-nav a')].map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 8, hrefs
    from django.core.cache import cache

    cache.clear()
    failures, sent = [], []
    for href in dict.fromkeys(hrefs):
        page.goto(page.base_url + href)
        problems = axe_problems(page)
        if problems:
            failures.append((href, problems))
        form = page.locator("main form[method=post]").first
        if form.count():  # a public form sent empty: the page with its error summary
            form.locator("button[type=submit], button:not([type])").first.click()
            page.wait_for_load_state()
            sent.append((href, page.locator("[data-error-summary]").count()))
            problems = axe_problems(page)
            if problems:
                failures.append((href + " (sent empty)", problems))
    assert not failures, failures
    # the report's first step, tracking, the disclosure request and the legal consultation were sent empty
    assert len(sent) >= 4 and all(shown for _, shown in sent), sent


def test_the_report_steps_check_page_confirmation_and_tracking_have_no_serious_axe_violations(axe_page, tree, users):
    from django.core.cache import cache

    from fazhi.disputes.tests import factories as f
    from fazhi.disputes.tests.test_e2e_report import fill_report

    cache.clear()
    room = f.room(users.judicial, tree)
    page = axe_page
    failures = []

    def check(name):
        problems = axe_problems(page)
        if problems:
            failures.append((name, page.url, problems))

    page.goto(page.base_url + reverse("disputes_public:room", args=[room.pk]))
    check("room")
    page.goto(page.base_url + reverse("disputes_public:submit") + f"?room={room.pk}")
    page.get_by_role("button", name="继续").click()
    page.locator("[data-error-summary]").wait_for()
    check("step 1 with errors")
    fill_report(page)
    check("check answers")
    for slug in ("you", "other", "matter", "room"):
        page.goto(page.base_url + reverse("disputes_public:report_step", args=[slug]) + "?change=1")
        check(f"step {slug}")
    page.goto(page.base_url + reverse("disputes_public:report_check"))
    page.get_by_role("button", name="确认提交").click()
    page.locator("[data-code]").wait_for()
    check("submitted")
    page.get_by_role("link", name="查询进度").click()
    check("tracking form")
    page.get_by_label("登记时留的手机号码").fill("13900001234")
    page.get_by_role("button", name="查询").click()
    page.get_by_text("已登记").first.wait_for()
    check("tracking result")
    assert not failures, failures
