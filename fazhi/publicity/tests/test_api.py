import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.publicity.models import Event, Leader, Site, StaffTraining, StudySession

from .conftest import D, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_2023")]


def event_payload(node, **extra):
    return {"node": node.pk, "title": "国家安全教育日宣传", "date": "2023-04-15", "place": "街道大院", "target": "organ",
            "organiser_text": "司法所", "materials": 60, "slogans": 2, "online_reach": 120,
            "reach": {"cadres": 45, "migrant_workers": 5}} | extra


def test_event_create_list_detail(api_for, users, tree):
    api = api_for(users.judicial)
    response = api.post("/api/publicity/events/", event_payload(tree.sub), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["people_reached"] == 50 and data["reach"] == {"cadres": 45, "migrant_workers": 5} and data["status"] == "held"
    listing = api.get("/api/publicity/events/?year=2023&target=organ").json()
    assert listing["count"] == 1 and listing["results"][0]["people_reached"] == 50
    assert api.get("/api/publicity/events/?year=2022").json()["count"] == 0
    assert api_for(users.leader).get(f"/api/publicity/events/{data['id']}/").status_code == 200


@pytest.mark.parametrize("extra,message", [
    ({"materials": -5}, "应在0至"), ({"reach": {"elderly": 10**7}}, "之间（填写的是"), ({"reach": {"elderly": -1}}, "应在0至"),
    ({"slogans": "很多"}, "应为整数"), ({"title": ""}, "请填写活动名称"), ({"date": "2023-13-45"}, "日期"),
    ({"target": "moon"}, "“六进”对象"), ({"reach": [1, 2]}, "reach"), ({"title": "x" * 20000}, "不能超过100个字"),
])
def test_bad_input_is_a_chinese_400_and_nothing_written(api_for, users, tree, extra, message):
    response = api_for(users.judicial).post("/api/publicity/events/", event_payload(tree.sub, **extra), format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Event.objects.count() == 0


def test_permissions_through_api(api_for, users, tree):
    assert api_for(users.leader).post("/api/publicity/events/", event_payload(tree.sub), format="json").status_code == 403
    assert api_for(users.mediator).post("/api/publicity/events/", event_payload(tree.yang), format="json").status_code == 404
    assert api_for(users.mediator).post("/api/publicity/events/", event_payload(tree.liu), format="json").status_code == 201
    assert api_for(users.officer).get("/api/publicity/events/").status_code == 403


def test_forbidden_transition_is_400_and_changes_nothing_and_stale_is_409(api_for, users, tree):
    api = api_for(users.judicial)
    held = api.post("/api/publicity/events/", event_payload(tree.sub), format="json").json()
    response = api.post(f"/api/publicity/events/{held['id']}/transition/", {"name": "cancel", "reason": "x"}, format="json")
    assert response.status_code == 400 and "不能执行“取消活动”" in response.json()["detail"]
    assert Event.objects.get().status == "held"
    response = api.post(f"/api/publicity/events/{held['id']}/transition/", {"name": "fly"}, format="json")
    assert response.status_code == 400 and "未知的操作" in response.json()["detail"]
    put = event_payload(tree.sub, title="改名", version=0)
    assert api.put(f"/api/publicity/events/{held['id']}/", put, format="json").status_code == 200
    response = api.put(f"/api/publicity/events/{held['id']}/", put | {"title": "再改"}, format="json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]
    assert Event.objects.get().title == "改名"


def test_plan_then_record_through_api(api_for, users, tree):
    from fazhi.core import clock

    api = api_for(users.judicial)
    plan = api.post("/api/publicity/events/", event_payload(tree.sub, date="2024-01-10", materials=0, slogans=0, online_reach=0,
                                                            reach={}), format="json").json()
    assert plan["status"] == "planned" and plan["record_due"] == "2024-01-17" and plan["actions"] == [{"name": "cancel", "label": "取消活动"}]
    with clock.frozen(D(2024, 1, 11)):
        response = api.post(f"/api/publicity/events/{plan['id']}/transition/",
                            {"name": "record", "version": 0, "materials": 80, "reach": {"youth": 70}}, format="json")
    assert response.status_code == 200 and response.json()["people_reached"] == 70 and response.json()["status"] == "held"


def test_photo_upload_refuses_non_images(api_for, users, tree):
    api = api_for(users.judicial)
    event = api.post("/api/publicity/events/", event_payload(tree.sub), format="json").json()
    bad = SimpleUploadedFile("p.jpg", b"<html><script>alert(1)</script></html>" * 10, "image/jpeg")
    response = api.post(f"/api/publicity/events/{event['id']}/photos/", {"file": bad}, format="multipart")
    assert response.status_code == 400 and "未保存" in response.json()["detail"]
    good = SimpleUploadedFile("p.png", png_bytes(), "image/png")
    assert api.post(f"/api/publicity/events/{event['id']}/photos/", {"file": good}, format="multipart").status_code == 201
    assert len(api.get(f"/api/publicity/events/{event['id']}/").json()["photos"]) == 1


def test_other_records_through_api(api_for, users, tree):
    j = api_for(users.judicial)
    r = j.post("/api/publicity/sites/", {"node": tree.yang.pk, "name": "交通安全主题公园", "kind": "主题公园", "established_on": "2023-09-18",
                                         "investment": "105000", "population_served": 61200}, format="json")
    assert r.status_code == 201 and Site.objects.get().investment == 105000
    assert j.post("/api/publicity/sites/", {"node": tree.yang.pk, "name": "x", "kind": "y", "established_on": "2023-09-18",
                                            "population_served": -1}, format="json").status_code == 400
    site = r.json()
    assert j.put(f"/api/publicity/sites/{site['id']}/", {"version": 0, "population_served": 62000}, format="json").json()["population_served"] == 62000
    assert j.put(f"/api/publicity/sites/{site['id']}/", {"version": 0, "population_served": 1}, format="json").status_code == 409
    a = j.post("/api/publicity/leaders/", {"node": tree.liu.pk, "name": "刘明白", "kind": "literate", "registered_on": "2023-01-05"}, format="json")
    assert a.status_code == 201
    t = j.post("/api/publicity/leader-trainings/", {"node": tree.sub.pk, "date": "2023-05-01", "topic": "民法典", "attendees": [a.json()["id"]]},
               format="json")
    assert t.status_code == 201 and len(t.json()["attendees"]) == 1
    assert j.post("/api/publicity/leader-trainings/", {"node": tree.sub.pk, "date": "2023-05-01", "topic": "x", "attendees": [999999]},
                  format="json").status_code == 400
    s = api_for(users.office).post("/api/publicity/study-sessions/", {"node": tree.sub.pk, "kind": "party_lecture", "date": "2023-07-01",
                                                                      "topic": "党章", "speaker": "王书记", "attendees": [users.leader.pk]}, format="json")
    assert s.status_code == 201 and StudySession.objects.get().kind == "party_lecture"
    st = j.post("/api/publicity/staff-trainings/", {"node": tree.sub.pk, "date": "2023-03-01", "title": "行政处罚法培训",
                                                    "attendance": [{"user": users.officer.pk, "hours": 8}]}, format="json")
    assert st.status_code == 201 and StaffTraining.objects.get().attendance.get().hours == 8
    assert j.post("/api/publicity/staff-trainings/", {"node": tree.sub.pk, "date": "2023-03-01", "title": "x",
                                                      "attendance": [{"user": users.other_clerk.pk, "hours": 8}]}, format="json").status_code == 400
    assert api_for(users.mediator).post("/api/publicity/leaders/", {"node": tree.liu.pk, "name": "x", "kind": "leader"}, format="json").status_code == 403
    leader_id = a.json()["id"]
    assert j.put(f"/api/publicity/leaders/{leader_id}/", {"phone": "abc"}, format="json").status_code == 400
    removed = j.put(f"/api/publicity/leaders/{leader_id}/", {"is_active": False}, format="json").json()
    assert removed["is_active"] is False and removed["removed_on"] == "2023-12-31" and removed["name"] == "刘明白"
    assert api_for(users.mediator).put(f"/api/publicity/leaders/{leader_id}/", {"is_active": True}, format="json").status_code == 403
    assert Leader.objects.count() == 1


def test_calendar_and_reference(api_for, users):
    from fazhi.core import clock

    api = api_for(users.judicial)
    with clock.frozen(D(2024, 11, 20)):
        data = api.get("/api/publicity/calendar/").json()
    coming, past = [o["name"] for o in data["coming"]], [o["name"] for o in data["past"]]
    assert coming[:2] == ["12.2全国交通安全日", "12.4国家宪法日"] and "11.9全国消防日" in past
    ref = api.get("/api/publicity/reference/").json()
    assert {"migrant_workers", "elderly", "youth", "left_behind", "cadres", "enterprise"} <= {g["code"] for g in ref["audience_groups"]}
    assert "6月禁毒宣传月" in [k["name"] for k in ref["key_dates"]]
