import datetime

import pytest

from fazhi.core import audit, clock
from fazhi.core.errors import Conflict, DomainError, NotFound, TransitionNotAllowed
from fazhi.disputes import services
from fazhi.disputes.models import Dispute, FollowUp, RiskWord

from . import factories as f

pytestmark = pytest.mark.django_db


def test_full_lifecycle_with_audit_and_state_times(users, tree):
    room = f.room(users.judicial, tree)
    with clock.frozen(datetime.date(2024, 3, 4)):
        d = f.dispute(None, tree, requested_room=room.pk)
        assert d.status == "registered" and d.tracking_code.startswith("MT") and len(d.tracking_code) == 10
        assert d.node == tree.sub and d.level == "subdistrict" and d.due_date == datetime.date(2024, 4, 4)
    with clock.frozen(datetime.date(2024, 3, 5)):
        d = f.to_agreed(users.clerk, d, room_obj=room)
    assert d.status == "agreed" and d.resolved_on == datetime.date(2024, 3, 5)
    # +30 days is 2024-04-04, 清明节 (04-04…06 off, 04-07 a make-up working day): 民事诉讼法第八十五条第三款 → 04-07
    assert d.agreement.judicial_deadline == datetime.date(2024, 4, 7)
    with clock.frozen(datetime.date(2024, 3, 20)):
        f.run(users.clerk, d, "follow_up", performed=True, satisfaction="satisfied", note="已履行")
    d.refresh_from_db()
    assert d.status == "closed" and d.closed_on == datetime.date(2024, 3, 20)
    labels = [e.action_label for e in audit.timeline(d)]
    assert labels[:3] == ["群众网上提交", "受理", "分派"] and "回访" in labels
    assert [s.status for s in d.spans.all()] == ["registered", "accepted", "assigned", "in_mediation", "agreed", "closed"]


def test_unsatisfied_follow_up_reopens_with_reason(users, tree):
    d = f.to_agreed(users.clerk, f.dispute(users.clerk, tree))
    with pytest.raises(TransitionNotAllowed):
        f.run(users.clerk, d, "reopen", reason="")
    f.run(users.clerk, d, "reopen", reason="对方未按期疏通排水沟", performed=False)
    d.refresh_from_db()
    assert d.status == "in_mediation" and d.resolved_on is None
    fu = FollowUp.objects.get(dispute=d)
    assert fu.satisfaction == "unsatisfied" and fu.note == "对方未按期疏通排水沟"
    assert d.notices.last().title == "重新调解"


def test_forbidden_transition_changes_nothing(users, tree):
    d = f.dispute(users.clerk, tree)
    with pytest.raises(TransitionNotAllowed) as exc:
        f.run(users.clerk, d, "agree", terms="x")
    assert "不能执行" in exc.value.message
    d.refresh_from_db()
    assert d.status == "registered" and d.version == 0
    with pytest.raises(TransitionNotAllowed):  # leader may see but not accept
        f.run(users.leader, d, "accept")


def test_second_clerk_gets_conflict(users, tree):
    d = f.dispute(users.clerk, tree)
    stale = d.version
    services.dispute_transition(actor=users.clerk, dispute=d, name="accept", version=stale)
    with pytest.raises(Conflict):
        services.dispute_transition(actor=users.judicial, dispute=d, name="decline", version=stale, reason="不属于受理范围")
    d.refresh_from_db()
    assert d.status == "accepted"


def test_decline_tells_who_why_where(users, tree):
    d = f.dispute(users.clerk, tree)
    f.run(users.clerk, d, "decline", reason="已进入诉讼程序", next_steps="请向临淄区人民法院了解案件进展。")
    n = d.notices.last()
    assert n.title == "不予受理" and "司法所" in n.decided_by and n.reason == "已进入诉讼程序" and "法院" in n.next_steps


