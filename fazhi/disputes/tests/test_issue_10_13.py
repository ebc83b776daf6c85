"""Regression tests: the advisor scope leak (issue 10), lawful agreements and clocks (issue 13)."""
import datetime
import io

import pytest
from docx import Document

from conftest import make_user
from fazhi.core import clock
from fazhi.core.errors import DomainError, TransitionNotAllowed
from fazhi.core.models import DeadlineRule, Unit
from fazhi.core.roles import Role
from fazhi.disputes import documents, services
from fazhi.disputes.models import Dispute, DisputeKind, Mediator, Party

from . import factories as f

pytestmark = pytest.mark.django_db


def _text(content):
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


# ---- issue 10: an advisor of another subdistrict cannot be joined to a case -------------------------------------

def test_advisor_of_another_subdistrict_cannot_join_and_still_gets_404(users, tree, api_for, client_for):
    outsider = make_user("advisor_other", tree.other, Role.LEGAL_ADVISOR)
    d = f.dispute(users.clerk, tree)
    with pytest.raises(DomainError) as exc:
        services.advisor_join(actor=users.clerk, dispute=d, advisor=outsider)
    assert exc.value.message == services.ADVISOR_REFUSED
    r = api_for(users.clerk).post(f"/api/disputes/{d.pk}/advisors/", {"advisor": outsider.pk}, format="json")
    assert r.status_code == 400 and r.json()["detail"] == services.ADVISOR_REFUSED
    r = client_for(users.clerk).post(f"/work/disputes/{d.pk}/advisors/", {"advisor": outsider.pk}, follow=True)
    assert services.ADVISOR_REFUSED in r.content.decode()
    assert not d.advisors.exists()
    assert api_for(outsider).get(f"/api/disputes/{d.pk}/").status_code == 404
    assert client_for(outsider).get(f"/work/disputes/{d.pk}/").status_code == 404
    # an advisor of another village of the same subdistrict does not cover a 刘家村 grid case either
    grid_case = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    r = api_for(users.clerk).post(f"/api/disputes/{grid_case.pk}/advisors/", {"advisor": users.advisor_yang.pk},
                                  format="json")
    assert r.status_code == 400 and r.json()["detail"] == services.ADVISOR_REFUSED
    # the advisor of the case's own village may join, through the page, and then reads it
    r = client_for(users.clerk).post(f"/work/disputes/{grid_case.pk}/advisors/", {"advisor": users.advisor.pk})
    assert r.status_code == 302
    assert api_for(users.advisor).get(f"/api/disputes/{grid_case.pk}/").status_code == 200
    assert api_for(users.advisor).get(f"/api/disputes/{d.pk}/").status_code == 404


def test_escalate_rows_say_whether_the_state_changes(users, tree):
    from fazhi.disputes.workflow import dispute_workflow

    assert dispute_workflow.get("escalate").target is None
    assert dispute_workflow.get("escalate_assigned").target == Dispute.Status.ACCEPTED
    d = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    f.run(users.grid, d, "escalate", reason="需要村里处理")
    d.refresh_from_db()
    assert d.status == "registered" and d.level == "village"
    f.run(users.mediator, d, "accept")
    f.run(users.mediator, d, "assign", level="village")
    f.run(users.mediator, d, "escalate", reason="涉及多户")
    d.refresh_from_db()
    assert d.status == "accepted" and d.level == "subdistrict" and d.node == tree.sub


# ---- issue 13: clocks ---------------------------------------------------------------------------------------------

def test_judicial_window_rolls_over_qingming_2023(users, tree, api_for, client_for):
    rule = DeadlineRule.objects.get(code="disputes.judicial_confirmation")
    assert rule.rolls_over_rest_day and "第八十五条第三款" in rule.rollover_basis
    with clock.frozen(datetime.date(2023, 3, 6)):
        d = f.to_agreed(users.clerk, f.dispute(users.clerk, tree, applicant="王清明"))
    assert d.agreement.signed_on == datetime.date(2023, 3, 6)
    assert d.agreement.judicial_deadline == datetime.date(2023, 4, 6)  # 04-05 is 清明节
    notice = d.notices.get(title="调解成功")
    assert "2023年04月06日" in notice.next_steps and "2023年04月05日" not in notice.next_steps
    text = _text(documents.agreement_docx(d))
    assert "2023年04月06日" in text and "2023年04月05日" not in text
    with clock.frozen(datetime.date(2023, 4, 10)):
        html = client_for(users.clerk).get(f"/work/disputes/{d.pk}/").content.decode()
        assert "顺延" in html and "第八十五条第三款" in html
        d.refresh_from_db()
        f.run(users.judicial, d, "judicial", judicial_outcome="applied", judicial_applied_on="2023-04-06")
    d.refresh_from_db()
    assert d.agreement.judicial_outcome == "applied" and d.agreement.judicial_applied_on == datetime.date(2023, 4, 6)
    with clock.frozen(datetime.date(2023, 4, 10)), pytest.raises(DomainError) as exc:
        f.run(users.judicial, d, "judicial", judicial_outcome="applied", judicial_applied_on="2023-04-07")
    assert "超过30日申请期限" in exc.value.message


