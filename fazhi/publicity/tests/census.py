"""Census makers: one object of each scoped model inside 稷下街道/刘家村 (see fazhi/core/tests/test_census.py)."""
import datetime
import itertools

from fazhi.core import clock
from fazhi.publicity import services
from fazhi.publicity.models import Campaign, Event, Leader, LeaderTraining, Site, StaffTraining, StudySession, Target

_seq = itertools.count(1)


def _day(days_ago=10):
    return clock.today() - datetime.timedelta(days=days_ago)


def _event(tree, users):
    return services.event_create(actor=users.judicial, node=tree.liu, title="普查普法宣传", date=_day(), place="刘家村广场",
                                 target=Target.COMMUNITY, organiser_text="刘家村村委会", reach={"elderly": 20})


def _campaign(tree, users):
    return services.campaign_create(actor=users.judicial, node=tree.liu, name="普查专项活动", start_date=_day(20),
                                    end_date=_day(5))


def _site(tree, users):
    return services.site_create(actor=users.judicial, node=tree.liu, name=f"刘家村普查法治广场{next(_seq)}", kind="广场",
                                established_on=_day(100))


def _leader(tree, users):
    return services.leader_create(actor=users.judicial, node=tree.liu, name=f"普查带头人{next(_seq)}", kind=Leader.Kind.LEADER)


def _leader_training(tree, users):
    return services.leader_training_create(actor=users.judicial, node=tree.liu, date=_day(), topic="普查培训",
                                           attendees=[_leader(tree, users)])


def _study(tree, users):
    return services.study_session_create(actor=users.office, node=tree.sub, kind=StudySession.Kind.STUDY, date=_day(),
                                         topic="普查学法", speaker="书记", attendee_names="班子成员")


def _staff_training(tree, users):
    return services.staff_training_create(actor=users.judicial, node=tree.sub, date=_day(), title="普查法律培训",
                                          attendance=[{"user": users.officer, "hours": 4}])


MAKERS = {
    Event: _event, Campaign: _campaign, Site: _site, Leader: _leader, LeaderTraining: _leader_training,
    StudySession: _study, StaffTraining: _staff_training,
}
