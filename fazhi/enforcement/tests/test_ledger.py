"""Ledgers: export through the scoped selectors, import through the same services."""
import io

import openpyxl
from django.urls import reverse

from fazhi.core import ledger
from fazhi.enforcement.models import Power

from .conftest import advance


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_power_import_all_or_nothing(enf, users):
    item = ledger.get("enforcement.powers")
    headers = [c.header for c in item.import_columns()]
    bad = _xlsx([headers, ["CF-100", "新事项", "行政处罚", "某法第一条", ""], ["CF-101", "", "行政处罚", "x", ""]])
    result = ledger.run_import(item, bad, actor=users.enforcement_head, dry_run=False)
    assert not result.ok and not Power.objects.filter(code="CF-100").exists()
    good = _xlsx([headers, ["CF-100", "新事项", "行政处罚", "某法第一条", "轻微：不罚"]])
    result = ledger.run_import(item, good, actor=users.enforcement_head, dry_run=False)
    assert result.ok and Power.objects.get(code="CF-100").power_type == "penalty"


def test_case_export(enf, users, make_case, client_for):
    advance(make_case(), users, enf, to="decided")
    r = client_for(users.officer).get(reverse("core:ledger_export", args=["enforcement.cases"]))
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "案号" and ws.max_row == 2 and ws.cell(2, 7).value == "已决定"


def test_district_admin_must_choose_the_subdistrict(enf, users, tree, api_for):
    """A district-level account adding a power-list item or importing a ledger names the subdistrict; it is never
    filed under the first subdistrict silently (issue 14)."""
    from fazhi.core import services as core_services
    from fazhi.core.models import Unit
    from fazhi.enforcement import services

    unit = core_services.unit_create(actor="测试", node=tree.other, kind=Unit.Kind.DEPARTMENT, name="敬仲综合行政执法办公室")
    other_subject = services.subject_save(actor=users.admin, unit=unit, legal_status="依法赋权的街道综合行政执法机构")
    api = api_for(users.admin)
    body = {"code": "CF-900", "name": "区级新增事项", "power_type": "penalty", "legal_basis": "《某法》第一条"}
    r = api.post(reverse("api_enforcement_powers"), body, format="json")
    assert r.status_code == 400 and "请选择执法主体（街道）" in r.json()["detail"]
    assert not Power.objects.filter(code="CF-900").exists()
    r = api.post(reverse("api_enforcement_powers"), body | {"subject": "敬仲街道"}, format="json")
    assert r.status_code == 201 and r.json()["subject"] == other_subject.pk
    # a subdistrict's head needs no choice: their own subdistrict
    r = api_for(users.enforcement_head).post(reverse("api_enforcement_powers"), body | {"code": "CF-901"}, format="json")
    assert r.status_code == 201 and r.json()["subject"] == enf.subject.pk
    # ledger import by the district admin: a row without 所属街道 is refused with a clear message
    item = ledger.get("enforcement.powers")
    headers = [c.header for c in item.import_columns()]
    assert headers[-1] == "所属街道"
    result = ledger.run_import(item, _xlsx([headers, ["CF-902", "导入事项", "行政处罚", "《某法》第二条", "", ""]]),
                               actor=users.admin, dry_run=False)
    assert not result.ok and any("请选择执法主体（街道）" in e.message for e in result.errors)
    assert not Power.objects.filter(code="CF-902").exists()
    result = ledger.run_import(item, _xlsx([headers, ["CF-902", "导入事项", "行政处罚", "《某法》第二条", "", "稷下街道"]]),
                               actor=users.admin, dry_run=False)
    assert result.ok and Power.objects.get(code="CF-902").subject == enf.subject
