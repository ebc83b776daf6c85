"""Real-browser journeys of the shared layout: the error summary takes the focus and links to its fields (a public
and a staff form), a case assigned to a room reaches the host's notifications, the workbench works at 375 px, and
large-text mode gives 60 px tap targets. Each page also passes a small offline accessibility check (labels, names,
language); axe-core itself (vendored) runs in test_e2e_axe.py."""
import pytest
from django.urls import reverse

from conftest import browser_login
from fazhi.disputes.tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 812}

A11Y_CHECK = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('html without lang');
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const name = el => (el.getAttribute('aria-label') || '').trim() ||
    (el.getAttribute('aria-labelledby') || '').split(/\\s+/).map(id => document.getElementById(id))
      .filter(Boolean).map(n => n.textContent).join('').trim() ||
    (el.id && [...document.querySelectorAll('label[for="' + CSS.escape(el.id) + '"]')].map(l => l.textContent).join('').trim()) ||
    (el.closest('label') ? el.closest('label').textContent.trim() : '') || (el.getAttribute('title') || '').trim();
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(el => {
    if (visible(el) && !name(el)) problems.push('control without a label: ' + (el.name || el.id || el.outerHTML.slice(0, 60)));
  });
  document.querySelectorAll('a[href], button').forEach(el => {
    if (visible(el) && !(el.textContent.trim() || name(el) || el.querySelector('img[alt]:not([alt=""])')))
      problems.push('link or button without a name: ' + el.outerHTML.slice(0, 80));
  });
  document.querySelectorAll('img').forEach(el => { if (!el.hasAttribute('alt')) problems.push('img without alt: ' + el.src); });
  const ids = {};
  document.querySelectorAll('[id]').forEach(el => { ids[el.id] = (ids[el.id] || 0) + 1; });
  Object.keys(ids).forEach(id => { if (ids[id] > 1) problems.push('duplicate id: ' + id); });
  document.querySelectorAll('[aria-describedby]').forEach(el => {
    el.getAttribute('aria-describedby').split(/\\s+/).forEach(id => {
      if (id && !document.getElementById(id)) problems.push('aria-describedby points at nothing: ' + id);
    });
  });
  return problems;
}"""


# every control and link a thumb must hit; links inside running text (a sentence, a list) and the radios inside
# their whole-row label (which is the target) excepted
TAP_TARGETS = ("[...document.querySelectorAll('main a, main button, main select, main input:not([type=hidden]), "
               "main textarea, main .choice, header.site a, header.site button')].filter(e => e.offsetHeight)"
               ".filter(e => !e.closest('p:not(.back), li, label.choice') || e.matches('.btn, .back-link, .choice'))"
               ".map(e => [e.textContent.trim().slice(0, 20) || e.name || e.id, e.getBoundingClientRect().height])")


def small_targets(page, minimum):
    return [(label, h) for label, h in page.evaluate(TAP_TARGETS) if h < minimum]


def accessible(page):
    problems = page.evaluate(A11Y_CHECK)
    assert problems == [], f"{page.url}: {problems}"


def _focused_is_summary(page):
    return page.evaluate("document.activeElement && document.activeElement.hasAttribute('data-error-summary')")


def test_a_failed_public_form_focuses_the_error_summary_whose_links_reach_the_fields(browser_page, tree):
    from django.core.cache import cache

    cache.clear()
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("disputes_public:submit"))
    accessible(page)
    page.get_by_label("您的姓名").fill("张三")
    page.get_by_role("button", name="继续").click()  # the first step of the resident's report
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert _focused_is_summary(page)
    assert summary.get_by_role("heading").inner_text() == "提交未成功，请修改以下问题"
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")[1:]
    first.click()
    assert page.evaluate("document.activeElement.id") == target
    assert page.locator(f"#{target}").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("您的姓名").input_value() == "张三"  # what was typed stays
    accessible(page)
    page.screenshot(path=screenshot_path("public-form-errors"), full_page=True)


def test_a_failed_staff_form_focuses_the_error_summary(browser_page, users):
    page = browser_page
    browser_login(page, "admin")
    page.goto(page.base_url + reverse("core:account_new"))
    page.get_by_role("button", name="保存").click()
    page.locator("[data-error-summary]").wait_for()
    assert _focused_is_summary(page)
    link = page.locator("[data-error-summary] a[href='#id_username']")
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    accessible(page)


def test_a_case_assigned_to_a_room_reaches_the_hosts_notifications(browser_page, tree, users):
    from fazhi.disputes import services as dispute_services

    room = dispute_services.room_save(actor=users.admin, node=tree.sub, name="老赵调解室", host_name="赵师傅",
                                      host=users.host, specialities=["neighbour"])
    d = f.dispute(users.clerk, tree)
    f.run(users.clerk, d, "accept")
    f.run(users.clerk, d, "assign", level="subdistrict", room=room.pk)

    page = browser_page
    browser_login(page, "host")
    assert page.get_by_role("link", name="未读通知").is_visible()  # in the host's to-dos
    bell = page.locator("header .notify-link")
    assert bell.inner_text().replace(" ", "") == "通知1"
    bell.click()
    item = page.get_by_role("link", name=f"新分派的矛盾纠纷：{d}")
    assert item.is_visible()
    accessible(page)
    item.click()
    page.wait_for_url(f"**{reverse('disputes:detail', args=[d.pk])}")
    assert page.get_by_text(d.tracking_code).first.is_visible()
    assert page.locator("header .notify-link").inner_text().strip() == "通知"  # read: the count is gone


def test_the_workbench_works_on_a_375px_phone(browser_page, tree, users):
    for n in range(3):
        f.dispute(users.clerk, tree, title=f"手机端查看的纠纷{n}")
    page = browser_page
    browser_login(page, "clerk")
    page.set_viewport_size(PHONE)
    for url in (reverse("core:home"), reverse("disputes:list"), reverse("core:notifications")):
        page.goto(page.base_url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url}: the page scrolls sideways ({width} px)"
        accessible(page)
    menu = page.get_by_role("button", name="菜单")
    nav = page.locator("#side-nav")
    assert menu.is_visible() and not nav.is_visible() and menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert nav.is_visible() and menu.get_attribute("aria-expanded") == "true"
    heights = page.evaluate("[...document.querySelectorAll('#side-nav a, header.site a, header.site button')]"
                            ".filter(e => e.offsetHeight).map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    page.screenshot(path=screenshot_path("workbench-375-menu"), full_page=True)
    nav.get_by_role("link", name="矛盾纠纷台账").click()
    page.wait_for_url("**/work/disputes/**")
    assert not page.locator("#side-nav").is_visible()  # a new page starts with the menu closed
    table = page.locator("main table").first
    assert page.evaluate("t => getComputedStyle(t).overflowX", table.element_handle()) == "auto"


LARGE_TARGETS = ("[...document.querySelectorAll('header.site a, nav a, .btn, button, select, input[type=text], "
                 "input[type=tel], .back-link, .summary-list .change a, label.choice')].filter(e => e.offsetHeight)"
                 ".map(e => [e.textContent.trim().slice(0, 20) || e.name, e.getBoundingClientRect().height])")


def test_large_text_mode_gives_60px_tap_targets(browser_page, tree):
    """The home page and every step of the resident's report, the check page and the confirmation."""
    from django.core.cache import cache

    cache.clear()
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="大字模式").click()
    answers = [{"您的姓名": "张三", "手机号码": "13900001234"}, {"对方姓名或单位名称": "李四"},
               {"纠纷发生在哪个村（社区）": "稷下街道 刘家村", "纠纷类型": "邻里", "一句话说明事由": "漏水",
                "事情经过": "楼上漏水"}, {}]
    visited = []

    def measure(name):
        heights = page.evaluate(LARGE_TARGETS)
        small = [(label, h) for label, h in heights if h < 60]
        assert heights and not small, f"{page.url}: tap targets under 60 px: {small}"
        accessible(page)
        visited.append(page.url)
        page.screenshot(path=screenshot_path(f"large-text-{name}"), full_page=True)

    page.goto(page.base_url + "/")
    measure("home")
    page.goto(page.base_url + reverse("disputes_public:submit"))
    for number, fields in enumerate(answers, start=1):
        measure(f"report-step{number}")
        for label, value in fields.items():
            box = page.get_by_label(label)
            box.select_option(label=value) if box.evaluate("e => e.tagName") == "SELECT" else box.fill(value)
        page.get_by_role("button", name="继续").click()
    page.get_by_role("heading", name="核对信息", exact=True).wait_for()
    measure("report-check")
    page.get_by_role("button", name="确认提交").click()
    page.locator("[data-code]").wait_for()
    measure("report-submitted")
    assert len(set(visited)) == 7, visited


def screenshot_path(name):
    """Where a browser test saves a screenshot for review (FAZHI_SCREENSHOTS, default var/screenshots)."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("FAZHI_SCREENSHOTS", "var/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")


def test_the_main_public_pages_pass_the_offline_accessibility_check(browser_page, tree):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/")
    nav = page.get_by_role("navigation", name="公众服务")
    menu = page.get_by_role("button", name="栏目")
    assert menu.is_visible() and not nav.is_visible()  # on a phone the menu collapses
    menu.click()
    assert nav.get_by_role("link", name="首页").is_visible()
    links = page.evaluate("[...document.querySelectorAll('#public-nav a')].map(a => a.getAttribute('href'))")
    assert len(links) >= 5
    failures = []
    for href in links:
        page.goto(page.base_url + href)
        problems = page.evaluate(A11Y_CHECK)
        width = page.evaluate("document.documentElement.scrollWidth")
        small = small_targets(page, 44)
        if problems or width > 375 or small:
            failures.append((href, problems, width, small))
    assert not failures, failures
