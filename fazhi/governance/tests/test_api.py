"""Each lifecycle through the JSON API (the same services as the workbench)."""
import datetime
import io
import zipfile

import pytest

from fazhi.core import clock
from fazhi.governance import services
from fazhi.governance.models import DisclosureItem, DisclosureRequest, NormativeDocument

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/governance"


def test_disclosure_lifecycle(api_for, users, tree):
    api = api_for(users.disclosure)
    with clock.frozen(datetime.date(2023, 6, 1)):
        r = api.post(f"{API}/items/", {"category": "budget", "title": "2023年部门预算", "body": "预算说明",
                                       "formed_on": "2023-05-20"}, format="json")
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["status"] == "draft" and item["is_timely"] is None and item["category_name"] == "财政预决算"
    with clock.frozen(datetime.date(2023, 6, 1)):
        r = api.post(f"{API}/items/{item['id']}/publish/", {"version": 0}, format="json")
    assert r.status_code == 200, r.content
    item = r.json()
    assert item["status"] == "published" and item["is_timely"] is True and item["published_on"] == "2023-06-01"
    assert api.get(f"{API}/items/?year=2023&category=budget").json()["count"] == 1
    assert api.get(f"{API}/items/?q=预算").json()["count"] == 1
    r = api.post(f"{API}/items/{item['id']}/withdraw/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "撤回理由" in r.json()["detail"]
    r = api.post(f"{API}/items/{item['id']}/withdraw/", {"reason": "数据有误", "version": 7}, format="json")
    assert r.status_code == 409
    r = api.post(f"{API}/items/{item['id']}/withdraw/", {"reason": "数据有误", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    # bad input: future formation date, missing title
    r = api.post(f"{API}/items/", {"category": "budget", "title": "", "formed_on": "2023-05-20"}, format="json")
    assert r.status_code == 400 and r.json()["errors"].get("title")
    r = api.post(f"{API}/items/", {"category": "budget", "title": "x", "formed_on": "2999-01-01"}, format="json")
    assert r.status_code == 400


def test_request_lifecycle_with_correction_extension_and_letter(api_for, users, tree):
    api, leader = api_for(users.disclosure), api_for(users.leader)
    with clock.frozen(datetime.date(2023, 3, 1)):
        r = api.post(f"{API}/requests/", {"applicant_name": "淄博某公司", "applicant_type": "organisation", "phone": "0533-7180000",
                                          "content": "申请公开道路施工招投标文件"}, format="json")
    assert r.status_code == 201, r.content
    req = r.json()
    pk = req["id"]
    assert req["actions"] == ["request_correction", "start_consultation", "request_extension", "answer"]
    with clock.frozen(datetime.date(2023, 3, 2)):
        r = api.post(f"{API}/requests/{pk}/transition/", {"action": "answer", "reply_type": "disclosed", "reply_text": "x",
                                                          "version": 0}, format="json")
        assert r.status_code == 200
        # answering twice: a forbidden transition, clear Chinese 400, nothing changed
        r = api.post(f"{API}/requests/{pk}/transition/", {"action": "request_correction", "reason": "补正"}, format="json")
        assert r.status_code == 400 and "不能执行" in r.json()["detail"]
    assert DisclosureRequest.objects.get(pk=pk).correction_note == ""
    r = api.get(f"{API}/requests/{pk}/letter/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    # second request: correction + extension
    with clock.frozen(datetime.date(2023, 4, 3)):
        pk2 = api.post(f"{API}/requests/", {"applicant_name": "李四", "phone": "13905330001", "content": "申请公开某地块补偿标准"},
                       format="json").json()["id"]
        assert api.post(f"{API}/requests/{pk2}/transition/", {"action": "request_correction", "reason": "请写明地块"}, format="json").status_code == 200
    with clock.frozen(datetime.date(2023, 4, 10)):
        r = api.post(f"{API}/requests/{pk2}/transition/", {"action": "submit_correction"}, format="json")
        assert r.json()["waiting_days"] == 7 and r.json()["clock_start"] == "2023-04-10"
        api.post(f"{API}/requests/{pk2}/transition/", {"action": "request_extension", "reason": "情况复杂"}, format="json")
        r = api.post(f"{API}/requests/{pk2}/transition/", {"action": "approve_extension"}, format="json")
        assert r.status_code == 400  # the officer cannot approve
        r = leader.post(f"{API}/requests/{pk2}/transition/", {"action": "approve_extension"}, format="json")
        assert r.status_code == 200 and r.json()["extended"] is True
        r = api.post(f"{API}/requests/{pk2}/transition/", {"action": "nonsense"}, format="json")
        assert r.status_code == 400


def test_request_without_contact_refused_via_api(api_for, users, tree):
    r = api_for(users.disclosure).post(f"{API}/requests/", {"applicant_name": "张三", "content": "申请公开某文件"}, format="json")
    assert r.status_code == 400 and "联系电话" in r.json()["detail"]
    assert DisclosureRequest.objects.count() == 0


def test_normative_document_lifecycle(api_for, users, tree):
    office, reviewer, leader = api_for(users.office), api_for(users.reviewer), api_for(users.leader)
    with clock.frozen(datetime.date(2023, 2, 1)):
        pk = office.post(f"{API}/documents/", {"title": "临时救助办法", "body": "第一条"}, format="json").json()["id"]
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "publish"}, format="json")
        assert r.status_code == 400  # publishing before legality review is refused
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "open_comment", "comment_days": 3}, format="json")
        assert r.status_code == 400 and "7" in r.json()["detail"]
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "open_comment", "comment_days": 10}, format="json")
        assert r.json()["status"] == "commenting"
        end = r.json()["comment_end"]
    with clock.frozen(datetime.date.fromisoformat(end) + datetime.timedelta(days=1)):
        for action in ("close_comment", "submit_review"):
            assert office.post(f"{API}/documents/{pk}/transition/", {"action": action}, format="json").status_code == 200
        r = reviewer.post(f"{API}/documents/{pk}/transition/", {"action": "approve_review", "opinion": "短"}, format="json")
        assert r.status_code == 400
        r = reviewer.post(f"{API}/documents/{pk}/transition/", {"action": "approve_review",
                                                                "opinion": "经审核，主体合法、内容合法、程序合规，同意。"}, format="json")
        assert r.json()["status"] == "reviewed"
    m = f.meeting(users, tree, day=datetime.date(2023, 3, 1), approve=False)
    item = m.items.first()
    with clock.frozen(datetime.date(2023, 3, 2)):
        r = leader.post(f"{API}/documents/{pk}/transition/", {"action": "decide", "agenda_item": item.pk}, format="json")
        assert r.status_code == 400 and "未获审议通过" in r.json()["detail"]
        assert api_for(users.office).post(f"{API}/meetings/{m.pk}/items/{item.pk}/decide/", {"outcome": "approved"}, format="json").status_code == 200
        assert leader.post(f"{API}/documents/{pk}/transition/", {"action": "decide", "agenda_item": item.pk}, format="json").status_code == 200
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "register", "number_seq": 3}, format="json")
        assert r.json()["doc_number"] == "稷下发〔2023〕3号"
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "publish"}, format="json")
        assert r.json()["status"] == "published" and r.json()["disclosure_item"]
    with clock.frozen(datetime.date(2023, 3, 10)):
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "file", "filing_body": "临淄区人民政府"}, format="json")
        assert r.status_code == 400 and "回执" in r.json()["detail"]
        r = office.post(f"{API}/documents/{pk}/transition/", {"action": "file", "filing_body": "临淄区人民政府",
                                                              "filing_receipt": "临备〔2023〕5号"}, format="json")
        assert r.json()["status"] == "filed" and r.json()["valid_until"] == "2028-03-02"
    doc = NormativeDocument.objects.get(pk=pk)
    assert DisclosureItem.objects.get(pk=doc.disclosure_item_id).category.code == "normative"
    assert office.get(f"{API}/meetings/{m.pk}/").json()["items"][0]["outcome"] == "approved"


