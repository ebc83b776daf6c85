"""A full case through the JSON API, and the bad input the issue lists — clear Chinese 400s, nothing written."""
from django.urls import reverse

from fazhi.enforcement.models import Case, CaseStatus, CaseStep

from .conftest import ID_NUMBER, MP4, upload

ALL_OK = {k: True for k in ["subject", "qualification", "procedure", "facts", "basis", "powers", "documents", "criminal"]}


def _create(api, enf, tree, **kw):
    data = {"power": enf.penalty.pk, "node": tree.liu.pk, "title": "违法搭建", "party_kind": "person", "party_name": "张三丰",
            "party_id_number": ID_NUMBER, "facts": "搭建彩钢棚", "officers": [enf.o1.pk, enf.o2.pk]} | kw
    return api.post(reverse("api_enforcement_cases"), data, format="json")


def _act(api, case_id, **data):
    return api.post(reverse("api_enforcement_case_transition", args=[case_id]), data, format="json")


def test_full_case_through_api(enf, users, tree, api_for):
    officer, head, reviewer = api_for(users.officer), api_for(users.enforcement_head), api_for(users.reviewer)
    r = _create(officer, enf, tree)
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert [a["name"] for a in officer.get(reverse("api_enforcement_case", args=[cid])).json()["available_actions"]] == []
    assert _act(head, cid, name="approve_filing").status_code == 200
    r = officer.post(reverse("api_enforcement_case_steps", args=[cid]), {"kind": "inspection", "content": "现场检查", "place": "刘家村",
                                                                         "officers": [enf.o1.pk, enf.o2.pk]}, format="json")
    assert r.status_code == 201
    step_id = r.json()["id"]
    r = officer.post(reverse("api_enforcement_step_evidence", args=[step_id]), {"file": upload("v.mp4", MP4, "video/mp4")}, format="multipart")
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    assert _act(officer, cid, name="notify", place="执法办", officers=[enf.o1.pk, enf.o2.pk], proposed_fine="20000").json()["is_major"]
    # deciding a major case without review: refused, nothing changes
    r = _act(head, cid, name="decide", result="penalty", fine_amount="20000", decision_text="罚款20000元", discretion_applied="严重")
    assert r.status_code == 400 and "法制审核" in r.json()["detail"]
    assert Case.objects.get(pk=cid).status == CaseStatus.NOTIFIED
    assert _act(officer, cid, name="record_statement", statement_waived=True).status_code == 200
    assert _act(officer, cid, name="submit_review").status_code == 200
    r = reviewer.post(reverse("api_enforcement_case_review", args=[cid]), {"opinion": "approve", "checklist": ALL_OK}, format="json")
    assert r.status_code == 201, r.json()
    r = _act(head, cid, name="decide", result="penalty", fine_amount="20000", decision_text="罚款20000元", discretion_applied="严重")
    assert r.status_code == 400 and "第五十七条第二款" in r.json()["detail"]
    r = _act(head, cid, name="collective_decide", attendees="主任、副主任", content="集体讨论同意")
    assert r.status_code == 200, r.json()
    r = _act(head, cid, name="decide", result="penalty", fine_amount="20000", decision_text="罚款20000元", discretion_applied="严重")
    assert r.status_code == 200 and r.json()["status"] == "decided"
    for name in ("serve", "execute"):
        assert _act(officer, cid, name=name, place="当事人住所", officers=[enf.o1.pk, enf.o2.pk]).status_code == 200
    r = _act(head, cid, name="close")
    assert r.json()["status"] == "closed"
    r = api_for(users.disclosure).post(reverse("api_enforcement_case_publish", args=[cid]), {}, format="json")
    assert r.status_code == 201 and ID_NUMBER not in r.json()["body"] and "张**" in r.json()["body"]
    r = api_for(users.supervisor).post(reverse("api_enforcement_case_evaluate", args=[cid]),
                                       {"scores": {"subject": 10, "officers": 10, "facts": 20, "basis": 20, "procedure": 18, "documents": 10,
                                                   "recording": 10}, "findings": "规范"}, format="json")
    assert r.status_code == 201 and r.json()["total"] == 98


