import datetime

import pytest

from fazhi.core import clock
from fazhi.legalservice.models import Advisor, Consultation, OfficeHour, ServiceRecord

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/legal"


def test_advisor_api_create_update_conflict(api_for, tree, users):
    api = api_for(users.judicial)
    r = api.post(f"{API}/advisors/", {"kind": "village", "name": "孙立法", "law_firm": "稷下律所", "licence_number": "13703201100000001",
                                      "public_phone": "0533-7180001", "village_ids": [tree.liu.pk]}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = api.post(f"{API}/advisors/", {"kind": "village", "name": "x", "law_firm": "y", "licence_number": "z",
                                      "village_ids": [tree.dongqi.pk]}, format="json")
    assert r.status_code == 400 and "管辖范围" in r.json()["detail"]
    body = {"kind": "village", "name": "孙立法", "law_firm": "新律所", "licence_number": "13703201100000001", "village_ids": [tree.liu.pk],
            "version": 0}
    assert api.put(f"{API}/advisors/{pk}/", body, format="json").status_code == 200
    r = api.put(f"{API}/advisors/{pk}/", body, format="json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    assert Advisor.objects.get().law_firm == "新律所"
    assert api_for(users.leader).post(f"{API}/advisors/", body, format="json").status_code in (403, 404)
    assert len(api_for(users.leader).get(f"{API}/advisors/").json()["results"]) == 1
    cov = api.get(f"{API}/coverage/").json()
    assert {row["name"]: bool(row["advisors"]) for row in cov} == {"刘家村": True, "大杨村": False}


def test_office_hours_and_transitions_api(api_for, tree, users, legal):
    api = api_for(users.advisor)
    day = (clock.today() - datetime.timedelta(days=1)).isoformat()
    r = api.post(f"{API}/office-hours/", {"node": tree.liu.pk, "advisor": legal.liu.pk, "date": day, "start_time": "09:00",
                                          "end_time": "11:30", "place": "刘家村服务站", "capacity": 5}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = api.post(f"{API}/office-hours/{pk}/transition/", {"action": "cancel", "reason": "x"}, format="json")
    assert r.status_code == 400 and "不能取消" in r.json()["detail"]
    r = api.post(f"{API}/office-hours/{pk}/transition/", {"action": "fly"}, format="json")
    assert r.status_code == 400 and "未知的操作" in r.json()["detail"]
    r = api.post(f"{API}/office-hours/{pk}/transition/", {"action": "hold", "people_received": 4, "version": 0}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "held"
    r = api.post(f"{API}/office-hours/{pk}/transition/", {"action": "miss", "reason": "x", "version": 0}, format="json")
    assert r.status_code == 409
    assert OfficeHour.objects.get().status == "held"
    r = api_for(users.judicial).post(f"{API}/office-hours/rules/", {
        "node": tree.liu.pk, "advisor": legal.liu.pk, "week_of_month": -1, "weekday": 4, "start_time": "14:00", "end_time": "16:00",
        "place": "刘家村服务站", "generate_from": "2023-01-01", "months": 12}, format="json")
    assert r.status_code == 201 and r.json()["generated"] == 12


def test_consultation_api(api_for, tree, users, legal):
    c = f.consultation(tree.liu)
    api = api_for(users.advisor)
    assert api.get(f"{API}/consultations/{c.pk}/").json()["actions"] == ["answer"]
    r = api.post(f"{API}/consultations/{c.pk}/transition/", {"action": "publish"}, format="json")
    assert r.status_code == 400 and "不能执行" in r.json()["detail"]
    r = api.post(f"{API}/consultations/{c.pk}/transition/", {"action": "answer", "answer": "字" * 6000}, format="json")
    assert r.status_code == 400 and "5000" in r.json()["detail"]
    r = api.post(f"{API}/consultations/{c.pk}/transition/", {"action": "answer", "answer": "可以", "version": 0}, format="json")
    assert r.status_code == 200
    r = api_for(users.judicial).post(f"{API}/consultations/{c.pk}/transition/", {"action": "publish", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["is_published"]
    assert Consultation.objects.get().is_published


def test_service_record_api_bad_input(api_for, tree, users, legal, settings):
    api = api_for(users.advisor)
    base = {"node": tree.liu.pk, "advisor": legal.liu.pk, "kind": "lecture", "date": "2023-04-01", "title": "讲座", "hours": "2"}
    for people in ("-1", "100000", "许多"):
        r = api.post(f"{API}/services/", base | {"people_served": people}, format="json")
        assert r.status_code == 400 and "服务人数" in r.json()["detail"]
    r = api.post(f"{API}/services/", base | {"kind": "party"}, format="json")
    assert r.status_code == 400
    r = api.post(f"{API}/services/", base | {"node": tree.dongqi.pk, "people_served": "5"}, format="json")
    assert r.status_code == 400
    assert not ServiceRecord.objects.exists()
    r = api.post(f"{API}/services/", base | {"people_served": "120"}, format="json")
    assert r.status_code == 201
    pk = r.json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post(f"{API}/services/{pk}/photos/", {"photo": SimpleUploadedFile("a.png", b"not an image at all")}, format="multipart")
    assert r.status_code == 400 and "未保存" in r.json()["detail"]
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 40}
    r = api.post(f"{API}/services/{pk}/photos/", {"photo": SimpleUploadedFile("a.png", f.png_bytes() + b"\0" * 5000)}, format="multipart")
    assert r.status_code == 400 and "超过大小上限" in r.json()["detail"]
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 1024 * 1024}
    r = api.post(f"{API}/services/{pk}/photos/", {"photo": f.png_upload()}, format="multipart")
    assert r.status_code == 201
    assert len(api.get(f"{API}/services/{pk}/").json()["photos"]) == 1


def test_station_and_demonstration_api(api_for, tree, users):
    api = api_for(users.judicial)
    assert api.post(f"{API}/stations/", {"node": tree.liu.pk, "name": "刘家村站", "address": "刘家村"}, format="json").status_code == 201
    r = api.post(f"{API}/stations/", {"node": tree.liu.pk, "name": "刘家村站", "address": "刘家村"}, format="json")
    assert r.status_code == 400 and "已登记" in r.json()["detail"]
    assert api.post(f"{API}/demonstration-villages/", {"node": tree.liu.pk, "level": "provincial", "year": 2020}, format="json").status_code == 201
    r = api.post(f"{API}/demonstration-villages/", {"node": tree.liu.pk, "level": "provincial", "year": 3000}, format="json")
    assert r.status_code == 400


def test_public_api_ask_book_and_read(tree, users, legal):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    anon = APIClient()
    slot = f.slot(users.judicial, tree.liu, legal.liu, capacity=1)
    body = {"office_hour": slot.pk, "name": "张三", "phone": "13900001111", "topic": "宅基地"}
    assert anon.post(f"{API}/public/bookings/", body, format="json").status_code == 201
    r = anon.post(f"{API}/public/bookings/", body, format="json")
    assert r.status_code == 400 and "预约过" in r.json()["detail"]
    r = anon.post(f"{API}/public/consultations/", {"village": tree.liu.pk, "asker_name": "张三", "phone": "13900001111",
                                                   "title": "t", "question": "字" * 20000}, format="json")
    assert r.status_code == 400 and "2000" in r.json()["detail"]
    r = anon.post(f"{API}/public/consultations/", {"village": tree.liu.pk, "asker_name": "张三", "phone": "13900001111",
                                                   "title": "宅基地", "question": "能继承吗？"}, format="json")
    assert r.status_code == 201
    code = r.json()["code"]
    r = anon.post(f"{API}/public/answer/", {"code": code, "phone": "13900001111"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "pending"
    for i in range(10):
        assert anon.post(f"{API}/public/answer/", {"code": f"X{i}", "phone": "13900001111"}, format="json").status_code == 400
    assert anon.post(f"{API}/public/answer/", {"code": code, "phone": "13900001111"}, format="json").status_code == 429
    assert anon.get(f"{API}/consultations/").status_code in (401, 403)
