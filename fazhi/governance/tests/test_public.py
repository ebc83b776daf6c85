"""The public portal /open/: browse, search, feed, withdrawal notice, requests, tracking, comments and their abuse."""
import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from fazhi.core import clock
from fazhi.governance import services
from fazhi.governance.models import DisclosureRequest, PublicComment

from . import factories as f

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_browse_by_category_year_and_search(client, users, tree):
    f.item(users, tree, title="稷下街道2023年部门预算公开", category="budget", body="部门预算收支总表")
    f.item(users, tree, title="稷下街道开展普法宣传", category="work_news", day=datetime.date(2024, 5, 6))
    r = client.get("/open/")
    assert r.status_code == 200 and "财政预决算" in r.content.decode()
    assert "普法宣传" not in client.get("/open/?category=budget").content.decode()
    assert "部门预算" not in client.get("/open/?year=2024").content.decode()
    body = client.get("/open/?q=预算").content.decode()
    assert "部门预算公开" in body and "普法宣传" not in body


def test_feed_is_valid_atom(client, users, tree):
    item = f.item(users, tree, title="稷下街道工作动态 <b>&</b>")
    r = client.get("/open/feed.atom")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for required in ("id", "title", "updated"):
        assert (entry.find(f"{ATOM}{required}").text or "").strip()
    assert entry.find(f"{ATOM}title").text == "稷下街道工作动态 <b>&</b>"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/open/items/{item.pk}/")


def test_withdrawn_item_shows_notice_at_stable_url(client, users, tree):
    item = f.item(users, tree, title="需撤回的信息", body="原正文内容")
    with clock.frozen(datetime.date(2023, 3, 5)):
        services.disclosure_withdraw(actor=users.disclosure, item_id=item.pk, reason="信息有误，已更正")
    r = client.get(f"/open/items/{item.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "已于2023年3月5日撤回" in body and "信息有误，已更正" in body and "原正文内容" not in body
    assert "需撤回的信息" not in client.get("/open/").content.decode()
    assert client.get("/open/items/999999/").status_code == 404


def test_public_page_scrubs_personal_numbers(client, users, tree):
    item = f.item(users, tree, body="联系人电话13905331234，身份证370305199001011234")
    body = client.get(f"/open/items/{item.pk}/").content.decode()
    assert "13905331234" not in body


def test_request_online_and_tracking(client, tree):
    r = client.post("/open/apply/", {"node": tree.sub.pk, "applicant_type": "person", "applicant_name": "张三", "phone": "",
                                     "content": "申请公开低保资金发放情况"})
    assert r.status_code == 400 and "请填写联系电话" in r.content.decode()
    assert DisclosureRequest.objects.count() == 0
    r = client.post("/open/apply/", {"node": tree.sub.pk, "applicant_type": "person", "applicant_name": "张三",
                                     "phone": "13905331234", "content": "申请公开低保资金发放情况"})
    req = DisclosureRequest.objects.get()
    assert req.tracking_code in r.content.decode()
    r = client.post("/open/track/", {"code": req.tracking_code, "phone": "13905330000"})
    assert "查询码或联系电话不正确" in r.content.decode()
    body = client.post("/open/track/", {"code": req.tracking_code.lower(), "phone": "13905331234"}).content.decode()
    assert "办理中" in body and "13905331234" not in body and "张*" in body


def test_request_rate_limited(client, tree):
    data = {"node": tree.sub.pk, "applicant_type": "person", "applicant_name": "张三", "phone": "13905331234", "content": "申请公开某文件"}
    statuses = [client.post("/open/apply/", data).status_code for _ in range(6)]
    assert statuses[-1] == 429 and DisclosureRequest.objects.count() == 5


def _open_doc(users, tree):
    with clock.frozen(datetime.date(2023, 2, 1)):
        doc = services.document_create(actor=users.office, node=tree.sub, title="居民公约", body="第一条")
        return services.document_transition(actor=users.office, document_id=doc.pk, name="open_comment")


def test_comment_bad_inputs(client, users, tree):
    doc = _open_doc(users, tree)
    url = f"/open/documents/{doc.pk}/"
    with clock.frozen(datetime.date(2023, 2, 2)):
        r = client.post(url, {"body": "详见 http://spam.example.com 优惠"})
        assert r.status_code == 400 and "网址链接" in r.content.decode()
        r = client.post(url, {"body": "长" * 10000})
        assert r.status_code == 400 and "不能超过2000个字" in r.content.decode()
        r = client.post(url, {"body": "<script>alert(1)</script>建议增加线上渠道"})
        assert r.status_code == 302
        c = PublicComment.objects.get()
        services.comment_moderate(actor=users.office, comment_id=c.pk, status="approved", reply="已采纳")
        body = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body and "已采纳" in body
        statuses = [client.post(url, {"body": f"第{i}条意见内容"}).status_code for i in range(6)]
        assert 429 in statuses
    # every attempt from the address counts (refused ones too): 2 refused + 1 accepted + 2 accepted, then throttled
    assert PublicComment.objects.count() == 3
    with clock.frozen(datetime.date(2023, 3, 30)):
        cache.clear()
        r = client.post(url, {"body": "过期后的意见"})
        assert r.status_code == 400 and "不在公开征求意见期内" in r.content.decode()


def test_pending_comments_not_shown_publicly(client, users, tree):
    doc = _open_doc(users, tree)
    with clock.frozen(datetime.date(2023, 2, 2)):
        services.comment_submit(target=doc, body="尚未审核的意见", contact="13905339999")
        body = client.get(f"/open/documents/{doc.pk}/").content.decode()
    assert "尚未审核的意见" not in body and "13905339999" not in body
    assert client.get("/open/documents/").status_code == 200


def test_applicant_submits_correction_online(client, users, tree):
    req = f.request(tree, day=datetime.date(2023, 3, 1))
    with clock.frozen(datetime.date(2023, 3, 2)):
        services.request_transition(actor=users.disclosure, request_id=req.pk, name="request_correction", reason="请写明文件名称")
    with clock.frozen(datetime.date(2023, 3, 9)):
        r = client.post("/open/track/", {"code": req.tracking_code, "phone": req.phone})
        body = r.content.decode()
        assert "请写明文件名称" in body and "提交补正" in body and req.phone not in body
        r = client.post("/open/track/", {"token": "forged", "correction_text": "文件名称为某某"})
        assert "页面已过期" in r.content.decode()
        client.post("/open/track/", {"token": _token(body), "correction_text": "文件名称为《某某办法》"})
    req.refresh_from_db()
    assert req.status == "registered" and req.clock_start == datetime.date(2023, 3, 9) and req.waiting_days == 7
    assert "《某某办法》" in req.content


def _token(body):
    import re
    return re.search(r'name="token" value="([^"]+)"', body).group(1)