def test_editing_recorded_step_refused(enf, users, tree, api_for, make_case):
    from .conftest import advance

    case = advance(make_case(), users, enf, to="notified")
    step = case.steps.get(kind="inspection")
    api = api_for(users.officer)
    for method in (api.patch, api.put, api.delete):
        r = method(reverse("api_enforcement_step", args=[step.pk]), {"content": "改写"}, format="json")
        assert r.status_code == 400 and "不能修改或删除" in r.json()["detail"]
    assert CaseStep.objects.get(pk=step.pk).content == "现场检查，彩钢棚约20平方米。"
    r = api.post(reverse("api_enforcement_step_correct", args=[step.pk]), {"content": "面积25平方米", "reason": "笔误"}, format="json")
    assert r.status_code == 201 and r.json()["corrects"] == step.pk


def test_bad_case_input_is_clear_400(enf, users, tree, api_for):
    api = api_for(users.officer)
    r = _create(api, enf, tree, party_id_number="370305198001011230")
    assert r.status_code == 400 and "身份证" in r.json()["detail"]
    r = _create(api, enf, tree, officers=[enf.o1.pk])
    assert r.status_code == 400 and "不少于2名" in r.json()["detail"]
    r = _create(api, enf, tree, title="")
    assert r.status_code == 400 and r.json()["errors"]["title"]
    r = _create(api, enf, tree, power=999999)
    assert r.status_code == 400
    r = _create(api, enf, tree, node=tree.dongqi.pk)
    assert r.status_code == 400
    assert not Case.objects.exists()


def test_expired_officer_cannot_be_put_on_a_step_via_api(enf, users, tree, api_for, make_case):
    from fazhi.enforcement import services

    from .conftest import advance

    case = advance(make_case(), users, enf, to="investigating")
    services.officer_update(actor=users.enforcement_head, officer=enf.o2, version=0, certificate_number="37030002", valid_from="2020-01-01",
                            valid_until="2023-01-31")
    r = api_for(users.officer).post(reverse("api_enforcement_case_steps", args=[case.pk]),
                                    {"kind": "inspection", "content": "检查", "place": "刘家村", "officers": [enf.o1.pk, enf.o2.pk]}, format="json")
    assert r.status_code == 400 and "过期" in r.json()["detail"]


def test_wrong_person_and_unknown_action(enf, users, tree, api_for, make_case):
    case = make_case()
    r = _act(api_for(users.officer), case.pk, name="approve_filing")
    assert r.status_code == 400 and "没有权限" in r.json()["detail"]
    r = _act(api_for(users.enforcement_head), case.pk, name="explode")
    assert r.status_code == 400 and "未知的操作" in r.json()["detail"]
    r = _act(api_for(users.enforcement_head), case.pk, name="approve_filing", version=7)
    assert r.status_code == 409


def test_scoping_other_subdistrict_gets_404(enf, users, tree, api_for, client_for, make_case):
    from .conftest import advance

    case = advance(make_case(), users, enf, to="decided")
    step = case.steps.first()
    # another subdistrict's admin: 404 (out of scope); roles without the enforcement function anywhere: 403
    for user, code in ((users.other_admin, 404), (users.mediator, 403), (users.other_clerk, 403)):
        api = api_for(user)
        assert api.get(reverse("api_enforcement_case", args=[case.pk])).status_code == code
        assert api.get(reverse("api_enforcement_step", args=[step.pk])).status_code == code
        c = client_for(user)
        assert c.get(reverse("enforcement:case_detail", args=[case.pk])).status_code == code
        assert c.get(reverse("enforcement:document", args=[case.pk, "decision"])).status_code == code
        assert c.get(reverse("enforcement:officer_detail", args=[enf.o1.pk])).status_code == code
    assert api_for(users.other_admin).get(reverse("api_enforcement_cases")).json()["count"] == 0
    r = client_for(users.other_admin).get(reverse("core:ledger_export", args=["enforcement.cases"]))
    import io

    import openpyxl

    if r.status_code == 200:
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        assert ws.max_row == 1  # headers only
    assert api_for(users.officer).get(reverse("api_enforcement_cases")).json()["count"] == 1


