"""Figures for a year, computed from records, compared with hand counts."""
from decimal import Decimal

import pytest

from fazhi.core import figures
from fazhi.publicity import services
from fazhi.publicity.models import KeyDate, Leader, StudySession, Target

from .conftest import D

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_2023")]
Y = (D(2023, 1, 1), D(2023, 12, 31))


def fig(key, node):
    return figures.compute(key, node, *Y)


def test_every_key_is_registered():
    keys = {"publicity.events", "publicity.events_by_target", "publicity.events_into_organs", "publicity.events_by_key_date",
            "publicity.materials", "publicity.slogans", "publicity.people_reached", "publicity.reach_by_audience",
            "publicity.migrant_worker_share", "publicity.online_reach", "publicity.sites", "publicity.sites_investment",
            "publicity.sites_population", "publicity.leaders_trained", "publicity.leaders_registered",
            "publicity.study_sessions", "publicity.seminars", "publicity.party_lectures", "publicity.staff_training_hours"}
    assert keys <= set(figures.all_figures())


def test_event_figures_match_hand_counts(make_event, users, tree):
    kd = KeyDate.objects.get(code="constitution_day")
    make_event(node=tree.sub, target=Target.ORGAN, key_date=kd, materials=100, slogans=2, reach={"cadres": 40}, online_reach=300,
               date=D(2023, 12, 4))
    make_event(node=tree.liu, target=Target.VILLAGE, materials=50, slogans=3, reach={"elderly": 30, "migrant_workers": 10})
    make_event(actor=users.grid, node=tree.liu1, target=Target.ORGAN, materials=7, slogans=0, reach={"cadres": 20})
    make_event(node=tree.yang, target=Target.SCHOOL, key_date=kd, materials=20, slogans=1, reach={"youth": 100}, date=D(2023, 12, 5))
    make_event(node=tree.yang, date=D(2022, 12, 30), materials=999, reach={"youth": 999})  # last year: not counted
    make_event(actor=users.other_admin, node=tree.dongqi, materials=999, reach={"youth": 999})  # other subdistrict
    plan = make_event(node=tree.liu, date=D(2024, 1, 5), materials=0, slogans=0, reach={})  # a plan: not counted
    cancelled = make_event(node=tree.liu, date=D(2024, 1, 6), materials=0, slogans=0, reach={})
    services.event_transition(actor=users.judicial, event=cancelled, name="cancel", reason="取消")
    assert plan.status == "planned"

    sub, liu = tree.sub, tree.liu
    assert fig("publicity.events", sub) == 4
    assert fig("publicity.events", liu) == 2  # the grid's event is inside the village
    assert fig("publicity.events_into_organs", sub) == 2
    assert fig("publicity.events_by_target", sub) == {"机关": 2, "乡村": 1, "社区": 0, "学校": 1, "企业": 0, "单位": 0}
    assert fig("publicity.events_by_key_date", sub) == {"12.4国家宪法日": 2}
    assert fig("publicity.materials", sub) == 177
    assert fig("publicity.slogans", sub) == 6
    assert fig("publicity.people_reached", sub) == 200
    assert fig("publicity.online_reach", sub) == 300
    reach = fig("publicity.reach_by_audience", sub)
    assert reach["党员干部"] == 60 and reach["老年人"] == 30 and reach["外出务工人员/农民工"] == 10 and reach["青少年"] == 100
    assert sum(reach.values()) == 200
    assert fig("publicity.migrant_worker_share", sub) == pytest.approx(10 / 200)
    assert fig("publicity.migrant_worker_share", tree.yang) == 0
    assert fig("publicity.people_reached", tree.district) == 200 + 999


def test_site_leader_study_and_training_figures(users, tree):
    services.site_create(actor=users.judicial, node=tree.yang, name="交通安全主题公园", kind="主题公园", established_on=D(2023, 9, 18),
                         investment=105000, population_served=61200)
    services.site_create(actor=users.judicial, node=tree.liu, name="法治广场", kind="广场", established_on=D(2021, 5, 1),
                         investment=30000, population_served=2000)
    assert fig("publicity.sites", tree.sub) == 2
    assert fig("publicity.sites_investment", tree.sub) == Decimal("105000")
    assert fig("publicity.sites_population", tree.sub) == 61200

    people = [services.leader_create(actor=users.judicial, node=tree.liu if i % 2 else tree.yang, name=f"人{i}",
                                     kind=Leader.Kind.LITERATE, registered_on=D(2023, 1, 2)) for i in range(6)]
    services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 5, 1), topic="培训一", attendees=people[:4])
    services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 10, 1), topic="培训二", attendees=people[2:5])
    services.leader_training_create(actor=users.judicial, node=tree.sub, date=D(2022, 10, 1), topic="去年", attendees=people)
    assert fig("publicity.leaders_trained", tree.sub) == 5  # distinct people, 2023 only
    assert fig("publicity.leaders_trained", tree.liu) == 2  # 人1, 人3
    assert fig("publicity.leaders_registered", tree.sub) == 6

    for kind, n in [(StudySession.Kind.STUDY, 3), (StudySession.Kind.SEMINAR, 2), (StudySession.Kind.PARTY_LECTURE, 1)]:
        for i in range(n):
            services.study_session_create(actor=users.office, node=tree.sub, kind=kind, date=D(2023, 3, 1 + i), topic="学法",
                                          speaker="书记", attendee_names="班子成员")
    services.study_session_create(actor=users.office, node=tree.sub, kind="study", date=D(2022, 3, 1), topic="旧", speaker="书记",
                                  attendee_names="班子成员")
    assert (fig("publicity.study_sessions", tree.sub), fig("publicity.seminars", tree.sub), fig("publicity.party_lectures", tree.sub)) == (3, 2, 1)

    services.staff_training_create(actor=users.judicial, node=tree.sub, date=D(2023, 3, 1), title="培训",
                                   attendance=[{"user": users.officer, "hours": 8}, {"user": users.officer2, "hours": "4.5"}])
    services.staff_training_create(actor=users.judicial, node=tree.sub, kind="exam", date=D(2023, 3, 2), title="考试",
                                   attendance=[{"user": users.officer, "hours": 2, "result": "passed"}])
    assert fig("publicity.staff_training_hours", tree.sub) == Decimal("12.5")
