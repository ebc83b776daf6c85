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
    headers = [c.value for c in ws[1]]
    assert headers[0] == "案号" and ws.max_row == 2 and ws.cell(2, headers.index("状态") + 1).value == "已决定"


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


def _export(key, user):
    item = ledger.get(key)
    wb = openpyxl.load_workbook(io.BytesIO(ledger.export_xlsx(item, item.queryset(user, {}))))
    ws = wb.active
    return item, wb, ws, [c.value for c in ws[1]]


def _bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_officer_and_power_ledgers_round_trip_without_duplicates(enf, users):
    """An exported ledger re-imports as nothing to do; one edited cell is exactly one audited update of the same row
    (issue 14): no second officer, no second power."""
    from fazhi.core.models import AuditEvent
    from fazhi.enforcement.models import Officer

    for key in ("enforcement.officers", "enforcement.powers"):
        item, wb, _, _ = _export(key, users.enforcement_head)
        result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
        assert result.ok and result.nothing_to_do and result.imported == 0, (key, [str(e) for e in result.errors])
        assert "没有需要导入的内容" in result.summary
    officers, powers = Officer.objects.count(), Power.objects.count()

    item, wb, ws, headers = _export("enforcement.officers", users.enforcement_head)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == users.officer2.username)
    row[headers.index("有效期至")].value = "2027-12-31"
    dry = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=True)
    assert (dry.created, dry.updated, dry.skipped) == (0, 1, 2)
    assert next(r for r in dry.rows if r.action == "更新").changes == [("有效期至", "2025-12-31", "2027-12-31")]
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.updated == 1 and Officer.objects.count() == officers
    enf.o2.refresh_from_db()
    assert str(enf.o2.valid_until) == "2027-12-31"
    assert AuditEvent.objects.filter(object_id=str(enf.o2.pk), action="update", actor=users.enforcement_head).exists()

    item, wb, ws, headers = _export("enforcement.powers", users.enforcement_head)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "CF-001")
    row[headers.index("事项名称")].value = "对违法搭建建筑物的处罚"
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert result.ok and (result.created, result.updated, result.skipped) == (0, 1, 1)
    assert Power.objects.count() == powers
    enf.penalty.refresh_from_db()
    assert enf.penalty.name == "对违法搭建建筑物的处罚"
    assert ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=True).nothing_to_do


def test_ledger_status_change_goes_through_the_workflow_and_a_move_is_refused(enf, users):
    from fazhi.enforcement.models import Officer

    item, wb, ws, headers = _export("enforcement.officers", users.enforcement_head)
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[users.officer.username][headers.index("状态")].value = "暂扣"
    rows[users.officer2.username][headers.index("所属街道")].value = "敬仲街道"
    rows[users.enforcement_head.username][headers.index("有效期至")].value = "不是日期"
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert not result.ok and {e.row for e in result.errors} == {rows[users.officer2.username][0].row,
                                                                 rows[users.enforcement_head.username][0].row}
    assert Officer.objects.get(pk=enf.o1.pk).status == "active"  # all or nothing
    del rows  # fix the two bad rows: the status change alone goes through
    item, wb, ws, headers = _export("enforcement.officers", users.enforcement_head)
    next(r for r in ws.iter_rows(min_row=2) if r[0].value == users.officer.username)[headers.index("状态")].value = "暂扣"
    result = ledger.run_import(item, _bytes(wb), actor=users.enforcement_head, dry_run=False)
    assert result.ok and result.updated == 1
    assert Officer.objects.get(pk=enf.o1.pk).status == "suspended"


def test_a_district_round_trip_keeps_equal_codes_of_two_subdistricts_apart(enf, users, tree):
    from fazhi.core import services as core_services
    from fazhi.core.models import Unit
    from fazhi.enforcement import services

    unit = core_services.unit_create(actor="测试", node=tree.other, kind=Unit.Kind.DEPARTMENT, name="敬仲综合行政执法办公室")
    other = services.subject_save(actor=users.admin, unit=unit, legal_status="依法赋权的街道综合行政执法机构")
    services.power_create(actor=users.admin, subject=other, code="CF-001", name="敬仲的同编码事项", power_type="penalty",
                          legal_basis="《某法》第三条")
    item, wb, ws, headers = _export("enforcement.powers", users.admin)
    assert ws.max_row == 4
    assert ledger.run_import(item, _bytes(wb), actor=users.admin, dry_run=True).nothing_to_do
    row = next(r for r in ws.iter_rows(min_row=2) if r[headers.index("所属街道")].value == "敬仲街道")
    row[headers.index("法律依据")].value = "《某法》第四条"
    result = ledger.run_import(item, _bytes(wb), actor=users.admin, dry_run=False)
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    assert Power.objects.get(subject=other, code="CF-001").legal_basis == "《某法》第四条"
    assert Power.objects.get(pk=enf.penalty.pk).legal_basis == "《城乡规划法》第六十五条"
