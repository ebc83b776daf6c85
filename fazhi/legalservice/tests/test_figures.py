"""Figures for a year computed from records, compared with counts made by hand from the records created here."""
import datetime

import pytest

from fazhi.core import clock, figures
from fazhi.legalservice import services
from fazhi.legalservice.models import Advisor

from . import factories as f

pytestmark = pytest.mark.django_db
Y0, Y1 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)

KEYS = ["legalservice.advisors_fulltime", "legalservice.advisors_village", "legalservice.villages_without_advisor",
        "legalservice.lectures", "legalservice.residents_served", "legalservice.services", "legalservice.services_by_type",
        "legalservice.services_by_village", "legalservice.consultations_received", "legalservice.consultations_answered",
        "legalservice.median_answer_hours", "legalservice.office_hours_planned", "legalservice.office_hours_held",
        "legalservice.office_hours_missed", "legalservice.bookings", "legalservice.stations",
        "legalservice.demonstration_villages", "legalservice.demonstration_village_names"]


def fig(key, node, start=Y0, end=Y1):
    return figures.compute(key, node, start, end)


def test_all_keys_registered():
    registered = figures.all_figures()
    assert all(k in registered for k in KEYS)


def build_year(tree, users, legal):
    j = users.judicial
    with clock.frozen(datetime.date(2023, 1, 2)):
        f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, appointed_on=datetime.date(2022, 1, 1))
        f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub)
        f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, appointed_on=datetime.date(2023, 1, 2))
    with clock.frozen(datetime.date(2024, 1, 2)):
        f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub, appointed_on=datetime.date(2024, 1, 2))  # after 2023
    with clock.frozen(datetime.date(2023, 1, 2)):
        gone = f.advisor(j, kind=Advisor.Kind.FULLTIME, node=tree.sub)
        services.advisor_update(actor=j, advisor=gone, version=0, kind="fulltime", name=gone.name, law_firm=gone.law_firm,
                                licence_number=gone.licence_number, node=tree.sub, is_active=False)
        services.station_create(actor=j, node=tree.liu, name="刘家村公共法律服务站", address="刘家村一号")
        services.station_create(actor=j, node=tree.yang, name="大杨村公共法律服务站", address="大杨村", opened_on=datetime.date(2024, 5, 1))
        services.demonstration_village_create(actor=j, node=tree.liu, level="provincial", year=2020)
        services.demonstration_village_create(actor=j, node=tree.liu, level="municipal", year=2018)
    # service records: 3 lectures (2 in 2023), people 2023 = 100 + 60 + 5 + 2
    with clock.frozen(datetime.date(2024, 3, 1)):
        services.demonstration_village_create(actor=j, node=tree.yang, level="municipal", year=2024)
        f.record(j, tree.liu, legal.liu, kind="lecture", people=100, date=datetime.date(2023, 3, 15))
        f.record(j, tree.yang, legal.yang, kind="lecture", people=60, date=datetime.date(2023, 12, 31))
        f.record(j, tree.liu, legal.liu, kind="lecture", people=999, date=datetime.date(2024, 1, 1))
        f.record(j, tree.liu, legal.liu, kind="consultation", people=5, date=datetime.date(2023, 1, 1))
        f.record(j, tree.yang, legal.yang, kind="rules_review", people=2, date=datetime.date(2023, 6, 1))
        f.record(users.other_admin, tree.dongqi, legal.dongqi, kind="lecture", people=40, date=datetime.date(2023, 6, 1))
    # consultations: 3 asked in 2023, 2 answered in 2023 after 10 h and 30 h, one asked 2022-12-31 answered 2023 after 2 h
    def ask_answer(asked, hours):
        with clock.frozen(asked):
            c = f.consultation(tree.liu)
        if hours is not None:
            with clock.frozen(asked + datetime.timedelta(hours=hours)):
                services.consultation_answer(actor=users.advisor, consultation=c, answer="答复")
    ask_answer(clock.at_local(datetime.date(2022, 12, 31), 22), 2)
    ask_answer(clock.at_local(datetime.date(2023, 2, 1), 9), 10)
    ask_answer(clock.at_local(datetime.date(2023, 5, 1), 9), 30)
    ask_answer(clock.at_local(datetime.date(2023, 12, 31), 23), None)
    # office hours 2023: 4 planned, 2 held, 1 missed, 1 cancelled; one in 2024
    slots = [f.slot(j, tree.liu, legal.liu, date=datetime.date(2023, m, 6)) for m in (1, 2, 3, 4)]
    f.slot(j, tree.liu, legal.liu, date=datetime.date(2024, 1, 6))
    with clock.frozen(datetime.date(2023, 1, 1)):
        services.booking_create(office_hour_id=slots[0].pk, name="张三", phone="13900001111", topic="x")
        services.booking_create(office_hour_id=slots[0].pk, name="李四", phone="13900002222", topic="x")
        b = services.booking_create(office_hour_id=slots[1].pk, name="王五", phone="13900003333", topic="x")
        services.booking_cancel(actor=j, booking=b, reason="群众来电取消")
        services.office_hour_transition(actor=j, office_hour=slots[3], name="cancel", reason="顾问出差")
    with clock.frozen(datetime.date(2023, 12, 1)):
        services.office_hour_transition(actor=j, office_hour=slots[0], name="hold", people_received=5)
        services.office_hour_transition(actor=j, office_hour=slots[1], name="hold", people_received=5)
        services.office_hour_transition(actor=j, office_hour=slots[2], name="miss", reason="未到")


