"""Figures of the dispute module, computed from the records (never stored totals). fn(node, start, end), dates
inclusive. "Resolved" = an agreement reached in the period (resolved_on in range): the report's "共化解矛盾纠纷198起"."""
from statistics import median

from django.db.models import Count

from fazhi.core import orgkinds
from fazhi.core.figures import figure, within
from fazhi.core.models import Unit

from .models import Agreement, Dispute, FollowUp, MediationRoom, Mediator

LIST = "disputes:list"


def place_field(node, prefix=""):
    """Figures count cases by where they arose (village, or grid for a grid node), not by who handles them now,
    so a village's figure keeps a case that was escalated to the subdistrict."""
    return prefix + ("grid" if node.level == orgkinds.GRID else "village")


def _cases(node):
    # a case merged into another (并单) is the same matter: counted once, as the case it joined
    return within(Dispute.objects.exclude(status=Dispute.Status.MERGED), node, field=place_field(node))


def _resolved(node, start, end):
    return _cases(node).filter(resolved_on__range=(start, end))


def _failed(node, start, end):
    return (_cases(node).filter(concluded_on__range=(start, end), resolved_on__isnull=True)
            .exclude(status=Dispute.Status.DECLINED))


def _breakdown(qs, field, labels):
    rows = qs.order_by().values(field).annotate(n=Count("id")).order_by("-n", field)
    return {labels.get(r[field], r[field] or "未指定"): r["n"] for r in rows}


@figure("disputes.received", "受理登记矛盾纠纷", unit="起", records=LIST,
        description="期间内登记的纠纷（各渠道）")
def received(node, start, end):
    return _cases(node).filter(received_on__range=(start, end)).count()


@figure("disputes.resolved", "化解矛盾纠纷", unit="起", records=LIST, records_params=lambda n, s, e: {"date": "resolved"},
        description="期间内调解成功、签订协议的纠纷")
def resolved(node, start, end):
    return _resolved(node, start, end).count()


@figure("disputes.resolution_rate", "调解成功率", kind="rate", records=LIST,
        records_params=lambda n, s, e: {"date": "concluded", "status": "concluded"},
        description="调解成功 ÷（调解成功 + 调解不成），按期间内调解终结的纠纷计算")
def resolution_rate(node, start, end):
    ok = _resolved(node, start, end).count()
    failed = _failed(node, start, end).count()
    return round(ok / (ok + failed), 4) if ok + failed else None


def _kind_param(node, start, end, name):
    from .models import DisputeKind

    pk = DisputeKind.objects.filter(name=name).values_list("pk", flat=True).first()
    return {"kind": pk} if pk else {}


def _level_param(node, start, end, label):
    code = next((code for code, text in Dispute.Level.choices if text == label), None)
    return {"level": code} if code else {}


