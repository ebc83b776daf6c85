"""The publicity part of the onboarding checklist: computed from accounts and the register, never ticked by hand."""
import pytest

from fazhi.core import onboarding
from fazhi.core import services as core_services
from fazhi.core.models import OrgNode
from fazhi.publicity import services
from fazhi.publicity.models import Leader

pytestmark = pytest.mark.django_db


def _publicity(tenant):
    return {c.label: c for c in onboarding.checklist(tenant) if c.module == "普法与学法"}


def test_a_new_subdistrict_lacks_publicity_accounts_and_the_register(tree):
    new = core_services.org_node_create(actor="测试", parent=tree.district, name="新街道", check_scope=False)
    core_services.org_node_create(actor="测试", parent=new, name="东村", check_scope=False)
    items = _publicity(new)
    assert len(items) == 3 and not any(c.ok for c in items.values())
    staff = items["普法工作账号（司法所：普法阵地、名册与培训）"]
    assert staff.required and "尚无" in staff.detail and staff.url
    register = items["每个村（社区）登记法治带头人、法律明白人"]
    assert not register.required and "东村" in register.detail


def test_the_register_check_passes_once_every_village_has_someone(users, tree):
    items = _publicity(tree.sub)
    assert items["普法工作账号（司法所：普法阵地、名册与培训）"].ok  # 司法所 staff
    assert items["领导干部学法登记账号（党政办）"].ok  # 党政办 staff
    assert not items["每个村（社区）登记法治带头人、法律明白人"].ok
    for village in OrgNode.objects.villages().inside(tree.sub).filter(is_active=True):
        services.leader_create(actor=users.judicial, node=village, name=f"{village.name}明白人", kind=Leader.Kind.LITERATE)
    register = _publicity(tree.sub)["每个村（社区）登记法治带头人、法律明白人"]
    assert register.ok and "均已登记" in register.detail
