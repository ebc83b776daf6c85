"""Figures of government affairs, computed from records for a node and a period (dates inclusive).

Choices, stated once:
- disclosure_published counts items published in the period, withdrawn ones included (they were published; the
  withdrawal is a later event and is itself on record).
- disclosure_timeliness: share of the items published in the period that were published within the statutory
  20 working days of being formed (items whose deadline cannot be computed are left out); None with no items.
- requests_on_time_rate: share of the requests answered in the period answered by their deadline (with an approved
  extension, and counted from the corrected application after a correction); None with none answered.
- normative_docs_by_stage: current stage of the documents registered for drafting on or before the period's end.
- decisions: items of the yearly catalogues of the period's years. decision_procedure_completeness: over decisions
  already decided, the share of their required pre-decision steps and collective decision that are done or waived
  with a recorded reason.
- meetings_with_guests: meetings held in the period with at least one village (community) guest attending.
"""
from collections import OrderedDict

from django.db.models import Count, F, Q

from fazhi.core.figures import figure, within

from .models import (
    AgendaItem,
    DecisionStep,
    DisclosureCategory,
    DisclosureItem,
    DisclosureRequest,
    MajorDecision,
    Meeting,
    NormativeDocument,
)
from .workflow import PRE_DECISION_STEPS


def _share(qs, q):
    """The share of ``qs`` that satisfies ``q``; None for no rows."""
    total = qs.count()
    return qs.filter(q).count() / total if total else None


