"""Every read of the publicity module, scoped to the user through the module's access policies (policies.py)."""
import datetime
import decimal
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from fazhi.core import clock, orgkinds, policy
from fazhi.core.errors import NotFound
from fazhi.core.models import OrgNode, Unit, User
from fazhi.core.selectors import get_or_not_found, within_dates

from .models import (
    AudienceGroup,
    Event,
    EventReach,
    KeyDate,
    Site,
    StaffAttendance,
    StaffTraining,
)
from .policies import (
    campaign_policy,
    event_policy,
    leader_policy,
    leader_training_policy,
    site_policy,
    staff_training_policy,
    study_policy,
)

VIEW = "publicity.view"


def _get(access_policy, user, pk, queryset=None):
    """One row through its policy; missing and out of scope look the same (404)."""
    try:
        return access_policy.get_for_user(user, "view", pk, queryset=queryset)
    except NotFound:
        raise Http404("记录不存在或不在您的管辖范围内。") from None


def _reached_subquery():
    return Coalesce(Subquery(
        EventReach.objects.filter(event=OuterRef("pk")).values("event").annotate(total=Sum("people")).values("total")[:1],
        output_field=IntegerField()), Value(0))


def _period(qs, filters, field="date"):
    from fazhi.core.ui import parse_date

    filters = filters or {}
    year = str(filters.get("year") or "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        qs = qs.filter(**{f"{field}__year": int(year)})
    start, end = parse_date(filters.get("start")), parse_date(filters.get("end"))
    qs = within_dates(qs, field, start, end)
    node = filters.get("node")
    if node and str(node).isdigit():
        inside = OrgNode.objects.filter(pk=int(node)).values_list("path", flat=True).first()
        if inside:
            qs = qs.filter(node__path__startswith=inside)
    return qs


# ---- events ---------------------------------------------------------------------------------------------------

def event_list(*, user, filters=None):
    filters = filters or {}
    qs = event_policy.instances_for(user)
    qs = _period(qs, filters)
    if filters.get("target"):
        qs = qs.filter(target=filters["target"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("due") == "overdue":
        qs = qs.filter(status=Event.Status.PLANNED, record_due__lt=clock.today())
    if str(filters.get("key_date") or "").isdigit():
        qs = qs.filter(key_date_id=int(filters["key_date"]))
    if str(filters.get("group") or "").isdigit():
        qs = qs.filter(reach__group_id=int(filters["group"]))
    if filters.get("q"):
        words = str(filters["q"]).strip()[:50]
        qs = qs.filter(Q(title__contains=words) | Q(place__contains=words) | Q(content__contains=words))
    return qs.annotate(reached=_reached_subquery()).select_related("node", "key_date", "organiser_unit", "campaign").order_by("-date", "-id")


def events_with_reach(user):
    """The user's events with ``reached`` (people reached, all groups) annotated."""
    return event_policy.instances_for(user).annotate(reached=_reached_subquery())


def event_get_for_user(user, pk):
    return _get(event_policy, user, pk, events_with_reach(user))


def event_reach(event):
    return list(event.reach.select_related("group").order_by("group__sort_order"))


def public_event_list(filters=None):
    """Held events for the public site: what, when, where (village), target, reach — no personal data."""
    qs = Event.objects.filter(status=Event.Status.HELD, date__lte=clock.today())
    qs = _period(qs, filters)
    return qs.annotate(reached=_reached_subquery()).select_related("node", "key_date").order_by("-date", "-id")


def due_events(user, *, today=None):
    """Planned events whose results are not recorded yet, by record-by date (for to-dos and the list filter)."""
    return event_policy.instances_for(user).filter(status=Event.Status.PLANNED, record_due__isnull=False).order_by("record_due")


# ---- calendar -------------------------------------------------------------------------------------------------

@dataclass
class Occurrence:
    key_date: KeyDate
    start: datetime.date
    end: datetime.date
    events: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)

    @property
    def days_until(self):
        return (self.start - clock.today()).days

    @property
    def is_ongoing(self):
        return self.start <= clock.today() <= self.end

    @property
    def has_event(self):
        return any(e.status != Event.Status.CANCELLED for e in self.events)


def key_date_occurrences(start, end):
    """Every key date falling in [start, end] (a month-long one counts while it runs), in date order."""
    result, missing = [], []
    for kd in KeyDate.objects.filter(is_active=True):
        for year in range(start.year - 1, end.year + 1):
            s = kd.start_in(year)
            if s is None:
                if kd.calendar == KeyDate.Calendar.LUNAR and start.year <= year <= end.year:
                    missing.append((kd, year))
                continue
            e = kd.end_in(year)
            if e >= start and s <= end:
                result.append(Occurrence(kd, s, e))
    return sorted(result, key=lambda o: (o.start, o.key_date.sort_order)), missing


def calendar_for_user(user, *, today=None, ahead=60, behind=365):
    """Coming key dates (next ``ahead`` days, incl. running ones), past ones, with the user's events and campaigns."""
    today = today or clock.today()
    occurrences, missing = key_date_occurrences(today - datetime.timedelta(days=behind), today + datetime.timedelta(days=ahead))
    if occurrences:
        lo = min(o.start for o in occurrences) - datetime.timedelta(days=31)
        hi = max(o.end for o in occurrences) + datetime.timedelta(days=31)
        events = list(event_policy.instances_for(user).filter(key_date__isnull=False, date__range=(lo, hi))
                      .annotate(reached=_reached_subquery()).select_related("node").order_by("date"))
        campaigns = list(campaign_policy.instances_for(user).filter(key_date__isnull=False, start_date__lte=hi, end_date__gte=lo)
                         .select_related("node"))
        for o in occurrences:
            window = (o.start - datetime.timedelta(days=31), o.end + datetime.timedelta(days=31))
            o.events = [e for e in events if e.key_date_id == o.key_date.pk and window[0] <= e.date <= window[1]]
            o.campaigns = [c for c in campaigns if c.key_date_id == o.key_date.pk and c.start_date <= o.end and c.end_date >= o.start - datetime.timedelta(days=31)]
    coming = [o for o in occurrences if o.end >= today]
    past = sorted([o for o in occurrences if o.end < today], key=lambda o: o.start, reverse=True)
    return {"coming": coming, "past": past, "missing_lunar": missing, "today": today, "ahead": ahead}


def key_dates_without_event(user, *, today=None, lead_days=14):
    """Key dates starting within ``lead_days`` (or running now) with no planned or held event in the user's scope."""
    today = today or clock.today()
    occurrences, _ = key_date_occurrences(today, today + datetime.timedelta(days=lead_days))
    if not occurrences:
        return []
    lo = min(o.start for o in occurrences) - datetime.timedelta(days=31)
    hi = max(o.end for o in occurrences) + datetime.timedelta(days=31)
    linked = set(event_policy.instances_for(user).filter(key_date__isnull=False, date__range=(lo, hi))
                 .exclude(status=Event.Status.CANCELLED).values_list("key_date_id", flat=True))
    return [o for o in occurrences if o.key_date.pk not in linked]


def key_dates():
    return KeyDate.objects.filter(is_active=True)


def key_dates_all():
    """Every key publicity date, active or not (administrators keep them; shared by the installation)."""
    return KeyDate.objects.all()


def key_date_get(pk) -> KeyDate:
    """One key publicity date (not scoped: shared by the whole installation); NotFound when missing."""
    return get_or_not_found(KeyDate.objects.all(), pk)


def audience_groups():
    return AudienceGroup.objects.filter(is_active=True)


def campaign_list(*, user, filters=None):
    return (_period(campaign_policy.instances_for(user), filters, field="start_date").select_related("node", "key_date")
            .order_by("-start_date"))


def campaigns_for_node(user, node=None):
    return campaign_policy.instances_for(user).order_by("-start_date")[:100]


# ---- sites, registry, trainings, study --------------------------------------------------------------------------

def site_list(*, user, filters=None):
    return _period(site_policy.instances_for(user), filters, field="established_on").select_related("node")


def site_get_for_user(user, pk):
    return _get(site_policy, user, pk)


def public_site_list():
    return Site.objects.select_related("node").order_by("-established_on")


def leader_list(*, user, filters=None):
    filters = filters or {}
    qs = leader_policy.instances_for(user)
    qs = _period(qs, {"node": filters.get("node")})
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(name__contains=str(filters["q"]).strip()[:30])
    if str(filters.get("trained_year") or "").isdigit():
        qs = qs.filter(trainings__date__year=int(filters["trained_year"])).distinct()
    return qs.annotate(training_count=Count("trainings", distinct=True)).select_related("node").order_by("node__path", "name", "id")


def leader_get_for_user(user, pk):
    return _get(leader_policy, user, pk)


def leaders_for_training(user, node):
    """The registered people a training in ``node`` may list as attendees (none without a node)."""
    if node is None:
        return leader_policy.instances_for(user, "manage").none()
    return leader_policy.instances_for(user, "manage").filter(is_active=True, node__path__startswith=node.path).order_by(
        "node__path", "name")


def leader_training_list(*, user, filters=None):
    return (_period(leader_training_policy.instances_for(user), filters).select_related("node")
            .annotate(attendee_count=Count("attendees", distinct=True)).order_by("-date", "-id"))


def leader_training_get_for_user(user, pk):
    return _get(leader_training_policy, user, pk)


def _of_kind(access_policy, user, filters):
    """The user's rows of a model with kinds, filtered by period, node and ``kind``, newest first."""
    filters = filters or {}
    qs = _period(access_policy.instances_for(user), filters)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs.select_related("node").order_by("-date", "-id")


def study_session_list(*, user, filters=None):
    return _of_kind(study_policy, user, filters).annotate(user_count=Count("attendees", distinct=True))


def study_session_get_for_user(user, pk):
    return _get(study_policy, user, pk)


def staff_training_list(*, user, filters=None):
    return _of_kind(staff_training_policy, user, filters).annotate(attendee_count=Count("attendance"),
                                                                   total_hours=Sum("attendance__hours"))


def staff_training_get_for_user(user, pk):
    return _get(staff_training_policy, user, pk)


def staff_training_same(user, *, node, kind, date, title):
    """An existing training with the same date, kind and name in ``node`` (ledger rows of one training)."""
    return staff_training_policy.instances_for(user).filter(node=node, kind=kind, date=date,
                                                           title=(title or "").strip()).first()


def staff_for_node(user, node, perm="publicity.manage_staff_training"):
    """Platform users holding a role inside ``node``'s subdistrict (attendee choices; none without a node)."""
    if node is None:
        return User.objects.none()
    sub = node.subdistrict or node
    return User.objects.filter(memberships__is_active=True, memberships__node__path__startswith=sub.path).distinct().order_by("full_name", "username")


def units_for_node(node):
    sub = node.tenant() if node is not None else None
    return Unit.objects.filter(node=sub, is_active=True) if sub else Unit.objects.none()


def nodes_for(user, perm, levels=(orgkinds.TENANT, orgkinds.VILLAGE, orgkinds.GRID)):
    """Nodes at these levels (tenant, village, grid) inside the user's scope for ``perm``."""
    codes = [code for level in levels for code in orgkinds.codes(level=level)]
    return policy.scoped_nodes(user, perm, kinds=codes).order_by("path")


# ---- for other modules ----------------------------------------------------------------------------------------

def training_hours_by_user(user_ids, start, end) -> dict:
    """Hours of staff legal training (not exams) attended by each user in [start, end] (dates inclusive).

    Used by the enforcement module for officers' annual training hours. Every requested id is in the answer
    (Decimal("0") when the user attended nothing)."""
    ids = [int(i) for i in user_ids]
    result = {i: decimal.Decimal("0") for i in ids}
    rows = (StaffAttendance.objects.filter(user_id__in=ids, training__kind=StaffTraining.Kind.TRAINING,
                                           training__date__range=(start, end))
            .values("user_id").annotate(total=Sum("hours")))
    for row in rows:
        result[row["user_id"]] = decimal.Decimal(row["total"] or 0)
    return result


# ---- onboarding (what a new subdistrict still lacks in this module) -------------------------------------------------

def villages_without_leaders(tenant) -> tuple[int, list[str]]:
    """(how many active villages ``tenant`` has, the names of those with no one on the active
    法治带头人/法律明白人 register, by path)."""
    from .models import Leader

    villages = OrgNode.objects.villages().inside(tenant).filter(is_active=True)
    registered = Leader.objects.filter(is_active=True, node__path__startswith=tenant.path).values("node_id")
    return villages.count(), list(villages.exclude(pk__in=registered).order_by("path").values_list("name", flat=True))
