"""Who may see and act on the reports module's rows: one access policy per scoped model (see fazhi.core.access).

Reports, their sections and plan items are scoped by their node (a section by its report's node). Background jobs
are core jobs (``fazhi.core.jobs.job_policy``); their kinds, registered in ``.jobs``, are seen with ``reports.view``.
"""
from fazhi.core.access import AccessPolicy, register

from .models import PlanItem, ReportSection, ReportTemplate

REPORT_ACTIONS = {"view": "reports.view", "edit": "reports.edit", "finalise": "reports.finalise",
                  "publish": "reports.publish"}

report_policy = register(AccessPolicy(ReportTemplate, actions=REPORT_ACTIONS,
                                      base=lambda qs: qs.select_related("node")))
section_policy = register(AccessPolicy(ReportSection, actions={"view": "reports.view", "edit": "reports.edit"},
                                       node_field="report__node",
                                       base=lambda qs: qs.select_related("report", "report__node")))
plan_policy = register(AccessPolicy(PlanItem, actions={"view": "reports.view", "edit": "reports.edit"},
                                    base=lambda qs: qs.select_related("node")))
