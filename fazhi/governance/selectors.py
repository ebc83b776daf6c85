"""Every read of the module, scoped through fazhi.core.policy. Public selectors show only what is published."""
import datetime

from django.db.models import Count, Q

from fazhi.core import clock, policy
from fazhi.core.models import OrgNode
from fazhi.core.search import search_q

from .models import (
    AgendaItem,
    DisclosureCategory,
    DisclosureItem,
    DisclosureRequest,
    MajorDecision,
    Meeting,
    NormativeDocument,
    PublicComment,
)

VIEW = "governance.view"


def _year(value):
    try:
        year = int(value)
        return year if 2000 <= year <= 2100 else None
    except (TypeError, ValueError):
        return None


def _q(qs, text):
    q = search_q(text or "")
    return qs.filter(q) if q is not None else qs


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

def categories():
    return DisclosureCategory.objects.filter(is_active=True)


def _filter_items(qs, filters):
    filters = filters or {}
    if filters.get("category"):
        qs = qs.filter(category__code=filters["category"])
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(published_on__year=year)
    if filters.get("status") in DisclosureItem.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("timely") in ("1", "0"):
        qs = qs.filter(is_timely=filters["timely"] == "1")
    return _q(qs, filters.get("q"))


def item_list(*, user, filters=None):
    qs = policy.scope(DisclosureItem.objects.select_related("category", "node"), user, VIEW)
    return _filter_items(qs, filters)


def item_get_for_user(user, pk):
    return policy.get_for_user(DisclosureItem.objects.select_related("category", "node", "publisher"), user, VIEW, pk=pk)


def public_items(filters=None, *, include_withdrawn=False):
    qs = DisclosureItem.objects.select_related("category", "node")
    if not include_withdrawn:
        qs = qs.filter(status=DisclosureItem.Status.PUBLISHED)
    return _filter_items(qs, filters)


def public_item(pk):
    """Published and withdrawn items both answer at their stable URL (a withdrawn one shows the notice)."""
    from django.http import Http404

    item = DisclosureItem.objects.select_related("category", "node").filter(pk=pk).first()
    if item is None:
        raise Http404("信息不存在。")
    return item


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
    qs = policy.scope(DisclosureRequest.objects.select_related("node"), user, VIEW)
    if filters.get("status") in DisclosureRequest.Status.values:
        qs = qs.filter(status=filters["status"])
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(received_on__year=year)
    today = clock.today()
    due = filters.get("due")
    open_q = ~Q(status=DisclosureRequest.Status.ANSWERED)
    if due == "overdue":
        qs = qs.filter(open_q, due_date__lt=today)
    elif due == "soon":
        qs = qs.filter(open_q, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=3))
    return _q(qs, filters.get("q"))


def request_get_for_user(user, pk):
    return policy.get_for_user(DisclosureRequest.objects.select_related("node", "extension_approved_by"), user, VIEW, pk=pk)


def request_track(code, phone):
    """The applicant's own request: both the code and the phone number must match."""
    code, phone = (code or "").strip().upper(), (phone or "").strip().replace(" ", "")
    if not code or not phone:
        return None
    return DisclosureRequest.objects.filter(tracking_code=code, phone=phone).first()


def subdistricts_public():
    return OrgNode.objects.filter(kind=OrgNode.Kind.SUBDISTRICT, is_active=True).order_by("path")


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

def document_list(*, user, filters=None):
    filters = filters or {}
    qs = policy.scope(NormativeDocument.objects.select_related("node"), user, VIEW)
    if filters.get("status") in NormativeDocument.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("due") == "review":
        qs = qs.filter(review_due__lte=clock.today()).exclude(status=NormativeDocument.Status.REPEALED)
    if filters.get("q"):
        qs = qs.filter(Q(title__contains=filters["q"]) | Q(doc_number__contains=filters["q"]))
    return qs


def document_get_for_user(user, pk):
    return policy.get_for_user(NormativeDocument.objects.select_related("node", "reviewer", "agenda_item__meeting", "disclosure_item"),
                               user, VIEW, pk=pk)


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
    qs = policy.scope(PublicComment.objects.select_related("document", "decision"), user, VIEW)
    if filters.get("status") in PublicComment.Status.values:
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-created_at")


def comment_get_for_user(user, pk):
    return policy.get_for_user(PublicComment.objects.all(), user, VIEW, pk=pk)


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

def decision_list(*, user, filters=None):
    filters = filters or {}
    qs = policy.scope(MajorDecision.objects.select_related("node"), user, VIEW)
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(year=year)
    if filters.get("status") in MajorDecision.Status.values:
        qs = qs.filter(status=filters["status"])
    return qs


def decision_get_for_user(user, pk):
    return policy.get_for_user(MajorDecision.objects.select_related("node", "agenda_item__meeting"), user, VIEW, pk=pk)


# ---- 会议 ---------------------------------------------------------------------------------------------------------

def meeting_list(*, user, filters=None):
    filters = filters or {}
    qs = policy.scope(Meeting.objects.select_related("node", "chair"), user, VIEW)
    year = _year(filters.get("year"))
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-id").annotate(item_count=Count("items", distinct=True),
                       guest_count=Count("attendees", filter=Q(attendees__is_voting=False), distinct=True))


def meeting_get_for_user(user, pk):
    return policy.get_for_user(Meeting.objects.select_related("node", "chair"), user, VIEW, pk=pk)


def approved_agenda_items(user, node):
    """Agenda items that may be linked as the collective decision of a document/decision in ``node``."""
    sub = node.subdistrict or node
    qs = policy.scope(AgendaItem.objects.select_related("meeting"), user, VIEW, field="meeting__node")
    return qs.filter(outcome=AgendaItem.Outcome.APPROVED, meeting__node__path__startswith=sub.path).order_by("-meeting__held_on", "seq")


def villages_of(node):
    return OrgNode.objects.filter(kind=OrgNode.Kind.VILLAGE, path__startswith=node.path, is_active=True).order_by("sort_order", "path")


def voting_candidates(node):
    from fazhi.core.models import User

    """Subdistrict-level staff (党工委成员 hold their roles on the subdistrict itself, not on a village)."""
    return User.objects.filter(memberships__node=(node.subdistrict or node), memberships__is_active=True,
                               is_active=True).distinct().order_by("username")
