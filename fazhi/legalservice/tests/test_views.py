import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from fazhi.core import clock
from fazhi.legalservice import services
from fazhi.legalservice.models import Booking, Consultation, ServiceRecord

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


# ---- public site --------------------------------------------------------------------------------------------------

def test_public_village_page_and_poster_show_no_private_data(client, tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")
    page = client.get(reverse("legalservice_public:village", args=[tree.liu.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "孙立法" in html and "0533-7180001" in html
    assert "13800000000" not in html and "13900001111" not in html and "张三" not in html
    assert "剩余 1 个名额" in html
    poster = client.get(reverse("legalservice_public:poster", args=[tree.liu.pk]))
    assert poster.status_code == 200 and b"<svg" in poster.content and b"13800000000" not in poster.content
    assert f"/legal/village/{tree.liu.pk}/".encode() in poster.content
    qr = client.get(reverse("legalservice_public:qr", args=[tree.liu.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert client.get(reverse("legalservice_public:village", args=[tree.sub.pk])).status_code == 404
    assert client.get(reverse("legalservice_public:index")).status_code == 200


def test_public_booking_flow(client, tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu, capacity=1)
    url = reverse("legalservice_public:book", args=[slot.pk])
    r = client.post(url, {"name": "张三", "phone": "13900001111", "topic": "宅基地继承"})
    assert r.status_code == 302
    assert "预约成功" in client.get(r["Location"]).content.decode()
    r = client.post(url, {"name": "张三", "phone": "13900001111", "topic": "宅基地继承"})
    assert r.status_code == 400 and "预约过" in r.content.decode()
    r = client.post(url, {"name": "李四", "phone": "13900002222", "topic": "合同"})
    assert r.status_code == 400 and "预约已满" in r.content.decode()
    r = client.post(url, {"name": "", "phone": "abc", "topic": ""})
    assert r.status_code == 400
    past = f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() - datetime.timedelta(days=1))
    r = client.post(reverse("legalservice_public:book", args=[past.pk]), {"name": "王五", "phone": "13900003333", "topic": "x"})
    assert r.status_code == 400 and "已经过去" in r.content.decode()
    assert client.get(reverse("legalservice_public:book", args=[99999])).status_code == 404
    assert Booking.objects.count() == 1
    # the advisor sees it among their bookings, the other village's advisor does not
    adv = reverse("legalservice:bookings")
    from django.test import Client

    c = Client()
    c.force_login(users.advisor)
    html = c.get(adv).content.decode()
    assert "139****1111" in html and "13900001111" not in html  # staff lists show the phone masked
    c.force_login(users.advisor_yang)
    assert "139****1111" not in c.get(adv).content.decode()


def test_public_ask_and_read_answer(client, tree, users, legal):
    r = client.post(reverse("legalservice_public:ask"), {"village": tree.liu.pk, "asker_name": "张三", "phone": "13900001111",
                                                         "title": "<script>alert('t')</script>", "question": "<script>alert(1)</script>宅基地？"})
    assert r.status_code == 302
    done = client.get(r["Location"]).content.decode()
    c = Consultation.objects.get()
    assert c.code in done and c.advisor == legal.liu
    lookup = reverse("legalservice_public:answer")
    r = client.post(lookup, {"code": c.code, "phone": "13900001111"})
    html = r.content.decode()
    assert r.status_code == 200 and "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "正在处理" in html
    services.consultation_answer(actor=users.advisor, consultation=c, answer="可以继承。")
    assert "可以继承" in client.post(lookup, {"code": c.code.lower(), "phone": "13900001111"}).content.decode()
    # wrong phone with the right code looks like a wrong code
    r = client.post(lookup, {"code": c.code, "phone": "13900002222"})
    assert r.status_code == 400 and "可以继承" not in r.content.decode() and "查询码或手机号不正确" in r.content.decode()


def test_guessing_codes_is_throttled(client, tree, users, legal):
    c = f.consultation(tree.liu)
    lookup = reverse("legalservice_public:answer")
    for i in range(10):
        assert client.post(lookup, {"code": f"GUESS{i:05d}", "phone": "13900001111"}).status_code == 400
    r = client.post(lookup, {"code": c.code, "phone": c.phone})
    assert r.status_code == 429 and "宅基地能否继承" not in r.content.decode()


def test_ask_bad_input_and_rate_limit(client, tree):
    url = reverse("legalservice_public:ask")
    r = client.post(url, {"village": tree.liu.pk, "asker_name": "张三", "phone": "13900001111", "title": "t", "question": "字" * 20000})
    assert r.status_code == 400 and "不能超过2000个字" in r.content.decode()
    r = client.post(url, {"village": tree.sub.pk, "asker_name": "张三", "phone": "13900001111", "title": "t", "question": "q"})
    assert r.status_code == 400
    assert not Consultation.objects.exists()
    statuses = [client.post(url, {"village": tree.liu.pk, "asker_name": "张三", "phone": "13900001111", "title": "t",
                                  "question": "q"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Consultation.objects.count() == 3


def test_public_examples_are_masked(client, tree, users, legal):
    c = f.consultation(tree.liu, name="张三丰", phone="13912345678", question="我是张三丰，手机13912345678，宅基地能继承吗？")
    c = services.consultation_answer(actor=users.advisor, consultation=c, answer="张三丰您好，可以。")
    r = client.get(reverse("legalservice_public:example", args=[c.pk]))
    assert r.status_code == 404  # not published yet
    services.consultation_publish(actor=users.judicial, consultation=c)
    html = client.get(reverse("legalservice_public:example", args=[c.pk])).content.decode()
    assert "张三丰" not in html and "13912345678" not in html and "张**" in html
    assert "宅基地继承" in client.get(reverse("legalservice_public:examples")).content.decode()


# ---- workbench ----------------------------------------------------------------------------------------------------

def test_workbench_pages_render(client_for, tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    c = f.consultation(tree.liu)
    r = f.record(users.advisor, tree.liu, legal.liu)
    pages = [reverse("legalservice:advisors"), reverse("legalservice:coverage"), reverse("legalservice:office_hours"),
             reverse("legalservice:bookings"), reverse("legalservice:consultations"), reverse("legalservice:services"),
             reverse("legalservice:stations"), reverse("legalservice:advisor_detail", args=[legal.liu.pk]),
             reverse("legalservice:office_hour_detail", args=[slot.pk]), reverse("legalservice:consultation_detail", args=[c.pk]),
             reverse("legalservice:service_detail", args=[r.pk])]
    for user in (users.judicial, users.advisor, users.leader):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)
    judicial = client_for(users.judicial)
    for url in (reverse("legalservice:advisor_new"), reverse("legalservice:office_hour_rule_new"), reverse("legalservice:service_new"),
                reverse("legalservice:station_new"), reverse("legalservice:demonstration_village_new"),
                reverse("legalservice:office_hour_new"), reverse("legalservice:advisor_edit", args=[legal.liu.pk]),
                reverse("legalservice:service_edit", args=[r.pk])):
        assert judicial.get(url).status_code == 200, url
    assert client_for(users.leader).get(reverse("legalservice:advisor_new")).status_code == 403
    assert client_for(users.clerk).get(reverse("legalservice:advisors")).status_code == 403
    # the leader sees no action buttons on a consultation
    assert "答复内容" not in client_for(users.leader).get(reverse("legalservice:consultation_detail", args=[c.pk])).content.decode()
    assert "答复内容" in client_for(users.advisor).get(reverse("legalservice:consultation_detail", args=[c.pk])).content.decode()


def test_gap_shows_on_workbench_and_todos(client_for, tree, users, legal):
    from fazhi.core.todos import todos_for

    services.advisor_update(actor=users.judicial, advisor=legal.yang, version=0, kind="village", name=legal.yang.name,
                            law_firm="x", licence_number=legal.yang.licence_number, villages=[tree.yang], is_active=False)
    html = client_for(users.judicial).get(reverse("legalservice:coverage")).content.decode()
    assert "1 个村（社区）尚未配备法律顾问" in html and "大杨村" in html
    labels = {t.label: t.count for t in todos_for(users.judicial)}
    assert labels.get("村（社区）未配备法律顾问") == 1
    f.consultation(tree.liu)
    assert {t.label: t.count for t in todos_for(users.advisor)}.get("在线咨询待答复") == 1
    assert "在线咨询待答复" not in {t.label for t in todos_for(users.advisor_yang)}
    slot = f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() + datetime.timedelta(days=1))
    services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="x")
    assert any(t.label.startswith("明天") for t in todos_for(users.advisor))


def test_workbench_create_and_answer_flow(client_for, tree, users, legal):
    judicial = client_for(users.judicial)
    r = judicial.post(reverse("legalservice:service_new"), {
        "node": tree.liu.pk, "advisor": legal.liu.pk, "kind": "lecture", "date": "2023-05-04", "title": "宪法讲座",
        "people_served": "-5", "hours": "2"})
    assert r.status_code == 400 and "0至5000" in r.content.decode() and not ServiceRecord.objects.exists()
    r = judicial.post(reverse("legalservice:service_new"), {
        "node": tree.liu.pk, "advisor": legal.liu.pk, "kind": "lecture", "date": "2023-05-04", "title": "宪法讲座",
        "people_served": "80", "hours": "2", "photos": f.png_upload()})
    assert r.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.people_served == 80
    html = judicial.get(r["Location"]).content.decode()
    assert "登记法律服务" in html and "办理记录" in html and "/files/" in html
    c = f.consultation(tree.liu)
    adv = client_for(users.advisor)
    r = adv.post(reverse("legalservice:consultation_transition", args=[c.pk]), {"action": "publish", "version": 0})
    assert r.status_code == 400
    r = adv.post(reverse("legalservice:consultation_transition", args=[c.pk]), {"action": "answer", "answer": "可以", "version": 0})
    assert r.status_code == 302
    r = adv.post(reverse("legalservice:consultation_transition", args=[c.pk]), {"action": "answer", "answer": "再答", "version": 0})
    assert r.status_code in (400, 409)
    assert Consultation.objects.get().answer == "可以"


def test_photo_upload_too_big_or_not_image_via_page(client_for, tree, users, legal, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = f.record(users.advisor, tree.liu, legal.liu)
    c = client_for(users.advisor)
    url = reverse("legalservice:service_photo", args=[record.pk])
    r = c.post(url, {"photo": SimpleUploadedFile("x.jpg", b"MZ\x90\x00 this is an exe")})
    assert r.status_code == 400 and "未保存" in r.content.decode()
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 40}
    r = c.post(url, {"photo": SimpleUploadedFile("big.png", f.png_bytes() + b"\0" * 5000, content_type="image/png")})
    assert r.status_code == 400 and "超过大小上限" in r.content.decode()
    from fazhi.core import files

    assert not files.files_of(record).exists()


# ---- scoping: another village / another subdistrict gets 404 on page, API, export and download ----------------------

def test_scoping_everywhere(client_for, api_for, tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    booking = services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="x")
    c = f.consultation(tree.liu)
    record = f.record(users.advisor, tree.liu, legal.liu)
    photo = services.service_record_add_photo(actor=users.advisor, record=record, upload=f.png_upload())
    station = services.station_create(actor=users.judicial, node=tree.liu, name="站", address="刘家村")
    demo = services.demonstration_village_create(actor=users.judicial, node=tree.liu, level="provincial", year=2020)
    pages = [reverse("legalservice:advisor_detail", args=[legal.liu.pk]), reverse("legalservice:office_hour_detail", args=[slot.pk]),
             reverse("legalservice:consultation_detail", args=[c.pk]), reverse("legalservice:service_detail", args=[record.pk])]
    apis = [f"/api/legal/advisors/{legal.liu.pk}/", f"/api/legal/office-hours/{slot.pk}/",
            f"/api/legal/consultations/{c.pk}/", f"/api/legal/services/{record.pk}/"]
    for outsider in (users.advisor_yang, users.other_admin):
        client, api = client_for(outsider), api_for(outsider)
        for url in pages:
            assert client.get(url).status_code == 404, (outsider, url)
        for url in apis:
            assert api.get(url).status_code == 404, (outsider, url)
        assert client.get(f"/files/{photo.uuid}/").status_code == 404
        assert client.post(reverse("legalservice:booking_cancel", args=[booking.pk]), {"reason": "x"}).status_code == 404
        for key in ("legalservice.advisors", "legalservice.services", "legalservice.consultations", "legalservice.office_hours",
                    "legalservice.stations", "legalservice.demonstration_villages"):
            export = api.get(f"/api/core/ledgers/{key}/export/")
            if export.status_code == 200:
                import io

                from openpyxl import load_workbook

                rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
                text = repr(rows)
                assert "孙立法" not in text and "13900001111" not in text and "民法典讲座" not in text and "刘家村" not in text, key
            else:
                assert export.status_code == 404
        listing = api.get("/api/legal/bookings/").json()
        assert all(b["id"] != booking.pk for b in listing["results"])
        for url in ("/api/legal/stations/", "/api/legal/demonstration-villages/"):
            assert all(row["id"] not in (station.pk, demo.pk) or row["node"] != tree.liu.pk for row in api.get(url).json()["results"])
    owner = client_for(users.advisor)
    for url in pages:
        assert owner.get(url).status_code == 200
    assert owner.get(f"/files/{photo.uuid}/").status_code == 200


def test_list_query_count_bounded(client_for, tree, users, legal, django_assert_max_num_queries):
    for i in range(30):
        f.record(users.judicial, tree.liu if i % 2 else tree.yang, legal.liu if i % 2 else legal.yang, people=i)
        f.consultation(tree.liu, phone=f"139000{i:05d}")
        f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() + datetime.timedelta(days=i + 1))
    client = client_for(users.judicial)
    for url in ("legalservice:services", "legalservice:consultations", "legalservice:office_hours", "legalservice:advisors",
                "legalservice:bookings", "legalservice:coverage"):
        with django_assert_max_num_queries(25):
            assert client.get(reverse(url)).status_code == 200


def test_advisor_form_with_photo(client, client_for, tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.legalservice.models import Advisor

    judicial = client_for(users.judicial)
    data = {"kind": "village", "name": "孙立法", "law_firm": "稷下律所", "licence_number": "13703201100000009",
            "public_phone": "0533-7180009", "villages": [tree.yang.pk], "is_active": "on"}
    r = judicial.post(reverse("legalservice:advisor_new"), data | {"photo": SimpleUploadedFile("me.jpg", b"#!/bin/sh\nrm -rf /")})
    assert r.status_code == 400 and "未保存" in r.content.decode() and not Advisor.objects.exists()
    r = judicial.post(reverse("legalservice:advisor_new"), data | {"public_phone": "12345"})
    assert r.status_code == 400 and "电话号码格式不正确" in r.content.decode()
    r = judicial.post(reverse("legalservice:advisor_new"), data | {"photo": f.png_upload("me.png")})
    assert r.status_code == 302
    advisor = Advisor.objects.get()
    assert advisor.photo is not None
    # the published photo is visible to anyone on the village page
    assert client.get(f"/files/{advisor.photo.uuid}/").status_code == 200
    assert f"/files/{advisor.photo.uuid}/" in client.get(reverse("legalservice_public:village", args=[tree.yang.pk])).content.decode()
