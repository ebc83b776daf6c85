"""Every read of the dispute module, already scoped to the user through fazhi.core.policy."""
import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from fazhi.core import clock, policy, ui
from fazhi.core.models import DeadlineRule, OrgNode, Unit
from fazhi.core.search import search_q

from .models import Agreement, Dispute, DisputeKind, FollowUp, MediationRoom, Mediator, RiskWord, StateSpan, Transfer

VIEW = "disputes.view"
SORTS = {
    "received": ("-received_on", "-id"), "received_asc": ("received_on", "id"), "due": ("due_date", "id"),
    "updated": ("-updated_at", "-id"), "resolved": ("-resolved_on", "-id"),
}
SORT_LABELS = {"received": "登记日期（新→旧）", "received_asc": "登记日期（旧→新）", "due": "办结期限（近→远）",
               "updated": "最近更新", "resolved": "化解日期"}
DATE_FIELDS = {"received": "received_on", "resolved": "resolved_on", "concluded": "concluded_on",
               "followup": "followups__visited_on", "judicial": "agreement__judicial_decided_on"}


def dispute_qs(user):
    """All cases the user may see: inside their nodes, plus (legal advisors) the cases they joined."""
    q = Q(pk__in=[])
    if policy.scope_paths(user, VIEW):
        q = Q(node__in=OrgNode.objects.filter(policy.nodes_q(user, VIEW)).values("pk"))
    if policy.has_perm(user, "disputes.view_joined"):
        q |= Q(pk__in=Dispute.advisors.through.objects.filter(user_id=user.pk).values("dispute_id"))
    return Dispute.objects.filter(q)


