"""Figures of 一村（社区）一法律顾问 and public legal services, computed from records (never stored totals).

Every figure is fn(node, start, end) with inclusive dates. Roster figures (advisors, stations, villages without an
advisor, demonstration villages) describe the state at ``end``: advisors in post appointed by ``end`` (or without an appointment date);
stations opened by ``end``; designations made in or before ``end``'s year.
"""
import datetime
import statistics

from django.db.models import Count, Sum

from fazhi.core.figures import figure, within
from fazhi.core.models import OrgNode

from .models import Advisor, Booking, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord, Station
from .selectors import villages_without_advisor_qs

CST = datetime.timezone(datetime.timedelta(hours=8))


def _period_dt(start, end):
    """Aware datetimes covering local dates [start, end]."""
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=CST),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=CST))


def _advisors(node, end):
    """Advisors in post, appointed by ``end`` (an advisor without an appointment date counts)."""
    return within(Advisor.objects.filter(is_active=True).exclude(appointed_on__gt=end), node)


def _roster(kind):
    return lambda n, s, e: {"kind": kind, "appointed_by": e.isoformat(), "start": "", "end": ""}


@figure("legalservice.advisors_fulltime", "街道专职法律顾问", unit="名", records="legalservice:advisors",
        records_params=_roster(Advisor.Kind.FULLTIME))
def advisors_fulltime(node, start, end):
    return _advisors(node, end).filter(kind=Advisor.Kind.FULLTIME).count()


@figure("legalservice.advisors_village", "村居法律顾问", unit="名", records="legalservice:advisors",
        records_params=_roster(Advisor.Kind.VILLAGE))
def advisors_village(node, start, end):
    return _advisors(node, end).filter(kind=Advisor.Kind.VILLAGE).count()


@figure("legalservice.villages_without_advisor", "未配备法律顾问的村（社区）", unit="个", records="legalservice:coverage",
        records_params=lambda n, s, e: {"missing": "1", "start": "", "end": ""})
def villages_without_advisor(node, start, end):
    return villages_without_advisor_qs(OrgNode.objects.filter(path__startswith=node.path)).count()


def _services(node, start, end):
    return within(ServiceRecord.objects.filter(date__range=(start, end)), node)


@figure("legalservice.lectures", "普法讲座", unit="场", records="legalservice:services",
        records_params=lambda n, s, e: {"kind": "lecture"})
def lectures(node, start, end):
    return _services(node, start, end).filter(kind=ServiceRecord.Kind.LECTURE).count()


@figure("legalservice.residents_served", "法律服务群众", unit="人次", records="legalservice:services")
def residents_served(node, start, end):
    return _services(node, start, end).aggregate(total=Sum("people_served"))["total"] or 0


@figure("legalservice.services", "法律服务", unit="件", records="legalservice:services")
def services(node, start, end):
    return _services(node, start, end).count()


@figure("legalservice.services_by_type", "法律服务（按类型）", unit="件", kind="breakdown", records="legalservice:services")
def services_by_type(node, start, end):
    labels = dict(ServiceRecord.Kind.choices)
    rows = _services(node, start, end).values("kind").annotate(n=Count("id")).order_by("kind")
    counts = {row["kind"]: row["n"] for row in rows}
    return {labels[k]: counts[k] for k in ServiceRecord.Kind.values if counts.get(k)}


@figure("legalservice.services_by_village", "法律服务（按村居）", unit="件", kind="breakdown", records="legalservice:services")
def services_by_village(node, start, end):
    rows = _services(node, start, end).values("node__name", "node__path").annotate(n=Count("id")).order_by("node__path")
    return {row["node__name"]: row["n"] for row in rows}


def _consultations(node):
    return within(Consultation.objects.all(), node)


@figure("legalservice.consultations_received", "收到在线咨询", unit="件", records="legalservice:consultations")
def consultations_received(node, start, end):
    lo, hi = _period_dt(start, end)
    return _consultations(node).filter(asked_at__gte=lo, asked_at__lt=hi).count()


def _answered(node, start, end):
    lo, hi = _period_dt(start, end)
    return _consultations(node).filter(status=Consultation.Status.ANSWERED, answered_at__gte=lo, answered_at__lt=hi)


@figure("legalservice.consultations_answered", "答复在线咨询", unit="件", records="legalservice:consultations",
        records_params=lambda n, s, e: {"status": "answered", "by": "answered"})
def consultations_answered(node, start, end):
    return _answered(node, start, end).count()


@figure("legalservice.median_answer_hours", "在线咨询答复用时中位数", unit="小时", kind="amount")
def median_answer_hours(node, start, end):
    """Median of (answered_at − asked_at) in hours over consultations answered in the period; None if none."""
    spans = [(a - q).total_seconds() / 3600 for q, a in _answered(node, start, end).values_list("asked_at", "answered_at")]
    return round(statistics.median(spans), 1) if spans else None


def _office_hours(node, start, end):
    return within(OfficeHour.objects.filter(date__range=(start, end)), node)


@figure("legalservice.office_hours_planned", "计划坐班", unit="次", records="legalservice:office_hours")
def office_hours_planned(node, start, end):
    """Every office hour scheduled in the period (whatever became of it, including cancelled ones)."""
    return _office_hours(node, start, end).count()


@figure("legalservice.office_hours_held", "实际坐班", unit="次", records="legalservice:office_hours",
        records_params=lambda n, s, e: {"status": "held"})
def office_hours_held(node, start, end):
    return _office_hours(node, start, end).filter(status=OfficeHour.Status.HELD).count()


@figure("legalservice.office_hours_missed", "未按时坐班", unit="次", records="legalservice:office_hours",
        records_params=lambda n, s, e: {"status": "missed"})
def office_hours_missed(node, start, end):
    return _office_hours(node, start, end).filter(status=OfficeHour.Status.MISSED).count()


@figure("legalservice.bookings", "群众预约坐班", unit="人次", records="legalservice:bookings",
        records_params=lambda n, s, e: {"status": Booking.Status.BOOKED, "f": "1"})
def bookings(node, start, end):
    return within(Booking.objects.filter(office_hour__date__range=(start, end), status=Booking.Status.BOOKED), node).count()


@figure("legalservice.stations", "公共法律服务站", unit="个", records="legalservice:stations",
        records_params=lambda n, s, e: {"opened_by": e.isoformat(), "start": "", "end": ""})
def stations(node, start, end):
    qs = within(Station.objects.filter(is_active=True), node)
    return qs.exclude(opened_on__gt=end).count()


def _designated_by(n, s, e):
    return {"year_by": e.year, "start": "", "end": ""}


def _designations(node, end):
    return within(DemonstrationVillage.objects.filter(year__lte=end.year), node)


@figure("legalservice.demonstration_villages", "民主法治示范村（社区）", unit="个",
        records="legalservice:demonstration_villages", records_params=_designated_by)
def demonstration_villages(node, start, end):
    return _designations(node, end).values("node").distinct().count()


LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2, "district": 3}


@figure("legalservice.demonstration_village_names", "民主法治示范村（社区）名单", kind="breakdown",
        records="legalservice:demonstration_villages", records_params=_designated_by)
def demonstration_village_names(node, start, end):
    """{村名: highest level label}, e.g. {"刘家村": "省级"}."""
    best = {}
    for item in _designations(node, end).select_related("node").order_by("node__path"):
        if item.node.name not in best or LEVEL_ORDER[item.level] < LEVEL_ORDER[best[item.node.name].level]:
            best[item.node.name] = item
    return {name: d.get_level_display() for name, d in best.items()}
