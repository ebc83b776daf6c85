"""Census makers: one object of each scoped model inside 稷下街道/刘家村 (see fazhi/core/tests/test_census.py)."""
import datetime

from fazhi.core import clock
from fazhi.legalservice import models as m
from fazhi.legalservice import services

from . import factories as f


def _advisor(tree, users):
    return f.advisor(users.judicial, tree.liu, name="刘家村普查顾问")


def _slot(tree, users):
    return f.slot(users.judicial, tree.liu, _advisor(tree, users))


def _rule(tree, users):
    return services.office_hour_rule_create(
        actor=users.judicial, node=tree.liu, advisor=_advisor(tree, users), week_of_month=1, weekday=2,
        start_time=datetime.time(9), end_time=datetime.time(11), place="刘家村普查服务站", months=1)


def _booking(tree, users):
    return services.booking_create(office_hour_id=_slot(tree, users).pk, name="普查群众", phone="13900009999",
                                   topic="普查咨询事项")


def _consultation(tree, users):
    return f.consultation(tree.liu, question="普查问题：宅基地能否继承？")


def _record(tree, users):
    return f.record(users.judicial, tree.liu, _advisor(tree, users))


def _station(tree, users):
    return services.station_create(actor=users.judicial, node=tree.liu, name="刘家村普查服务站", address="刘家村村委")


def _demonstration(tree, users):
    return services.demonstration_village_create(actor=users.judicial, node=tree.liu, level="district",
                                                 year=clock.today().year)


MAKERS = {
    m.Advisor: _advisor, m.OfficeHour: _slot, m.OfficeHourRule: _rule, m.Booking: _booking, m.Consultation: _consultation,
    m.ServiceRecord: _record, m.Station: _station, m.DemonstrationVillage: _demonstration,
}
