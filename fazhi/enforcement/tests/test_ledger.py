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