def _by_choice(qs, field, choices):
    """{label: n} of ``qs`` by ``field``, in the choices' order, only the labels that occur."""
    counts = dict(qs.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    return OrderedDict((label, counts[key]) for key, label in choices if counts.get(key))


def _items(node, start, end):
    return within(DisclosureItem.objects.all(), node).filter(published_on__range=(start, end))


@figure("governance.disclosure_published", "主动公开政府信息", unit="条", records="governance:items")
def disclosure_published(node, start, end):
    return _items(node, start, end).count()


@figure("governance.disclosure_by_category", "主动公开信息（按目录类别）", unit="条", kind="breakdown", records="governance:items")
def disclosure_by_category(node, start, end):
    counts = dict(_items(node, start, end).values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n"))
    return OrderedDict((c.name, counts[c.pk]) for c in DisclosureCategory.objects.all() if counts.get(c.pk))


@figure("governance.disclosure_by_month", "主动公开信息（按月）", unit="条", kind="breakdown", records="governance:items")
def disclosure_by_month(node, start, end):
    out = OrderedDict()
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out[f"{y}年{m}月"] = 0
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for day in _items(node, start, end).values_list("published_on", flat=True):
        out[f"{day.year}年{day.month}月"] += 1
    return out


@figure("governance.disclosure_timeliness", "主动公开及时率（20个工作日内）", kind="rate", records="governance:items")
def disclosure_timeliness(node, start, end):
    return _share(_items(node, start, end).exclude(is_timely__isnull=True), Q(is_timely=True))


def _requests(node):
    return within(DisclosureRequest.objects.all(), node)


def _answered(node, start, end):
    """Replies in the period (a request closed as abandoned — 逾期未补正 — was not answered)."""
    return _requests(node).filter(answered_on__range=(start, end), status=DisclosureRequest.Status.ANSWERED)


@figure("governance.requests_received", "收到政府信息公开申请", unit="件", records="governance:requests")
def requests_received(node, start, end):
    return _requests(node).filter(received_on__range=(start, end)).count()


@figure("governance.requests_answered", "答复政府信息公开申请", unit="件", records="governance:requests",
        records_params=lambda node, start, end: {"by": "answered", "status": "answered"})
def requests_answered(node, start, end):
    return _answered(node, start, end).count()


@figure("governance.requests_by_reply", "申请答复（按答复类型）", unit="件", kind="breakdown", records="governance:requests",
        records_params=lambda node, start, end: {"by": "answered", "status": "answered"})
def requests_by_reply(node, start, end):
    return _by_choice(_answered(node, start, end), "reply_type", DisclosureRequest.Reply.choices)


@figure("governance.requests_on_time_rate", "申请按期答复率", kind="rate", records="governance:requests",
        records_params=lambda node, start, end: {"by": "answered", "status": "answered"})
def requests_on_time_rate(node, start, end):
    return _share(_answered(node, start, end).filter(due_date__isnull=False), Q(answered_on__lte=F("due_date")))


def _docs(node):
    return within(NormativeDocument.objects.all(), node)


@figure("governance.normative_docs_by_stage", "行政规范性文件（按阶段）", unit="件", kind="breakdown", records="governance:documents")
def normative_docs_by_stage(node, start, end):
    return _by_choice(_docs(node).filter(created_on__lte=end), "status", NormativeDocument.Status.choices)


def _docs_on(key, label, field):
    """A figure counting the documents whose ``field`` date lies in the period (the list filters ?by=field)."""
    def count(node, start, end):
        return _docs(node).filter(**{f"{field}__range": (start, end)}).count()

    return figure(f"governance.normative_docs_{key}", label, unit="件", records="governance:documents",
                  records_params=lambda node, start, end: {"by": field})(count)


normative_docs_reviewed = _docs_on("reviewed", "规范性文件合法性审核", "reviewed_on")
normative_docs_published = _docs_on("published", "公布行政规范性文件", "published_on")
normative_docs_filed = _docs_on("filed", "规范性文件报备", "filed_on")


def _decisions(node, start, end):
    return within(MajorDecision.objects.all(), node).filter(year__gte=start.year, year__lte=end.year)


@figure("governance.decisions", "重大行政决策事项", unit="项", records="governance:decisions")
def decisions(node, start, end):
    return _decisions(node, start, end).count()


@figure("governance.decision_procedure_completeness", "重大行政决策程序完整率", kind="rate", records="governance:decisions")
def decision_procedure_completeness(node, start, end):
    decided = _decisions(node, start, end).exclude(status__in=(MajorDecision.Status.CATALOGUED, MajorDecision.Status.IN_PROCEDURE))
    steps = DecisionStep.objects.filter(decision__in=decided, required=True, kind__in=PRE_DECISION_STEPS + ("collective",))
    return _share(steps, ~Q(status=DecisionStep.Status.PENDING))


def _meetings(node, start, end):
    return within(Meeting.objects.all(), node).filter(held_on__range=(start, end))


@figure("governance.meetings", "召开党工委会议", unit="次", records="governance:meetings")
def meetings(node, start, end):
    return _meetings(node, start, end).count()


@figure("governance.meeting_items_decided", "党工委会议集体决定议题", unit="项", records="governance:meetings")
def meeting_items_decided(node, start, end):
    return AgendaItem.objects.filter(meeting__in=_meetings(node, start, end)).exclude(outcome=AgendaItem.Outcome.PENDING).count()


@figure("governance.meetings_with_guests", "邀请村党支部书记列席的党工委会议", unit="次", records="governance:meetings")
def meetings_with_guests(node, start, end):
    return _meetings(node, start, end).filter(Q(attendees__is_voting=False, attendees__village__isnull=False)).distinct().count()


#: words in an agenda item's title that make it a discussion of rule-of-law work (学法, 法治建设, 依法行政,
#: 合法性审查, 普法 …) — the meetings section 二 of the annual report (the first responsible person's duties) summarises
RULE_OF_LAW_WORDS = ("法治", "依法", "法制", "普法", "学法", "法律", "合法性", "宪法", "执法")


def rule_of_law_agenda_q() -> Q:
    q = Q()
    for word in RULE_OF_LAW_WORDS:
        q |= Q(title__contains=word)
    return q


def _rule_of_law_items(node, start, end):
    return AgendaItem.objects.filter(meeting__in=_meetings(node, start, end)).filter(rule_of_law_agenda_q())


@figure("governance.rule_of_law_meetings", "专题研究法治建设的党工委会议", unit="次", records="governance:meetings",
        records_params=lambda node, start, end: {"rule_of_law": "1"})
def rule_of_law_meetings(node, start, end):
    return _meetings(node, start, end).filter(id__in=_rule_of_law_items(node, start, end).values("meeting_id")).count()


@figure("governance.rule_of_law_topics", "党工委会议研究的法治建设议题", kind="text", records="governance:meetings",
        records_params=lambda node, start, end: {"rule_of_law": "1"})
def rule_of_law_topics(node, start, end):
    """The agenda items' titles in date order (at most eight, then 等), e.g. “研究2023年法治政府建设工作要点”、…"""
    titles = list(_rule_of_law_items(node, start, end).order_by("meeting__held_on", "seq").values_list("title", flat=True))
    shown = "、".join(f"“{t}”" for t in titles[:8])
    return shown + ("等" if len(titles) > 8 else "")
