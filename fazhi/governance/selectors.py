"""Every read of the module, scoped through the module's access policies (policies.py). Public selectors show only
what is published.

Workbench lists filter by ``node`` (a node id inside the user's scope: the node and everything below it) and by a
date range ``start``/``end`` (inclusive, on the date the figure of the list counts), as well as ``year``: a figure's
"records" link carries exactly these, so the list shows exactly the figure's records.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from fazhi.core import clock, files, personal, policy
from fazhi.core.errors import DomainError
from fazhi.core.models import OrgNode
from fazhi.core.search import search_q
from fazhi.core.validators import clean_date

from . import annual
from .models import (
    AgendaItem,
    DisclosureCategory,
    DisclosureItem,
    DisclosureRemedy,
    DisclosureReport,
    DisclosureRequest,
    MajorDecision,
    Meeting,
    NormativeDocument,
    PublicComment,
)
from .policies import (
    agenda_policy,
    comment_policy,
    decision_policy,
    document_policy,
    item_policy,
    meeting_policy,
    report_policy,
    request_policy,
)

VIEW = "governance.view"


def _year(value):
    try:
        year = int(value)
        return year if 2000 <= year <= 2100 else None
    except (TypeError, ValueError):
        return None


def _within(qs, user, filters, *, date_field, node_field="node"):
    """The figure filters: ?node= (inside the user's scope, else nothing), ?start=&end= or ?year= on ``date_field``."""
    node_id = str(filters.get("node") or "")
    if node_id:
        node = policy.scoped_nodes(user, VIEW).filter(pk=int(node_id)).first() if node_id.isdigit() and len(node_id) < 12 else None
        if node is None:
            return qs.none()
        qs = qs.filter(**{f"{node_field}__path__startswith": node.path})
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(**{f"{date_field}__year": year})
    for key, lookup in (("start", "gte"), ("end", "lte")):
        try:
            day = clean_date(filters.get(key), field=key, label=key, required=False)
        except DomainError:
            day = None
        if day:
            qs = qs.filter(**{f"{date_field}__{lookup}": day})
    return qs


def _day(value):
    try:
        return clean_date(value, field="date", label="日期", required=False)
    except DomainError:
        return None


def _q(qs, text):
    q = search_q(text or "")
    return qs.filter(q) if q is not None else qs


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

def categories():
    return DisclosureCategory.objects.filter(is_active=True)


def all_categories():
    """Every catalogue category, retired ones too (a ledger names the category of old items)."""
    return DisclosureCategory.objects.all()


def _filter_items(qs, filters, user=None):
    filters = filters or {}
    if filters.get("category"):
        qs = qs.filter(category__code=filters["category"])
    if user is not None:
        qs = _within(qs, user, filters, date_field="published_on")
    else:
        year = _year(filters.get("year"))
        if year:
            qs = qs.filter(published_on__year=year)
    if filters.get("status") in DisclosureItem.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("timely") in ("1", "0"):
        qs = qs.filter(is_timely=filters["timely"] == "1")
    return _q(qs, filters.get("q"))


def item_list(*, user, filters: dict | None = None) -> QuerySet:
    return _filter_items(item_policy.instances_for(user), filters, user)


def item_get_for_user(user, pk, action: str = "view") -> DisclosureItem:
    return item_policy.get_for_user(user, action, pk)


def public_items(filters=None, *, include_withdrawn=False):
    qs = DisclosureItem.objects.select_related("category", "node")
    if not include_withdrawn:
        qs = qs.filter(status=DisclosureItem.Status.PUBLISHED)
    return _filter_items(qs, filters)


def public_item(pk):
    """Published and withdrawn items both answer at their stable URL (a withdrawn one shows the notice)."""
    from django.http import Http404

    item = (DisclosureItem.objects.select_related("category", "node").exclude(status=DisclosureItem.Status.DRAFT)
            .filter(pk=pk).first())
    if item is None:
        raise Http404("信息不存在。")
    return item


def public_view(item: DisclosureItem, *, preview: bool = False) -> dict:
    """What the public page of an item shows — the portal and the staff preview render exactly this. The body goes
    through the personal-number scrubber; a withdrawn item shows its notice only."""
    from fazhi.core import files
    from fazhi.core.masking import contains_personal_numbers, scrub_text

    shown = preview or item.status == DisclosureItem.Status.PUBLISHED
    return {"item": item, "body": scrub_text(item.body) if shown else "",
            "attachments": list(files.files_of(item)) if shown else [],
            "published_on": item.published_on or (clock.today() if preview else None),
            "scrubbed": shown and contains_personal_numbers(item.body)}


def public_category_counts(year=None):
    qs = DisclosureItem.objects.filter(status=DisclosureItem.Status.PUBLISHED)
    if year:
        qs = qs.filter(published_on__year=year)
    counts = dict(qs.values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n"))
    return [(c, counts.get(c.pk, 0)) for c in categories()]


def public_years():
    return sorted({d.year for d in DisclosureItem.objects.filter(status="published").dates("published_on", "year")}, reverse=True)


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

def request_list(*, user, filters=None):
    filters = filters or {}
    qs = request_policy.instances_for(user)
    if filters.get("status") in DisclosureRequest.Status.values:
        qs = qs.filter(status=filters["status"])
    date_field = "answered_on" if filters.get("by") == "answered" else "received_on"
    qs = _within(qs, user, filters, date_field=date_field)
    if filters.get("reply_type") in DisclosureRequest.Reply.values:
        qs = qs.filter(reply_type=filters["reply_type"])
    year = _year(filters.get("annual"))
    if filters.get("annual") not in (None, ""):  # a cell of the annual report: exactly its records
        qs = annual.request_cell(qs, year, str(filters.get("cell") or "")) if year else qs.none()
    today = clock.today()
    due = filters.get("due")
    # waiting for the applicant's correction or a third party's opinion, the clock is paused: never "overdue"
    open_q = Q(status__in=(DisclosureRequest.Status.REGISTERED, DisclosureRequest.Status.EXTENSION_PENDING))
    if due == "overdue":
        qs = qs.filter(open_q, due_date__lt=today)
    elif due == "soon":
        qs = qs.filter(open_q, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=3))
    elif due == "uncorrected":  # the correction period is over: 视为放弃申请 may be recorded (第三十条)
        qs = qs.filter(status=DisclosureRequest.Status.CORRECTING, correction_due__lt=today)
    return _q(qs, filters.get("q"))


def request_get_for_user(user, pk, action: str = "view") -> DisclosureRequest:
    return request_policy.get_for_user(user, action, pk)


def request_track(code, phone):
    """The applicant's own request: both the code and the phone number must match."""
    code, phone = (code or "").strip().upper(), (phone or "").strip().replace(" ", "")
    if not code or not phone:
        return None
    return DisclosureRequest.objects.filter(personal.match("phone", phone), tracking_code=code).first()


def request_by_code(code):
    """The request with this tracking code — only for a signed token that already proves code + phone."""
    return DisclosureRequest.objects.filter(tracking_code=str(code or "")[:20]).first() if code else None


def reply_files(req):
    """The reply's attachments (the letter's enclosures) the applicant downloads from the tracking page."""
    return files.files_of(req, purpose="reply")


def annual_decisions(*, user, filters=None) -> QuerySet:
    """The enforcement decisions behind a table-二 cell of the annual report (?node=&year=&kind=), read through the
    enforcement module's selector; a node outside the user's scope lists nothing."""
    from fazhi.enforcement import disclosure as enforcement

    filters = filters or {}
    node_id = str(filters.get("node") or "")
    node = (policy.scoped_nodes(user, VIEW).filter(pk=int(node_id)).first()
            if node_id.isdigit() and len(node_id) < 12 else None)
    return enforcement.decisions(node, _year(filters.get("year")), str(filters.get("kind") or ""))


def subdistricts_public() -> QuerySet:
    return OrgNode.objects.tenants().filter(is_active=True).order_by("path")


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

def document_list(*, user, filters=None):
    filters = filters or {}
    qs = document_policy.instances_for(user)
    date_field = filters.get("by") if filters.get("by") in ("reviewed_on", "published_on", "filed_on", "created_on",
                                                            "repealed_on") else "created_on"
    qs = _within(qs, user, filters, date_field=date_field)
    in_force = _day(filters.get("in_force"))
    if in_force:  # published by the day and not repealed by it (the annual report's 现行有效)
        qs = qs.filter(published_on__lte=in_force).exclude(repealed_on__lte=in_force)
    if filters.get("status") in NormativeDocument.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("due") == "review":
        qs = qs.filter(review_due__lte=clock.today()).exclude(status=NormativeDocument.Status.REPEALED)
    if filters.get("q"):
        qs = qs.filter(Q(title__contains=filters["q"]) | Q(doc_number__contains=filters["q"]))
    return qs


def document_get_for_user(user, pk, action: str = "view") -> NormativeDocument:
    return document_policy.get_for_user(user, action, pk)


PUBLIC_DOC_STATES = ("commenting", "comment_closed", "in_review", "reviewed", "decided", "registered", "published", "filed", "repealed")


def public_documents():
    return NormativeDocument.objects.filter(
        Q(status__in=PUBLIC_DOC_STATES, comment_start__isnull=False) | Q(status__in=("published", "filed", "repealed"))
    ).select_related("node").order_by("-id")


def public_document(pk):
    from django.http import Http404

    doc = NormativeDocument.objects.filter(pk=pk).filter(Q(comment_start__isnull=False) | Q(status__in=("published", "filed", "repealed"))).first()
    if doc is None:
        raise Http404("文件不存在或尚未公开。")
    return doc


def public_decision(pk):
    from django.http import Http404

    decision = MajorDecision.objects.filter(pk=pk).first()
    if decision is None:
        raise Http404("决策事项不存在。")
    return decision


def public_decisions(year=None):
    qs = MajorDecision.objects.select_related("node")
    if year:
        qs = qs.filter(year=year)
    return qs


def approved_comments(target):
    return target.comments.filter(status=PublicComment.Status.APPROVED).order_by("created_at")


def comment_list(*, user, filters=None):
    filters = filters or {}
    qs = _within(comment_policy.instances_for(user), user, filters, date_field="created_at__date")
    if filters.get("status") in PublicComment.Status.values:
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-created_at")


def comment_get_for_user(user, pk, action: str = "view") -> PublicComment:
    return comment_policy.get_for_user(user, action, pk)


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

def decision_list(*, user, filters=None):
    filters = filters or {}
    qs = decision_policy.instances_for(user)
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(year=year)
    qs = _within(qs, user, {"node": filters.get("node")}, date_field="decided_on")
    for key, lookup in (("start", "gte"), ("end", "lte")):  # catalogue years overlapping the period
        day = _day(filters.get(key))
        if day:
            qs = qs.filter(**{f"year__{lookup}": day.year})
    if filters.get("status") in MajorDecision.Status.values:
        qs = qs.filter(status=filters["status"])
    return qs


def decision_get_for_user(user, pk, action: str = "view") -> MajorDecision:
    return decision_policy.get_for_user(user, action, pk)


# ---- 会议 ---------------------------------------------------------------------------------------------------------

def meeting_list(*, user, filters=None):
    filters = filters or {}
    qs = _within(meeting_policy.instances_for(user), user, filters, date_field="held_on")
    if str(filters.get("rule_of_law") or "") == "1":  # meetings that discussed rule-of-law work (report section 二)
        from .figures import rule_of_law_agenda_q

        qs = qs.filter(id__in=AgendaItem.objects.filter(rule_of_law_agenda_q()).values("meeting_id"))
    return qs.order_by("-held_on", "-id").annotate(item_count=Count("items", distinct=True),
                       guest_count=Count("attendees", filter=Q(attendees__is_voting=False), distinct=True))


def meeting_get_for_user(user, pk, action: str = "view") -> Meeting:
    return meeting_policy.get_for_user(user, action, pk)


def approved_agenda_items(user, node):
    """Agenda items that may be linked as the collective decision of a document/decision in ``node``."""
    sub = node.tenant() or node
    qs = agenda_policy.instances_for(user)
    return qs.filter(outcome=AgendaItem.Outcome.APPROVED, meeting__node__path__startswith=sub.path).order_by("-meeting__held_on", "seq")


def villages_of(node) -> QuerySet:
    return OrgNode.objects.villages().filter(path__startswith=node.path, is_active=True).order_by("sort_order", "path")


def voting_candidates(node):
    from fazhi.core.models import User

    """Subdistrict-level staff (党工委成员 hold their roles on the subdistrict itself, not on a village)."""
    return User.objects.filter(memberships__node=(node.tenant() or node), memberships__is_active=True,
                               is_active=True).distinct().order_by("username")


def tenant_for_new_record(user, perm: str, value=None) -> OrgNode:
    """The 街道 a new record belongs to: the one chosen (inside the user's scope for ``perm``), else the user's first."""
    from fazhi.core.errors import NotAllowed
    from fazhi.core.validators import clean_node

    if value not in (None, ""):
        return clean_node(user, value, perm=perm, field="node", label="机关", tenants=True)
    node = policy.scoped_nodes(user, perm, tenants=True).order_by("path").first()
    if node is None:
        raise NotAllowed("您的岗位角色不包含此功能。")
    return node


def agenda_item_of(meeting: Meeting, item_id) -> AgendaItem:
    """An agenda item of a meeting the user already reached (its id in the URL): another meeting's item is 404."""
    from fazhi.core.errors import NotFound

    item = meeting.items.filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise NotFound("议题不存在。")
    return item


def attendee_input(meeting: Meeting, data: dict) -> dict:
    """meeting_add_attendee's arguments from a form or API body: a voting member of this 街道, or a guest."""
    user_id = data.get("user")
    if user_id not in (None, ""):
        user = voting_candidates(meeting.node).filter(pk=user_id).first() if str(user_id).isdigit() else None
        if user is None:
            raise DomainError("请选择本街道的党工委成员。", field_errors={"user": "不在本街道。"})
        return {"user": user}
    return {"name": data.get("name") or "", "village": data.get("village") or None,
            "role_label": data.get("role_label") or ""}


# ---- 政府信息公开工作年度报告 -------------------------------------------------------------------------------------

def annual_report_list(*, user, filters=None) -> QuerySet:
    filters = filters or {}
    qs = _within(report_policy.instances_for(user), user, {"node": filters.get("node")}, date_field="created_at")
    year = _year(filters.get("year"))
    return qs.filter(year=year) if year else qs


def remedies_of(req: DisclosureRequest) -> QuerySet:
    return req.remedies.all()


def remedy_of(req: DisclosureRequest, remedy_id) -> DisclosureRemedy:
    """A remedy of a request the user already reached (its id in the URL): another request's remedy is 404."""
    from fazhi.core.errors import NotFound

    remedy = req.remedies.filter(pk=remedy_id).first() if str(remedy_id).isdigit() else None
    if remedy is None:
        raise NotFound("记录不存在。")
    return remedy


def public_annual_reports() -> QuerySet:
    return DisclosureReport.objects.filter(status=DisclosureReport.Status.PUBLISHED).select_related("node")


def public_annual_report(pk) -> DisclosureReport:
    from django.http import Http404

    report = public_annual_reports().filter(pk=pk).first() if str(pk).isdigit() else None
    if report is None:
        raise Http404("报告不存在或尚未公开。")
    return report