def test_overdue_case_shows_why(users, tree, client_for):
    with clock.frozen(datetime.date(2024, 3, 1)):
        d = f.dispute(users.clerk, tree)
        f.run(users.clerk, d, "accept")
    with clock.frozen(datetime.date(2024, 4, 15)):
        html = client_for(users.clerk).get(f"/work/disputes/{d.pk}/").content.decode()
    assert "已超过办结期限" in html and "人民调解工作若干规定" in html


def test_provisional_year_deadline_says_so_on_the_detail_page(users, tree, client_for):
    from fazhi.core import services as core_services
    from fazhi.core import workdays

    year = workdays.package_years()[1] + 1  # a year the calendar package does not know yet
    core_services.calendar_override_set(actor=users.admin, date=datetime.date(year, 1, 1), is_working_day=False,
                                        name="元旦")
    core_services.calendar_year_define(actor=users.admin, year=year, note="只录入了元旦")
    with clock.frozen(datetime.date(year, 1, 4)):
        d = f.to_agreed(users.clerk, f.dispute(users.clerk, tree))
        html = client_for(users.clerk).get(f"/work/disputes/{d.pk}/").content.decode()
    assert "暂定" in html and f"{year}年节假日安排尚未录入或未录入完整" in html


# ---- issue 13: who signs, what the agreement says -----------------------------------------------------------------

def _to_session(actor, d, **assign):
    f.run(actor, d, "accept")
    f.run(actor, d, "assign", level="subdistrict", centre_body=tree_body(d).pk, **assign)
    f.run(actor, d, "start")
    f.run(actor, d, "session", place="调解室", participants="各方当事人", record="调解")


def tree_body(d):
    return Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, node=d.village.tenant()).first()


def test_administrative_mediator_yields_administrative_agreement(users, tree):
    admin_mediator = Mediator.objects.create(node=tree.sub, name="周行政", kind=Mediator.Kind.ADMINISTRATIVE)
    d = f.dispute(users.clerk, tree)
    _to_session(users.clerk, d, mediators=[admin_mediator.pk])
    # recorded as people's mediation with only an administrative mediator: refused, nothing written
    with pytest.raises(TransitionNotAllowed) as exc:
        f.run(users.clerk, d, "agree", terms="赔偿500元", performance_method="现金",
              performance_deadline=clock.today().isoformat())
    assert "人民调解员" in exc.value.message
    d.refresh_from_db()
    assert d.status == "in_mediation" and not hasattr(d, "agreement")
    # the same case recorded as administrative mediation yields the administrative document
    d = f.dispute(users.clerk, tree, applicant="钱行政")
    _to_session(users.clerk, d, mediators=[admin_mediator.pk], mediation_type="administrative")
    f.run(users.clerk, d, "agree", terms="赔偿500元", performance_method="现金",
          performance_deadline=clock.today().isoformat())
    d.refresh_from_db()
    assert d.agreement.kind == "administrative" and d.agreement.judicial_deadline is None
    doc = Document(io.BytesIO(documents.agreement_docx(d)))
    assert doc.paragraphs[0].text == "行政调解协议书"
    text = _text(documents.agreement_docx(d))
    assert "人民调解协议书" not in text and "司法确认" not in text and "人民调解员" not in text
    assert "周行政" in text
    with pytest.raises(TransitionNotAllowed):
        f.run(users.judicial, d, "judicial", judicial_outcome="applied", judicial_applied_on=clock.today().isoformat())
    assert "司法确认" not in d.notices.get(title="调解成功").next_steps


