"""Information disclosure on the onboarding checklist (issue 14): a new subdistrict needs a disclosure officer and a
proactive-disclosure catalogue before it can work; the items are computed from records and link to their pages."""
import pytest

from fazhi.core import services as core_services
from fazhi.core.roles import Role
from fazhi.governance.models import DisclosureCategory

pytestmark = pytest.mark.django_db
STRONG = "Xinjie-2024-ok"


def _items(api, node):
    r = api.get(f"/api/core/nodes/{node}/onboarding/")
    assert r.status_code == 200
    return {i["label"]: i for i in r.json()["items"] if i["module"] == "政务公开与依法决策"}


def test_a_new_subdistrict_needs_a_disclosure_officer_and_a_catalogue(api_for):
    district = core_services.org_node_create(actor="测试", parent=None, name="某区", check_scope=False)
    admin = core_services.user_create(actor="测试", username="qu_admin", full_name="区管理员", password=STRONG,
                                      memberships=[(district, Role.ADMIN)])
    api = api_for(admin)
    sub = api.post("/api/core/nodes/", {"parent": district.pk, "name": "新街道", "short_name": "新街"},
                   format="json").json()["id"]
    items = _items(api, sub)
    officer = items["依申请公开办理账号（信息公开工作人员）"]
    assert not officer["ok"] and officer["required"] and f"node={sub}" in officer["url"]
    assert items["主动公开目录"]["ok"]  # the catalogue is seeded with the installation
    assert not items["信息公开工作年度报告审核定稿账号（街道负责人）"]["required"]

    r = api.post("/api/core/accounts/", {"username": "xj_gk", "full_name": "信息公开员", "password": STRONG,
                                         "memberships": [{"node": sub, "role": "disclosure_officer"}]}, format="json")
    assert r.status_code == 201, r.content
    assert _items(api, sub)["依申请公开办理账号（信息公开工作人员）"]["ok"]

    DisclosureCategory.objects.update(is_active=False)
    catalogue = _items(api, sub)["主动公开目录"]
    assert not catalogue["ok"] and "没有启用的类别" in catalogue["detail"]
