import io

import pytest
from openpyxl import Workbook, load_workbook

from fazhi.core import ledger
from fazhi.core.models import AuditEvent, OrgNode


def sheet(rows, headers=("网格名称", "所属村（社区）", "网格编码")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "grids.xlsx"
    return buffer


def grids():
    return set(OrgNode.objects.filter(kind="grid").values_list("name", flat=True))


def test_export_has_chinese_headers_and_only_rows_in_scope(users, tree, client_for):
    response = client_for(users.mediator).get("/work/ledgers/core.grids/export/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("网格名称", "所属村（社区）", "网格编码")
    assert {r[0] for r in rows[1:]} == {"刘家村第一网格", "刘家村第二网格"}


def test_valid_sheet_previews_then_imports_through_the_service(users, tree, client_for):
    c = client_for(users.sub_admin)
    before = grids()
    preview = c.post("/work/ledgers/core.grids/import/", {"file": sheet([("刘家村第三网格", "刘家村", "G3"), ("大杨村第二网格", "大杨村", "")])})
    assert preview.status_code == 200
    assert "预检通过" in preview.content.decode()
    assert grids() == before  # a dry run changes nothing
    token = preview.context["token"]
    done = c.post("/work/ledgers/core.grids/import/", {"token": token, "confirm": "1"})
    assert "已导入 2 行" in done.content.decode()
    assert grids() == before | {"刘家村第三网格", "大杨村第二网格"}
    assert AuditEvent.objects.filter(object_type="core.orgnode", object_repr="刘家村第三网格", action="create").exists()


def test_one_bad_row_imports_nothing_and_names_that_row(users, tree, client_for):
    c = client_for(users.sub_admin)
    before = grids()
    response = c.post("/work/ledgers/core.grids/import/", {"file": sheet([
        ("刘家村第三网格", "刘家村", ""), ("幽灵网格", "不存在村", ""), ("大杨村第二网格", "大杨村", "")])})
    assert response.status_code == 400
    result = response.context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "所属村（社区）")]
    assert "不存在或不在您的管辖范围内" in result.errors[0].message
    assert grids() == before


def test_import_respects_scope(users, tree):
    result = ledger.run_import(ledger.get("core.grids"), sheet([("东齐村第二网格", "东齐村", "")]).getvalue(), actor=users.sub_admin, dry_run=False)
    assert not result.ok
    assert "东齐村第二网格" not in grids()


@pytest.mark.parametrize("payload, message", [
    (b"", "文件为空"),
    (b"name,village\n1,2\n", "不是有效的 Excel 文件"),
    (b"PK\x03\x04garbage" * 10, "不是有效的 Excel 文件"),
])
def test_bad_files_get_a_clear_error(users, tree, payload, message):
    result = ledger.run_import(ledger.get("core.grids"), payload, actor=users.sub_admin)
    assert not result.ok
    assert message in str(result.errors[0])


def test_wrong_columns_and_wrong_types(users, tree):
    wrong = ledger.run_import(ledger.get("core.grids"), sheet([("a", "b")], headers=("名称", "村")).getvalue(), actor=users.sub_admin)
    assert "无法识别的列" in str(wrong.errors[0])
    empty_required = ledger.run_import(ledger.get("core.grids"), sheet([("", "刘家村", "")]).getvalue(), actor=users.sub_admin)
    assert empty_required.errors[0].row == 2 and empty_required.errors[0].message == "必填项为空"


def test_oversized_file_is_refused_before_parsing(users, tree, settings):
    settings.FAZHI = {**settings.FAZHI, "LEDGER_MAX_BYTES": 1024}
    big = b"PK\x03\x04" + b"0" * 4096
    result = ledger.run_import(ledger.get("core.grids"), big, actor=users.sub_admin)
    assert "超过上限" in str(result.errors[0])


def test_user_without_import_right_cannot_import(users, tree, client_for):
    assert client_for(users.grid).get("/work/ledgers/core.grids/import/").status_code == 403
    result = ledger.run_import(ledger.get("core.grids"), sheet([("x网格", "刘家村", "")]).getvalue(), actor=users.grid, dry_run=False)
    assert not result.ok and "x网格" not in grids()


def test_api_import_dry_run_and_commit(users, tree, api_for):
    c = api_for(users.sub_admin)
    dry = c.post("/api/core/ledgers/core.grids/import/?dry_run=1", {"file": sheet([("刘家村第九网格", "刘家村", "")])}, format="multipart")
    assert dry.status_code == 200 and dry.json()["ok"] and "刘家村第九网格" not in grids()
    real = c.post("/api/core/ledgers/core.grids/import/?dry_run=0", {"file": sheet([("刘家村第九网格", "刘家村", "")])}, format="multipart")
    assert real.status_code == 200 and real.json()["imported"] == 1
    assert "刘家村第九网格" in grids()


def test_upload_with_csrf_checks_on_like_a_browser_and_oversize_is_refused(users, tree, settings):
    """A browser form goes through the CSRF middleware, which reads the body before the view: the size limit must
    already be in place then (no 500), and an oversized file gets a clear message."""
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(users.sub_admin)
    page = c.get("/work/ledgers/core.grids/import/")
    token = page.cookies["csrftoken"].value
    ok = c.post("/work/ledgers/core.grids/import/", {"csrfmiddlewaretoken": token, "file": sheet([("刘家村第五网格", "刘家村", "")])})
    assert ok.status_code == 200 and "预检通过" in ok.content.decode()
    settings.FAZHI = {**settings.FAZHI, "LEDGER_MAX_BYTES": 2000}
    big = io.BytesIO(b"PK\x03\x04" + b"0" * 50000)
    big.name = "big.xlsx"
    refused = c.post("/work/ledgers/core.grids/import/", {"csrfmiddlewaretoken": token, "file": big})
    assert refused.status_code == 400 and "上限" in refused.content.decode()