def test_figures_match_hand_counts(tree, users, legal):
    build_year(tree, users, legal)
    sub = tree.sub
    assert fig("legalservice.advisors_fulltime", sub) == 3  # one left, one appointed in 2024
    assert fig("legalservice.advisors_fulltime", sub, end=datetime.date(2024, 12, 31)) == 4
    assert fig("legalservice.advisors_village", sub) == 2
    assert fig("legalservice.advisors_village", tree.district) == 3
    assert fig("legalservice.villages_without_advisor", sub) == 0
    assert fig("legalservice.lectures", sub) == 2
    assert fig("legalservice.lectures", tree.district) == 3
    assert fig("legalservice.lectures", tree.liu) == 1
    assert fig("legalservice.residents_served", sub) == 100 + 60 + 5 + 2
    assert fig("legalservice.services", sub) == 4
    assert fig("legalservice.services_by_type", sub) == {"法律咨询": 1, "普法讲座": 2, "审查村规民约": 1}
    assert fig("legalservice.services_by_village", sub) == {"刘家村": 2, "大杨村": 2}
    assert fig("legalservice.consultations_received", sub) == 3
    assert fig("legalservice.consultations_answered", sub) == 3
    assert fig("legalservice.median_answer_hours", sub) == 10.0
    assert fig("legalservice.median_answer_hours", tree.other) is None
    assert fig("legalservice.office_hours_planned", sub) == 4
    assert fig("legalservice.office_hours_held", sub) == 2
    assert fig("legalservice.office_hours_missed", sub) == 1
    assert fig("legalservice.bookings", sub) == 2
    assert fig("legalservice.stations", sub) == 1  # 大杨村's opened in 2024
    assert fig("legalservice.stations", sub, end=datetime.date(2024, 12, 31)) == 2
    assert fig("legalservice.demonstration_villages", sub) == 1
    assert fig("legalservice.demonstration_village_names", sub) == {"刘家村": "省级"}
    assert fig("legalservice.demonstration_village_names", sub, end=datetime.date(2024, 12, 31)) == {"刘家村": "省级", "大杨村": "市级"}


def test_village_without_advisor_is_a_gap(tree, users):
    assert fig("legalservice.villages_without_advisor", tree.sub) == 2
    a = f.advisor(users.judicial, tree.liu)
    assert fig("legalservice.villages_without_advisor", tree.sub) == 1
    assert fig("legalservice.villages_without_advisor", tree.district) == 2  # 大杨村 + 东齐村
    services.advisor_update(actor=users.judicial, advisor=a, version=0, kind="village", name=a.name, law_firm=a.law_firm,
                            licence_number=a.licence_number, villages=[tree.liu], is_active=False)
    assert fig("legalservice.villages_without_advisor", tree.sub) == 2


LISTS = {
    "/work/legal/": "advisor_list", "/work/legal/services/": "service_record_list",
    "/work/legal/consultations/": "consultation_list", "/work/legal/office-hours/": "office_hour_list",
    "/work/legal/bookings/": "booking_list", "/work/legal/stations/": "station_list",
    "/work/legal/coverage/": "village_list", "/work/legal/demonstration-villages/": "demonstration_villages",
}
TRACED = ["legalservice.advisors_fulltime", "legalservice.advisors_village", "legalservice.lectures",
          "legalservice.services", "legalservice.consultations_received", "legalservice.consultations_answered",
          "legalservice.office_hours_planned", "legalservice.office_hours_held", "legalservice.office_hours_missed",
          "legalservice.bookings", "legalservice.stations", "legalservice.villages_without_advisor",
          "legalservice.demonstration_villages"]


def test_records_links_list_exactly_what_the_figures_count(tree, users, legal):
    """Issue 14: a figure's records link opens exactly the records it counts, for the node and the period."""
    from urllib.parse import parse_qsl, urlsplit

    from fazhi.legalservice import selectors

    build_year(tree, users, legal)
    for key in TRACED:
        figure = figures.all_figures()[key]
        for node, end in ((tree.sub, Y1), (tree.district, Y1), (tree.liu, Y1), (tree.sub, datetime.date(2024, 12, 31))):
            url = urlsplit(figure.records_url(node, Y0, end))
            listed = getattr(selectors, LISTS[url.path])(user=users.admin, filters=dict(parse_qsl(url.query)))
            assert listed.count() == fig(key, node, end=end), (key, node.name, end)


def test_figure_links_open_pages_listing_exactly_the_counted_villages(client_for, tree, users, legal):
    """The gap and demonstration-village figures open paged lists of exactly the villages they count."""
    build_year(tree, users, legal)
    services.advisor_update(actor=users.judicial, advisor=legal.yang, version=0, kind="village", name=legal.yang.name,
                            law_firm="x", licence_number=legal.yang.licence_number, villages=[tree.yang], is_active=False)
    client = client_for(users.admin)
    for key, end, names in (("legalservice.villages_without_advisor", Y1, ["大杨村"]),
                            ("legalservice.demonstration_villages", Y1, ["刘家村"]),
                            ("legalservice.demonstration_village_names", datetime.date(2024, 12, 31), ["刘家村", "大杨村"])):
        page = client.get(figures.all_figures()[key].records_url(tree.sub, Y0, end))
        listed = [v.name for v in page.context["page_obj"]]
        assert listed == names, key
        value = fig(key, tree.sub, end=end)
        assert len(listed) == (len(value) if isinstance(value, dict) else value), key
    html = client.get(figures.all_figures()["legalservice.demonstration_villages"].records_url(
        tree.sub, Y0, datetime.date(2024, 12, 31))).content.decode()
    assert "省级" in html and "2020" in html and "市级" in html and "2018" in html