def test_three_applicants_in_one_intake_three_signature_lines(users, tree, client_for, api_for):
    c = client_for(users.clerk)
    r = c.post("/work/disputes/new/", {
        "channel": "walk_in", "village": tree.liu.pk, "kind": DisputeKind.objects.get(code="labour").pk,
        "mediation_type": "people", "title": "三人讨要工钱", "description": "三名工人被拖欠工资",
        "contact_phone": "13900003333", "applicant_kind": "person", "applicant_name": "赵一",
        "respondent_kind": "organisation", "respondent_name": "某建筑公司",
        "more_parties": "申请人，钱二，13900003334\n申请人，孙三，刘家村5组"})
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Dispute.objects.get(title="三人讨要工钱")
    applicants = list(d.parties.filter(role="applicant").values_list("name", flat=True))
    assert applicants == ["赵一", "钱二", "孙三"] and d.parties.count() == 4
    assert d.parties.get(name="钱二").phone == "13900003334"
    d = f.to_agreed(users.clerk, d)
    text = _text(documents.agreement_docx(d))
    for name in ("赵一", "钱二", "孙三"):
        assert f"申请人（签名、盖章或者按指印）：{name}" in text
    assert text.count("（签名、盖章或者按指印）") == 4
    assert "本协议一式五份" in text and "人民调解员（签名）：" in text
    assert "各方当事人的责任" in text
    # the API takes many applicants too
    r = api_for(users.clerk).post("/api/disputes/", {
        "channel": "walk_in", "village": tree.liu.pk, "kind": "劳动争议", "title": "三人欠薪", "description": "欠薪",
        "contact_phone": "13900004444", "parties": [{"role": "applicant", "name": n} for n in ("甲", "乙", "丙")]},
        format="json")
    assert r.status_code == 201
    assert Dispute.objects.get(pk=r.json()["id"]).parties.filter(role="applicant").count() == 3


def test_bad_party_lines_refused_nothing_stored(users, tree, client_for):
    r = client_for(users.clerk).post("/work/disputes/new/", {
        "channel": "walk_in", "village": tree.liu.pk, "kind": DisputeKind.objects.get(code="labour").pk,
        "mediation_type": "people", "title": "t", "description": "d", "contact_phone": "13900003333",
        "applicant_kind": "person", "applicant_name": "赵一", "respondent_kind": "person",
        "more_parties": "朋友，钱二"})
    assert r.status_code == 400 and "申请人" in r.content.decode()
    assert Dispute.objects.count() == 0


def test_edit_and_remove_parties_audited_and_version_checked(users, tree, api_for, client_for):
    from fazhi.core.models import AuditEvent

    d = f.dispute(users.clerk, tree, applicant="张一", respondent="李二")
    api = api_for(users.clerk)
    respondent = d.parties.get(role="respondent")
    r = api.patch(f"/api/disputes/{d.pk}/parties/{respondent.pk}/", {"version": 0, "name": "李二明",
                                                                      "phone": "13900005555"}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "李二明"
    r = api.patch(f"/api/disputes/{d.pk}/parties/{respondent.pk}/", {"version": 0, "name": "x"}, format="json")
    assert r.status_code == 409
    r = api.patch(f"/api/disputes/{d.pk}/parties/{respondent.pk}/", {"version": 1, "phone": "123"}, format="json")
    assert r.status_code == 400 and "电话号码格式不正确" in r.json()["detail"]
    applicant = d.parties.get(role="applicant")
    r = api.delete(f"/api/disputes/{d.pk}/parties/{applicant.pk}/", {"version": 1}, format="json")
    assert r.status_code == 400 and "唯一的申请人" in r.json()["detail"]
    other = f.dispute(users.clerk, tree)
    r = api.delete(f"/api/disputes/{other.pk}/parties/{respondent.pk}/", {"version": 0}, format="json")
    assert r.status_code == 404
    r = client_for(users.clerk).post(f"/work/disputes/{d.pk}/parties/{respondent.pk}/",
                                     {"version": 1, "remove": "1"})
    assert r.status_code == 302
    assert list(d.parties.values_list("name", flat=True)) == ["张一"]
    labels = list(AuditEvent.objects.filter(object_id=str(d.pk)).values_list("action_label", flat=True))
    assert "修改当事人" in labels and "删除当事人" in labels
    assert api_for(users.other_clerk).patch(f"/api/disputes/{d.pk}/parties/{applicant.pk}/",
                                            {"version": 2, "name": "x"}, format="json").status_code == 404
    assert Party.objects.get(pk=applicant.pk).name == "张一"
