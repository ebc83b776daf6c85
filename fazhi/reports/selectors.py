"""Every read of the reports module, already scoped to the user through fazhi.core.policy."""
from django.http import Http404

from fazhi.core import jobs, policy
from fazhi.core.models import OrgNode

from .models import PlanItem, ReportSection, ReportTarget, ReportTemplate, ReportVersion


def report_list(*, user, filters=None):
    filters = filters or {}
    qs = policy.scope(ReportTemplate.objects.select_related("node"), user, "reports.view")
    if (filters.get("year") or "").isdigit():
        qs = qs.filter(year=int(filters["year"]))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-year", "node__path")


def report_get_for_user(*, user, pk):
    return policy.get_for_user(ReportTemplate.objects.select_related("node"), user, "reports.view", pk=pk)


def section_get_for_user(*, user, pk):
    return policy.get_for_user(ReportSection.objects.select_related("report", "report__node"), user, "reports.view",
                               field="report__node", pk=pk)


def latest_version(report):
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def node_for_user(*, user, pk=None, perm="reports.dashboard"):
    """The node asked for (default: the user's home node), or 404 when it lies outside the user's scope."""
    if pk in (None, ""):
        node = policy.user_home_node(user)
        if node is None or not policy.has_perm(user, perm, node):
            node = policy.scoped_nodes(user, perm).order_by("depth", "path").first()
        if node is None:
            raise Http404("记录不存在或不在您的管辖范围内。")
        return node
    try:
        node = OrgNode.objects.get(pk=int(pk), is_active=True)
    except (OrgNode.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的管辖范围内。")
    if not policy.has_perm(user, perm, node):
        raise Http404("记录不存在或不在您的管辖范围内。")
    return node


def node_by_name_for_user(*, user, name, perm="reports.view"):
    node = policy.scoped_nodes(user, perm).filter(name=name).order_by("depth").first()
    if node is None:
        raise Http404("记录不存在或不在您的管辖范围内。")
    return node


def plan_items(*, user, filters=None):
    filters = filters or {}
    qs = policy.scope(PlanItem.objects.select_related("node"), user, "reports.view")
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


def plan_item_get_for_user(*, user, pk):
    return policy.get_for_user(PlanItem.objects.select_related("node"), user, "reports.view", pk=pk)


def targets():
    return ReportTarget.objects.all()


def jobs_for_user(*, user):
    """The report jobs the user may see (a ledger import is its owner's, shown on its own pages)."""
    from . import jobs as report_jobs

    return jobs.visible(user, kinds=list(report_jobs.KINDS.values()))


def job_get_for_user(*, user, pk):
    """A job the user may see (a report job in their ``reports.view`` scope, or one they started)."""
    return jobs.job_policy.get_for_user(user, "view", pk)


def report_of(*, node, year):
    return ReportTemplate.objects.filter(node=node, year=year).first()


def child_villages(node):
    return OrgNode.objects.filter(parent=node, is_active=True).order_by("sort_order", "path")


def report_plan_items(report):
    """The next year's plan items of a report (its section 四)."""
    return PlanItem.objects.filter(node=report.node, year=report.year + 1)


def report_previous_plan(report):
    """The plan items made for the report's own year by last year's report (what was done)."""
    return PlanItem.objects.filter(node=report.node, year=report.year)


def published_reports():
    """Public: only published reports (their finalised text carries aggregate figures, no personal data)."""
    return ReportTemplate.objects.filter(status=ReportTemplate.Status.PUBLISHED).select_related("node")


def published_version(report):
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def node_ids_in_scope(*, user, ids, perm="reports.dashboard"):
    return set(policy.scoped_nodes(user, perm).filter(pk__in=ids).values_list("pk", flat=True))
