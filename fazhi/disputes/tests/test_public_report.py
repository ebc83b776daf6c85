"""The resident's dispute report in short steps (你的信息 → 对方信息 → 纠纷情况 → 选择调解室 → 核对信息): each step
checks its own fields, answers wait in the server-side session (personal numbers encrypted) and are gone once the
report is sent; the confirmation names the chosen room and links to tracking with the code."""
import json

import pytest
from django.contrib.sessions.models import Session

from fazhi.disputes.models import Dispute, DisputeKind
from fazhi.disputes.views_public import DRAFT_KEY, SUBMIT_LIMIT

from . import factories as f

pytestmark = pytest.mark.django_db
STEP = "/mediation/report/{}/"
CHECK = "/mediation/report/check/"
ID_NUMBER = "370303199001011239"


def answers(tree, **change):
    return {"name": "张三", "phone": "13900001234", "id_number": "", "other_name": "李四", "other_phone": "",
            "village": tree.liu.pk, "kind": DisputeKind.objects.get(code="neighbour").pk, "title": "排水沟堵塞",
            "description": "邻居堵了排水沟", "place": "", "room": "", **change}


def walk(client, data):
    """Answer every step with ``data`` (the field names of the old one-page form); returns the last response."""
    from fazhi.disputes.forms import REPORT_STEPS

    response = None
    for step in REPORT_STEPS:
        response = client.post(STEP.format(step.slug), {k: data[k] for k in step.base_fields if k in data})
        if response.status_code != 302:
            return response
    return response


def report(client, data):
    """Walk the steps and press 提交 on the check page."""
    response = walk(client, data)
    if response.status_code != 302:
        return response
    return client.post(CHECK)


def stored_session(client) -> str:
    return Session.objects.get(session_key=client.session.session_key).session_data


def test_each_step_checks_only_its_own_fields_and_shows_the_error_summary(tree, client):
    r = client.post(STEP.format("you"), {"name": "张三", "phone": "1234"})
    html = r.content.decode()
    assert r.status_code == 400 and "data-error-summary" in html and "电话号码格式不正确" in html
    assert '<a href="#id_phone">' in html and 'id="id_phone"' in html and "对方姓名" not in html
    assert client.post(STEP.format("you"), {"name": "张三", "phone": "13900001234"})["Location"] == STEP.format("other")
    r = client.post(STEP.format("other"), {"other_name": "李四", "other_phone": "12"})
    assert r.status_code == 400 and "电话号码格式不正确" in r.content.decode()


@pytest.mark.parametrize("step,change,message", [
    ("you", {"id_number": "370305199001011234"}, "校验位"),
    ("you", {"name": "   "}, "必填"),
    ("other", {"other_name": ""}, "必填"),
    ("matter", {"description": "长" * 5001}, "不能超过5000个字"),
    ("matter", {"title": "   "}, "必填"),
    ("matter", {"village": "abc"}, "选择一个有效的选项"),
])
def test_a_bad_answer_stops_at_its_step_with_a_chinese_message(tree, client, step, change, message):
    r = walk(client, answers(tree, **change))
    assert r.status_code == 400 and message in r.content.decode()
    assert r.context["step"].slug == step
    assert client.post(CHECK).status_code == 302 and Dispute.objects.count() == 0


def test_steps_cannot_be_skipped(tree, client):
    assert client.get(STEP.format("matter"))["Location"] == STEP.format("you")
    assert client.post(STEP.format("room"), {"room": ""})["Location"] == STEP.format("you")
    assert client.get(CHECK)["Location"] == STEP.format("you")
    assert client.post(CHECK)["Location"] == STEP.format("you") and Dispute.objects.count() == 0
    assert client.get("/mediation/report/nonsense/").status_code == 404


