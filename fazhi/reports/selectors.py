"""Every read of the reports module, scoped through its access policies (``.policies``)."""
from __future__ import annotations

from django.db.models import QuerySet

from fazhi.core import jobs, orgkinds, policy
from fazhi.core.errors import NotFound
from fazhi.core.models import Job, OrgNode
from fazhi.core.selectors import get_or_not_found

from .models import PlanItem, ReportSection, ReportTarget, ReportTemplate, ReportVersion
from .policies import plan_policy, report_policy, section_policy


def report_list(*, user, filters=None) -> QuerySet[ReportTemplate]:
    filters = filters or {}
    qs = report_policy.instances_for(user, "view")
    if (filters.get("year") or "").isdigit():
        qs = qs.filter(year=int(filters["year"]))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-year", "node__path")


def report_get_for_user(*, user, pk, action: str = "view") -> ReportTemplate:
    return report_policy.get_for_user(user, action, pk)


def section_get_for_user(*, user, pk, action: str = "view", report=None) -> ReportSection:
    lookup = {"report": report} if report is not None else {}
    return section_policy.get_for_user(user, action, pk, **lookup)


def latest_version(report) -> ReportVersion | None:
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def report_of(*, node, year) -> ReportTemplate | None:
    return ReportTemplate.objects.filter(node=node, year=year).first()


def reports_of(*, nodes, year) -> dict[int, ReportTemplate]:
    return {r.node_id: r for r in ReportTemplate.objects.filter(year=year, node__in=nodes)}


def node_for_user(*, user, pk=None, perm: str = "reports.dashboard") -> OrgNode:
    """The node asked for (default: the user's home node); NotFound (404) when it lies outside the user's scope."""
    if pk in (None, ""):
        node = policy.user_home_node(user)
        if node is None or not policy.has_perm(user, perm, node):
            node = policy.scoped_nodes(user, perm).order_by("depth", "path").first()
        if node is None:
            raise NotFound()
        return node
    text = str(pk)
    node = policy.scoped_nodes(user, perm).filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
    if node is None:
        raise NotFound()
    return node


def editable_report_hosts(user) -> QuerySet[OrgNode]:
    """Nodes the user may draft a report for: those whose kind hosts reports, inside their ``reports.edit`` scope."""
    return policy.scoped_nodes(user, "reports.edit").report_hosts().order_by("path")


def dashboard_nodes(user) -> QuerySet[OrgNode]:
    """Nodes above villages (district, tenants) inside the user's dashboard scope."""
    return policy.scoped_nodes(user, "reports.dashboard").filter(
        kind__in=orgkinds.codes(level=orgkinds.DISTRICT) + orgkinds.codes(level=orgkinds.TENANT)).order_by("path")


def tenants_for(user, perm: str) -> list[OrgNode]:
    return list(policy.scoped_nodes(user, perm, tenants=True))


def plan_items(*, user, filters=None, action: str = "view") -> QuerySet[PlanItem]:
    filters = filters or {}
    qs = plan_policy.instances_for(user, action)
    if (filters.get("year") or "").isdigit():
        qs = qs.filter(year=int(filters["year"]))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if (filters.get("node") or "").isdigit():
        node = OrgNode.objects.filter(pk=int(filters["node"])).first()
        if node is not None:
            qs = qs.filter(node__path__startswith=node.path)
    if filters.get("start") and filters.get("end"):
        qs = qs.filter(due_date__range=(filters["start"], filters["end"]))
    return qs.order_by("year", "heading", "due_date", "pk")


def plan_item_get_for_user(*, user, pk, action: str = "view") -> PlanItem:
    return plan_policy.get_for_user(user, action, pk)


def targets() -> QuerySet[ReportTarget]:
    return ReportTarget.objects.all()


def target_get(pk) -> ReportTarget:
    return get_or_not_found(ReportTarget.objects.all(), pk)


def jobs_for_user(*, user) -> QuerySet[Job]:
    """The report jobs the user may see (a ledger import is its owner's, shown on its own pages)."""
    from . import jobs as report_jobs

    return jobs.visible(user, kinds=list(report_jobs.KINDS.values()))


def job_get_for_user(*, user, pk) -> Job:
    """A job the user may see (a report job in their ``reports.view`` scope, or one they started)."""
    return jobs.job_policy.get_for_user(user, "view", pk)


def child_villages(node) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(parent=node, is_active=True).order_by("sort_order", "path")


def report_plan_items(report) -> QuerySet[PlanItem]:
    """The next year's plan items of a report (its section 四)."""
    return PlanItem.objects.filter(node=report.node, year=report.year + 1)


def report_previous_plan(report) -> QuerySet[PlanItem]:
    """The plan items made for the report's own year by last year's report (what was done)."""
    return PlanItem.objects.filter(node=report.node, year=report.year)


def published_reports() -> QuerySet[ReportTemplate]:
    """Public: only published reports (their finalised text carries aggregate figures, no personal data)."""
    return ReportTemplate.objects.filter(status=ReportTemplate.Status.PUBLISHED).select_related("node")


def published_get(pk) -> ReportTemplate:
    report = published_reports().filter(pk=pk).first() if str(pk).isdigit() else None
    if report is None:
        raise NotFound()
    return report


def published_version(report) -> ReportVersion | None:
    return latest_version(report)


def node_ids_in_scope(*, user, ids, perm: str = "reports.dashboard") -> set[int]:
    return set(policy.scoped_nodes(user, perm).filter(pk__in=ids).values_list("pk", flat=True))
