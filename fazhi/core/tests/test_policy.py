import pytest
from django.http import Http404

from fazhi.core import policy
from fazhi.core.models import OrgNode


def test_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(OrgNode.objects.filter(path__startswith=tree.liu.path).values_list("name", flat=True))
    assert names == {"刘家村", "刘家村第一网格", "刘家村第二网格"}


def test_village_cadre_sees_all_grids_of_their_village_and_nothing_else(users, tree):
    visible = set(policy.scoped_nodes(users.mediator, "core.view").values_list("name", flat=True))
    assert visible == {"刘家村", "刘家村第一网格", "刘家村第二网格"}


def test_grid_worker_sees_only_their_grid(users, tree):
    assert set(policy.scoped_nodes(users.grid, "core.view").values_list("name", flat=True)) == {"刘家村第一网格"}
    assert not policy.has_perm(users.grid, "core.view", tree.liu2)
    assert policy.has_perm(users.grid, "core.view", tree.liu1)


def test_subdistrict_admin_does_not_see_other_tenant(users, tree):
    assert policy.has_perm(users.sub_admin, "core.view", tree.yang1)
    assert not policy.has_perm(users.sub_admin, "core.view", tree.dongqi)
    assert policy.has_perm(users.admin, "core.view", tree.dongqi1)  # district admin covers all subdistricts


def test_deny_by_default(db, tree):
    from django.contrib.auth.models import AnonymousUser

    assert policy.scope(OrgNode.objects.all(), AnonymousUser(), "core.view").count() == 0
    assert not policy.has_perm(AnonymousUser(), "core.view")


def test_get_for_user_answers_404_outside_scope(users, tree):
    qs = OrgNode.objects.all()
    assert policy.get_for_user(qs, users.grid, "core.view", field="pk", pk=tree.liu1.pk) == tree.liu1
    with pytest.raises(Http404):
        policy.get_for_user(qs, users.grid, "core.view", field="pk", pk=tree.yang1.pk)


def test_node_page_is_404_out_of_scope(users, tree, client_for):
    c = client_for(users.grid_yang)
    assert c.get(f"/work/core/org/{tree.yang1.pk}/").status_code == 200
    assert c.get(f"/work/core/org/{tree.liu1.pk}/").status_code == 404


def test_inactive_membership_grants_nothing(users, tree):
    users.grid.memberships.update(is_active=False)
    policy.forget(users.grid)
    assert not policy.has_perm(users.grid, "core.view", tree.liu1)


def test_admin_adds_a_grid_from_the_workbench_and_it_is_audited(users, tree, client_for):
    from fazhi.core.models import AuditEvent

    c = client_for(users.sub_admin)
    response = c.post(f"/work/core/org/{tree.liu.pk}/", {"name": "刘家村第三网格", "code": "G3"}, follow=True)
    assert "已新增“刘家村第三网格”" in response.content.decode()
    grid = OrgNode.objects.get(name="刘家村第三网格")
    assert grid.kind == "grid" and grid.path.startswith(tree.liu.path)
    assert AuditEvent.objects.filter(object_type="core.orgnode", object_id=str(grid.pk), actor_id=users.sub_admin.pk).exists()
    duplicate = c.post(f"/work/core/org/{tree.liu.pk}/", {"name": "刘家村第三网格"})
    assert duplicate.status_code == 400 and "已有同名节点" in duplicate.content.decode()
    assert client_for(users.grid).post(f"/work/core/org/{tree.liu1.pk}/", {"name": "x"}).status_code == 403
    assert client_for(users.other_admin).post(f"/work/core/org/{tree.liu.pk}/", {"name": "x"}).status_code == 404


def test_grid_worker_of_another_village_gets_404_in_page_api_export_and_download(users, tree, client_for, api_for):
    """The scoping rule end to end for core records: page, API, export and download."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from openpyxl import load_workbook

    from fazhi.core import files
    from fazhi.core.tests.test_views import PNG

    with transaction.atomic():
        stored = files.store_upload(SimpleUploadedFile("a.png", PNG), owner=tree.liu1, node=tree.liu1, actor=users.grid, allowed_kinds=("image",))
    outsider = users.grid_yang
    assert client_for(outsider).get(f"/work/core/org/{tree.liu1.pk}/").status_code == 404
    assert api_for(outsider).get(f"/api/core/nodes/{tree.liu1.pk}/").status_code == 404
    assert api_for(users.grid).get(f"/api/core/nodes/{tree.liu1.pk}/").status_code == 200
    sheet = load_workbook(io.BytesIO(client_for(outsider).get("/work/ledgers/core.grids/export/").content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["大杨村第一网格"]
    assert client_for(outsider).get(f"/files/{stored.uuid}/").status_code == 404
    assert client_for(users.grid).get(f"/files/{stored.uuid}/").status_code == 200
