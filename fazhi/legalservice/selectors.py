"""Every read of this module, scoped to the user through the module's access policies (policies.py).

Public-site reads (no login) are separate functions whose names start with ``public_`` and return only what may
be shown to anyone (no residents' data, advisors' published office phone only).
"""
import datetime

from django.db.models import Count, Exists, OuterRef, Q

from fazhi.core import access, clock, orgkinds, personal, policy
from fazhi.core.models import OrgNode
from fazhi.core.ui import parse_date

from .models import (
    Advisor,
    Booking,
    Consultation,
    DemonstrationVillage,
    OfficeHour,
    OfficeHourRule,
    ServiceRecord,
    Station,
)
from .policies import (
    advisor_policy,
    booking_policy,
    consultation_policy,
    demonstration_policy,
    office_hour_policy,
    record_policy,
    rule_policy,
    station_policy,
)

VIEW = "legalservice.view"


def _within(qs, filters, field="node"):
    """Optional ?node= filter (a node inside the user's scope) and ?start=/?end= date filters."""
    node_id = (filters or {}).get("node")
    if node_id and str(node_id).isdigit():
        node = OrgNode.objects.filter(pk=node_id).first()
        if node:
            qs = qs.filter(**{f"{field}__path__startswith": node.path})
    return qs


def _dates(qs, filters, field):
    start = parse_date((filters or {}).get("start"))
    end = parse_date((filters or {}).get("end"))
    year = (filters or {}).get("year")
    if year and str(year).isdigit():
        qs = qs.filter(**{f"{field}__year": int(year)})
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


# ---- advisors ------------------------------------------------------------------------------------------------

def advisor_list(*, user, filters=None):
    filters = filters or {}
    qs = advisor_policy.instances_for(user)
    qs = _within(qs, filters)
    if filters.get("kind") in Advisor.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("active", "1") == "1":
        qs = qs.filter(is_active=True)
    appointed_by = parse_date(filters.get("appointed_by"))
    if appointed_by:  # the roster on a day: appointed by then (or without an appointment date)
        qs = qs.exclude(appointed_on__gt=appointed_by)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(law_firm__icontains=q) | Q(licence_number__icontains=q))
    return qs.order_by("kind", "node__path", "name", "id")


def advisor_get_for_user(*, user, pk):
    return advisor_policy.get_for_user(user, "view", pk)


def advisors_for_user_account(user):
    """The advisor profiles linked to this platform account (for "my bookings", "my questions")."""
    return Advisor.objects.filter(user=user, is_active=True) if getattr(user, "pk", None) else Advisor.objects.none()


def village_coverage(*, user, node=None):
    """[(village, [active village advisors])] of every village in scope — villages with [] are gaps."""
    villages = policy.scoped_nodes(user, VIEW, level=orgkinds.VILLAGE).order_by("path")
    if node is not None:
        villages = villages.filter(path__startswith=node.path)
    villages = list(villages)
    by_village = {v.pk: [] for v in villages}
    links = Advisor.villages.through.objects.filter(
        orgnode_id__in=by_village.keys(), advisor__is_active=True, advisor__kind=Advisor.Kind.VILLAGE
    ).select_related("advisor")
    for link in links:
        by_village[link.orgnode_id].append(link.advisor)
    return [(v, by_village[v.pk]) for v in villages]


def villages_without_advisor_qs(villages_qs):
    served = Advisor.villages.through.objects.filter(
        orgnode_id=OuterRef("pk"), advisor__is_active=True, advisor__kind=Advisor.Kind.VILLAGE)
    return villages_qs.villages().filter(is_active=True).exclude(Exists(served))


def villages_without_advisor(*, user):
    return villages_without_advisor_qs(policy.scoped_nodes(user, "legalservice.manage")).order_by("path")


# ---- office hours & bookings ------------------------------------------------------------------------------------

def office_hour_rule_list(*, user):
    return rule_policy.instances_for(user)


def office_hour_list(*, user, filters=None):
    filters = filters or {}
    qs = office_hour_policy.instances_for(user)
    qs = _within(qs, filters)
    qs = _dates(qs, filters, "date")
    if filters.get("status") in OfficeHour.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("upcoming") == "1":
        qs = qs.filter(date__gte=clock.today())
    if filters.get("mine") == "1":
        qs = qs.filter(advisor__user=user)
    return qs.annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED))).order_by("date", "start_time", "id")


def office_hour_get_for_user(*, user, pk):
    return office_hour_policy.get_for_user(user, "view", pk)


def booking_list(*, user, filters=None):
    filters = filters or {}
    qs = booking_policy.instances_for(user)
    qs = _within(qs, filters)
    qs = _dates(qs, filters, "office_hour__date")
    if filters.get("status") in Booking.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("upcoming") == "1":
        qs = qs.filter(office_hour__date__gte=clock.today(), status=Booking.Status.BOOKED)
    if filters.get("mine") == "1":
        qs = qs.filter(office_hour__advisor__user=user)
    return qs.order_by("office_hour__date", "office_hour__start_time", "id")


def bookings_for_day(*, user, day):
    return booking_list(user=user).filter(office_hour__date=day, status=Booking.Status.BOOKED)


# ---- consultations ----------------------------------------------------------------------------------------------

