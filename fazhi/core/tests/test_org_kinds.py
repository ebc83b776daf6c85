"""Org kinds are data: a district with a township (乡镇) and a separate community (社区) kind works without a code
change — a dispute runs through its workflow, a report is drafted for the township, and scoping holds."""
import pytest

from fazhi.core import orgkinds, services
from fazhi.core.models import OrgKind, OrgNode, Unit
from fazhi.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "Xiangzhen-2024"


@pytest.fixture
def township_tree(db):
    OrgKind.objects.create(code="township", label="乡镇", level=orgkinds.TENANT, is_tenant=True, hosts_reports=True,
                           dispute_level="subdistrict", sort_order=1)
    OrgKind.objects.create(code="community", label="社区", level=orgkinds.VILLAGE, hosts_reports=True,
                           dispute_level="village", sort_order=1)
    system = "测试"
    district = services.org_node_create(actor=system, parent=None, name="某县", check_scope=False)
    town = services.org_node_create(actor=system, parent=district, name="凤凰镇", kind="township", short_name="凤凰",
                                    check_scope=False)
    community = services.org_node_create(actor=system, parent=town, name="凤凰社区", kind="community", check_scope=False)
    village = services.org_node_create(actor=system, parent=town, name="李庄村", check_scope=False)
    grid = services.org_node_create(actor=system, parent=community, name="凤凰社区第一网格", check_scope=False)
    other = services.org_node_create(actor=system, parent=district, name="青山乡", kind="township", check_scope=False)
    other_village = services.org_node_create(actor=system, parent=other, name="青山村", check_scope=False)
    body = services.unit_create(actor=system, node=town, kind=Unit.Kind.CENTRE_BODY, name="司法所")

    def user(name, node, role, unit=None):
        return services.user_create(actor=system, username=name, full_name=name, password=PASSWORD,
                                    memberships=[(node, role, unit)])

    from types import SimpleNamespace

    return SimpleNamespace(
        district=district, town=town, community=community, village=village, grid=grid, other=other,
        other_village=other_village, body=body,
        clerk=user("town_clerk", town, Role.CLERK, body), leader=user("town_leader", town, Role.LEADER),
        other_clerk=user("qs_clerk", other, Role.CLERK), grid_worker=user("fh_grid", grid, Role.GRID_WORKER),
        admin=user("county_admin", district, Role.ADMIN),
    )


def test_the_kinds_answer_for_the_nodes(township_tree):
    t = township_tree
    assert t.town.is_tenant and t.town.level == orgkinds.TENANT and t.town.kind_label == "乡镇"
    assert t.community.village == t.community and t.community.tenant() == t.town
    assert t.grid.tenant() == t.town and t.grid.village == t.community
    assert set(OrgNode.objects.tenants().values_list("name", flat=True)) == {"凤凰镇", "青山乡"}
    assert set(OrgNode.objects.villages().inside(t.town).values_list("name", flat=True)) == {"凤凰社区", "李庄村"}
    from fazhi.core.errors import DomainError

    with pytest.raises(DomainError):  # a community cannot sit under a district
        services.org_node_create(actor="测试", parent=t.district, name="错层社区", kind="community", check_scope=False)


def test_a_dispute_in_a_community_of_a_township_runs_and_stays_in_scope(township_tree, api_for):
    from fazhi.disputes import services as dispute_services
    from fazhi.disputes.models import DisputeKind

    t = township_tree
    d = dispute_services.dispute_create(
        actor=t.grid_worker, channel="patrol", village=t.community, grid=t.grid, kind=DisputeKind.objects.first(),
        title="楼道堆物纠纷", description="邻居在楼道堆放杂物引发争执", contact_phone="13900001111",
        parties=[{"role": "applicant", "name": "王一", "phone": "13900001111"}, {"role": "respondent", "name": "赵二"}])
    assert d.level == "grid" and d.node == t.grid
    d = dispute_services.dispute_transition(actor=t.clerk, dispute=d, name="accept", version=d.version)
    assert d.status == "accepted"
    assert api_for(t.clerk).get(f"/api/disputes/{d.pk}/").status_code == 200
    assert api_for(t.other_clerk).get(f"/api/disputes/{d.pk}/").status_code == 404
    # The township's audit chain is its own (a tenant).
    from fazhi.core.models import AuditEvent

    chains = set(AuditEvent.objects.filter(object_type="disputes.dispute", object_id=str(d.pk))
                 .values_list("chain", flat=True))
    assert chains == {t.town.path}


def test_a_report_is_drafted_for_the_township_and_the_county(township_tree):
    from fazhi.reports import render
    from fazhi.reports import services as report_services

    t = township_tree
    report = report_services.report_create(actor=t.admin, node=t.town, year=2023)
    blocks, _ = render.build_blocks(report)
    text = "".join(str(b) for b in blocks)
    assert "凤凰镇" in text
    county = report_services.report_create(actor=t.admin, node=t.district, year=2023)
    assert county.node == t.district
