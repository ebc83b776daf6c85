"""Onboarding (issue 14): a new subdistrict is not ready until every village has a legal advisor; the checklist says
which villages lack one and links to the page that registers one. Through the API only, as a district administrator."""
import pytest

from fazhi.core import services
from fazhi.core.roles import Role

pytestmark = pytest.mark.django_db
LABEL = "每个村（社区）配备法律顾问（一村一法律顾问）"


def _item(api, sub):
    check = api.get(f"/api/core/nodes/{sub}/onboarding/").json()
    return check, next(i for i in check["items"] if i["label"] == LABEL)


def test_every_village_needs_an_advisor_before_the_subdistrict_is_ready(db, api_for, client_for):
    district = services.org_node_create(actor="测试", parent=None, name="临淄区", check_scope=False)
    admin = services.user_create(actor="测试", username="qu_admin", full_name="区管理员", password="Xinjie-2024-ok",
                                 memberships=[(district, Role.ADMIN)])
    api = api_for(admin)
    sub = api.post("/api/core/nodes/", {"parent": district.pk, "name": "新街道", "short_name": "新街"}, format="json").json()["id"]
    check, item = _item(api, sub)
    assert not item["ok"] and item["module"] == "法律顾问与公共法律服务" and "尚未建立村" in item["detail"]
    east, west = (api.post("/api/core/nodes/", {"parent": sub, "name": n}, format="json").json()["id"] for n in ("东村", "西村"))

    check, item = _item(api, sub)
    assert not item["ok"] and not check["ready"]
    assert "2 个村（社区）尚未配备法律顾问：东村、西村" in item["detail"]
    page = client_for(admin).get(item["url"])  # the gaps, each with its 登记顾问 button
    assert page.status_code == 200 and [v.name for v in page.context["page_obj"]] == ["东村", "西村"]
    assert f"/work/legal/advisors/new/?village={east}" in page.content.decode()

    advisor = {"kind": "village", "name": "新律师", "law_firm": "新街律师事务所", "licence_number": "13703202400000001"}
    assert api.post("/api/legal/advisors/", advisor | {"village_ids": [east]}, format="json").status_code == 201
    _, item = _item(api, sub)
    assert not item["ok"] and "1 个村（社区）尚未配备法律顾问：西村" in item["detail"]
    assert item["url"] == f"/work/legal/advisors/new/?village={west}"
    assert client_for(admin).get(item["url"]).status_code == 200

    # a full-time advisor does not fill a village's gap; a village advisor serving it does
    fulltime = advisor | {"kind": "fulltime", "licence_number": "13703202400000002", "node": sub}
    assert api.post("/api/legal/advisors/", fulltime, format="json").status_code == 201
    assert not _item(api, sub)[1]["ok"]
    second = advisor | {"name": "西律师", "licence_number": "13703202400000003", "village_ids": [west]}
    assert api.post("/api/legal/advisors/", second, format="json").status_code == 201
    _, item = _item(api, sub)
    assert item["ok"] and "2 个村（社区）均已配备法律顾问" in item["detail"]
