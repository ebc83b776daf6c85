"""Root fixtures: a small tree (district → 2 subdistricts → villages → grids), one user per role and level,
API clients, and a real browser (Playwright driving Debian's chromium; never a browser download)."""
import os
import shutil
from pathlib import Path

import pytest

from fazhi.core import services
from fazhi.core.models import Unit
from fazhi.core.roles import Role

PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True, scope="session")
def _audit_tables_flushable():
    """Django empties every table between transactional tests (``flush``); the SQLite audit guard
    (fazhi/core/audit_guard.py) would refuse that, as the PostgreSQL trigger refuses TRUNCATE outside test_ databases."""
    from django.core.management.commands import flush

    from fazhi.core import audit_guard

    original = flush.Command.handle

    def handle(self, *args, **kwargs):
        with audit_guard.unlocked():
            return original(self, *args, **kwargs)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tree(db):
    """稷下街道 with 刘家村 (2 grids) and 大杨村 (1 grid), plus 敬仲街道 with 东齐村 — another tenant."""
    sys = "测试"
    district = services.org_node_create(actor=sys, parent=None, name="临淄区", check_scope=False)
    sub = services.org_node_create(actor=sys, parent=district, name="稷下街道", short_name="稷下", check_scope=False)
    liu = services.org_node_create(actor=sys, parent=sub, name="刘家村", check_scope=False)
    yang = services.org_node_create(actor=sys, parent=sub, name="大杨村", check_scope=False)
    liu1 = services.org_node_create(actor=sys, parent=liu, name="刘家村第一网格", check_scope=False)
    liu2 = services.org_node_create(actor=sys, parent=liu, name="刘家村第二网格", check_scope=False)
    yang1 = services.org_node_create(actor=sys, parent=yang, name="大杨村第一网格", check_scope=False)
    other = services.org_node_create(actor=sys, parent=district, name="敬仲街道", short_name="敬仲", check_scope=False)
    dongqi = services.org_node_create(actor=sys, parent=other, name="东齐村", check_scope=False)
    dongqi1 = services.org_node_create(actor=sys, parent=dongqi, name="东齐村第一网格", check_scope=False)
    from types import SimpleNamespace

    t = SimpleNamespace(district=district, sub=sub, liu=liu, yang=yang, liu1=liu1, liu2=liu2, yang1=yang1,
                        other=other, dongqi=dongqi, dongqi1=dongqi1)
    t.centre_body = services.unit_create(actor=sys, node=sub, kind=Unit.Kind.CENTRE_BODY, name="司法所")
    t.centre_body2 = services.unit_create(actor=sys, node=sub, kind=Unit.Kind.CENTRE_BODY, name="人社所")
    return t


def make_user(username, node, role, unit=None):
    return services.user_create(actor="测试", username=username, full_name=username, password=PASSWORD,
                                memberships=[(node, role, unit)])


@pytest.fixture
def users(tree):
    """One user per role; village/grid roles in 刘家村 unless the name says 大杨村 (_yang) or 敬仲街道 (_other)."""
    from types import SimpleNamespace

    u = SimpleNamespace()
    u.admin = make_user("admin", tree.district, Role.ADMIN)
    u.sub_admin = make_user("sub_admin", tree.sub, Role.ADMIN)
    u.leader = make_user("leader", tree.sub, Role.LEADER)
    u.clerk = make_user("clerk", tree.sub, Role.CLERK, tree.centre_body)
    u.mediator = make_user("mediator", tree.liu, Role.MEDIATOR)
    u.mediator_yang = make_user("mediator_yang", tree.yang, Role.MEDIATOR)
    u.grid = make_user("grid", tree.liu1, Role.GRID_WORKER)
    u.grid_yang = make_user("grid_yang", tree.yang1, Role.GRID_WORKER)
    u.host = make_user("host", tree.sub, Role.ROOM_HOST)
    u.advisor = make_user("advisor", tree.liu, Role.LEGAL_ADVISOR)
    u.advisor_yang = make_user("advisor_yang", tree.yang, Role.LEGAL_ADVISOR)
    u.judicial = make_user("judicial", tree.sub, Role.JUDICIAL_STAFF)
    u.officer = make_user("officer", tree.sub, Role.ENFORCEMENT_OFFICER)
    u.officer2 = make_user("officer2", tree.sub, Role.ENFORCEMENT_OFFICER)
    u.enforcement_head = make_user("enforcement_head", tree.sub, Role.ENFORCEMENT_HEAD)
    u.reviewer = make_user("reviewer", tree.sub, Role.LEGAL_REVIEWER)
    u.supervisor = make_user("supervisor", tree.sub, Role.SUPERVISOR)
    u.disclosure = make_user("disclosure", tree.sub, Role.DISCLOSURE_OFFICER)
    u.office = make_user("office", tree.sub, Role.OFFICE_STAFF)
    u.other_admin = make_user("other_admin", tree.other, Role.ADMIN)
    u.other_clerk = make_user("other_clerk", tree.other, Role.CLERK)
    return u


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client logged in as ``user``."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF APIClient authenticated as ``user``."""
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make



@pytest.fixture
def get_within(client_for, django_assert_max_num_queries):
    """get_within(user, url, queries) -> the page ``user`` gets at ``url``, failing if it took more than ``queries``
    database queries (a list page must not make one query a row)."""

    def get(user, url, queries):
        c = client_for(user)
        with django_assert_max_num_queries(queries):
            return c.get(url)

    return get

# ---- real browser ---------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(live_server, request):
    """A Playwright page in Debian's headless chromium. Skips (or fails under CI=true) when chromium is missing.
    Whatever the test's outcome, the page it ended on is saved for review as ``var/screenshots/<test>.png``
    (``FAZHI_SCREENSHOTS`` moves the folder), so every journey of ``make test``'s browser tests leaves its picture."""
    if not CHROMIUM:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 环境缺少 chromium（make test 应已安装）")
        pytest.skip("未安装 chromium：跳过浏览器端到端测试（make test 会自动安装）")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        try:
            yield page
        finally:
            _save_final_screenshot(page, request.node.name)
            context.close()
            browser.close()


def _save_final_screenshot(page, test_name):
    folder = Path(os.environ.get("FAZHI_SCREENSHOTS", "var/screenshots"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in test_name)[:120]
        page.screenshot(path=str(folder / f"end-{name}.png"), full_page=True, timeout=5000)
    except Exception as exc:  # a closed page or a crashed browser: the test's own result is what matters
        print(f"截图未保存（{test_name}）：{exc}")


def browser_login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/work/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/work/")