def test_decision_lifecycle_and_bundle(api_for, users, tree):
    office, leader = api_for(users.office), api_for(users.leader)
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = office.post(f"{API}/decisions/", {"year": 2023, "title": "老旧小区改造", "hearing_required": False}, format="json").json()
        pk = d["id"]
        assert [s["kind"] for s in d["steps"]][:2] == ["public_participation", "hearing"]
        office.post(f"{API}/decisions/{pk}/transition/", {"action": "start"}, format="json")
        r = office.post(f"{API}/decisions/{pk}/comment-period/", {"days": 10}, format="json")
        assert r.status_code == 400 and "30" in r.json()["detail"]
        assert office.post(f"{API}/decisions/{pk}/comment-period/", {}, format="json").json()["comment_end"] == "2023-03-31"
    with clock.frozen(datetime.date(2023, 4, 5)):
        from django.core.files.uploadedfile import SimpleUploadedFile
        pdf = SimpleUploadedFile("专家论证意见.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")
        r = office.post(f"{API}/decisions/{pk}/steps/expert/", {"evidence": "专家论证", "files": pdf}, format="multipart")
        assert r.status_code == 200, r.content
        for kind in ("public_participation", "risk", "legality"):
            office.post(f"{API}/decisions/{pk}/steps/{kind}/", {"evidence": "已完成相关程序"}, format="json")
    m = f.meeting(users, tree, day=datetime.date(2023, 4, 6))
    with clock.frozen(datetime.date(2023, 4, 7)):
        r = office.post(f"{API}/decisions/{pk}/transition/", {"action": "decide", "agenda_item": m.items.first().pk,
                                                              "decision_text": "同意"}, format="json")
        assert r.status_code == 400  # office staff does not decide
        r = leader.post(f"{API}/decisions/{pk}/transition/", {"action": "decide", "agenda_item": m.items.first().pk,
                                                              "decision_text": "同意实施"}, format="json")
        assert r.json()["status"] == "decided"
        assert office.post(f"{API}/decisions/{pk}/transition/", {"action": "publish"}, format="json").json()["status"] == "published"
    r = office.get(f"{API}/decisions/{pk}/bundle/")
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = archive.namelist()
    assert "决策档案.docx" in names and any(n.endswith("专家论证意见.pdf") for n in names)
    from fazhi.core.tests.docx_checks import assert_official_layout

    assert_official_layout(archive.read("决策档案.docx"), "重大行政决策档案")


