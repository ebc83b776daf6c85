import pytest

from conftest import browser_login


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_workbench_and_large_text_mode(browser_page, users):
    page = browser_page
    browser_login(page, "admin")
    assert page.get_by_role("heading", name="我的待办").is_visible()
    page.get_by_role("link", name="组织与人员").click()
    assert page.get_by_role("link", name="刘家村第一网格").is_visible()
    page.goto(page.base_url + "/")
    toggle = page.get_by_role("button", name="大字模式")
    toggle.click()
    assert "large-text" in page.evaluate("document.documentElement.className")
    page.reload()
    assert "large-text" in page.evaluate("document.documentElement.className")
    assert page.get_by_role("button", name="标准字号").is_visible()