def test_escalation_grid_village_subdistrict(users, tree):
    d = f.dispute(users.grid, tree, channel="patrol", grid=tree.liu1)
    assert d.level == "grid" and d.node == tree.liu1
    f.run(users.grid, d, "escalate", reason="涉及多户，需村里协调")
    d.refresh_from_db()
    assert d.level == "village" and d.node == tree.liu
    with pytest.raises(NotFound):  # the grid worker's scope ends at the grid: the case has left it
        f.run(users.grid, d, "escalate", reason="x")
    f.run(users.mediator, d, "escalate", reason="村级调解不成")
    d.refresh_from_db()
    assert d.level == "subdistrict" and d.node == tree.sub
    with pytest.raises(TransitionNotAllowed):
        f.run(users.clerk, d, "escalate", reason="再上报")
    assert [t.to_label for t in d.transfers.all()] == ["刘家村", "稷下街道矛调中心"]


def test_transfer_between_bodies_notice_and_todo(users, tree):
    d = f.dispute(users.clerk, tree, kind_code="labour")
    f.run(users.clerk, d, "accept")
    f.run(users.clerk, d, "transfer", reason="属于劳动争议，由人社所调处", centre_body=tree.centre_body2.pk)
    d.refresh_from_db()
    assert d.centre_body == tree.centre_body2
    assert d.notices.last().title == "移交人社所办理"
    from conftest import make_user
    from fazhi.core.roles import Role
    from fazhi.disputes import todos

    rs = make_user("rs", tree.sub, Role.CLERK, tree.centre_body2)
    labels = [t.label for t in todos.todos(rs)]
    assert any("移交" in label for label in labels)


@pytest.mark.parametrize("field,value,message", [
    ("description", "长" * 10000, "不能超过5000个字"),
    ("id_number", "370305199001011234", "校验位"),
    ("contact", "12345", "电话号码格式不正确"),
])
def test_bad_input_refused_nothing_written(users, tree, field, value, message):
    kwargs = {}
    if field == "description":
        kwargs["description"] = value
    elif field == "contact":
        kwargs["contact"] = value
    before = Dispute.objects.count()
    with pytest.raises(DomainError) as exc:
        if field == "id_number":
            services.dispute_create(actor=None, channel="online", village=tree.liu, kind=f.kind(), title="t",
                                    description="d", contact_phone="13900000000",
                                    parties=[dict(role="applicant", name="张三", id_number=value)])
        else:
            f.dispute(None, tree, **kwargs)
    assert message in exc.value.message
    assert Dispute.objects.count() == before


def test_double_submit_returns_first_case(tree):
    parties = [dict(role="applicant", name="张三", phone="13900001111")]
    kw = dict(actor=None, channel="online", village=tree.liu, kind=f.kind(), title="漏水", description="楼上漏水",
              contact_phone="13900001111", parties=parties)
    a = services.dispute_create(**kw)
    b = services.dispute_create(**kw)
    assert a.pk == b.pk and b.duplicate and Dispute.objects.count() == 1


def test_risk_flags_words_and_repeat_parties(users, tree):
    d = f.dispute(None, tree, description="对方扬言要同归于尽，还说要找全村人堵路。")
    assert d.is_flagged and any("暴力" in r for r in d.risk_reasons) and any("群体" in r for r in d.risk_reasons)
    calm = f.dispute(None, tree, description="两家因院墙高度有分歧。", contact="13911112222")
    assert not calm.is_flagged
    again = f.dispute(None, tree, description="院墙又起争执。", contact="13911112222")
    assert again.is_flagged and calm.tracking_code in again.risk_reasons[0]
    RiskWord.objects.create(word="讨说法", category="group")
    d2 = f.dispute(None, tree, description="大家一起去讨说法。")
    assert d2.is_flagged


