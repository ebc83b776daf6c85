import datetime

import pytest

from fazhi.core import audit, clock, files, workdays
from fazhi.core.errors import Conflict, DomainError, NotAllowed, TransitionNotAllowed
from fazhi.governance import services
from fazhi.governance.models import DisclosureItem, DisclosureRequest

from . import factories as f

pytestmark = pytest.mark.django_db


def test_publish_records_timeliness_and_audit(users, tree):
    on_time = f.item(users, tree, day=datetime.date(2023, 3, 1), formed=datetime.date(2023, 2, 20))
    late = f.item(users, tree, day=datetime.date(2023, 5, 4), formed=datetime.date(2023, 3, 1), late_reason="材料移交延误")
    assert on_time.is_timely is True and late.is_timely is False
    # 2023-03-01 + 20 working days; the Qingming and Labour Day holidays are skipped
    assert late.due_date == workdays.add_working_days(datetime.date(2023, 3, 1), 20)
    assert audit.timeline(on_time).filter(action="transition", action_label="确认发布").exists()
    assert late.late_reason == "材料移交延误" and on_time.late_reason == ""


def test_disclosure_publish_for_reports_with_bytes_attachment(users, tree):
    from fazhi.governance.documents import reply_letter  # any docx bytes will do
    req = f.request(tree)
    with clock.frozen(datetime.date(2023, 3, 2)):
        req = services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer", reply_type="disclosed",
                                          reply_text="予以公开。")
    data = reply_letter(req)
    with clock.frozen(datetime.date(2024, 3, 20)):
        item = services.disclosure_publish(actor=users.leader, node=tree.sub, category_code="annual_report",
                                           title="稷下街道2023年法治政府建设年度报告", body="正文", formed_on=datetime.date(2024, 3, 15),
                                           attachments=(("年度报告.docx", data),))
    assert item.category.name == "法治政府建设年度报告"
    stored = list(files.files_of(item))
    assert len(stored) == 1 and stored[0].is_public


def test_publish_refused_without_permission_or_bad_category(users, tree):
    with pytest.raises(NotAllowed):
        services.disclosure_publish(actor=users.clerk, node=tree.sub, category_code="work_news", title="x", body="", formed_on=datetime.date(2023, 1, 1))
    with pytest.raises(DomainError):
        services.disclosure_publish(actor=users.disclosure, node=tree.sub, category_code="nope", title="x", body="", formed_on=datetime.date(2023, 1, 1))
    assert DisclosureItem.objects.count() == 0


def test_withdraw_is_recorded_never_deleted(users, tree):
    item = f.item(users, tree)
    with pytest.raises(DomainError):
        services.disclosure_withdraw(actor=users.disclosure, item_id=item.pk, reason="  ")
    with pytest.raises(Conflict):
        services.disclosure_withdraw(actor=users.disclosure, item_id=item.pk, reason="信息有误", version=item.version + 5)
    services.disclosure_withdraw(actor=users.disclosure, item_id=item.pk, reason="信息有误，更正后重新发布")
    item.refresh_from_db()
    assert item.status == "withdrawn" and item.withdraw_reason.startswith("信息有误")
    assert audit.timeline(item).filter(action="transition", action_label="撤回公开").exists()


def test_request_deadline_across_national_day_2024(users, tree):
    req = f.request(tree, day=datetime.date(2024, 9, 27))
    # 9-29 (Sunday) is a make-up working day, 10-1..10-7 are the National Day holiday, 10-12 (Saturday) works
    assert req.due_date == datetime.date(2024, 10, 30)
    explain = services.request_deadline(req).explain()
    assert "国庆节" in explain and "第三十三条" in explain


def test_request_correction_restarts_clock_and_shows_waiting(users, tree):
    req = f.request(tree, day=datetime.date(2023, 3, 1))
    with clock.frozen(datetime.date(2023, 3, 3)):
        req = services.request_transition(actor=users.disclosure, request_id=req.pk, name="request_correction", reason="请写明文件名称")
    assert req.status == "correcting"
    with clock.frozen(datetime.date(2023, 3, 13)):
        req = services.request_transition(actor=users.disclosure, request_id=req.pk, name="submit_correction",
                                          corrected_on=datetime.date(2023, 3, 13))
    assert req.waiting_days == 10 and req.clock_start == datetime.date(2023, 3, 13)
    assert req.due_date == workdays.add_working_days(datetime.date(2023, 3, 13), 20)


