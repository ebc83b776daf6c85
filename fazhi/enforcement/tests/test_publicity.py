"""Public enforcement publicity: before (subject, officers, powers) and after (decisions, masked)."""
import datetime

import pytest
from django.urls import reverse

from fazhi.core import clock
from fazhi.core.errors import DomainError
from fazhi.core.models import AuditEvent
from fazhi.enforcement import services
from fazhi.enforcement.models import Publication

from .conftest import ID_NUMBER, advance, ready_to_decide


def test_public_home_shows_subject_officers_powers(enf, client):
    html = client.get(reverse("enforcement_public:home")).content.decode()
    assert "综合行政执法办公室" in html and "37030001" in html and "《城乡规划法》第六十五条" in html
    assert "行政复议" in html and "12345" in html


def test_expired_officer_not_listed_publicly(enf, users, client):
    services.officer_update(actor=users.enforcement_head, officer=enf.o2, version=enf.o2.version, certificate_number="37030002",
                            valid_from="2020-01-01", valid_until="2023-01-01")
    assert "37030002" not in client.get(reverse("enforcement_public:home")).content.decode()


def test_publication_masks_person_and_never_shows_id_or_phone(make_case, users, enf, client):
    case = advance(make_case(), users, enf, to="decided")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    assert pub.party_display == "张**" and pub.on_time
    html = client.get(reverse("enforcement_public:decision_detail", args=[pub.pk])).content.decode()
    assert "张三丰" not in html and ID_NUMBER not in html and "13800001111" not in html and "3排5号" not in html
    assert "张**" in html and "刘家村" in html
    assert AuditEvent.objects.filter(object_type="enforcement.publication", action="publish").exists()


def test_company_name_shown(make_case, users, enf):
    case = advance(make_case(party_kind="organisation", party_name="淄博某某建材有限公司", party_id_number="91370305MA3C000001",
                             party_phone=""), users, enf, to="decided")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    assert pub.party_display == "淄博某某建材有限公司"


def test_publication_leaking_id_number_refused_or_scrubbed(make_case, users, enf, client):
    case = advance(make_case(), users, enf, to="investigating")
    from fazhi.enforcement.models import StepKind


    services.step_record(actor=users.officer, case=case, kind=StepKind.INSPECTION, content="检查", place="刘家村", officers=[enf.o1.pk, enf.o2.pk])
    case = services.case_transition(actor=users.officer, case=case, name="notify", place="执法办", officers=[enf.o1.pk, enf.o2.pk], proposed_fine="500")
    case = ready_to_decide(case, users)
    case = services.case_transition(actor=users.enforcement_head, case=case, name="decide", result="penalty", fine_amount="500",
                                    decision_text=f"对当事人（身份证号{ID_NUMBER}，电话13800001111）罚款500元。", discretion_applied="一般")
    with pytest.raises(DomainError, match="含有身份证号或电话号码"):
        services.publication_publish(actor=users.disclosure, case=case)
    assert not Publication.objects.exists()
    # the same through the workbench: a clear message, nothing published
    c = __import__("django.test", fromlist=["Client"]).Client()
    c.force_login(users.disclosure)
    r = c.post(reverse("enforcement:publish", args=[case.pk]), follow=True)
    assert "含有身份证号或电话号码" in r.content.decode() and not Publication.objects.exists()
    pub = services.publication_publish(actor=users.disclosure, case=case, scrub=True)
    assert ID_NUMBER not in pub.body and "13800001111" not in pub.body and "［身份证号已隐去］" in pub.body
    html = client.get(reverse("enforcement_public:decisions")).content.decode() + \
        client.get(reverse("enforcement_public:decision_detail", args=[pub.pk])).content.decode()
    assert ID_NUMBER not in html


