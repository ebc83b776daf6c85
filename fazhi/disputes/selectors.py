"""Every read of the dispute module, already scoped to the user through the module's access policies
(``policies.py``): a case is visible inside the user's nodes, or (legal advisors) when they joined it."""
from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fazhi.core import clock, orgkinds, personal, policy, ui
from fazhi.core.errors import NotFound
from fazhi.core.models import DeadlineRule, Membership, OrgNode, Unit, User
from fazhi.core.roles import Role
from fazhi.core.search import search_q
from fazhi.core.selectors import within_dates

from .models import Agreement, Dispute, DisputeKind, FollowUp, MediationRoom, Mediator, RiskWord, StateSpan, Transfer
from .policies import dispute_policy, mediator_policy, room_policy

VIEW = "disputes.view"
SORTS = {
    "received": ("-received_on", "-id"), "received_asc": ("received_on", "id"), "due": ("due_date", "id"),
    "updated": ("-updated_at", "-id"), "resolved": ("-resolved_on", "-id"),
}
SORT_LABELS = {"received": "登记日期（新→旧）", "received_asc": "登记日期（旧→新）", "due": "办结期限（近→远）",
               "updated": "最近更新", "resolved": "化解日期"}
DATE_FIELDS = {"received": "received_on", "resolved": "resolved_on", "concluded": "concluded_on",
               "followup": "followups__visited_on", "judicial": "agreement__judicial_decided_on"}


def dispute_qs(user: User, action: str = "view") -> QuerySet:
    """All cases the user may reach for ``action``: inside their nodes, plus (legal advisors) the cases they joined."""
    return dispute_policy.instances_for(user, action)


def _id(value: Any) -> int | None:
    """A filter's id: a small whole number, or nothing (unknown filter values are ignored, never an error)."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return int(text) if text.isdigit() and len(text) < 19 else None


def dispute_list(*, user: User, filters: Any = None) -> QuerySet:
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
        value = _id(f.get(key))
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
        as_of = ui.parse_date(f.get("as_of")) or today
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
    node_id = _id(f.get("node"))
    if node_id is not None:
        node = OrgNode.objects.filter(pk=node_id).first()
        if node is None:
            qs = qs.none()
        else:  # where the case arose (as the figures count), see figures.place_field
            from .figures import place_field

            qs = qs.filter(**{place_field(node, "") + "__path__startswith": node.path})
    start, end = ui.parse_date(f.get("start")), ui.parse_date(f.get("end"))
    field = DATE_FIELDS.get(f.get("date") or "received", "received_on")
    qs = within_dates(qs, field, start, end)
    if field == "followups__visited_on" and (start or end):
        qs = qs.distinct()
    text = (f.get("q") or "").strip()[:100]
    number = personal.search_numbers(Dispute, ("contact_phone", "parties__id_number", "parties__phone"), text)
    if number is not None:  # an ID or phone number: found by its keyed hash (the numbers are encrypted)
        qs = qs.filter(number | Q(tracking_code__iexact=text))
    elif text:
        q = search_q(text)
        if q is not None:
            qs = qs.filter(q | Q(tracking_code__iexact=text))
    sort = SORTS.get(f.get("sort") or "received", SORTS["received"])
    return qs.select_related("kind", "node", "village", "room", "centre_body").order_by(*sort)


def _due_soon_days():
    rule = DeadlineRule.objects.filter(code="disputes.conclude").values_list("due_soon_days", flat=True).first()
    return rule if rule is not None else 5


def dispute_get_for_user(*, user: User, pk: Any, action: str = "view") -> Dispute:
    """One case, authorised: 404 missing or outside scope; 403 visible but the user may not do ``action``."""
    return dispute_policy.get_for_user(user, action, pk, queryset=Dispute.objects.select_related(
        "kind", "node", "village", "grid", "room", "centre_body"))


def party_of(*, dispute: Dispute, pk: Any) -> Any:
    """A party of a case already authorised for the user; 404 if it belongs to another case."""
    party = dispute.parties.filter(pk=pk).first() if _id(pk) is not None else None
    if party is None:
        raise NotFound()
    return party


def advisor_candidates(*, user: User) -> QuerySet:
    """Active legal advisors on nodes inside the user's scope (the advisors a clerk may invite to a case)."""
    nodes = OrgNode.objects.filter(policy.nodes_q(user, "disputes.assign")) if policy.scope_paths(
        user, "disputes.assign") else OrgNode.objects.none()
    members = Membership.objects.filter(is_active=True, role=Role.LEGAL_ADVISOR, node__in=nodes.values("pk"))
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("username")


def advisor_choices(*, user: User, dispute: Dispute) -> list:
    """The advisors the user may invite to this case: inside the user's scope and covering the case."""
    from .services import advisor_covers

    return [a for a in advisor_candidates(user=user) if advisor_covers(a, dispute)]


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
            .filter(personal.match("contact_phone", phone) | personal.match("parties__phone", phone))  # keyed hash
            .select_related("kind", "village", "room")
            .first())


def dispute_for_link(code: str):
    """The case a resident's signed link names (the signature was checked by ``resident.case_for_token``)."""
    return (Dispute.objects.filter(tracking_code=code).select_related("kind", "village", "room")
            .prefetch_related("parties").first())


# ---- rooms, roster, committee ------------------------------------------------------------------------------------

def rooms_public(subdistrict=None):
    qs = MediationRoom.objects.filter(is_active=True, node__is_active=True).select_related("node", "photo")
    if subdistrict is not None:
        qs = qs.filter(node=subdistrict)
    return qs.prefetch_related("specialities")


