"""The enforcement items of the onboarding checklist link to the page that fixes them for that subdistrict (the
whole API-only journey is fazhi/core/tests/test_onboarding_journey.py)."""

import pytest

from fazhi.core import services as core_services
from fazhi.enforcement.models import Subject

pytestmark = pytest.mark.django_db


def test_the_checklist_links_to_the_page_that_registers_that_subdistricts_subject(users, tree, client_for):
    from fazhi.core.models import Unit

    core_services.unit_create(actor="测试", node=tree.other, kind=Unit.Kind.DEPARTMENT, name="敬仲综合行政执法办公室")
    c = client_for(users.admin)
    page = c.get(f"/work/core/onboarding/?node={tree.other.pk}").content.decode()
    assert "至少2名执法人员持有效执法证" in page and f"/work/enforcement/subject/?node={tree.other.pk}" in page
    r = c.post(f"/work/enforcement/subject/?node={tree.other.pk}", {"legal_status": "依法赋权的街道综合行政执法机构"})
    assert r.status_code == 302, r.content.decode()[:500]
    assert Subject.objects.get(node=tree.other).unit.name == "敬仲综合行政执法办公室"
    assert not Subject.objects.filter(node=tree.sub).exists()
    assert c.get("/work/enforcement/subject/?node=999999").status_code == 404
    # from the checklist's officer link a district administrator registers officers of that subdistrict
    page = c.get(f"/work/enforcement/officers/?node={tree.other.pk}").content.decode()
    assert f"/work/enforcement/officers/new/?subject={tree.other.pk}" in page
    assert c.get(f"/work/enforcement/officers/new/?subject={tree.other.pk}").status_code == 200
    assert c.get("/work/enforcement/officers/new/").status_code == 404  # a district account must choose
