"""Issue 18 as a clerk meets it: the intake page reads the complaint and pre-fills, warns about related open cases
(并单) and merges keeping both audit trails; group disputes are flagged; the agreement is drafted with warnings."""
import datetime

import pytest

from fazhi.core import audit, clock
from fazhi.core.validators import make_id_number

from .. import assist, services, triage
from ..models import Dispute, DisputeLink
from . import factories as f
from . import history

pytestmark = pytest.mark.django_db
ID_A = make_id_number("37030519700101111")


def _intake_post(tree, **extra):
    data = {"channel": "walk_in", "village": tree.liu.pk, "kind": f.kind("neighbour").pk, "mediation_type": "people",
            "title": "排水沟堵塞", "description": "邻居翻建院墙堵塞排水沟。", "contact_phone": "13905331234",
            "applicant_kind": "person", "applicant_name": "王秀英", "respondent_kind": "person"}
    data.update(extra)
    return data


def test_a_walk_in_complaint_is_read_prefilled_and_must_be_confirmed(tree, users, client_for):
    history.build(tree.sub, [tree.liu, tree.yang], count=200)
    triage.train(tenant=tree.sub)
    c = client_for(users.clerk)
    text = (f"申请人王秀英，身份证号{ID_A}，电话13905331234，住刘家村3组。2026年3月5日，邻居李建国翻建院墙堵塞了共用排水沟，"
            "雨天积水流入申请人院内，造成损失三千五百元，双方多次协商未果。身份证370305199001011230")
    with clock.frozen(datetime.date(2026, 3, 10)):
        page = c.post("/work/disputes/new/", {"assist": "1", "channel": "walk_in", "description": text})
    assert page.status_code == 200
    html = page.content.decode()
    form = page.context["form"]
    assert form.initial["applicant_name"] == "王秀英" and form.initial["applicant_id_number"] == ID_A
    assert form.initial["respondent_name"] == "李建国" and form.initial["village"] == tree.liu.pk
    assert form.initial["amount"] == "3500.00" and form.initial["occurred_on"] == "2026-03-05"
    assert "自动识别预填" in html and "370305199001011230：身份证号码校验位不正确" in html
    assert "分派建议" in html and "理由：最相似的已办结案件" in html
    s = page.context["help"]["suggestion"]
    assert s.kind.value == "neighbour" and form.initial["kind"] == f.kind("neighbour").pk
    # saving without ticking "checked" is refused with a message on the field; nothing is written
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"mediation_type": "people", "applicant_kind": "person", "respondent_kind": "person",
                 "title": "排水沟堵塞"})
    with clock.frozen(datetime.date(2026, 3, 10)):
        refused = c.post("/work/disputes/new/", data)
        assert refused.status_code == 400 and "请逐项核对后勾选确认" in refused.content.decode()
        assert not Dispute.objects.filter(title="排水沟堵塞").exists()
        done = c.post("/work/disputes/new/", {**data, "confirmed": "on"})
    assert done.status_code == 302
    d = Dispute.objects.get(title="排水沟堵塞")
    assert d.occurred_on == datetime.date(2026, 3, 5) and d.triage.kind_outcome == "accepted"
    assert d.parties.get(role="applicant").id_number == ID_A


def test_same_party_with_an_open_case_warns_and_merging_keeps_both_audit_trails(tree, users, client_for):
    first = f.dispute(users.clerk, tree, applicant="王秀英", description="邻居堵塞排水沟，第一次登记。")
    first.parties.filter(role="applicant").update(id_number=ID_A)
    c = client_for(users.clerk)
    page = c.post("/work/disputes/new/", {"assist": "1", "channel": "walk_in", "village": tree.liu.pk,
                                          "description": f"申请人王秀英，身份证号{ID_A}，邻居又堵了排水沟。"})
    assert first.tracking_code in page.content.decode() and "发现相关在办案件" in page.content.decode()
    related = page.context["help"]["related"]
    assert related[0].dispute.pk == first.pk and "身份证号相同" in related[0].reasons[0]
    second = services.dispute_register(
        actor=users.clerk, channel="walk_in", village=tree.liu, kind=f.kind("neighbour"), title="排水沟又堵",
        description="邻居又堵了排水沟。", contact_phone="13905339999", related_action="merge",
        related_target=first.tracking_code, parties=[
            dict(role="applicant", name="王秀英", id_number=ID_A), dict(role="respondent", name="赵大强")])
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == "merged" and second.merged_into_id == first.pk
    assert "赵大强" in set(first.parties.values_list("name", flat=True))
    assert DisputeLink.objects.filter(source=second, target=first, kind="merged").exists()
    second_labels = [e.action_label for e in audit.timeline(second)]
    first_labels = [e.action_label for e in audit.timeline(first)]
    assert second_labels[0] == "窗口登记" and "并案（并入其他案件）" in second_labels
    assert first_labels[0] == "窗口登记" and "并入本案" in first_labels and "并案添加当事人" in first_labels
    audit.seal_all()  # sealed on commit in production; a test never commits
    checked, broken = audit.verify()
    assert broken is None, vars(broken)
    assert checked > 0
    detail = c.get(f"/work/disputes/{first.pk}/").content.decode()
    assert "并入本案的案件的办理记录" in detail and second.tracking_code in detail
    # the merged case says where it went, on the resident's tracking page too
    assert second.notices.filter(title="已并案办理").exists()