def _int(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def dispute_list(*, user, filters=None):
    """The scoped list with the filters of the list page (status, kind, level, village, room, channel, overdue,
    due_soon, flagged, q, node/start/end[/date], sort). Unknown values are ignored, never an error."""
    f = filters or {}
    qs = dispute_qs(user)
    status = f.get("status")
    if status == "open":
        qs = qs.filter(status__in=Dispute.OPEN_STATUSES)
    elif status in Dispute.Status.values:
        qs = qs.filter(status=status)
    elif status == "concluded":
        qs = qs.filter(status__in=[Dispute.Status.AGREED, Dispute.Status.FAILED, Dispute.Status.CLOSED])
    for key, field in (("kind", "kind_id"), ("village", "village_id"), ("room", "room_id"), ("grid", "grid_id"),
                       ("centre_body", "centre_body_id")):
        value = _int(f.get(key))
        if value is not None:
            qs = qs.filter(**{field: value})
    if f.get("level") in Dispute.Level.values:
        qs = qs.filter(level=f["level"])
    if f.get("channel") in Dispute.Channel.values:
        qs = qs.filter(channel=f["channel"])
    if f.get("mediation_type") in Dispute.MediationType.values:
        qs = qs.filter(mediation_type=f["mediation_type"])
    today = clock.today()
    if f.get("overdue") in ("1", "true", "on", True):
        as_of = _int_date(f.get("as_of")) or today
        open_then = Q(concluded_on__isnull=True, status__in=Dispute.OPEN_STATUSES) | Q(concluded_on__gt=as_of)
        qs = qs.filter(open_then, received_on__lte=as_of, due_date__lt=as_of)
    if f.get("due_soon") in ("1", "true", "on", True):
        qs = qs.filter(status__in=Dispute.OPEN_STATUSES, due_date__gte=today,
                       due_date__lte=today + datetime.timedelta(days=_due_soon_days()))
    if f.get("flagged") in ("1", "true", "on", True):
        qs = qs.filter(is_flagged=True)
    if f.get("resolved") in ("1", "true", "on", True):
        qs = qs.filter(resolved_on__isnull=False)
    if f.get("failed") in ("1", "true", "on", True):
        qs = qs.filter(concluded_on__isnull=False, resolved_on__isnull=True).exclude(status=Dispute.Status.DECLINED)
    if f.get("judicial") in Dispute.JudicialOutcome.values and f.get("judicial"):
        qs = qs.filter(agreement__judicial_outcome=f["judicial"])
    node_id = _int(f.get("node"))
    if node_id is not None:
        node = OrgNode.objects.filter(pk=node_id).first()
        if node is None:
            qs = qs.none()
        else:  # where the case arose (as the figures count), see figures.place_field
            qs = qs.filter(**{("grid" if node.kind == "grid" else "village") + "__path__startswith": node.path})
    start, end = ui.parse_date(f.get("start")), ui.parse_date(f.get("end"))
    field = DATE_FIELDS.get(f.get("date") or "received", "received_on")
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    if field == "followups__visited_on" and (start or end):
        qs = qs.distinct()
    text = (f.get("q") or "").strip()[:100]
    if text:
        q = search_q(text)
        if q is not None:
            qs = qs.filter(q | Q(tracking_code__iexact=text))
    sort = SORTS.get(f.get("sort") or "received", SORTS["received"])
    return qs.select_related("kind", "node", "village", "room", "centre_body").order_by(*sort)


def _int_date(value):
    return ui.parse_date(value) if value else None


def _due_soon_days():
    rule = DeadlineRule.objects.filter(code="disputes.conclude").values_list("due_soon_days", flat=True).first()
    return rule if rule is not None else 5


def dispute_get_for_user(*, user, pk):
    try:
        return dispute_qs(user).select_related("kind", "node", "village", "grid", "room", "centre_body").get(pk=pk)
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的管辖范围内。")


def dispute_detail(dispute):
    """Related rows for the detail page, fetched in a few queries."""
    return {
        "parties": list(dispute.parties.all()),
        "sessions": list(dispute.sessions.select_related("recorded_by")),
        "agreement": Agreement.objects.filter(dispute=dispute).first(),
        "followups": list(dispute.followups.select_related("visited_by")),
        "notices": list(dispute.notices.all()),
        "transfers": list(dispute.transfers.select_related("by")),
        "mediators": list(dispute.mediators.all()),
        "spans": list(dispute.spans.all()),
    }


def dispute_track(*, code, phone):
    """The public tracking lookup: code AND phone (the contact phone or a party's phone) must match."""
    code = (code or "").strip().upper().replace(" ", "")
    phone = (phone or "").strip().replace(" ", "")
    if not code or not phone or len(code) > 16 or len(phone) > 20:
        return None
    return (Dispute.objects.filter(tracking_code=code)
            .filter(Q(contact_phone=phone) | Q(parties__phone=phone)).select_related("kind", "village", "room")
            .first())


# ---- rooms, roster, committee ------------------------------------------------------------------------------------

def rooms_public(subdistrict=None):
    qs = MediationRoom.objects.filter(is_active=True, node__is_active=True).select_related("node", "photo")
    if subdistrict is not None:
        qs = qs.filter(node=subdistrict)
    return qs.prefetch_related("specialities")


def room_public(pk):
    room = rooms_public().filter(pk=pk).first() if str(pk).isdigit() else None
    if room is None:
        raise Http404("调解室不存在或暂未开放。")
    return room


def rooms_for(user):
    return policy.scope(MediationRoom.objects.all(), user, VIEW).select_related("node", "host").prefetch_related(
        "specialities").annotate(open_count=Count("disputes", filter=Q(disputes__status__in=Dispute.OPEN_STATUSES)))


def room_get_for_user(*, user, pk):
    return policy.get_for_user(MediationRoom.objects.select_related("node", "host", "photo"), user, VIEW, pk=pk)


def room_queue(*, user, room):
    """The room's open cases (assigned to it, or ordered by a resident and not yet assigned elsewhere)."""
    return (dispute_qs(user).filter(Q(room=room) | Q(requested_room=room, room__isnull=True))
            .filter(status__in=Dispute.OPEN_STATUSES).select_related("kind", "village", "node")
            .order_by("due_date", "received_on", "id"))


def mediators_for(user, filters=None):
    f = filters or {}
    qs = policy.scope(Mediator.objects.all(), user, VIEW).select_related("node", "committee").prefetch_related("specialities")
    if f.get("kind") in Mediator.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f.get("committee") in ("1", "on"):
        qs = qs.filter(committee__isnull=False)
    if f.get("active", "1") == "1":
        qs = qs.filter(is_active=True)
    return qs.order_by("node__path", "sort_order", "id")


def mediator_get_for_user(*, user, pk):
    return policy.get_for_user(Mediator.objects.select_related("node", "committee"), user, VIEW, pk=pk)


def committees_for(user):
    return policy.scope(Unit.objects.filter(kind=Unit.Kind.COMMITTEE, is_active=True), user, VIEW).annotate(
        members=Count("mediators", filter=Q(mediators__is_active=True)))


def centre_bodies_for(user, perm=VIEW):
    return policy.scope(Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, is_active=True), user, perm).select_related("node")


