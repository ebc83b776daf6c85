"""Figures of 普法、培训与学法 for the annual report and the dashboard — all counted from records.

Only events that were actually held count (plans and cancelled events do not). Reach is the sum of the people
reached per audience group, so "reach by group" and "people reached" can never disagree.
"""
from decimal import Decimal

from django.db.models import Count, Q, Sum

from fazhi.core.figures import figure, within

from .models import (
    AudienceGroup,
    Event,
    EventReach,
    KeyDate,
    Leader,
    Site,
    StaffAttendance,
    StaffTraining,
    StudySession,
    Target,
)


def _whole(value):
    """Decimal sums as a plain int when whole (105000 元, not 105000.00 元), so every database formats alike."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else value.normalize()


def held_events(node, start, end):
    return within(Event.objects.filter(status=Event.Status.HELD, date__range=(start, end)), node)


def _reach(node, start, end):
    return EventReach.objects.filter(event__in=held_events(node, start, end).values("pk"))


def _params(**extra):
    return lambda node, start, end: {"status": Event.Status.HELD, **extra}


@figure("publicity.events", "普法宣传活动", unit="次", records="publicity:events", records_params=_params())
def events(node, start, end):
    return held_events(node, start, end).count()


@figure("publicity.events_by_target", "普法宣传活动（按“法律六进”）", unit="次", kind="breakdown", records="publicity:events",
        records_params=_params())
def events_by_target(node, start, end):
    counts = dict(held_events(node, start, end).values_list("target").annotate(n=Count("pk")).values_list("target", "n"))
    return {label: counts.get(value, 0) for value, label in Target.choices}


@figure("publicity.events_into_organs", "法律宣传进机关活动", unit="次", records="publicity:events",
        records_params=_params(target=Target.ORGAN))
def events_into_organs(node, start, end):
    return held_events(node, start, end).filter(target=Target.ORGAN).count()


@figure("publicity.events_by_key_date", "结合重要宣传节点开展活动", unit="次", kind="breakdown", records="publicity:events",
        records_params=_params())
def events_by_key_date(node, start, end):
    counts = dict(held_events(node, start, end).filter(key_date__isnull=False).values_list("key_date").annotate(n=Count("pk"))
                  .values_list("key_date", "n"))
    return {kd.name: counts[kd.pk] for kd in KeyDate.objects.filter(pk__in=counts.keys())}


@figure("publicity.materials", "发放宣传资料", unit="份", records="publicity:events", records_params=_params())
def materials(node, start, end):
    return held_events(node, start, end).aggregate(n=Sum("materials"))["n"] or 0


@figure("publicity.slogans", "张贴宣传标语", unit="条（幅）", records="publicity:events", records_params=_params())
def slogans(node, start, end):
    return held_events(node, start, end).aggregate(n=Sum("slogans"))["n"] or 0


@figure("publicity.people_reached", "受教育人次", unit="人次", records="publicity:events", records_params=_params())
def people_reached(node, start, end):
    return _reach(node, start, end).aggregate(n=Sum("people"))["n"] or 0


def _group_param(node, start, end, name):
    pk = AudienceGroup.objects.filter(name=name, is_active=True).values_list("pk", flat=True).first()
    return {"group": pk} if pk else {}


@figure("publicity.reach_by_audience", "受教育人次（按群体）", unit="人次", kind="breakdown", records="publicity:events",
        records_params=_params(), item_params=_group_param)
def reach_by_audience(node, start, end):
    totals = dict(_reach(node, start, end).values_list("group").annotate(n=Sum("people")).values_list("group", "n"))
    return {g.name: totals.get(g.pk, 0) for g in AudienceGroup.objects.filter(is_active=True)}


@figure("publicity.migrant_worker_share", "外出务工人员占受教育人次比例", kind="rate", records="publicity:events",
        description="2023年报告指出“对外出务工青壮年的宣传教育缺乏行之有效的方法”，此项衡量这一差距。")
def migrant_worker_share(node, start, end):
    reach = _reach(node, start, end)
    total = reach.aggregate(n=Sum("people"))["n"] or 0
    if not total:
        return 0.0
    migrants = reach.filter(group__code=AudienceGroup.MIGRANT_WORKERS).aggregate(n=Sum("people"))["n"] or 0
    return migrants / total


@figure("publicity.online_reach", "线上宣传覆盖", unit="人次", records="publicity:events", records_params=_params())
def online_reach(node, start, end):
    return held_events(node, start, end).aggregate(n=Sum("online_reach"))["n"] or 0


def _sites(node):
    return within(Site.objects.all(), node)


@figure("publicity.sites", "普法阵地", unit="个", records="publicity:sites")
def sites(node, start, end):
    """Sites in existence at the end of the period."""
    return _sites(node).filter(established_on__lte=end).count()


@figure("publicity.sites_investment", "普法阵地建设投入", unit="元", kind="amount", records="publicity:sites")
def sites_investment(node, start, end):
    """Investment in sites established in the period."""
    return _whole(_sites(node).filter(established_on__range=(start, end)).aggregate(n=Sum("investment"))["n"])


@figure("publicity.sites_population", "新建普法阵地辐射人口", unit="人", records="publicity:sites")
def sites_population(node, start, end):
    return _sites(node).filter(established_on__range=(start, end)).aggregate(n=Sum("population_served"))["n"] or 0


@figure("publicity.leaders_trained", "培训法治带头人、法律明白人", unit="人", records="publicity:leaders",
        records_params=lambda node, start, end: {"trained_year": start.year} if start.year == end.year else {})
def leaders_trained(node, start, end):
    return within(Leader.objects.filter(trainings__date__range=(start, end)), node).values("pk").distinct().count()


@figure("publicity.leaders_registered", "在册法治带头人、法律明白人", unit="人", records="publicity:leaders")
def leaders_registered(node, start, end):
    """People on the register at the end of the period (registered by then, not removed by then)."""
    on_register = Leader.objects.filter(registered_on__lte=end).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=end))
    return within(on_register, node).count()


def _study(node, start, end, kind):
    return within(StudySession.objects.filter(kind=kind, date__range=(start, end)), node).count()


@figure("publicity.study_sessions", "领导班子学法", unit="次", records="publicity:study",
        records_params=lambda n, s, e: {"kind": StudySession.Kind.STUDY})
def study_sessions(node, start, end):
    return _study(node, start, end, StudySession.Kind.STUDY)


@figure("publicity.seminars", "专题研讨", unit="次", records="publicity:study", records_params=lambda n, s, e: {"kind": StudySession.Kind.SEMINAR})
def seminars(node, start, end):
    return _study(node, start, end, StudySession.Kind.SEMINAR)


@figure("publicity.party_lectures", "专题党课", unit="次", records="publicity:study",
        records_params=lambda n, s, e: {"kind": StudySession.Kind.PARTY_LECTURE})
def party_lectures(node, start, end):
    return _study(node, start, end, StudySession.Kind.PARTY_LECTURE)


@figure("publicity.staff_training_hours", "工作人员法律培训学时", unit="小时", kind="amount", records="publicity:staff_trainings")
def staff_training_hours(node, start, end):
    trainings = within(StaffTraining.objects.filter(kind=StaffTraining.Kind.TRAINING, date__range=(start, end)), node)
    return _whole(StaffAttendance.objects.filter(training__in=trainings.values("pk")).aggregate(n=Sum("hours"))["n"])


@figure("publicity.study_topics", "领导班子学法、专题研讨、专题党课的主题", kind="text", records="publicity:study")
def study_topics(node, start, end):
    """The sessions' topics in date order (at most eight, then 等): what the leaders studied, for section 二 of the
    annual report (the first responsible person's duties)."""
    topics = list(within(StudySession.objects.filter(date__range=(start, end)), node).order_by("date", "id")
                  .values_list("topic", flat=True).distinct())
    unique = list(dict.fromkeys(topics))
    shown = "、".join(f"“{t}”" for t in unique[:8])
    return shown + ("等" if len(unique) > 8 else "")
