"""The menu shows a user exactly the pages that open for them (the menu is read from the pages' own gate)."""
import re

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("admin", "sub_admin", "leader", "clerk", "mediator", "grid", "host", "advisor", "officer", "reviewer", "office")


def _menu_links(html: str) -> list[str]:
    nav = html.split('<nav', 1)[1].split('</nav>', 1)[0] if '<nav' in html else html
    return sorted(set(re.findall(r'href="(/work/[^"?#]+)"', nav)))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_opens_for_the_user_who_sees_it(role, users, client_for):
    client = client_for(getattr(users, role))
    home = client.get("/work/")
    assert home.status_code == 200
    links = _menu_links(home.content.decode())
    assert links, f"{role} sees an empty menu"
    for url in links:
        assert client.get(url).status_code == 200, f"{role}: menu entry {url} does not open"


def test_a_grid_worker_does_not_see_what_they_may_not_open(users, client_for):
    links = _menu_links(client_for(users.grid).get("/work/").content.decode())
    assert "/work/core/accounts/" not in links and "/work/enforcement/" not in links


def test_the_public_menu_and_portal_tiles_are_read_from_the_public_pages(client):
    html = client.get("/").content.decode()
    for label in ("我要调解", "调解进度查询", "执法公示", "依申请公开", "法律顾问", "普法活动", "法治政府建设年度报告"):
        assert label in html
