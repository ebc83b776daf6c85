"""Information disclosure on the onboarding checklist (issue 14): a new subdistrict needs a disclosure officer and a
proactive-disclosure catalogue before it can work; the items are computed from records and link to their pages."""
import pytest

from fazhi.core.tests.helpers import STRONG, checklist, first_district_admin
from fazhi.governance.models import DisclosureCategory

pytestmark = pytest.mark.django_db


def _items(api, node):
    return checklist(api, node, "政务公开与依法决策")


def test_a_new_subdistrict_needs_a_disclosure_officer_and_a_catalogue(api_for):
    district, _admin, api = first_district_admin(api_for, "某区")
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
