import datetime
import io

import pytest
from docx import Document

from fazhi.core import clock
from fazhi.disputes.models import Dispute

from . import factories as f

pytestmark = pytest.mark.django_db


def _t(api, d, action, version, reason="", **data):
    return api.post(f"/api/disputes/{d['id']}/transition/", {"action": action, "version": version, "reason": reason,
                                                              "data": data}, format="json")


def test_lifecycle_through_api_and_agreement_docx(users, tree, api_for, client):
    room = f.room(users.judicial, tree)
    m = f.mediator(users.judicial, tree)
    r = client.post("/api/disputes/public/submit/", {
        "village": tree.liu.pk, "kind": "邻里", "title": "排水沟纠纷", "description": "邻居把排水沟堵了",
        "contact_phone": "13900001234", "requested_room": room.pk,
        "parties": [{"role": "applicant", "name": "张三", "phone": "13900001234"},
                    {"role": "respondent", "name": "李四"}]}, content_type="application/json")
    assert r.status_code == 201, r.content
    code = r.json()["tracking_code"]
    api = api_for(users.clerk)
    d = api.get("/api/disputes/", {"q": code}).json()["results"][0]
    assert [a["name"] for a in api.get(f"/api/disputes/{d['id']}/").json()["actions"]][:2] == ["accept", "decline"]
    r = _t(api, d, "agree", d["version"])
    assert r.status_code == 400 and "不能执行" in r.json()["detail"]
    d = _t(api, d, "accept", d["version"]).json()
    d = _t(api, d, "assign", d["version"], level="subdistrict", room=room.pk, mediators=[m.pk]).json()
    assert d["room_name"] == "老赵劳动调解室"
    d = _t(api, d, "start", d["version"]).json()
    r = _t(api, d, "session", d["version"], held_on=clock.today().isoformat(), place="老赵劳动调解室",
           participants="张三、李四、王调解", record="双方陈述，达成一致")
    d = r.json()
    deadline = (clock.today() + datetime.timedelta(days=15)).isoformat()
    d = _t(api, d, "agree", d["version"], facts="排水沟堵塞", terms="李四三日内疏通排水沟并赔偿张三500元",
           performance_method="现金支付", performance_deadline=deadline).json()
    assert d["status"] == "agreed" and d["agreement"]["judicial_deadline"]
    doc = api.get(f"/api/disputes/{d['id']}/documents/agreement/")
    assert doc.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(doc.content)).paragraphs)
    assert "人民调解协议书" in text and "张三" in text and "李四" in text and "赔偿张三500元" in text and "现金支付" in text
    d = _t(api, d, "follow_up", d["version"], performed=True, satisfaction="satisfied").json()
    assert d["status"] == "closed"
    track = client.post("/api/disputes/public/track/", {"code": code, "phone": "13900001234"}, content_type="application/json")
    body = track.json()
    assert track.status_code == 200 and body["status"] == "closed" and body["applicant"] == "张*"
    assert "13900001234" not in track.content.decode()


