import datetime

import pytest

from fazhi.core import clock
from fazhi.core.errors import Conflict, DomainError, NotAllowed, NotFound, TransitionNotAllowed
from fazhi.core.models import AuditEvent
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor, Booking, Consultation, OfficeHour, ServiceRecord

from . import factories as f

pytestmark = pytest.mark.django_db


def test_booking_twice_and_capacity(tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu, capacity=2)
    services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")
    with pytest.raises(DomainError, match="已经预约过"):
        services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")
    services.booking_create(office_hour_id=slot.pk, name="李四", phone="13900002222", topic="工资")
    with pytest.raises(DomainError, match="预约已满"):
        services.booking_create(office_hour_id=slot.pk, name="王五", phone="13900003333", topic="合同")
    assert Booking.objects.filter(office_hour=slot).count() == 2


def test_booking_in_the_past_or_today_after_start_refused(tree, users, legal):
    past = f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="已经过去"):
        services.booking_create(office_hour_id=past.pk, name="张三", phone="13900001111", topic="宅基地")
    day = datetime.date(2023, 6, 7)
    s = f.slot(users.judicial, tree.liu, legal.liu, date=day)
    with clock.frozen(clock.at_local(day, 10, 0)):
        with pytest.raises(DomainError, match="已经过去"):
            services.booking_create(office_hour_id=s.pk, name="张三", phone="13900001111", topic="宅基地")
    with clock.frozen(clock.at_local(day, 8, 0)):
        services.booking_create(office_hour_id=s.pk, name="张三", phone="13900001111", topic="宅基地")
    assert Booking.objects.count() == 1


def test_booking_bad_input_and_cancelled_slot(tree, users, legal):
    slot = f.slot(users.judicial, tree.liu, legal.liu)
    with pytest.raises(DomainError) as exc:
        services.booking_create(office_hour_id=slot.pk, name="", phone="123", topic="x" * 600)
    assert set(exc.value.field_errors) == {"name", "phone", "topic"}
    with pytest.raises(NotFound):
        services.booking_create(office_hour_id=999999, name="张三", phone="13900001111", topic="宅基地")
    services.office_hour_transition(actor=users.advisor, office_hour=slot, name="cancel", reason="顾问出差")
    with pytest.raises(DomainError, match="已取消"):
        services.booking_create(office_hour_id=slot.pk, name="张三", phone="13900001111", topic="宅基地")
    assert not Booking.objects.exists()


def test_monthly_rule_generates_slots():
    assert services.nth_weekday(2023, 3, 2, 1) == datetime.date(2023, 3, 1)  # first Wednesday of March 2023
    assert services.nth_weekday(2023, 3, 2, -1) == datetime.date(2023, 3, 29)
    assert services.nth_weekday(2023, 12, 4, -1) == datetime.date(2023, 12, 29)


def test_rule_create_generates_a_year(tree, users, legal):
    rule = services.office_hour_rule_create(
        actor=users.judicial, node=tree.liu, advisor=legal.liu, week_of_month=1, weekday=2, start_time=datetime.time(9),
        end_time=datetime.time(11, 30), place="刘家村服务站", capacity=6, generate_from=datetime.date(2023, 1, 1), months=12)
    dates = list(rule.slots.values_list("date", flat=True).order_by("date"))
    assert len(dates) == 12 and dates[0] == datetime.date(2023, 1, 4) and all(d.weekday() == 2 and d.day <= 7 for d in dates)
    assert str(rule) == "每月第一个周三 09:00–11:30"
    # generating again creates nothing new
    assert services.office_hours_generate(actor=users.judicial, rule=rule, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)) == 0
    with pytest.raises(DomainError, match="结束时间"):
        services.office_hour_rule_create(actor=users.judicial, node=tree.liu, advisor=legal.liu, week_of_month=1, weekday=2,
                                         start_time=datetime.time(12), end_time=datetime.time(11), place="x")


