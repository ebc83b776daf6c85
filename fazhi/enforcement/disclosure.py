"""Read-only counts of the enforcement module for the government-information disclosure annual report.

《政府信息公开条例》第二十条第（六）项: the agency discloses its 行政处罚 and 行政强制 decisions; the national report
format (国办公开办函〔2021〕30号) counts them in table 二 as 本年处理决定数量. The governance module reads them here
(an app reads another app's rows only through that app's selectors), never through the models.

A decision of the year is a case whose ``decided_on`` lies in the year, within the tenant's subtree:
- 行政处罚: a case under a 行政处罚 power decided with 给予行政处罚 (a penalty decision);
- 行政强制: a case under a 行政强制 power with any decision recorded (撤销案件 excluded: no decision on the party).
行政许可 and 行政事业性收费 are not recorded by this module: they are absent from ``KINDS``.
"""
from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from fazhi.core.figures import within

from .models import Case, PowerType, Result

#: The kinds of decision this module records for table 二: key → (label, Q over cases).
KINDS = {
    "penalty": ("行政处罚", Q(power__power_type=PowerType.PENALTY, result=Result.PENALTY)),
    "compulsory": ("行政强制", Q(power__power_type=PowerType.COMPULSORY) & ~Q(result__in=("", Result.REVOKED))),
}


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def decisions(node, year: int, kind: str) -> QuerySet:
    """The decisions of ``kind`` made in ``year`` within ``node``'s subtree (none for an unknown kind or no node)."""
    if kind not in KINDS or node is None or not year:
        return Case.objects.none()
    return (within(Case.objects.filter(decided_on__range=_year(year)), node).filter(KINDS[kind][1])
            .select_related("power").order_by("decided_on", "id"))


def decision_counts(node, year: int) -> dict[str, int]:
    """{kind: number of decisions made in ``year``} for every kind in ``KINDS``."""
    return {kind: decisions(node, year, kind).count() for kind in KINDS}
