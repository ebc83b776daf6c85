"""The leader's dashboard: which charts, from which registry figures — computed in one JSON payload."""
from fazhi.core import figures, orgkinds

from .selectors import child_villages

# (id, title, chart type, figure keys). Types: line (by-month dicts), pie/bar (breakdown dict), stat (numbers),
# rates (0..1 values), children (each key computed for every child node: the drill-down chart).
CHARTS = [
    ("disputes_month", "矛盾纠纷按月受理与化解", "line", ["disputes.received_by_month", "disputes.by_month"]),
    ("disputes_kind", "矛盾纠纷类型", "pie", ["disputes.by_kind"]),
    ("disputes_level", "矛盾纠纷化解层级", "bar", ["disputes.by_level"]),
    ("disputes_overdue", "矛盾纠纷超期情况", "stat", ["disputes.received", "disputes.resolved", "disputes.overdue_open"]),
    ("enforcement_rates", "行政执法公示及时率与音像记录覆盖率", "rates",
     ["enforcement.publication_timeliness", "enforcement.av_coverage", "enforcement.officers_valid_cert_rate"]),
    ("publicity_audience", "普法受众构成", "bar", ["publicity.reach_by_audience"]),
    ("legal_by_village", "各村（社区）法律服务与坐班", "children",
     ["legalservice.services", "legalservice.office_hours_held", "legalservice.office_hours_missed"]),
    ("disputes_by_village", "各村（社区）受理矛盾纠纷", "children", ["disputes.received"]),
    ("disclosure", "政务公开按期率", "rates", ["governance.disclosure_timeliness", "governance.requests_on_time_rate"]),
]


def _safe(fig, node, start, end):
    from .render import normalize

    try:
        return normalize(fig.value(node, start, end))
    except Exception:  # noqa: BLE001 - one module's broken figure must not blank the whole dashboard
        return None


def _series(fig, value, node, start, end):
    out = {"key": fig.key, "label": fig.label, "unit": fig.unit, "kind": fig.kind, "value": value,
           "records_url": fig.records_url(node, start, end)}
    if isinstance(value, dict) and fig.item_params is not None:  # a pie slice / bar opens exactly its records
        out["item_urls"] = {item: fig.item_url(node, start, end, item) for item in value}
    return out


def _own_level(fig, node, start, end, child_values):
    """What ``node`` counts beyond its children's sum (records kept on the node itself); None when not a count."""
    total = _safe(fig, node, start, end)
    if not isinstance(total, (int, float)) or fig.kind not in ("count",):
        return None
    rest = total - sum(v for v in child_values if isinstance(v, (int, float)))
    return rest if rest > 0 else None


def dashboard_data(node, start, end):
    children = list(child_villages(node))
    charts = []
    for chart_id, title, kind, keys in CHARTS:
        present = [figures.get(k) for k in keys if figures.get(k) is not None]
        missing = [k for k in keys if figures.get(k) is None]
        if kind == "children" and node.level == orgkinds.DISTRICT:
            title = title.replace("各村（社区）", "各街道")
        chart = {"id": chart_id, "title": title, "type": kind, "missing": missing, "series": []}
        if kind == "children":
            chart["categories"] = [{"id": c.pk, "name": c.name} for c in children]
            rows = []
            for fig in present:
                values = [_safe(fig, c, start, end) for c in children]
                rows.append((fig, values, _own_level(fig, node, start, end, values)))
            if any(own for _fig, _values, own in rows):
                # records kept on this node itself (a village's legal services are recorded on the village, not on
                # its grids): a first bar for them, so drilling into a village keeps the village's own figures
                chart["categories"].insert(0, {"id": node.pk, "name": f"{node.name}（本级）", "own": True})
                rows = [(fig, [own or 0] + values, own) for fig, values, own in rows]
            for fig, values, _own in rows:
                chart["series"].append(_series(fig, values, node, start, end))
        else:
            for fig in present:
                chart["series"].append(_series(fig, _safe(fig, node, start, end), node, start, end))
        chart["records_url"] = chart["series"][0]["records_url"] if chart["series"] else ""
        charts.append(chart)
    crumbs = []
    current = node
    while current is not None:
        crumbs.insert(0, {"id": current.pk, "name": current.name})
        current = current.parent
    return {"node": {"id": node.pk, "name": node.name, "kind": node.kind}, "start": start.isoformat(),
            "end": end.isoformat(), "children": [{"id": c.pk, "name": c.name} for c in children],
            "breadcrumbs": crumbs, "charts": charts}