def test_linking_is_audited_on_both_and_refuses_other_subdistricts(tree, users, client_for):
    a = f.dispute(users.clerk, tree)
    b = f.dispute(users.clerk, tree)
    other = f.dispute(users.other_clerk, tree, village=tree.dongqi)
    c = client_for(users.clerk)
    r = c.post(f"/work/disputes/{a.pk}/links/", {"target": b.tracking_code, "reason": "同一排水沟"})
    assert r.status_code == 302
    assert "关联案件" in [e.action_label for e in audit.timeline(b)]
    r = c.post(f"/work/disputes/{a.pk}/links/", {"target": other.tracking_code}, follow=True)
    assert "未找到该案件，或不在您的管辖范围内" in r.content.decode()
    assert not DisputeLink.objects.filter(target=other).exists()


def test_group_disputes_are_flagged(tree, users):
    parties = [dict(role="applicant", name=f"村民{i}") for i in range(6)] + [dict(role="respondent", name="某公司",
                                                                                 kind="organisation")]
    d = services.dispute_create(actor=users.clerk, channel="walk_in", village=tree.liu, kind=f.kind("labour"),
                                title="集体欠薪", description="六名工人被拖欠工资。", parties=parties,
                                contact_phone="13905331234")
    assert d.is_flagged and any(r.startswith("群体性：6位申请人") for r in d.risk_reasons)


def test_agreement_draft_fills_statutory_fields_and_warns_about_performance(tree, users, client_for):
    d = f.dispute(users.clerk, tree, applicant="王秀英", respondent="李建国")
    f.run(users.clerk, d, "accept")
    f.run(users.clerk, d, "assign", level="subdistrict", mediators=[f.people_mediator(d).pk])
    f.run(users.clerk, d, "start")
    f.run(users.clerk, d, "session", held_on=clock.today(), place="调解室", participants="双方",
          record="双方同意由被申请人疏通排水沟。")
    draft = assist.agreement_draft(d, user=users.clerk)
    assert "申请人王秀英与被申请人李建国" in draft["facts"] and "被申请人李建国：" in draft["responsibility"]
    assert draft["terms"] == "双方同意由被申请人疏通排水沟。"
    assert any("履行期限" in w for w in draft["warnings"])
    page = client_for(users.clerk).get(f"/work/disputes/{d.pk}/").content.decode()
    assert "协议内容未写明履行期限" in page and "申请人王秀英与被申请人李建国" in page
    assert assist.performance_warnings("被申请人于十五日内一次性转账支付申请人3000元。") == []
    assert any("金额" in w for w in assist.performance_warnings("被申请人于十五日内一次性赔偿。"))


def test_api_assist_similar_links_and_draft(tree, users, api_for):
    history.build(tree.sub, [tree.liu], count=80)
    triage.train(tenant=tree.sub)
    api = api_for(users.clerk)
    r = api.post("/api/disputes/assist/", {"text": "我叫张志强，手机13905335678，包工头赵德明拖欠工资1.8万元。身份证370305199001011230",
                                           "village": tree.liu.pk}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert body["extraction"]["parties"][0]["name"] == "张志强" and body["extraction"]["rejected"]
    assert body["suggestion"]["kind"]["shown"] in ("劳动争议", "待人工分派") and len(body["similar"]) == 3
    assert api.post("/api/disputes/assist/", {"text": "x", "village": tree.dongqi.pk}, format="json").status_code == 404
    assert api.post("/api/disputes/assist/", [], format="json").status_code == 400
    d = f.dispute(users.clerk, tree)
    assert api.get(f"/api/disputes/{d.pk}/similar/").status_code == 200
    assert api_for(users.other_clerk).get(f"/api/disputes/{d.pk}/similar/").status_code == 404
    b = f.dispute(users.clerk, tree)
    assert api.post(f"/api/disputes/{d.pk}/links/", {"target": b.tracking_code}, format="json").status_code == 200
    assert api.get(f"/api/disputes/{d.pk}/links/").json()["results"][0]["tracking_code"] == b.tracking_code
    assert api.get(f"/api/disputes/{d.pk}/agreement-draft/").status_code == 200
    assert api_for(users.leader).get(f"/api/disputes/{d.pk}/agreement-draft/").status_code == 403


def test_a_merged_case_is_counted_once_in_the_figures(tree, users):
    import datetime as dt

    from .. import figures

    first = f.dispute(users.clerk, tree)
    second = f.dispute(users.clerk, tree)
    start, end = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
    assert figures.received(tree.sub, start, end) == 2
    f.run(users.clerk, second, "merge", reason="同一事项", target=first.tracking_code)
    assert figures.received(tree.sub, start, end) == 1
    assert figures._failed(tree.sub, start, end).count() == 0


def test_the_assist_button_survives_junk_input(tree, users, client_for):
    c = client_for(users.clerk)
    for data in ({"assist": "1", "amount": "很多钱", "village": "abc", "description": "申请人王五"},
                 {"assist": "1", "description": "\x00" * 10 + "电话1390000" * 500},
                 {"assist": "1", "village": str(tree.dongqi.pk), "description": "对方欠钱"}):
        r = c.post("/work/disputes/new/", data)
        assert r.status_code == 200
    assert not Dispute.objects.exists()