def test_scoping_publications_powers_evaluations(enf, users, tree, api_for, client_for, make_case):
    from fazhi.enforcement import services

    from .conftest import advance

    case = advance(make_case(), users, enf, to="closed")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    services.evaluation_record(actor=users.supervisor, case=case, scores={"subject": 10, "officers": 10, "facts": 20, "basis": 20,
                               "procedure": 20, "documents": 10, "recording": 10}, findings="评查意见甲")
    other = client_for(users.other_admin)
    assert other.get(reverse("enforcement:publication_withdraw", args=[pub.pk])).status_code == 404
    assert other.get(reverse("enforcement:power_edit", args=[enf.penalty.pk])).status_code == 404
    assert other.get(reverse("enforcement:evaluate", args=[case.pk])).status_code == 404
    assert "评查意见甲" not in other.get(reverse("enforcement:supervision")).content.decode()
    assert "张三丰" not in other.get(reverse("enforcement:case_list")).content.decode()
    r = api_for(users.other_admin).post(reverse("api_enforcement_publication_withdraw", args=[pub.pk]), {"reason": "x"}, format="json")
    assert r.status_code == 404
    assert api_for(users.other_admin).get(reverse("api_enforcement_officers")).json()["count"] == 0
    assert api_for(users.other_admin).get(reverse("api_enforcement_powers")).json()["count"] == 0
    assert api_for(users.officer).get(reverse("api_enforcement_powers")).json()["count"] == 2


def test_calendar_change_recomputes_open_deadlines(enf, users, make_case):
    from fazhi.core import workdays
    from fazhi.enforcement.models import Case

    from .conftest import advance

    case = advance(make_case(), users, enf, to="investigating")
    Case.objects.filter(pk=case.pk).update(decision_due="2023-01-01")
    changes = workdays.recompute_open_deadlines(actor=users.admin)
    assert changes["fazhi.enforcement.services.recompute"] == 1
    assert str(Case.objects.get(pk=case.pk).decision_due) == "2023-08-30"


def test_publication_revoke_and_withdraw_via_api(enf, users, tree, api_for, make_case):
    from fazhi.enforcement import services

    from .conftest import advance

    case = advance(make_case(), users, enf, to="decided")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    api = api_for(users.disclosure)
    assert api.get(reverse("api_enforcement_publications")).json()["count"] == 1
    r = api.post(reverse("api_enforcement_publication_revoked", args=[pub.pk]), {"revoked_on": "2099-01-01", "reason": "x"}, format="json")
    assert r.status_code == 400 and "不能晚于今天" in r.json()["detail"]
    r = api.post(reverse("api_enforcement_publication_revoked", args=[pub.pk]), {"revoked_on": "2023-06-01", "reason": "复议撤销"}, format="json")
    assert r.status_code == 200 and r.json()["withdraw_due"] == "2023-06-06"
    r = api.post(reverse("api_enforcement_publication_withdraw", args=[pub.pk]), {"reason": "撤销", "version": 0}, format="json")
    assert r.status_code == 409
    r = api.post(reverse("api_enforcement_publication_withdraw", args=[pub.pk]), {"reason": "撤销"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_head_cannot_register_another_subdistricts_user_as_officer(enf, users, api_for):
    from fazhi.enforcement.models import Officer

    api = api_for(users.enforcement_head)
    r = api.post(reverse("api_enforcement_officers"), {"user": users.other_clerk.pk, "certificate_number": "37039999",
                                                      "valid_from": "2021-01-01", "valid_until": "2025-12-31"}, format="json")
    assert r.status_code == 400 and "不是稷下街道的工作人员" in r.json()["detail"]
    assert not Officer.objects.filter(user=users.other_clerk).exists()
    r = api.post(reverse("api_enforcement_officers"), {"user": users.reviewer.pk, "certificate_number": "37039998",
                                                      "valid_from": "2021-01-01", "valid_until": "2025-12-31"}, format="json")
    assert r.status_code == 201 and r.json()["name"] == users.reviewer.display_name


def test_bad_json_shapes_are_400_and_nothing_stored(enf, users, tree, api_for):
    api = api_for(users.officer)
    for body in ([1, 2], "text", {"power": [1], "node": tree.liu.pk}, {"power": enf.penalty.pk, "officers": "x"},
                 {"power": enf.penalty.pk, "node": tree.liu.pk, "title": "\x00" * 300, "party_kind": "person",
                  "party_name": "张三", "facts": "事实", "officers": [enf.o1.pk, enf.o2.pk]}):
        r = api.post(reverse("api_enforcement_cases"), body, format="json")
        assert r.status_code == 400, body
    assert not Case.objects.exists()