def test_withdrawal_audited_and_hidden(make_case, users, enf, client):
    case = advance(make_case(), users, enf, to="decided")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    with pytest.raises(DomainError, match="撤回理由"):
        services.publication_withdraw(actor=users.disclosure, publication=pub, reason="")
    pub = services.publication_withdraw(actor=users.disclosure, publication=pub, reason="原决定经复议被撤销", revoked_on="2023-06-01")
    assert pub.withdraw_due == datetime.date(2023, 6, 6)  # 3 working days: 6/2 Fri, 6/5 Mon, 6/6 Tue
    # the public page keeps a withdrawal notice (reason, date) in place of the decision (第四十八条第二款)
    html = client.get(reverse("enforcement_public:decision_detail", args=[pub.pk])).content.decode()
    assert "撤回说明" in html and "原决定经复议被撤销" in html and "2023-06-01" in html
    assert "责令限期拆除" not in html and pub.body.splitlines()[0] not in html
    assert "原决定经复议被撤销" in client.get(reverse("enforcement_public:decisions")).content.decode()
    assert AuditEvent.objects.filter(object_type="enforcement.publication", action="transition",
                                     action_label="撤回执法决定公示").exists()


def test_late_publication_marked(make_case, users, enf):
    case = advance(make_case(), users, enf, to="decided")
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 20))):
        pub = services.publication_publish(actor=users.disclosure, case=case)
    assert pub.due_date == datetime.date(2023, 6, 12) and not pub.on_time


def test_officer_cannot_publish(make_case, users, enf):
    case = advance(make_case(), users, enf, to="decided")
    with pytest.raises(DomainError):
        services.publication_publish(actor=users.officer, case=case)


def test_revoked_decision_listed_until_withdrawn(make_case, users, enf, client_for):
    from django.urls import reverse as r

    from fazhi.core.todos import todos_for

    case = advance(make_case(), users, enf, to="decided")
    pub = services.publication_publish(actor=users.disclosure, case=case)
    with pytest.raises(DomainError, match="撤销/变更日期"):
        services.publication_mark_revoked(actor=users.disclosure, publication=pub, revoked_on="", reason="复议撤销")
    pub = services.publication_mark_revoked(actor=users.disclosure, publication=pub, revoked_on="2023-06-01", reason="经复议被撤销")
    assert pub.withdraw_due == datetime.date(2023, 6, 6)
    assert "原决定已撤销/变更、待撤回的公示" in [t.label for t in todos_for(users.disclosure)]
    with clock.frozen(clock.at_local(datetime.date(2023, 6, 8))):
        html = client_for(users.disclosure).get(r("enforcement:deadlines")).content.decode()
        assert pub.title in html and "已超期" in html
        pub = services.publication_withdraw(actor=users.disclosure, publication=pub, reason="原决定已撤销")
    assert pub.revoked_on == datetime.date(2023, 6, 1) and pub.withdrawn_on > pub.withdraw_due
    assert not todos_for(users.disclosure) or "原决定已撤销/变更、待撤回的公示" not in [t.label for t in todos_for(users.disclosure)]


def test_a_publication_made_earlier_is_recorded_with_its_own_date(enf, users, make_case, api_for):
    """History entered later (issue 14): a decision published back then keeps its date, is judged on time by it and
    is audited as history — never "published today and late"."""
    case = advance(make_case(), users, enf, to="decided")  # decided 2023-06-01
    url = reverse("api_enforcement_case_publish", args=[case.pk])
    with clock.frozen(clock.at_local(datetime.date(2023, 9, 1), 10)):
        api = api_for(users.disclosure)
        for bad, word in (("2023-09-02", "不能晚于"), ("2023-05-31", "不能早于决定日期"), ("不是日期", "公示日期")):
            r = api.post(url, {"published_on": bad}, format="json")
            assert r.status_code == 400 and word in r.json()["detail"], (bad, r.json())
        r = api.post(url, {"published_on": "2023-06-05"}, format="json")
        assert r.status_code == 201, r.json()
        assert r.json()["published_on"] == "2023-06-05" and r.json()["on_time"] is True
    event = AuditEvent.objects.filter(action="publish", object_type="enforcement.publication").latest("id")
    assert event.action_label == "登记历史公示（公示日期2023-06-05）" and event.actor == users.disclosure
