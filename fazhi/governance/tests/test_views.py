"""Workbench pages: they render for the right roles, act through the same services, stay scoped and bounded."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import clock, files
from fazhi.governance import services
from fazhi.governance.models import DisclosureItem, DisclosureRequest

from . import factories as f

pytestmark = pytest.mark.django_db


def test_pages_render(client_for, users, tree):
    item = f.item(users, tree)
    req = f.request(tree)
    m = f.meeting(users, tree)
    doc = f.document_reviewed(users, tree)
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="老旧小区改造", hearing_required=True)
        services.decision_transition(actor=users.office, decision_id=d.pk, name="start")
    c = client_for(users.leader)
    for url in ["/work/governance/items/", f"/work/governance/items/{item.pk}/", "/work/governance/requests/",
                f"/work/governance/requests/{req.pk}/", "/work/governance/documents/", f"/work/governance/documents/{doc.pk}/",
                "/work/governance/comments/", "/work/governance/decisions/", f"/work/governance/decisions/{d.pk}/",
                "/work/governance/meetings/", f"/work/governance/meetings/{m.pk}/"]:
        r = c.get(url)
        assert r.status_code == 200, url
    body = c.get(f"/work/governance/decisions/{d.pk}/").content.decode()
    assert "以下必经程序尚未完成" in body and "听证" in body
    body = c.get(f"/work/governance/documents/{doc.pk}/").content.decode()
    assert "集体审议通过" in body  # the leader's available action
    assert "登记编号" not in body
    body = client_for(users.office).get(f"/work/governance/documents/{doc.pk}/").content.decode()
    assert "集体审议通过" not in body
    assert client_for(users.clerk).get("/work/governance/items/").status_code == 403
    for url in ["/work/governance/items/new/", "/work/governance/requests/new/", "/work/governance/documents/new/",
                "/work/governance/decisions/new/", "/work/governance/meetings/new/"]:
        assert client_for(users.admin).get(url).status_code == 200, url


def test_publish_with_attachment_and_withdraw_through_workbench(client_for, users, tree):
    c = client_for(users.disclosure)
    pdf = SimpleUploadedFile("预算表.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")
    r = c.post("/work/governance/items/new/", {"category": "budget", "title": "部门预算", "body": "说明",
                                               "formed_on": clock.today().isoformat(), "attachment": pdf})
    assert r.status_code == 302
    item = DisclosureItem.objects.get()
    assert files.files_of(item).count() == 1
    r = c.post("/work/governance/items/new/", {"category": "budget", "title": "假图片", "formed_on": clock.today().isoformat(),
                                               "attachment": SimpleUploadedFile("x.pdf", b"not a pdf at all")})
    assert r.status_code == 400 and "未保存" in r.content.decode() and DisclosureItem.objects.count() == 1
    assert item.status == "draft" and not files.files_of(item).first().is_public
    c.post(f"/work/governance/items/{item.pk}/preview/", {"version": 0})
    item.refresh_from_db()
    assert item.status == "published" and files.files_of(item).first().is_public
    r = c.post(f"/work/governance/items/{item.pk}/withdraw/", {"reason": "更正", "version": 3}, follow=True)
    assert "已被他人修改" in r.content.decode()
    c.post(f"/work/governance/items/{item.pk}/withdraw/", {"reason": "更正", "version": 1})
    item.refresh_from_db()
    assert item.status == "withdrawn"
    stored = files.files_of(item).first()
    from django.test import Client
    assert Client().get(f"/files/{stored.uuid}/").status_code in (403, 404, 302)


def test_request_answer_and_letter_through_workbench(client_for, users, tree):
    req = f.request(tree, day=clock.today())
    c = client_for(users.disclosure)
    r = c.post(f"/work/governance/requests/{req.pk}/act/answer/", {"answer-version": 0, "answer-reply_type": "partial",
                                                                   "answer-reply_text": "部分公开"}, follow=True)
    assert "理由及法律依据" in r.content.decode()
    c.post(f"/work/governance/requests/{req.pk}/act/answer/", {"answer-version": 0, "answer-reply_type": "partial",
                                                               "answer-reply_text": "部分公开", "answer-reply_reason": "涉及个人隐私"})
    req.refresh_from_db()
    assert req.status == "answered"
    r = c.get(f"/work/governance/requests/{req.pk}/letter.docx")
    assert r.status_code == 200
    import io

    from docx import Document
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "政府信息公开申请答复书" in text and "部分公开" in text and "行政复议" in text


def test_scoping_pages_exports_and_downloads(client_for, api_for, users, tree):
    item = f.item(users, tree)
    with clock.frozen(datetime.date(2023, 3, 1)):
        services.disclosure_attach(actor=users.disclosure, item_id=item.pk, uploads=[
            SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")])
    req = f.request(tree)
    with clock.frozen(datetime.date(2023, 3, 2)):
        services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer", reply_type="disclosed", reply_text="公开",
                                    attachments=[SimpleUploadedFile("reply.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")])
    m = f.meeting(users, tree)
    doc = f.document_reviewed(users, tree)
    other = client_for(users.other_admin)
    for url in [f"/work/governance/items/{item.pk}/", f"/work/governance/requests/{req.pk}/", f"/work/governance/meetings/{m.pk}/",
                f"/work/governance/documents/{doc.pk}/", f"/work/governance/requests/{req.pk}/letter.docx"]:
        assert other.get(url).status_code == 404, url
    reply_file = files.files_of(req).first()
    assert other.get(f"/files/{reply_file.uuid}/").status_code == 404
    assert client_for(users.disclosure).get(f"/files/{reply_file.uuid}/").status_code == 200
    for key in ("governance_disclosure", "governance_requests", "governance_documents", "governance_meetings"):
        r = api_for(users.other_admin).get(f"/api/core/ledgers/{key}/export/")
        assert r.status_code == 200
        import io

        from openpyxl import load_workbook
        assert load_workbook(io.BytesIO(r.content)).active.max_row == 1, key  # header only: nothing of 稷下
        r = api_for(users.leader).get(f"/api/core/ledgers/{key}/export/")
        assert load_workbook(io.BytesIO(r.content)).active.max_row >= 2, key


def test_list_queries_bounded(client_for, users, tree, django_assert_max_num_queries):
    for i in range(30):
        f.item(users, tree, title=f"信息{i}")
        f.request(tree, phone=f"1390533{i:04d}")
    for i in range(3):
        f.meeting(users, tree, day=datetime.date(2023, 3, 1 + i))
    c = client_for(users.leader)
    for url in ("/work/governance/items/", "/work/governance/requests/", "/work/governance/meetings/", "/open/"):
        c.get(url)
        with django_assert_max_num_queries(15):
            assert c.get(url).status_code == 200


def test_ledger_import_disclosure(api_for, users, tree):
    import io

    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["目录类别", "标题", "正文", "形成（变更）日期"])
    wb.active.append(["工作动态", "导入的信息", "正文", "2023-03-01"])
    wb.active.append(["不存在的类别", "坏行", "", "2023-03-01"])
    buf = io.BytesIO()
    wb.save(buf)
    r = api_for(users.disclosure).post("/api/core/ledgers/governance_disclosure/import/?dry_run=0",
                                       {"file": SimpleUploadedFile("t.xlsx", buf.getvalue())}, format="multipart")
    assert r.status_code == 400 and DisclosureItem.objects.count() == 0
    assert "目录类别" in r.json()["errors"][0]["text"]


def test_todos(users, tree):
    from fazhi.governance.todos import todos
    f.request(tree, day=datetime.date(2023, 3, 1))  # long overdue
    labels = [t.label for t in todos(users.disclosure)]
    assert "依申请公开已超期未答复" in labels
    assert todos(users.other_admin) == []
    assert DisclosureRequest.objects.count() == 1


def test_upload_views_keep_csrf_protection(users, tree):
    from django.test import Client
    c = Client(enforce_csrf_checks=True)
    c.force_login(users.disclosure)
    data = {"category": "budget", "title": "预算", "formed_on": clock.today().isoformat(),
            "attachment": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")}
    assert c.post("/work/governance/items/new/", data).status_code == 403
    c.get("/work/governance/items/new/")
    data["csrfmiddlewaretoken"] = c.cookies["csrftoken"].value
    data["attachment"].seek(0)
    assert c.post("/work/governance/items/new/", data).status_code == 302
    assert files.files_of(DisclosureItem.objects.get()).count() == 1


def test_attach_file_to_item(client_for, users, tree):
    item = f.item(users, tree)
    c = client_for(users.disclosure)
    r = c.post(f"/work/governance/items/{item.pk}/attach/", {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert "未保存" in r.content.decode() and files.files_of(item).count() == 0
    c.post(f"/work/governance/items/{item.pk}/attach/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")})
    assert files.files_of(item).count() == 1
    assert client_for(users.other_admin).post(f"/work/governance/items/{item.pk}/attach/", {}).status_code == 404
