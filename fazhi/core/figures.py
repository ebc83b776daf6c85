"""The one registry of figures.

Each domain declares its figures once in ``<app>/figures.py``::

    @figure("disputes.resolved", "化解矛盾纠纷", unit="起", records="disputes:list")
    def resolved(node, start, end):
        return dispute_qs_within(node).filter(resolved_on__range=(start, end)).count()

A figure is computed for an organisation node (a district covers its subdistricts through the materialized path)
and a period [start, end] (dates, inclusive). It returns a number, or — for a breakdown — a dict
{label: number}. The report, the dashboard, the API (/api/figures/) and exports all read this registry.
"""
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

_registry = {}


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    compute: object
    description: str = ""
    records: str = ""  # URL name of the list page showing the records behind the figure
    records_params: object = None  # fn(node, start, end) -> dict of query parameters for that list
    kind: str = "count"  # count, amount, rate (0..1), breakdown (dict), text
    item_params: object = None  # fn(node, start, end, item) -> query parameters narrowing the list to one breakdown item

    def value(self, node, start, end):
        return self.compute(node, start, end)

    def records_url(self, node, start, end):
        if not self.records:
            return ""
        try:
            base = reverse(self.records)
        except NoReverseMatch:
            return ""
        params = {"node": node.pk, "start": start.isoformat(), "end": end.isoformat()}
        if self.records_params:
            params.update(self.records_params(node, start, end))
        return f"{base}?{urlencode(params)}"

    def item_url(self, node, start, end, item):
        """The records behind one item of a breakdown (a pie slice, a bar): the figure's link narrowed by
        ``item_params``; "" when the figure cannot narrow to that item (its whole link is the honest fallback)."""
        base = self.records_url(node, start, end)
        if not base or self.item_params is None:
            return ""
        extra = self.item_params(node, start, end, item)
        return f"{base}&{urlencode(extra)}" if extra else ""

    def format(self, value):
        if value is None:
            return "—"
        if self.kind == "rate":
            return f"{value * 100:.1f}%"
        if isinstance(value, float):
            return f"{value:,.1f}{self.unit}"
        if isinstance(value, dict):
            return "，".join(f"{k}{v}{self.unit}" for k, v in value.items())
        return f"{value:,}{self.unit}" if isinstance(value, int) and value >= 10000 else f"{value}{self.unit}"


def figure(key, label, *, unit="", description="", records="", records_params=None, kind="count", item_params=None):
    def decorator(fn):
        if key in _registry and _registry[key].compute is not fn:
            raise RuntimeError(f"figure {key} declared twice")
        _registry[key] = Figure(key=key, label=label, unit=unit, compute=fn, description=description,
                                records=records, records_params=records_params, kind=kind, item_params=item_params)
        return fn

    return decorator


def autodiscover():
    from .domain import providers

    providers("figures")


def get(key):
    if not _registry:
        autodiscover()
    return _registry.get(key)


def all_figures():
    if not _registry:
        autodiscover()
    return dict(sorted(_registry.items()))


def compute(key, node, start, end):
    fig = get(key)
    if fig is None:
        raise KeyError(key)
    return fig.value(node, start, end)


def within(queryset, node, field="node"):
    """Rows of ``queryset`` whose ``field`` lies inside ``node`` (for figures; not a user-scoping helper)."""
    from .models import OrgNode

    return queryset.filter(**{f"{field}__in": OrgNode.objects.filter(path__startswith=node.path).values("pk")})