def test_office_hour_transitions(tree, users, legal):
    future = f.slot(users.judicial, tree.liu, legal.liu)
    with pytest.raises(TransitionNotAllowed, match="当天或之后"):
        services.office_hour_transition(actor=users.advisor, office_hour=future, name="hold")
    past = f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() - datetime.timedelta(days=2))
    with pytest.raises(TransitionNotAllowed, match="需要填写理由"):
        services.office_hour_transition(actor=users.advisor, office_hour=past, name="miss")
    with pytest.raises(NotFound):  # another village's slot: outside scope is 404, as everywhere
        services.office_hour_transition(actor=users.advisor_yang, office_hour=past, name="hold")
    with pytest.raises(TransitionNotAllowed, match="不能取消"):
        services.office_hour_transition(actor=users.advisor, office_hour=past, name="cancel", reason="x")
    s = services.office_hour_transition(actor=users.advisor, office_hour=past, name="hold", people_received=7, version=0)
    assert s.status == OfficeHour.Status.HELD and s.people_received == 7
    with pytest.raises(Conflict):
        services.office_hour_transition(actor=users.advisor, office_hour=past, name="hold", version=0)
    other = f.slot(users.judicial, tree.liu, legal.liu, date=clock.today() - datetime.timedelta(days=3))
    with pytest.raises(DomainError, match="0至5000"):
        services.office_hour_transition(actor=users.advisor, office_hour=other, name="hold", people_received=-3)
    assert OfficeHour.objects.get(pk=other.pk).status == OfficeHour.Status.PLANNED
    assert AuditEvent.objects.filter(object_type="legalservice.officehour", object_id=str(past.pk), action="transition").count() == 1


def test_consultation_routed_answered_published_masked(tree, users, legal):
    c = f.consultation(tree.liu, name="张三丰", question="我叫张三丰，电话13912345678，身份证370305199001011234，宅基地能否继承？")
    assert c.advisor == legal.liu and c.status == Consultation.Status.PENDING and len(c.code) == 10
    assert c.due_date is not None
    with pytest.raises(NotFound):  # another village's question: outside scope is 404, as everywhere
        services.consultation_answer(actor=users.advisor_yang, consultation=c, answer="可以")
    with pytest.raises(TransitionNotAllowed):  # publishing before an answer is not offered
        services.consultation_publish(actor=users.judicial, consultation=c)
    c = services.consultation_answer(actor=users.advisor, consultation=c, answer="可以继承房屋，宅基地随房屋。", version=0)
    assert c.status == Consultation.Status.ANSWERED and c.answered_by == users.advisor
    with pytest.raises(TransitionNotAllowed):  # advisors may not publish
        services.consultation_publish(actor=users.advisor, consultation=c)
    with pytest.raises(Conflict):
        services.consultation_publish(actor=users.judicial, consultation=c, version=0)
    c = services.consultation_publish(actor=users.judicial, consultation=c, version=c.version)
    assert c.is_published and "张三丰" not in c.public_question and "张**" in c.public_question
    assert "13912345678" not in c.public_question and "370305199001011234" not in c.public_question
    c = services.consultation_unpublish(actor=users.judicial, consultation=c, reason="重新整理")
    assert not c.is_published
    c = services.consultation_publish(actor=users.judicial, consultation=c, public_question="张三丰问：请拨打 13912345678")
    assert c.public_question == "张**问：请拨打 ［电话已隐去］"


def test_consultation_bad_input(tree, users, legal):
    with pytest.raises(DomainError) as exc:
        services.consultation_create(village=tree.liu, asker_name="张三", phone="13900001111", title="长问题", question="字" * 20000)
    assert "不能超过2000个字" in exc.value.field_errors["question"]
    with pytest.raises(DomainError):
        services.consultation_create(village=tree.sub, asker_name="张三", phone="13900001111", title="t", question="q")
    with pytest.raises(DomainError):
        services.consultation_create(village=tree.liu, asker_name="张三", phone="abc", title="t", question="q")
    assert not Consultation.objects.exists()
    # script tags are stored as text and escaped wherever shown (see test_views)
    c = services.consultation_create(village=tree.liu, asker_name="张三", phone="13900001111", title="<b>t</b>",
                                     question="<script>alert(1)</script>")
    assert c.question == "<script>alert(1)</script>"


def test_consultation_routes_to_fulltime_without_village_advisor(tree, users):
    ft = f.advisor(users.judicial, kind=Advisor.Kind.FULLTIME, node=tree.sub)
    c = f.consultation(tree.yang)
    assert c.advisor == ft


def test_service_record_bad_numbers(tree, users, legal):
    for people, message in ((-1, "0至5000"), (999999, "0至5000"), ("abc", "整数")):
        with pytest.raises(DomainError, match=message):
            f.record(users.advisor, tree.liu, legal.liu, people=people)
    with pytest.raises(DomainError, match="用时"):
        f.record(users.advisor, tree.liu, legal.liu, hours="-2")
    with pytest.raises(DomainError, match="晚于今天"):
        f.record(users.advisor, tree.liu, legal.liu, date=clock.today() + datetime.timedelta(days=3))
    with pytest.raises((NotAllowed, NotFound)):  # 大杨村's advisor cannot record for 刘家村
        f.record(users.advisor_yang, tree.liu, legal.yang)
    with pytest.raises((NotAllowed, NotFound)):
        f.record(users.other_admin, tree.liu, legal.liu)
    assert not ServiceRecord.objects.exists()
    r = f.record(users.advisor, tree.liu, legal.liu, people=80)
    with pytest.raises(Conflict):
        services.service_record_update(actor=users.judicial, record=r, version=5, node=tree.liu, advisor=legal.liu, kind="lecture",
                                       date=r.date, title="x", people_served=1)
    r = services.service_record_update(actor=users.judicial, record=r, version=0, node=tree.liu, advisor=legal.liu, kind="lecture",
                                       date=r.date, title="宪法讲座", people_served=90)
    assert r.people_served == 90 and r.version == 1


