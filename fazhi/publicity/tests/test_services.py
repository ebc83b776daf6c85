from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import audit, clock
from fazhi.core.errors import Conflict, DomainError, NotAllowed, NotFound, TransitionNotAllowed
from fazhi.publicity import selectors, services
from fazhi.publicity.models import Event, EventReach, Leader, StaffTraining, StudySession

from .conftest import D, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_2023")]


def test_held_event_records_reach_per_group_and_audit(make_event):
    event = make_event(reach={"elderly": 30, "migrant_workers": 5})
    assert event.status == Event.Status.HELD
    assert dict(EventReach.objects.filter(event=event).values_list("group__code", "people")) == {"elderly": 30, "migrant_workers": 5}
    events = list(audit.timeline(event))
    assert events[0].action == "create" and events[0].changes["reach"] == {"老年人": 30, "外出务工人员/农民工": 5}


@pytest.mark.parametrize("field,value,message", [
    ("materials", -1, "应在0至"), ("materials", 10_000_000, "之间（填写的是"), ("slogans", "abc", "应为整数"),
    ("online_reach", 1.5, "应为整数"),
])
def test_bad_counts_refused_with_message_and_nothing_written(make_event, field, value, message):
    with pytest.raises(DomainError) as exc:
        make_event(**{field: value})
    assert message in exc.value.message
    assert Event.objects.count() == 0


@pytest.mark.parametrize("people,message", [(-5, "应在0至"), (1_000_000, "之间（填写的是"), ("十", "应为整数")])
def test_bad_people_counts_refused(make_event, people, message):
    with pytest.raises(DomainError) as exc:
        make_event(reach={"elderly": people})
    assert message in exc.value.message
    assert Event.objects.count() == 0 and EventReach.objects.count() == 0


def test_unknown_group_refused(make_event):
    with pytest.raises(DomainError, match="未知的宣传对象群体"):
        make_event(reach={"aliens": 3})


def test_photo_that_is_not_an_image_is_refused(make_event):
    event = make_event()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image at all" * 20, content_type="image/jpeg")
    with pytest.raises(DomainError, match="未保存"):
        services.event_add_photo(actor=event.created_by, event=event, upload=fake)
    good = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    stored = services.event_add_photo(actor=event.created_by, event=event, upload=good)
    assert stored.is_image


def test_future_event_is_a_plan_with_a_record_deadline_and_no_results(make_event):
    plan = make_event(date=D(2024, 3, 15), reach={}, materials=0, slogans=0)
    assert plan.status == Event.Status.PLANNED
    assert plan.record_due == D(2024, 3, 22)  # 5 working days
    with pytest.raises(DomainError, match="尚未开展"):
        make_event(date=D(2024, 3, 15))


def test_record_transition_only_after_the_date_and_cancel_needs_reason(make_event, users):
    plan = make_event(date=D(2024, 1, 10), reach={}, materials=0, slogans=0)
    with pytest.raises(TransitionNotAllowed, match="尚未到达"):
        services.event_transition(actor=users.judicial, event=plan, name="record", reach={"youth": 5})
    with clock.frozen(D(2024, 1, 12)):
        with pytest.raises(DomainError, match="至少填写"):
            services.event_transition(actor=users.judicial, event=plan, name="record", reach={})
        held = services.event_transition(actor=users.judicial, event=plan, name="record", expected_version=0,
                                         materials=40, reach={"youth": 25})
    assert held.status == Event.Status.HELD and held.record_due is None and held.materials == 40
    with pytest.raises(TransitionNotAllowed):
        services.event_transition(actor=users.judicial, event=held, name="cancel", reason="下雨")
    other = make_event(date=D(2024, 2, 10), reach={}, materials=0, slogans=0)
    with pytest.raises(TransitionNotAllowed, match="需要填写理由"):
        services.event_transition(actor=users.judicial, event=other, name="cancel", reason=" ")
    services.event_transition(actor=users.judicial, event=other, name="cancel", reason="天气原因")
    other.refresh_from_db()
    assert other.status == Event.Status.CANCELLED and other.cancel_reason == "天气原因"


def test_stale_version_is_a_conflict_and_changes_nothing(make_event, users):
    event = make_event()
    kwargs = dict(title="改名", date=event.date, place=event.place, target=event.target, organiser_text="村委会",
                  reach={"elderly": 50})
    services.event_update(actor=users.judicial, event=event, expected_version=0, **kwargs)
    with pytest.raises(Conflict):
        services.event_update(actor=users.judicial, event=event, expected_version=0, **(kwargs | {"title": "又改名"}))
    event.refresh_from_db()
    assert event.title == "改名" and event.version == 1
    assert list(event.reach.values_list("people", flat=True)) == [50]


def test_scope_mediator_records_only_in_own_village(make_event, users, tree):
    make_event(actor=users.mediator, node=tree.liu)
    make_event(actor=users.grid, node=tree.liu1)
    with pytest.raises(NotFound):
        make_event(actor=users.mediator, node=tree.yang)
    with pytest.raises((NotAllowed, NotFound)):
        make_event(actor=users.leader, node=tree.liu)
    with pytest.raises(NotFound):
        make_event(actor=users.judicial, node=tree.dongqi)