def villages_for(user, perm=VIEW):
    return policy.scoped_nodes(user, perm, kinds=[OrgNode.Kind.VILLAGE]).order_by("path")


def grids_for(user, perm=VIEW):
    return policy.scoped_nodes(user, perm, kinds=[OrgNode.Kind.GRID]).select_related("parent").order_by("path")


def kinds():
    return DisputeKind.objects.filter(is_active=True)


def risk_words():
    return RiskWord.objects.all()


# ---- deadlines, to-dos, time per state ---------------------------------------------------------------------------

def overdue(user, today=None):
    return dispute_qs(user).filter(status__in=Dispute.OPEN_STATUSES, due_date__lt=today or clock.today())


def due_soon(user, today=None):
    today = today or clock.today()
    return dispute_qs(user).filter(status__in=Dispute.OPEN_STATUSES, due_date__gte=today,
                                   due_date__lte=today + datetime.timedelta(days=_due_soon_days()))


def judicial_window_open(user, today=None):
    """Agreements whose 30-day window for judicial confirmation is still running and nothing is recorded yet."""
    today = today or clock.today()
    return dispute_qs(user).filter(agreement__judicial_outcome="", agreement__judicial_deadline__gte=today,
                                   status__in=[Dispute.Status.AGREED, Dispute.Status.CLOSED])


def followups_due(user):
    return dispute_qs(user).filter(status__in=[Dispute.Status.AGREED, Dispute.Status.FAILED])


def transfers_to_my_body(user):
    units = [u for _, _, _, u in policy.memberships(user) if u]
    if not units:
        return Transfer.objects.none()
    return Transfer.objects.filter(to_body_id__in=units, acknowledged=False,
                                   dispute__in=dispute_qs(user)).select_related("dispute", "by")


def flagged_open(user):
    return dispute_qs(user).filter(is_flagged=True, status__in=Dispute.OPEN_STATUSES)


def time_in_states(*, user, filters=None):
    """[(status label, cases, average days, total days)] over the spans of the listed cases; open spans count to now."""
    cases = dispute_list(user=user, filters=filters).order_by().values("pk")
    now = clock.now()
    totals, counts = defaultdict(float), defaultdict(set)
    for status, dispute_id, entered, left in StateSpan.objects.filter(dispute__in=cases).values_list(
            "status", "dispute_id", "entered_at", "left_at"):
        days = ((left or now) - entered).total_seconds() / 86400
        totals[status] += max(days, 0)
        counts[status].add(dispute_id)
    rows = []
    for status, label in Dispute.Status.choices:
        if status in counts:
            n = len(counts[status])
            rows.append((label, n, round(totals[status] / n, 1), round(totals[status], 1)))
    return rows


def public_events(dispute):
    from fazhi.core import audit

    return audit.timeline(dispute, public_only=True)


def has_followup_exists():
    return Exists(FollowUp.objects.filter(dispute=OuterRef("pk")))