def test_photo_not_an_image_or_too_big(tree, users, legal, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = f.record(users.advisor, tree.liu, legal.liu)
    with pytest.raises(DomainError, match="不是允许的类型|扩展名"):
        services.service_record_add_photo(actor=users.advisor, record=r, upload=SimpleUploadedFile("a.png", b"%PDF-1.4 not an image"))
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 50}
    with pytest.raises(DomainError, match="超过大小上限"):
        services.service_record_add_photo(actor=users.advisor, record=r, upload=f.png_upload())
    settings.FAZHI = {**settings.FAZHI, "UPLOAD_MAX_BYTES": 10 * 1024 * 1024}
    stored = services.service_record_add_photo(actor=users.advisor, record=r, upload=f.png_upload())
    assert stored.content_type == "image/png"


def test_advisor_validation_and_scope(tree, users, legal):
    with pytest.raises(DomainError, match="至少要服务一个"):
        f.advisor(users.judicial, None)
    with pytest.raises((NotAllowed, NotFound)):
        f.advisor(users.judicial, tree.dongqi)
    with pytest.raises(NotAllowed):
        f.advisor(users.advisor, tree.liu)
    with pytest.raises(DomainError, match="法律顾问"):
        f.advisor(users.judicial, tree.liu, user=users.clerk)
    with pytest.raises(DomainError, match="电话号码"):
        services.advisor_create(actor=users.judicial, kind="village", name="a", law_firm="b", licence_number="c", phone="12",
                                villages=[tree.liu])
    a = services.advisor_update(actor=users.judicial, advisor=legal.liu, version=0, kind="village", name="孙立法",
                                law_firm="新律所", licence_number=legal.liu.licence_number, villages=[tree.liu, tree.yang])
    assert a.version == 1 and set(a.villages.all()) == {tree.liu, tree.yang}
    with pytest.raises(Conflict):
        services.advisor_update(actor=users.judicial, advisor=a, version=0, kind="village", name="x", law_firm="y",
                                licence_number="z", villages=[tree.liu])


def test_mediation_record_links_a_dispute(tree, users, legal):
    from fazhi.disputes.tests import factories as dispute_factories

    d = dispute_factories.dispute(users.clerk, tree)
    r = services.service_record_create(actor=users.judicial, node=tree.liu, advisor=legal.liu, kind="mediation",
                                       date=clock.today(), title="参与邻里纠纷调解", people_served=2, dispute=d)
    assert r.dispute == d and d.legal_services.get() == r
    with pytest.raises(DomainError, match="参与调解"):
        services.service_record_create(actor=users.judicial, node=tree.liu, advisor=legal.liu, kind="lecture",
                                       date=clock.today(), title="讲座", people_served=2, dispute=d)
    with pytest.raises(DomainError, match="管辖范围"):
        services.service_record_create(actor=users.advisor_yang, node=tree.yang, advisor=legal.yang, kind="mediation",
                                       date=clock.today(), title="调解", people_served=2, dispute=d)


def test_answer_deadline_is_a_rule_and_recomputes(tree, users, legal):
    from fazhi.core import workdays
    from fazhi.core.models import DeadlineRule
    from fazhi.legalservice import selectors

    rule = DeadlineRule.objects.get(code=services.ANSWER_RULE)
    assert rule.amount == 5 and "5个工作日" in rule.legal_basis
    with clock.frozen(datetime.date(2023, 9, 28)):  # before the National Day holiday
        c = f.consultation(tree.liu)
    assert c.due_date == datetime.date(2023, 10, 11)  # 9.29–10.6 holiday, 10.7–10.8 make-up working days
    assert "跳过节假日" in services.answer_deadline(c).explain()
    rule.amount = 1
    rule.save()
    changed = workdays.recompute_open_deadlines(actor=None)
    assert changed["fazhi.legalservice.services.consultations.recompute"] == 1
    c.refresh_from_db()
    assert c.due_date == datetime.date(2023, 10, 7)
    assert list(selectors.consultation_list(user=users.advisor, filters={"due": "overdue"})) == [c]
    assert not selectors.consultation_list(user=users.advisor_yang, filters={"due": "overdue"}).exists()