def room_public(pk: Any) -> MediationRoom:
    room = rooms_public().filter(pk=pk).first() if _id(pk) is not None else None
    if room is None:
        raise NotFound("调解室不存在或暂未开放。")
    return room


def rooms_for(user: User) -> QuerySet:
    return room_policy.instances_for(user).select_related("node", "host").prefetch_related(
        "specialities").annotate(open_count=Count("disputes", filter=Q(disputes__status__in=Dispute.OPEN_STATUSES)))


def room_choices(user: User) -> QuerySet:
    """The rooms the user may see, as (id, name) rows for a filter or a select (no counts, no related rows)."""
    return room_policy.instances_for(user).order_by("sort_order", "id").values("pk", "name")


def room_get_for_user(*, user: User, pk: Any, action: str = "view") -> MediationRoom:
    return room_policy.get_for_user(user, action, pk,
                                    queryset=MediationRoom.objects.select_related("node", "host", "photo"))


def room_queue(*, user, room):
    """The room's open cases (assigned to it, or ordered by a resident and not yet assigned elsewhere)."""
    return (dispute_qs(user).filter(Q(room=room) | Q(requested_room=room, room__isnull=True))
            .filter(status__in=Dispute.OPEN_STATUSES).select_related("kind", "village", "node")
            .order_by("due_date", "received_on", "id"))


def mediators_for(user, filters=None):
    f = filters or {}
    qs = mediator_policy.instances_for(user).select_related("node", "committee").prefetch_related("specialities")
    if f.get("kind") in Mediator.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f.get("committee") in ("1", "on"):
        qs = qs.filter(committee__isnull=False)
    if f.get("active", "1") == "1":
        qs = qs.filter(is_active=True)
    node_id = _id(f.get("node"))
    if node_id is not None:
        node = OrgNode.objects.filter(pk=node_id).first()
        qs = qs.filter(node__path__startswith=node.path) if node else qs.none()
    return qs.order_by("node__path", "sort_order", "id")


def mediator_get_for_user(*, user: User, pk: Any, action: str = "view") -> Mediator:
    return mediator_policy.get_for_user(user, action, pk, queryset=Mediator.objects.select_related("node", "committee"))


def roster_for(dispute: Dispute) -> QuerySet:
    """Active mediators of the case's subdistrict (the assign form's choices)."""
    sub = dispute.village.tenant() if dispute.village else dispute.node.tenant()
    return Mediator.objects.filter(is_active=True, node__path__startswith=sub.path).order_by("sort_order", "id")


def committees_for(user):
    return policy.scope(Unit.objects.filter(kind=Unit.Kind.COMMITTEE, is_active=True), user, VIEW).annotate(
        members=Count("mediators", filter=Q(mediators__is_active=True)))


def centre_bodies_for(user, perm=VIEW):
    return policy.scope(Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, is_active=True), user, perm).select_related("node")


def centre_bodies_of(dispute: Dispute) -> QuerySet:
    """The active bodies of the case's subdistrict centre (assign / transfer choices)."""
    sub = dispute.village.tenant() if dispute.village else dispute.node.tenant()
    return Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, is_active=True, node=sub)


def villages_for(user, perm=VIEW):
    return policy.scoped_nodes(user, perm, level=orgkinds.VILLAGE).order_by("path")


def villages_public() -> QuerySet:
    """Every active village-level node (the resident's submission form)."""
    return OrgNode.objects.villages().filter(is_active=True).select_related("parent").order_by("path")


def manage_nodes(user: User, *levels: int) -> QuerySet:
    """Nodes where the user keeps rooms / the roster (tenants, optionally villages too)."""
    q = Q(pk__in=[])
    for level in levels:
        q |= Q(pk__in=policy.scoped_nodes(user, "disputes.manage", level=level).values("pk"))
    return OrgNode.objects.filter(q).order_by("path")


def grids_for(user, perm=VIEW):
    return policy.scoped_nodes(user, perm, level=orgkinds.GRID).select_related("parent").order_by("path")


def kinds():
    return DisputeKind.objects.filter(is_active=True)


def risk_words():
    return RiskWord.objects.all()


def risk_word(pk: Any) -> RiskWord | None:
    return RiskWord.objects.filter(pk=pk).first() if _id(pk) is not None else None


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


def transfer_for(*, user: User, pk: Any) -> Transfer:
    """A hand-over to the user's body that is still to be acknowledged; 404 otherwise."""
    t = transfers_to_my_body(user).filter(pk=pk).first() if _id(pk) is not None else None
    if t is None:
        raise NotFound()
    return t


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


def triage_overview(user) -> list[dict]:
    """Per subdistrict the user sees: the model in use and how the clerks answered its suggestions."""
    from .models import TriageModel, TriageSuggestion

    out = []
    for tenant in policy.scoped_nodes(user, VIEW, level=orgkinds.TENANT).order_by("path"):
        m = TriageModel.objects.filter(node=tenant).order_by("-trained_at", "-id").defer("data").first()
        answers = TriageSuggestion.objects.filter(dispute__village__path__startswith=tenant.path).aggregate(
            total=Count("pk"), kind_accepted=Count("pk", filter=Q(kind_outcome="accepted")),
            kind_changed=Count("pk", filter=Q(kind_outcome="changed")),
            routing_accepted=Count("pk", filter=Q(routing_outcome="accepted")),
            routing_changed=Count("pk", filter=Q(routing_outcome="changed")),
            manual=Count("pk", filter=Q(kind_outcome="manual")))
        out.append({"tenant": tenant, "model": m, "answers": answers,
                    "metrics": [(label, (m.metrics or {}).get(f)) for f, label in
                                (("kind", "纠纷类型"), ("level", "办理层级"), ("routing", "调解室/承办机构"))]
                    if m else []})
    return out