def test_meeting_lifecycle(api_for, users, tree):
    office = api_for(users.office)
    with clock.frozen(datetime.date(2023, 5, 10)):
        r = office.post(f"{API}/meetings/", {"title": "2023年第9次党工委会议", "held_on": "2023-05-10", "agenda": ["议题一"]}, format="json")
        pk = r.json()["id"]
        assert office.post(f"{API}/meetings/{pk}/attendees/", {"user": users.leader.pk}, format="json").status_code == 201
        r = office.post(f"{API}/meetings/{pk}/attendees/", {"name": "刘书记", "village": tree.liu.pk}, format="json")
        assert r.json()["is_voting"] is False and r.json()["role_label"] == "村党支部书记"
        r = office.post(f"{API}/meetings/{pk}/attendees/", {"user": users.other_admin.pk}, format="json")
        assert r.status_code == 400
        assert office.post(f"{API}/meetings/{pk}/items/", {"title": "议题二"}, format="json").json()["seq"] == 2
        r = office.post(f"{API}/meetings/{pk}/minutes/", {"minutes": "会议纪要内容", "version": 99}, format="json")
        assert r.status_code == 409
        assert office.post(f"{API}/meetings/{pk}/minutes/", {"minutes": "会议纪要内容"}, format="json").json()["status"] == "held"


def test_api_scoping_404(api_for, users, tree):
    item = f.item(users, tree)
    req = f.request(tree)
    m = f.meeting(users, tree)
    other = api_for(users.other_admin)
    for url in (f"{API}/items/{item.pk}/", f"{API}/requests/{req.pk}/", f"{API}/meetings/{m.pk}/"):
        assert other.get(url).status_code == 404
    assert other.get(f"{API}/requests/").json()["count"] == 0
    assert other.post(f"{API}/items/{item.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert api_for(users.clerk).get(f"{API}/items/").status_code == 403


def test_malformed_input_never_500(api_for, users, tree):
    office, disclosure = api_for(users.office), api_for(users.disclosure)
    item = f.item(users, tree)
    r = disclosure.post(f"{API}/items/{item.pk}/withdraw/", {"reason": "x", "version": "abc"}, format="json")
    assert r.status_code == 400 and "版本号" in r.json()["detail"]
    assert disclosure.post(f"{API}/items/", {"category": "budget", "title": "x", "formed_on": "昨天"}, format="json").status_code == 400
    m = f.meeting(users, tree, approve=False)
    assert office.post(f"{API}/meetings/{m.pk}/attendees/", {"user": "abc"}, format="json").status_code == 400
    assert office.post(f"{API}/meetings/{m.pk}/attendees/", {"name": "某书记", "village": "abc"}, format="json").status_code == 400
    assert office.post(f"{API}/meetings/", {"title": "会", "held_on": "2023-01-01", "agenda": 5}, format="json").status_code == 400
    assert office.post(f"{API}/meetings/{m.pk}/items/999/decide/", {"outcome": "approved"}, format="json").status_code == 404
    assert office.post(f"{API}/meetings/{m.pk}/items/{m.items.first().pk}/decide/", {"outcome": "maybe"}, format="json").status_code == 400
    assert office.post(f"{API}/decisions/", {"year": "明年", "title": "x"}, format="json").status_code == 400
    doc = office.post(f"{API}/documents/", {"title": "x", "body": "y"}, format="json").json()
    r = office.post(f"{API}/documents/{doc['id']}/transition/", {"action": "open_comment", "comment_days": "七"}, format="json")
    assert r.status_code == 400
    req = f.request(tree)
    r = disclosure.post(f"{API}/requests/{req.pk}/transition/", {"action": "answer", "reply_type": "disclosed", "reply_text": "x",
                                                                 "version": 5}, format="json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    req.refresh_from_db()
    assert req.status == "registered"


def test_decision_and_comment_scoping(api_for, client_for, users, tree):
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="决策")
        services.decision_transition(actor=users.office, decision_id=d.pk, name="start")
        services.decision_open_comment(actor=users.office, decision_id=d.pk)
        c = services.comment_submit(target=d, body="一条意见")
    other, other_c = api_for(users.other_admin), client_for(users.other_admin)
    for url in (f"{API}/decisions/{d.pk}/", f"{API}/decisions/{d.pk}/bundle/"):
        assert other.get(url).status_code == 404
    assert other.post(f"{API}/comments/{c.pk}/moderate/", {"status": "approved"}, format="json").status_code == 404
    for url in (f"/work/governance/decisions/{d.pk}/", f"/work/governance/decisions/{d.pk}/bundle.zip"):
        assert other_c.get(url).status_code == 404
    assert other.get(f"{API}/comments/").json()["count"] == 0
    assert api_for(users.office).get(f"{API}/comments/").json()["count"] == 1
