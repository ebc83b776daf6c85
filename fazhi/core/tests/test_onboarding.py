"""Standing up a subdistrict without a shell: through the API and the workbench, audited, with a checklist."""
import pytest

from fazhi.core import services
from fazhi.core.models import AuditEvent, Membership, OrgNode, Unit, User
from fazhi.core.roles import Role

pytestmark = pytest.mark.django_db

STRONG = "Xinjie-2024-ok"


@pytest.fixture
def district_admin(db):
    district = services.org_node_create(actor="测试", parent=None, name="临淄区", check_scope=False)
    return services.user_create(actor="测试", username="qu_admin", full_name="区管理员", password=STRONG,
                                memberships=[(district, Role.ADMIN)]), district


def test_a_district_administrator_stands_up_a_subdistrict_through_the_api(district_admin, api_for):
    admin, district = district_admin
    api = api_for(admin)
    r = api.post("/api/core/nodes/", {"parent": district.pk, "name": "新街道", "short_name": "新街"}, format="json")
    assert r.status_code == 201, r.content
    sub = r.json()["id"]
    assert r.json()["kind"] == "subdistrict"
    villages = []
    for name in ("东村", "西村"):
        r = api.post("/api/core/nodes/", {"parent": sub, "name": name}, format="json")
        assert r.status_code == 201 and r.json()["kind_label"] == "村（社区）"
        villages.append(r.json()["id"])

    check = api.get(f"/api/core/nodes/{sub}/onboarding/").json()
    assert check["ready"] is False
    missing = {i["label"] for i in check["items"] if not i["ok"]}
    assert "每个村（社区）划分网格" in missing and "矛调中心入驻机构" in missing and "矛调中心工作人员账号" in missing

    for v in villages:
        assert api.post("/api/core/nodes/", {"parent": v, "name": "第一网格"}, format="json").status_code == 201
    r = api.post("/api/core/units/", {"node": sub, "kind": "centre_body", "name": "司法所"}, format="json")
    assert r.status_code == 201
    unit = r.json()["id"]
    for username, role in (("xj_admin", "admin"), ("xj_clerk", "clerk"), ("xj_leader", "leader")):
        r = api.post("/api/core/accounts/", {"username": username, "full_name": username, "password": STRONG,
                                             "memberships": [{"node": sub, "role": role,
                                                              "unit": unit if role == "clerk" else None}]},
                     format="json")
        assert r.status_code == 201, r.content

    check = api.get(f"/api/core/nodes/{sub}/onboarding/").json()
    core_items = [i for i in check["items"] if i["module"] == "平台基础"]
    assert all(i["ok"] for i in core_items), core_items
    # Every step is audited and the new clerk can log in and sees only the new subdistrict.
    node = OrgNode.objects.get(pk=sub)
    assert node.short_name == "新街" and node.is_tenant
    assert AuditEvent.objects.filter(action="grant", object_type="core.membership", node__path__startswith=node.path).count() == 3
    clerk = User.objects.get(username="xj_clerk")
    assert {n["name"] for n in api_for(clerk).get("/api/core/nodes/").json()} == {"新街道", "东村", "西村", "第一网格"}


def test_a_subdistrict_administrator_cannot_grant_roles_elsewhere_or_edit_installation_data(users, tree, api_for):
    api = api_for(users.sub_admin)
    r = api.post("/api/core/accounts/", {"username": "sneaky", "full_name": "某人", "password": STRONG,
                                         "memberships": [{"node": tree.other.pk, "role": "admin"}]}, format="json")
    assert r.status_code == 404
    assert not User.objects.filter(username="sneaky").exists()
    r = api.post(f"/api/core/accounts/{users.other_clerk.pk}/memberships/",
                 {"node": tree.sub.pk, "role": "clerk"}, format="json")
    assert r.status_code == 404  # an account of another subdistrict is not theirs to manage
    from fazhi.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.calendar_override_set(actor=users.sub_admin, date=__import__("datetime").date(2024, 5, 6),
                                       is_working_day=False, name="地方假日")
    services.calendar_override_set(actor=users.admin, date=__import__("datetime").date(2024, 5, 6),
                                   is_working_day=False, name="地方假日")


def test_bad_input_to_the_onboarding_api_is_a_clear_400_and_stores_nothing(district_admin, api_for):
    admin, district = district_admin
    api = api_for(admin)
    before = (OrgNode.objects.count(), Unit.objects.count(), User.objects.count())
    bad = [
        ("/api/core/nodes/", ["not", "an", "object"]),
        ("/api/core/nodes/", {"parent": district.pk, "name": ["列表"]}),
        ("/api/core/nodes/", {"parent": 10**30, "name": "x"}),
        ("/api/core/nodes/", {"parent": district.pk, "name": "\x00\u202e"}),
        ("/api/core/nodes/", {"parent": district.pk, "name": "网格", "kind": "grid"}),
        ("/api/core/units/", {"node": district.pk, "kind": "centre_body", "name": "司法所"}),
        ("/api/core/accounts/", {"username": "weak", "full_name": "弱", "password": "12345678",
                                 "memberships": [{"node": district.pk, "role": "clerk"}]}),
        ("/api/core/accounts/", {"username": "nogrant", "full_name": "无", "password": STRONG, "memberships": []}),
        ("/api/core/accounts/", {"username": "x", "full_name": "x", "password": STRONG,
                                 "memberships": [{"node": district.pk, "role": "emperor"}]}),
    ]
    for url, body in bad:
        r = api.post(url, body, format="json")
        assert r.status_code in (400, 404), (url, body, r.status_code, r.content)
        assert r.json()["detail"], body
    assert (OrgNode.objects.count(), Unit.objects.count(), User.objects.count()) == before


def test_the_workbench_pages_create_units_accounts_and_show_the_checklist(users, tree, client_for):
    c = client_for(users.sub_admin)
    r = c.post("/work/core/units/new/", {"node": tree.sub.pk, "kind": "centre_body", "name": "派出所"})
    assert r.status_code == 302
    assert Unit.objects.filter(node=tree.sub, name="派出所").exists()
    r = c.post("/work/core/accounts/new/", {"username": "new_clerk", "full_name": "新工作人员", "password": STRONG,
                                            "node": tree.sub.pk, "role": "clerk"})
    assert r.status_code == 302, r.content.decode()[:2000]
    account = User.objects.get(username="new_clerk")
    page = c.get(f"/work/core/accounts/{account.pk}/").content.decode()
    assert "矛调中心工作人员" in page and "授予岗位角色" in page
    m = Membership.objects.get(user=account)
    assert c.post(f"/work/core/memberships/{m.pk}/revoke/").status_code == 302
    m.refresh_from_db()
    assert not m.is_active
    weak = c.post("/work/core/accounts/new/", {"username": "weak_one", "full_name": "弱密码", "password": "weak_one",
                                               "node": tree.sub.pk, "role": "clerk"})
    assert weak.status_code == 400 and "密码不符合要求" in weak.content.decode()
    page = c.get(f"/work/core/onboarding/?node={tree.sub.pk}").content.decode()
    assert "新街道开通清单" in page and "设置街道简称" in page
    assert c.get(f"/work/core/onboarding/?node={tree.other.pk}").status_code == 404
    assert client_for(users.clerk).get("/work/core/accounts/").status_code == 403