def test_request_extension_once_with_approval(users, tree):
    req = f.request(tree, day=datetime.date(2023, 3, 1))
    base_due = req.due_date
    with clock.frozen(datetime.date(2023, 3, 20)):
        with pytest.raises(TransitionNotAllowed):  # the officer cannot approve their own extension
            services.request_transition(actor=users.disclosure, request_id=req.pk, name="approve_extension")
        services.request_transition(actor=users.disclosure, request_id=req.pk, name="request_extension", reason="情况复杂")
        req = services.request_transition(actor=users.leader, request_id=req.pk, name="approve_extension")
        assert req.extended and req.extension_approved_by == users.leader
        assert req.due_date == workdays.add_working_days(base_due, 20)
        with pytest.raises(TransitionNotAllowed, match="不得再次延长"):
            services.request_transition(actor=users.disclosure, request_id=req.pk, name="request_extension", reason="再延")


def test_request_without_phone_refused(tree):
    with pytest.raises(DomainError, match="联系电话"):
        services.request_submit(node=tree.sub, applicant_name="张三", phone="", content="申请公开某文件")
    with pytest.raises(DomainError):
        services.request_submit(node=tree.sub, applicant_name="张三", phone="12345", content="申请公开某文件")
    assert DisclosureRequest.objects.count() == 0


def test_reply_forms_need_reason_and_body(users, tree):
    req = f.request(tree)
    with clock.frozen(datetime.date(2023, 3, 5)):
        with pytest.raises(DomainError, match="理由"):
            services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer", reply_type="not_disclosed",
                                        reply_text="不予公开")
        with pytest.raises(DomainError):
            services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer", reply_type="not_responsible",
                                        reply_text="请向他机关申请")
        req = services.request_transition(actor=users.disclosure, request_id=req.pk, name="answer", reply_type="not_responsible",
                                          reply_text="请向他机关申请", referred_body="临淄区住建局")
    assert req.status == "answered" and req.answered_on == datetime.date(2023, 3, 5)


def test_tracking_codes_are_not_sequential(tree):
    codes = [f.request(tree, phone=f"1390533{i:04d}").tracking_code for i in range(5)]
    assert len(set(codes)) == 5 and all(c.startswith("GK") and len(c) == 12 for c in codes)
    assert sorted(codes) != codes or len({c[2:] for c in codes}) == 5


def test_normative_number_unique_and_formatted(users, tree):
    m = f.meeting(users, tree, day=datetime.date(2023, 2, 20), agenda=("审议一", "审议二"))
    items = list(m.items.all())
    docs = []
    for i in range(2):
        doc = f.document_reviewed(users, tree)
        with clock.frozen(datetime.date(2023, 2, 21)):
            services.document_transition(actor=users.leader, document_id=doc.pk, name="decide", agenda_item=items[i].pk)
        docs.append(doc)
    with clock.frozen(datetime.date(2023, 2, 22)):
        d1 = services.document_transition(actor=users.office, document_id=docs[0].pk, name="register", number_seq=1)
        assert d1.doc_number == "稷下发〔2023〕1号"
        with pytest.raises(DomainError, match="已被"):
            services.document_transition(actor=users.office, document_id=docs[1].pk, name="register", number_seq=1)
        d2 = services.document_transition(actor=users.office, document_id=docs[1].pk, name="register")
        assert d2.doc_number == "稷下发〔2023〕2号"


def test_normative_cannot_publish_or_decide_before_review(users, tree):
    with clock.frozen(datetime.date(2023, 2, 1)):
        doc = services.document_create(actor=users.office, node=tree.sub, title="某办法", body="内容")
        with pytest.raises(TransitionNotAllowed):
            services.document_transition(actor=users.office, document_id=doc.pk, name="publish")
        doc = services.document_transition(actor=users.office, document_id=doc.pk, name="open_comment")
        with pytest.raises(TransitionNotAllowed, match="期满"):
            services.document_transition(actor=users.office, document_id=doc.pk, name="close_comment")
    with clock.frozen(doc.comment_end + datetime.timedelta(days=1)):
        services.document_transition(actor=users.office, document_id=doc.pk, name="close_comment")
        services.document_transition(actor=users.office, document_id=doc.pk, name="submit_review")
        with pytest.raises(TransitionNotAllowed):  # office staff is not a legal reviewer
            services.document_transition(actor=users.office, document_id=doc.pk, name="approve_review", opinion="同意同意同意同意同意同意")
        with pytest.raises(DomainError, match="书面审核意见"):
            services.document_transition(actor=users.reviewer, document_id=doc.pk, name="approve_review", opinion="")
    doc.refresh_from_db()
    assert doc.status == "in_review"


