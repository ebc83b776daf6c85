"""Input at the edge: the text policy reaches Django forms, exported cells never run as formulas, oversized bodies
are a clean 413 (JSON on the API), odd parameters and ids no row can have are never a 500."""
import io
import json

import pytest
from django import forms
from openpyxl import load_workbook

from fazhi.core import ledger, services
from fazhi.core.validators import CleanTextFormMixin, spreadsheet_safe

pytestmark = pytest.mark.django_db


class _Form(CleanTextFormMixin, forms.Form):
    title = forms.CharField(max_length=100)
    tags = forms.MultipleChoiceField(choices=[("ab", "x"), ("c", "y")], required=False)
    password = forms.CharField(widget=forms.PasswordInput)


def test_form_mixin_strips_controls_nul_and_bidi_but_not_passwords():
    form = _Form(data={"title": "纠纷\x00标题\u202e\x07", "tags": ["a\u202eb"], "password": "pw\x07"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "纠纷标题"
    assert form.cleaned_data["tags"] == ["ab"]
    assert form.cleaned_data["password"] == "pw\x07"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("普通文字", "普通文字"), ("a\x00b\x1b", "ab"), (12, 12), (-5, -5), (None, None),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_ledger_export_writes_formulas_as_text(tree, users):
    services.org_node_create(actor="测试", parent=tree.liu, name="=HYPERLINK(\"http://evil\",\"点击\")", check_scope=False)
    services.org_node_create(actor="测试", parent=tree.liu, name="@SUM(1+1)*cmd|' /C calc'!A0", check_scope=False)
    item = ledger.get("core.grids")
    content = ledger.export_xlsx(item, item.queryset(users.sub_admin, {}))
    ws = load_workbook(io.BytesIO(content)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = {c.value for c in cells}
    assert "'=HYPERLINK(\"http://evil\",\"点击\")" in names
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in names


def test_json_body_over_limit_is_413_in_chinese(users, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(users.sub_admin)
    body = json.dumps({"name": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/disputes/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "过大" in response.json()["detail"]


def test_api_multipart_over_limit_is_413(users, client, settings):
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 1024}
    client.force_login(users.sub_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10), content_type="application/pdf")
    response = client.post("/api/disputes/1/attachments/", data={"file": big})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_form_post_over_limit_is_413_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/work/login/", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_text_size_with_a_bare_word_goes_home(client):
    response = client.get("/text-size/?next=abc")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/text-size/?next=//evil.example/")["Location"] == "/"
    assert client.get("/text-size/?next=/open/")["Location"] == "/open/"


@pytest.mark.parametrize("url", ["/work/core/org/{big}/", "/work/core/deadlines/{big}/", "/api/core/nodes/{big}/"])
def test_ids_no_row_can_have_are_404(users, client, url):
    client.force_login(users.admin)
    assert client.get(url.format(big=10**30)).status_code == 404


@pytest.mark.parametrize("query", ["year=12345", "year=-1", "year=abc", "year=1e30", "page=1e30", "q=%00"])
def test_calendar_and_audit_odd_parameters(users, client, query):
    client.force_login(users.admin)
    assert client.get(f"/work/core/calendar/?{query}").status_code == 200
    assert client.get(f"/work/core/audit/?{query}").status_code == 200
