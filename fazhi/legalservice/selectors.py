"""Every read of this module, scoped to the user through the module's access policies (policies.py).

Public-site reads (no login) are separate functions whose names start with ``public_`` and return only what may
be shown to anyone (no residents' data, advisors' published office phone only).
"""
import datetime

from django.db.models import Count, Exists, OuterRef, Q

from fazhi.core import access, clock, orgkinds, personal, policy
from fazhi.core.models import OrgNode
from fazhi.core.selectors import within_dates
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


def _node_filter(filters):
    """The node named by ?node= (any node: the scoped queryset it narrows keeps the user inside their scope)."""
    node_id = (filters or {}).get("node")
    if node_id and str(node_id).isdigit() and len(str(node_id)) < 12:
        return OrgNode.objects.filter(pk=node_id).first()
    return None


def _within(qs, filters, field="node"):
    """Optional ?node= filter: only rows inside that node."""
    node = _node_filter(filters)
    return qs.filter(**{f"{field}__path__startswith": node.path}) if node else qs


def _listed(access_policy, user, filters, *, date, choice=("status", ())):
    """The rows ``access_policy`` shows the user, narrowed by ?node=, the date filters on ``date`` and
    ?<field>= when it is one of the ``choice`` field's values."""
    field, values = choice
    qs = _dates(_within(access_policy.instances_for(user), filters), filters, date)
    return qs.filter(**{field: filters[field]}) if filters.get(field) in values else qs


def _slots(qs, filters, user, prefix=""):
    """?upcoming=1: from today on; ?mine=1: the user's own office hours (``prefix`` leads to the office hour)."""
    if filters.get("upcoming") == "1":
        qs = qs.filter(**{f"{prefix}date__gte": clock.today()})
    if filters.get("mine") == "1":
        qs = qs.filter(**{f"{prefix}advisor__user": user})
    return qs


def _dates(qs, filters, field):
    start = parse_date((filters or {}).get("start"))
    end = parse_date((filters or {}).get("end"))
    year = (filters or {}).get("year")
    if year and str(year).isdigit():
        qs = qs.filter(**{f"{field}__year": int(year)})
    qs = within_dates(qs, field, start, end)
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


def village_list(*, user, filters=None):
    """The villages in the user's scope (?node= inside a node; ?missing=1 only those without an active village
    advisor — the records behind the figure "未配备法律顾问的村（社区）")."""
    filters = filters or {}
    qs = policy.scoped_nodes(user, VIEW, level=orgkinds.VILLAGE)
    node = _node_filter(filters)
    if node is not None:
        qs = qs.filter(path__startswith=node.path)
    if filters.get("missing") == "1":
        qs = villages_without_advisor_qs(qs)
    return qs.order_by("path")


def advisors_by_village(villages) -> dict:
    """{village pk: [active village advisors serving it]} for the given villages (one query)."""
    by_village = {v.pk: [] for v in villages}
    links = Advisor.villages.through.objects.filter(
        orgnode_id__in=by_village.keys(), advisor__is_active=True, advisor__kind=Advisor.Kind.VILLAGE
    ).select_related("advisor")
    for link in links:
        by_village[link.orgnode_id].append(link.advisor)
    return by_village


def village_coverage(*, user, node=None):
    """[(village, [active village advisors])] of every village in scope — villages with [] are gaps."""
    villages = list(village_list(user=user, filters={"node": node.pk} if node is not None else None))
    by_village = advisors_by_village(villages)
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
    qs = _listed(office_hour_policy, user, filters, date="date", choice=("status", OfficeHour.Status.values))
    return _slots(qs, filters, user).annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED))).order_by("date", "start_time", "id")


def office_hour_get_for_user(*, user, pk):
    return office_hour_policy.get_for_user(user, "view", pk)


def booking_list(*, user, filters=None):
    filters = filters or {}
    qs = _listed(booking_policy, user, filters, date="office_hour__date", choice=("status", Booking.Status.values))
    if filters.get("upcoming") == "1":
        qs = qs.filter(status=Booking.Status.BOOKED)
    return _slots(qs, filters, user, prefix="office_hour__").order_by("office_hour__date", "office_hour__start_time", "id")


def bookings_for_day(*, user, day):
    return booking_list(user=user).filter(office_hour__date=day, status=Booking.Status.BOOKED)


# ---- consultations ----------------------------------------------------------------------------------------------

def consultation_list(*, user, filters=None):
    filters = filters or {}
    qs = _listed(consultation_policy, user, filters, choice=("status", Consultation.Status.values),
                 date="answered_at__date" if filters.get("by") == "answered" else "asked_at__date")
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
    qs = _listed(record_policy, user, filters, date="date", choice=("kind", ServiceRecord.Kind.values))
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
    """Designations in scope (?node=; ?year_by=2023: those made in or before that year)."""
    qs = _within(demonstration_policy.instances_for(user), filters)
    year_by = str((filters or {}).get("year_by") or "")
    if year_by.isdigit() and len(year_by) == 4:
        qs = qs.filter(year__lte=int(year_by))
    return qs


def demonstration_villages(*, user, filters=None):
    """The villages holding at least one designation of ``demonstration_village_list`` (one row a village — the
    records behind the figure "民主法治示范村（社区）")."""
    designated = demonstration_village_list(user=user, filters=filters).values("node")
    return OrgNode.objects.filter(pk__in=designated).order_by("path")


def designations_by_village(*, user, villages, filters=None) -> dict:
    """{village pk: [its designations, highest level first]} for the given villages."""
    order = {level: i for i, level in enumerate(DemonstrationVillage.Level.values)}
    by_village = {v.pk: [] for v in villages}
    for item in demonstration_village_list(user=user, filters=filters).filter(node__in=list(by_village)):
        by_village[item.node_id].append(item)
    for items in by_village.values():
        items.sort(key=lambda d: (order[d.level], -d.year))
    return by_village


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