def test_the_session_holds_personal_numbers_only_encrypted_and_is_cleared_on_submit(tree, client):
    walk(client, answers(tree, id_number=ID_NUMBER, other_phone="13700007777"))
    raw = stored_session(client)
    decoded = json.dumps(client.session[DRAFT_KEY], ensure_ascii=False)
    for number in ("13900001234", ID_NUMBER, "13700007777"):
        assert number not in raw and number not in decoded
    assert "张三" in decoded  # the draft is really there
    check = client.get(CHECK).content.decode()
    assert "139****1234" in check and "3703**********1239" in check and ID_NUMBER not in check
    r = client.post(CHECK)
    assert r.status_code == 302 and r["Location"] == "/mediation/submitted/"
    assert DRAFT_KEY not in client.session and "张三" not in stored_session(client)
    d = Dispute.objects.get()
    applicant = d.parties.get(role="applicant")
    assert applicant.id_number == ID_NUMBER and d.contact_phone == "13900001234"
    assert d.parties.get(role="respondent").phone == "13700007777"


def test_change_links_return_to_the_check_page_and_keep_numbers_left_empty(tree, client):
    walk(client, answers(tree, id_number=ID_NUMBER))
    page = client.get(STEP.format("you") + "?change=1").content.decode()
    assert "13900001234" not in page and ID_NUMBER not in page  # a GET page never carries the numbers
    assert "139****1234" in page and "返回核对信息" in page and 'value="张三"' in page
    r = client.post(STEP.format("you") + "?change=1", {"name": "张三丰", "phone": "", "id_number": "",
                                                        "return": "check"})
    assert r["Location"] == CHECK
    client.post(CHECK)
    d = Dispute.objects.get()
    applicant = d.parties.get(role="applicant")
    assert applicant.name == "张三丰" and applicant.id_number == ID_NUMBER and d.contact_phone == "13900001234"


def test_the_picked_room_is_confirmed_and_the_tracking_link_carries_the_code(users, tree, client):
    room = f.room(users.judicial, tree)
    page = client.get(f"/mediation/?room={room.pk}")
    assert page.status_code == 200
    walk(client, {k: v for k, v in answers(tree).items() if k != "room"} | {"room": room.pk})
    assert "老赵劳动调解室" in client.get(CHECK).content.decode()
    client.post(CHECK)
    d = Dispute.objects.get()
    assert d.requested_room == room
    html = client.get("/mediation/submitted/").content.decode()
    assert d.tracking_code in html and "您选择的调解室：<strong>老赵劳动调解室</strong>" in html
    assert f'href="/mediation/track/?code={d.tracking_code}"' in html
    track = client.get(f"/mediation/track/?code={d.tracking_code}").content.decode()
    assert f'value="{d.tracking_code}"' in track


def test_a_room_link_preselects_the_room_and_a_room_of_another_subdistrict_is_refused(users, tree, client):
    room = f.room(users.judicial, tree)
    client.get(f"/mediation/?room={room.pk}")
    walk(client, {k: v for k, v in answers(tree).items() if k != "room"} | {"room": "skip"})  # stops at the room
    page = client.get(STEP.format("room")).content.decode()
    assert f'value="{room.pk}"' in page and "checked" in page.split(f'value="{room.pk}"')[1].split(">")[0]
    other = answers(tree, village=tree.dongqi.pk)  # 东齐村 belongs to 敬仲街道: 稷下's room may not take it
    client.post(STEP.format("matter"), {k: other[k] for k in ("village", "kind", "title", "description", "place")})
    r = client.post(STEP.format("room"), {"room": room.pk})
    assert r.status_code == 400 and "选择一个有效的选项" in r.content.decode()


def test_pressing_submit_twice_files_one_case_and_shows_the_same_code(tree, client):
    report(client, answers(tree))
    r = client.post(CHECK)  # the second press: the draft is gone, the first case stands
    assert r.status_code == 302 and r["Location"] == "/mediation/submitted/"
    assert Dispute.objects.count() == 1
    report(client, answers(tree))  # the same report typed again the same day: the service answers with the first
    assert Dispute.objects.count() == 1
    assert "此前已登记" in client.get("/mediation/submitted/").content.decode()


def test_submitting_is_rate_limited_per_address(tree, client):
    for n in range(SUBMIT_LIMIT):
        report(client, answers(tree, description=f"第{n}件事"))
    r = report(client, answers(tree, description="再一件事"))
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode()
    assert Dispute.objects.count() == SUBMIT_LIMIT
    assert client.session.get(DRAFT_KEY)  # nothing lost: the resident may try again later