@figure("disputes.by_kind", "化解纠纷（按类型）", unit="起", kind="breakdown", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"}, item_params=_kind_param)
def by_kind(node, start, end):
    rows = _resolved(node, start, end).order_by().values("kind__name", "kind__sort_order").annotate(n=Count("id"))
    return {r["kind__name"]: r["n"] for r in sorted(rows, key=lambda r: (r["kind__sort_order"], r["kind__name"]))}


@figure("disputes.by_level", "化解纠纷（按层级）", unit="起", kind="breakdown", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"}, item_params=_level_param)
def by_level(node, start, end):
    labels = dict(Dispute.Level.choices)
    counts = _breakdown(_resolved(node, start, end), "level", labels)
    return {labels[k]: counts[labels[k]] for k in ("grid", "village", "subdistrict") if labels[k] in counts}


@figure("disputes.by_channel", "化解纠纷（按来源）", unit="起", kind="breakdown", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"})
def by_channel(node, start, end):
    return _breakdown(_resolved(node, start, end), "channel", dict(Dispute.Channel.choices))


@figure("disputes.by_room", "化解纠纷（按调解室）", unit="起", kind="breakdown", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"})
def by_room(node, start, end):
    rows = _resolved(node, start, end).order_by().values("room__name").annotate(n=Count("id")).order_by("-n")
    return {(r["room__name"] or "未进调解室"): r["n"] for r in rows}


@figure("disputes.by_month", "化解纠纷（按月）", unit="起", kind="breakdown", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"})
def by_month(node, start, end):
    out = {}
    for day in _resolved(node, start, end).order_by("resolved_on").values_list("resolved_on", flat=True):
        key = f"{day.year}年{day.month}月"
        out[key] = out.get(key, 0) + 1
    return out


@figure("disputes.received_by_month", "登记纠纷（按月）", unit="起", kind="breakdown", records=LIST)
def received_by_month(node, start, end):
    out = {}
    for day in _cases(node).filter(received_on__range=(start, end)).order_by("received_on").values_list(
            "received_on", flat=True):
        key = f"{day.year}年{day.month}月"
        out[key] = out.get(key, 0) + 1
    return out


@figure("disputes.median_days_to_resolve", "化解用时中位数", unit="天", kind="amount", records=LIST,
        records_params=lambda n, s, e: {"date": "resolved"}, description="从登记到签订协议的自然日天数的中位数")
def median_days_to_resolve(node, start, end):
    days = [(r - s).days for s, r in _resolved(node, start, end).values_list("received_on", "resolved_on")]
    return float(median(days)) if days else None


@figure("disputes.followups_done", "回访", unit="次", records=LIST, records_params=lambda n, s, e: {"date": "followup"})
def followups_done(node, start, end):
    return within(FollowUp.objects.all(), node, field=place_field(node, "dispute__")).filter(visited_on__range=(start, end)).count()


@figure("disputes.judicial_confirmations", "司法确认", unit="件", records=LIST,
        records_params=lambda n, s, e: {"date": "judicial", "judicial": "confirmed"},
        description="期间内人民法院裁定确认有效的调解协议")
def judicial_confirmations(node, start, end):
    return within(Agreement.objects.all(), node, field=place_field(node, "dispute__")).filter(
        judicial_outcome="confirmed", judicial_decided_on__range=(start, end)).count()


@figure("disputes.overdue_open", "超期未办结纠纷", unit="起", records=LIST,
        records_params=lambda n, s, e: {"overdue": "1", "as_of": e.isoformat(), "start": "", "end": ""},
        description="截至期末仍未办结且已超过办结期限的纠纷")
def overdue_open(node, start, end):
    """Registered by ``end``, past the due date at ``end``, and still open then (open now, or concluded after)."""
    from django.db.models import Q

    open_at_end = Q(concluded_on__isnull=True, status__in=Dispute.OPEN_STATUSES) | Q(concluded_on__gt=end)
    return _cases(node).filter(open_at_end, received_on__lte=end, due_date__lt=end).count()


@figure("disputes.flagged", "风险预警纠纷", unit="起", records=LIST, records_params=lambda n, s, e: {"flagged": "1"})
def flagged(node, start, end):
    return _cases(node).filter(is_flagged=True, received_on__range=(start, end)).count()


@figure("disputes.centre_bodies", "矛调中心整合机构", unit="个", description="矛调中心入驻机构（集中办公）")
def centre_bodies(node, start, end):
    return within(Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, is_active=True), node).count()


@figure("disputes.mediation_rooms", "品牌调解室", unit="个")
def mediation_rooms(node, start, end):
    return within(MediationRoom.objects.filter(is_active=True), node).count()


@figure("disputes.mediators", "在册调解员", unit="人", records="disputes:mediators")
def mediators(node, start, end):
    return within(Mediator.objects.filter(is_active=True), node).count()


@figure("disputes.administrative_mediators", "行政调解员名册（在册行政调解员）", unit="人", records="disputes:mediators",
        records_params=lambda node, start, end: {"kind": Mediator.Kind.ADMINISTRATIVE})
def administrative_mediators(node, start, end):
    """The roster the report names “行政调解员名册”: administrative mediators only, not every mediator."""
    return within(Mediator.objects.filter(is_active=True, kind=Mediator.Kind.ADMINISTRATIVE), node).count()