def test_comment_period_default_seven_working_days(users, tree):
    with clock.frozen(datetime.date(2024, 9, 27)):
        doc = services.document_create(actor=users.office, node=tree.sub, title="某办法", body="内容")
        doc = services.document_transition(actor=users.office, document_id=doc.pk, name="open_comment")
    # 9-29 (make-up), 9-30, then 10-8, 10-9, 10-10, 10-11, 10-12 (make-up Saturday)
    assert doc.comment_end == datetime.date(2024, 10, 12)


def test_decision_decide_refused_until_steps_done(users, tree):
    with clock.frozen(datetime.date(2023, 3, 1)):
        d = services.decision_create(actor=users.office, node=tree.sub, year=2023, title="老旧小区改造", hearing_required=True)
        services.decision_transition(actor=users.office, decision_id=d.pk, name="start")
    m = f.meeting(users, tree, day=datetime.date(2023, 4, 20))
    item = m.items.first()
    with clock.frozen(datetime.date(2023, 4, 21)):
        with pytest.raises(TransitionNotAllowed, match="听证"):
            services.decision_transition(actor=users.leader, decision_id=d.pk, name="decide", agenda_item=item.pk, decision_text="同意")
        with pytest.raises(DomainError, match="不能免除"):
            services.decision_step_waive(actor=users.office, decision_id=d.pk, kind="legality", reason="无需审查")
        with pytest.raises(DomainError, match="听证会"):
            services.decision_step_record(actor=users.office, decision_id=d.pk, kind="hearing", evidence="已听证完毕")
        services.hearing_create(actor=users.office, decision_id=d.pk, notice_on=datetime.date(2023, 4, 1), notice_text="公告",
                                held_on=datetime.date(2023, 4, 10), place="会议室", participants="居民代表5人", record="笔录")
        for kind in ("public_participation", "hearing", "expert", "legality"):
            services.decision_step_record(actor=users.office, decision_id=d.pk, kind=kind, evidence="已完成，材料附后")
        with pytest.raises(TransitionNotAllowed, match="风险评估"):
            services.decision_transition(actor=users.leader, decision_id=d.pk, name="decide", agenda_item=item.pk, decision_text="同意")
        services.decision_step_waive(actor=users.office, decision_id=d.pk, kind="risk", reason="不涉及社会稳定风险，经研究不适用")
        d = services.decision_transition(actor=users.leader, decision_id=d.pk, name="decide", agenda_item=item.pk, decision_text="同意")
    assert d.status == "decided" and d.agenda_item == item
    assert d.steps.get(kind="collective").status == "done"


def test_meeting_guest_must_be_village_of_subdistrict(users, tree):
    m = f.meeting(users, tree, guests=False, approve=False)
    with pytest.raises(DomainError, match="村"):
        services.meeting_add_attendee(actor=users.office, meeting_id=m.pk, name="东齐书记", village=tree.dongqi)
    with pytest.raises(NotAllowed):
        services.meeting_add_item(actor=users.disclosure, meeting_id=m.pk, title="x")


def test_recompute_hook_registered():
    assert any(fn.__module__ == "fazhi.governance.services" for fn in workdays._recompute_hooks)


def test_filing_receipt_file_and_renewal_reminder(users, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.governance.todos import todos

    m = f.meeting(users, tree, day=datetime.date(2023, 2, 20))
    doc = f.document_reviewed(users, tree)
    with clock.frozen(datetime.date(2023, 2, 21)):
        services.document_transition(actor=users.leader, document_id=doc.pk, name="decide", agenda_item=m.items.first().pk)
        services.document_transition(actor=users.office, document_id=doc.pk, name="register", valid_years=2)
        services.document_transition(actor=users.office, document_id=doc.pk, name="publish")
        doc = services.document_transition(
            actor=users.office, document_id=doc.pk, name="file", filing_body="临淄区人民政府", filing_receipt="临备〔2023〕1号",
            attachments=[SimpleUploadedFile("回执.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")])
        assert files.files_of(doc).count() == 1
        assert doc.valid_until == datetime.date(2025, 2, 21) and doc.review_due == datetime.date(2024, 8, 21)
        with pytest.raises(TransitionNotAllowed, match="尚未到评估清理期"):
            services.document_transition(actor=users.office, document_id=doc.pk, name="renew", reason="继续施行")
    with clock.frozen(datetime.date(2024, 9, 2)):
        assert "规范性文件到期评估清理" in [t.label for t in todos(users.office)]
        doc = services.document_transition(actor=users.office, document_id=doc.pk, name="renew", valid_years=3,
                                           reason="经评估，继续施行")
        assert doc.status == "filed" and doc.valid_until == datetime.date(2027, 9, 2)
        assert "规范性文件到期评估清理" not in [t.label for t in todos(users.office)]