def test_api_stale_version_409_and_forbidden(users, tree, api_for):
    d = f.dispute(users.clerk, tree)
    api = api_for(users.clerk)
    assert api.post(f"/api/disputes/{d.pk}/transition/", {"action": "accept", "version": 0}, format="json").status_code == 200
    r = api.post(f"/api/disputes/{d.pk}/transition/", {"action": "decline", "version": 0, "reason": "x"}, format="json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    r = api_for(users.leader).post(f"/api/disputes/{d.pk}/transition/", {"action": "start", "version": 1}, format="json")
    assert r.status_code == 400
    r = api.post(f"/api/disputes/{d.pk}/transition/", {"action": "fly", "version": 1}, format="json")
    assert r.status_code == 400 and "未知的操作" in r.json()["detail"]
    d.refresh_from_db()
    assert d.status == "accepted" and d.version == 1


def test_api_bad_input_never_500(users, tree, api_for, client):
    api = api_for(users.clerk)
    base = {"channel": "walk_in", "village": tree.liu.pk, "kind": "邻里", "title": "t", "description": "d",
            "contact_phone": "13900001111", "parties": [{"role": "applicant", "name": "张三"}]}
    cases = [
        {"description": "字" * 10000}, {"contact_phone": "abc"}, {"village": 999999}, {"kind": "不存在"},
        {"parties": []}, {"parties": [{"role": "applicant", "name": "张三", "id_number": "110101199003077777"}]},
        {"title": ""}, {"amount": "很多"}, {"amount": "-5"}, {"channel": "referral"},
    ]
    for change in cases:
        r = api.post("/api/disputes/", {**base, **change}, format="json")
        assert r.status_code == 400, (change, r.content)
        assert r.json()["detail"]
    assert Dispute.objects.count() == 0
    r = api.post("/api/disputes/", {**base, "title": "<script>alert(1)</script>"}, format="json")
    assert r.status_code == 201
    assert api_for(users.clerk).get("/api/disputes/").status_code == 200


def test_public_lookup_guessing_is_throttled(users, tree, client):
    d = f.dispute(None, tree, contact="13900005555")
    for i in range(5):
        r = client.post("/api/disputes/public/track/", {"code": f"MT0000000{i}", "phone": "13900005555"},
                        content_type="application/json")
        assert r.status_code == 404
    r = client.post("/api/disputes/public/track/", {"code": d.tracking_code, "phone": "13900005555"},
                    content_type="application/json")
    assert r.status_code == 429
    # the right code with a wrong phone is a miss too (a code alone reveals nothing)
    assert len({f.dispute(None, tree).tracking_code for _ in range(3)}) == 3


def test_public_submit_rate_limited(tree, client):
    from fazhi.disputes.views_public import SUBMIT_LIMIT

    for i in range(SUBMIT_LIMIT):
        r = client.post("/api/disputes/public/submit/", {
            "village": tree.liu.pk, "kind": "邻里", "title": f"纠纷{i}", "description": f"情况{i}",
            "contact_phone": "13900001234", "parties": [{"role": "applicant", "name": "张三"}]},
            content_type="application/json")
        assert r.status_code == 201
    r = client.post("/api/disputes/public/submit/", {}, content_type="application/json")
    assert r.status_code == 429


def test_api_update_rooms_roster_words(users, tree, api_for):
    d = f.dispute(users.clerk, tree)
    api = api_for(users.clerk)
    r = api.patch(f"/api/disputes/{d.pk}/", {"version": 0, "title": "改后的事由", "kind": "劳动争议"}, format="json")
    assert r.status_code == 200 and r.json()["title"] == "改后的事由" and r.json()["kind_name"] == "劳动争议"
    assert api.patch(f"/api/disputes/{d.pk}/", {"version": 0, "title": "x"}, format="json").status_code == 409
    assert api.patch(f"/api/disputes/{d.pk}/", {"version": 1, "description": "字" * 6000}, format="json").status_code == 400
    judicial = api_for(users.judicial)
    r = judicial.post("/api/disputes/rooms/", {"node": tree.sub.pk, "name": "银领调解室", "host_name": "孙秀英",
                                               "specialities": ["婚姻家庭"]}, format="json")
    assert r.status_code == 201 and r.json()["specialities"] == ["婚姻家庭"]
    assert api.post("/api/disputes/rooms/", {"node": tree.sub.pk, "name": "x", "host_name": "y"}, format="json").status_code == 403
    assert judicial.put(f"/api/disputes/rooms/{r.json()['id']}/", {"name": "银领调解室", "host_name": "孙老师"},
                        format="json").json()["host_name"] == "孙老师"
    r = judicial.post("/api/disputes/mediators/", {"node": tree.liu.pk, "name": "刘调解", "specialities": ["邻里"]},
                      format="json")
    assert r.status_code == 201
    assert api_for(users.other_admin).post("/api/disputes/mediators/", {"node": tree.liu.pk, "name": "x"},
                                           format="json").status_code == 400
    r = judicial.post("/api/disputes/risk-words/", {"word": "讨个说法", "category": "group"}, format="json")
    assert r.status_code == 201
    assert api.post("/api/disputes/risk-words/", {"word": "x", "category": "group"}, format="json").status_code == 403
    assert judicial.post(f"/api/disputes/{d.pk}/advisors/", {"advisor": users.advisor.pk}, format="json").status_code == 200
    assert api_for(users.advisor).get(f"/api/disputes/{d.pk}/").status_code == 200


@pytest.mark.parametrize("action", ["decline", "assign", "session", "agree", "fail", "follow_up", "transfer",
                                    "judicial"])
def test_garbage_transition_data_never_500(users, tree, api_for, client_for, action):
    d = f.dispute(users.clerk, tree)
    # bring the case to the state where the action is allowed, so the junk data itself is what gets refused
    if action in ("assign", "transfer", "session", "agree", "fail"):
        f.run(users.clerk, d, "accept")
    if action in ("session", "agree", "fail"):
        f.run(users.clerk, d, "assign", level="village")
        f.run(users.clerk, d, "start")
        f.run(users.clerk, d, "session", place="村委会", participants="双方", record="记录")
    if action in ("follow_up", "judicial"):
        f.to_agreed(users.clerk, d)
    if action == "escalate":
        d = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    d.refresh_from_db()
    version = d.version
    api = api_for(users.clerk)
    junk = {k: {"x": [1]} for k in ("level", "centre_body", "room", "mediators", "held_on", "place", "participants",
                                    "record", "facts", "terms", "performance_method", "performance_deadline", "routes",
                                    "performed", "satisfaction", "note", "judicial_outcome", "judicial_applied_on",
                                    "judicial_decided_on", "judicial_court", "next_steps", "mediation_type")}
    r = api.post(f"/api/disputes/{d.pk}/transition/", {"action": action, "version": version, "reason": "理由", "data": junk},
                 format="json")
    assert r.status_code in (400, 403, 404, 409), r.content
    r = client_for(users.clerk).post(f"/work/disputes/{d.pk}/transition/", {"action": action, "version": "abc"})
    assert r.status_code in (400, 403, 404, 409)
    status = d.status
    d.refresh_from_db()
    assert d.version == version and d.status == status
