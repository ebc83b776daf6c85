import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from fazhi.core import files
from fazhi.core.errors import DomainError

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_healthz_reports_database(db, client):
    data = client.get("/healthz").json()
    assert data["database"] == "ok"


def test_workbench_requires_login(db, client):
    response = client.get("/work/")
    assert response.status_code == 302 and "/work/login/" in response["Location"]


def test_login_page_in_chinese_with_field_errors(db, client):
    page = client.post("/work/login/", {"username": "", "password": ""})
    text = page.content.decode()
    assert "请输入用户名" in text and "请输入密码" in text
    wrong = client.post("/work/login/", {"username": "nobody", "password": "x"}).content.decode()
    assert "用户名或密码不正确" in wrong


def test_home_shows_navigation_by_module(users, client_for):
    text = client_for(users.admin).get("/work/").content.decode()
    assert "我的待办" in text and "组织与人员" in text and "审计日志" in text
    grid_text = client_for(users.grid).get("/work/").content.decode()
    assert "审计日志" not in grid_text


def test_org_tree_page_query_count_is_bounded(users, tree, get_within):
    from fazhi.core import services as s

    for i in range(30):
        s.org_node_create(actor="测试", parent=tree.liu, name=f"加测网格{i}", check_scope=False)
    response = get_within(users.admin, "/work/core/org/", 12)
    assert response.status_code == 200 and "加测网格29" in response.content.decode()


def test_audit_log_page_is_paginated_and_bounded(users, client_for, get_within):
    response = get_within(users.admin, "/work/core/audit/", 12)
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()
    assert client_for(users.grid).get("/work/core/audit/").status_code == 403


def test_openapi_schema_and_docs(users, client_for):
    c = client_for(users.admin)
    schema = c.get("/api/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = c.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "https://" not in re.sub(r'https://[^"]*(?:swagger\.io|github\.com)[^"]*', "", docs)


def test_api_answers_404_outside_scope_and_401_anonymous(users, api_for, client):
    assert client.get("/api/core/nodes/").status_code in (401, 403)
    names = {n["name"] for n in api_for(users.grid).get("/api/core/nodes/").json()}
    assert names == {"刘家村第一网格"}


def test_no_template_or_static_file_loads_from_the_internet():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in list(root.rglob("templates/**/*.html")) + list(root.rglob("static/css/*.css")) + list(root.rglob("static/js/*.js")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'(?:src|href)\s*=\s*["\'](https?:)?//', text):
            offenders.append(f"{path}: {match.group(0)}")
        if re.search(r"@import\s+url\(\s*['\"]?https?://", text):
            offenders.append(str(path))
    assert offenders == []


def test_vendored_assets_are_served_by_the_app(db, client):
    for asset in ["/static/vendor/htmx/htmx.min.js", "/static/vendor/echarts/echarts.min.js", "/static/css/app.css"]:
        response = client.get(asset)
        assert response.status_code == 200, asset


def test_public_home_and_large_text_mode(db, client):
    page = client.get("/").content.decode()
    assert 'lang="zh-CN"' in page and "大字模式" in page and 'class=""' in page
    response = client.get("/text-size/?next=/")
    assert response.cookies["large_text"].value == "1"
    client.cookies["large_text"] = "1"
    assert 'class="large-text"' in client.get("/").content.decode()
    assert client.get("/text-size/?next=https://evil.example/")["Location"] == "/"


def test_unknown_page_is_a_chinese_404(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


# ---- files ----------------------------------------------------------------------------------------------------

def _store(owner, node, actor, content=PNG, name="photo.png", kinds=("image",)):
    with transaction.atomic():
        return files.store_upload(SimpleUploadedFile(name, content), owner=owner, node=node, actor=actor, allowed_kinds=kinds)


def test_uploaded_file_is_only_served_in_scope(users, tree, client_for, client):
    stored = _store(tree.liu1, tree.liu1, users.grid)
    url = f"/files/{stored.uuid}/"
    assert client_for(users.grid).get(url).status_code == 200
    assert client_for(users.grid_yang).get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(f"/static/{stored.sha256}").status_code == 404
    assert files.blob_path(stored.sha256).read_bytes() == PNG


def test_files_are_checked_by_content_not_name(users, tree):
    with pytest.raises(DomainError, match="实际内容不是允许的类型"):
        _store(tree.liu1, tree.liu1, users.grid, content=b"<script>alert(1)</script>", name="video.png")
    with pytest.raises(DomainError, match="空文件"):
        _store(tree.liu1, tree.liu1, users.grid, content=b"", name="x.png")
    with pytest.raises(DomainError, match="扩展名表明是视频"):
        _store(tree.liu1, tree.liu1, users.grid, content=PNG, name="clip.mp4", kinds=("image", "video"))


def test_odd_file_names_are_made_safe():
    assert files.safe_name("../../etc/passwd") == "passwd"
    assert files.safe_name("..\\..\\boot.ini") == "boot.ini"
    assert files.safe_name("a<b>|c?.png") == "a_b_c_.png"
    assert files.safe_name("") == "文件"


def test_size_limit_refuses_and_leaves_nothing(users, tree, settings):
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 10}
    with pytest.raises(DomainError, match="超过大小上限"):
        _store(tree.liu1, tree.liu1, users.grid)
    assert not list((Path(settings.MEDIA_ROOT) / "tmp").glob("*")) if (Path(settings.MEDIA_ROOT) / "tmp").exists() else True
