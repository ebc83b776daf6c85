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
    failures = []
    for href in dict.fromkeys(hrefs):
        page.goto(page.base_url + href)
        problems = axe_problems(page)
        if problems:
            failures.append((href, problems))
    assert not failures, failures