def test_organiser_unit_of_another_subdistrict_refused(make_event, tree, users):
    from fazhi.core import services as core_services
    from fazhi.core.models import Unit

    foreign = core_services.unit_create(actor="测试", node=tree.other, kind=Unit.Kind.DEPARTMENT, name="外街司法所")
    with pytest.raises(DomainError, match="不属于该街道"):
        make_event(organiser_unit=foreign)


def test_site_and_leaders_and_training(users, tree):
    site = services.site_create(actor=users.judicial, node=tree.yang, name="交通安全主题公园", kind="主题公园",
                                established_on=D(2023, 9, 1), investment="105000", population_served=61200)
    assert site.investment == Decimal("105000.00")
    with pytest.raises(DomainError, match="应在0至"):
        services.site_create(actor=users.judicial, node=tree.yang, name="x", kind="y", established_on=D(2023, 1, 1), investment=-1)
    with pytest.raises(DomainError, match="之间（填写的是"):
        services.site_create(actor=users.judicial, node=tree.yang, name="x", kind="y", established_on=D(2023, 1, 1), population_served=10**9)
    a = services.leader_create(actor=users.judicial, node=tree.liu, name="刘明白", kind=Leader.Kind.LITERATE, phone="13800138000")
    with pytest.raises(DomainError, match="已登记"):
        services.leader_create(actor=users.judicial, node=tree.liu, name="刘明白", kind=Leader.Kind.LEADER)
    with pytest.raises(DomainError, match="电话号码格式不正确"):
        services.leader_create(actor=users.judicial, node=tree.liu, name="刘二", kind=Leader.Kind.LEADER, phone="123")
    with pytest.raises(DomainError, match="村（社区）"):
        services.leader_create(actor=users.judicial, node=tree.sub, name="街道人", kind=Leader.Kind.LEADER)
    b = services.leader_create(actor=users.judicial, node=tree.yang, name="杨带头", kind=Leader.Kind.LEADER)
    with pytest.raises(DomainError, match="不属于本次培训"):
        services.leader_training_create(actor=users.judicial, node=tree.liu, date=D(2023, 5, 1), topic="民法典", attendees=[a, b])
    t = services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 5, 1), topic="民法典", attendees=[a, b], hours=2)
    assert t.attendees.count() == 2


def test_study_session_permissions_and_validation(users, tree):
    s = services.study_session_create(actor=users.office, node=tree.sub, kind=StudySession.Kind.SEMINAR, date=D(2023, 4, 1),
                                      topic="依法决策", speaker="王书记", attendees=[users.leader], attendee_names="班子成员")
    assert s.kind == "seminar"
    with pytest.raises(NotAllowed):
        services.study_session_create(actor=users.mediator, node=tree.liu, kind="study", date=D(2023, 4, 1), topic="x", speaker="y",
                                      attendee_names="z")
    with pytest.raises(DomainError, match="参加人员"):
        services.study_session_create(actor=users.office, node=tree.sub, kind="study", date=D(2023, 4, 1), topic="x", speaker="y")
    with pytest.raises(DomainError, match="类型"):
        services.study_session_create(actor=users.office, node=tree.sub, kind="party", date=D(2023, 4, 1), topic="x", speaker="y",
                                      attendee_names="z")


def test_training_hours_by_user_for_enforcement(users, tree):
    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="行政处罚法培训",
                                   attendance=[{"user": users.officer, "hours": 8}, {"user": users.officer2, "hours": "6.5"}])
    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 9, 1), title="三项制度培训",
                                   attendance=[{"user": users.officer, "hours": 4}])
    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2022, 9, 1), title="往年培训",
                                   attendance=[{"user": users.officer, "hours": 100}])
    services.staff_training_create(actor=users.judicial, node=tree.sub, kind=StaffTraining.Kind.EXAM, date=D(2023, 7, 1),
                                   title="执法证考试", attendance=[{"user": users.officer2, "hours": 3, "result": "passed"}])
    hours = selectors.training_hours_by_user([users.officer.pk, users.officer2.pk, users.enforcement_head.pk], D(2023, 1, 1), D(2023, 12, 31))
    assert hours == {users.officer.pk: Decimal("12"), users.officer2.pk: Decimal("6.5"), users.enforcement_head.pk: Decimal("0")}
    assert all(isinstance(v, Decimal) for v in hours.values())
    with pytest.raises(DomainError, match="学时应在0至200之间"):
        services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="x",
                                       attendance=[{"user": users.officer, "hours": 5000}])
    with pytest.raises(DomainError, match="不属于本组织"):
        services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="x",
                                       attendance=[{"user": users.other_clerk, "hours": 2}])


def test_recompute_after_holiday_change(make_event, users):
    plan = make_event(date=D(2024, 3, 15), reach={}, materials=0, slogans=0)
    from fazhi.core import services as core_services

    core_services.calendar_override_set(actor=users.admin, date=D(2024, 3, 18), is_working_day=False, name="测试假日")
    plan.refresh_from_db()
    assert plan.record_due == D(2024, 3, 25)