def consultation_list(*, user, filters=None):
    filters = filters or {}
    qs = consultation_policy.instances_for(user)
    qs = _within(qs, filters)
    qs = _dates(qs, filters, "answered_at__date" if filters.get("by") == "answered" else "asked_at__date")
    if filters.get("status") in Consultation.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("due") == "overdue":
        qs = qs.filter(status=Consultation.Status.PENDING, due_date__lt=clock.today())
    elif filters.get("due") == "soon":
        today = clock.today()
        qs = qs.filter(status=Consultation.Status.PENDING, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=3))
    if filters.get("published") == "1":
        qs = qs.filter(is_published=True)
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(question__icontains=filters["q"]))
    return qs


def consultation_get_for_user(*, user, pk):
    return consultation_policy.get_for_user(user, "view", pk)


def pending_consultations_for(user):
    """Unanswered consultations the user may answer."""
    return consultation_policy.instances_for(user, "answer").filter(status=Consultation.Status.PENDING)


# ---- service records, stations, demonstration villages ---------------------------------------------------------

def service_record_list(*, user, filters=None):
    filters = filters or {}
    qs = record_policy.instances_for(user)
    qs = _within(qs, filters)
    qs = _dates(qs, filters, "date")
    if filters.get("kind") in ServiceRecord.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("advisor") and str(filters["advisor"]).isdigit():
        qs = qs.filter(advisor_id=int(filters["advisor"]))
    return qs.order_by("-date", "-id")


def service_record_get_for_user(*, user, pk):
    return record_policy.get_for_user(user, "view", pk)


def station_list(*, user, filters=None):
    qs = _within(station_policy.instances_for(user), filters)
    opened_by = parse_date((filters or {}).get("opened_by"))
    if opened_by:  # the stations running on a day
        qs = qs.filter(is_active=True).exclude(opened_on__gt=opened_by)
    return qs.order_by("node__path")


def station_get_for_user(*, user, pk):
    return station_policy.get_for_user(user, "view", pk)


def demonstration_village_list(*, user, filters=None):
    return _within(demonstration_policy.instances_for(user), filters)


def demonstration_village_get_for_user(*, user, pk):
    return demonstration_policy.get_for_user(user, "view", pk)


def disputes_for(user):
    """Dispute cases the user may link a mediation service to: exactly the cases the dispute module shows them
    (read through its access policy — a village advisor sees only the cases they joined)."""
    from fazhi.disputes.models import Dispute

    return access.policy_for(Dispute).instances_for(user, "view").order_by("-id")


def villages_for(user, perm):
    return policy.scoped_nodes(user, perm, level=orgkinds.VILLAGE).order_by("path")


def tenants_for(user, perm):
    """Subdistrict-like nodes (tenants) inside the user's scope for ``perm``."""
    return policy.scoped_nodes(user, perm, tenants=True).order_by("path")


def service_nodes_for(user, perm):
    """Where a service may be recorded: villages and tenants inside the user's scope."""
    return (villages_for(user, perm) | tenants_for(user, perm)).order_by("path")


def advisors_for(user, perm):
    action = next(a for a, p in advisor_policy.actions.items() if p == perm)
    return advisor_policy.instances_for(user, action).filter(is_active=True).order_by("kind", "name")


# ---- public site (no login): only what may be shown to anyone ------------------------------------------------------

def public_villages():
    return OrgNode.objects.villages().filter(is_active=True).select_related("parent").order_by("path")


def public_village(pk):
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return OrgNode.objects.villages().filter(is_active=True, pk=pk).select_related("parent").first()


def public_advisors_of(village):
    """Village advisors serving ``village`` plus the full-time advisors of its subdistrict."""
    village_advisors = list(Advisor.objects.filter(villages=village, is_active=True, kind=Advisor.Kind.VILLAGE).select_related("photo"))
    fulltime = list(Advisor.objects.filter(is_active=True, kind=Advisor.Kind.FULLTIME, node_id=village.parent_id).select_related("photo"))
    return village_advisors, fulltime


def public_upcoming_office_hours(village, limit=8):
    now = clock.now()
    today = clock.today()
    local_time = now.astimezone(datetime.timezone(datetime.timedelta(hours=8))).time() if now.tzinfo else now.time()
    qs = OfficeHour.objects.filter(node=village, status=OfficeHour.Status.PLANNED, date__gte=today).exclude(
        date=today, start_time__lte=local_time)
    return qs.annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED))).select_related("advisor").order_by("date", "start_time")[:limit]


def public_office_hour(pk):
    return OfficeHour.objects.filter(pk=pk).select_related("node", "advisor").first()


def public_rules_of(village):
    return OfficeHourRule.objects.filter(node=village, is_active=True).select_related("advisor")


def public_station_of(village):
    return Station.objects.filter(node=village, is_active=True).first()


def public_demonstration_of(village):
    return DemonstrationVillage.objects.filter(node=village).order_by("-year")


def public_examples(filters=None):
    qs = Consultation.objects.filter(is_published=True).select_related("node").order_by("-published_at", "-id")
    if (filters or {}).get("q"):
        term = filters["q"].strip()[:50]
        qs = qs.filter(Q(title__icontains=term) | Q(public_question__icontains=term) | Q(public_answer__icontains=term))
    return qs


def public_example(pk):
    return Consultation.objects.filter(is_published=True, pk=pk).select_related("node").first()


def public_consultation_by_code(code, phone):
    """The resident's own consultation, only when the code and the phone number both match."""
    code = (code or "").strip().upper()
    phone = (phone or "").strip().replace(" ", "")
    if not code or not phone or len(code) > 16:
        return None
    return Consultation.objects.filter(personal.match("phone", phone), code=code).select_related("node").first()