def test_deadline_across_holidays_and_kind_rule(users, tree):
    from fazhi.core.models import DeadlineRule

    DeadlineRule.objects.create(code="disputes.conclude_labour", name="劳动争议调解期限", amount=15,
                                unit="working_days", legal_basis="《劳动争议调解仲裁法》第十四条")
    k = f.kind("labour")
    k.deadline_rule_code = "disputes.conclude_labour"
    k.save()
    with clock.frozen(datetime.date(2023, 9, 27)):  # 中秋国庆 2023-09-29..10-06, 10-07/08 调休上班
        d = f.dispute(users.clerk, tree, kind_code="labour")
    assert d.due_date == datetime.date(2023, 10, 24)
    explain = services._deadline(d).explain()
    assert "国庆节" in explain or "中秋节" in explain



def test_judicial_confirmation_window_and_outcome(users, tree):
    with clock.frozen(datetime.date(2024, 5, 6)):
        d = f.to_agreed(users.clerk, f.dispute(users.clerk, tree))
    assert d.agreement.judicial_deadline == datetime.date(2024, 6, 5)
    with pytest.raises(DomainError) as exc:
        f.run(users.judicial, d, "judicial", judicial_outcome="applied", judicial_applied_on="2024-06-10")
    assert "超过30日申请期限" in exc.value.message
    with pytest.raises(TransitionNotAllowed):  # a room host may mediate but not record judicial confirmation
        f.run(users.host, d, "judicial", judicial_outcome="applied", judicial_applied_on="2024-05-10")
    f.run(users.judicial, d, "judicial", judicial_outcome="confirmed", judicial_applied_on="2024-05-10",
          judicial_decided_on="2024-05-20", judicial_court="临淄区人民法院")
    d.refresh_from_db()
    assert d.agreement.judicial_outcome == "confirmed" and d.agreement.judicial_decided_on == datetime.date(2024, 5, 20)


def test_agreement_docx_official_layout(users, tree):
    import io

    from docx import Document
    from docx.shared import Mm

    from fazhi.disputes import documents

    d = f.to_agreed(users.clerk, f.dispute(users.clerk, tree, applicant="王大明", respondent="赵小刚"))
    doc = Document(io.BytesIO(documents.agreement_docx(d)))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    title = doc.paragraphs[0]
    assert title.text == "人民调解协议书" and title.runs[0].font.name == "方正小标宋简体"
    assert doc.styles["Normal"].font.name == "仿宋_GB2312"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "王大明" in text and "赵小刚" in text and "甲方于10日内疏通排水沟" in text and "履行方式" in text
    assert "三十日内共同向人民法院申请司法确认" in text
    for make in (documents.application_docx, documents.record_docx):
        assert Document(io.BytesIO(make(d))).paragraphs[0].text.startswith("人民调解")
    from fazhi.core.tests.docx_checks import assert_official_layout

    for make, title in ((documents.agreement_docx, "人民调解协议书"), (documents.application_docx, "人民调解"),
                        (documents.record_docx, "人民调解")):
        assert_official_layout(make(d), title)  # "— 1 —" page numbers and a centred title


def test_village_mediator_handles_a_village_case_end_to_end(users, tree):
    d = f.dispute(users.mediator, tree, level="village")
    assert d.node == tree.liu
    f.run(users.mediator, d, "accept")
    with pytest.raises(DomainError) as exc:
        f.run(users.mediator, d, "assign", level="subdistrict", centre_body=tree.centre_body.pk)
    assert "上报" in exc.value.message
    with pytest.raises(TransitionNotAllowed):
        f.run(users.mediator, d, "transfer", reason="x", centre_body=tree.centre_body2.pk)
    f.run(users.mediator, d, "assign", level="village")
    f.run(users.mediator, d, "start")
    f.run(users.mediator, d, "session", place="刘家村调委会", participants="双方", record="和解")
    f.run(users.mediator, d, "agree", terms="互相道歉", performance_method="当场履行",
          performance_deadline=clock.today().isoformat())
    d.refresh_from_db()
    assert d.status == "agreed" and d.level == "village"
