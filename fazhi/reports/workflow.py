"""Transition tables of the reports module, run by the one runner (``fazhi.core.workflow.Workflow.run``).

- the report: 起草中 → 待审核 → 已定稿 (locked, hashed) → 已公开; a final report may be reopened;
- a plan item (section 四, tracked in the next year): 未开始 / 推进中 / 已完成 / 已取消, set from its status form.
"""
from fazhi.core.notifications import next_actors
from fazhi.core.workflow import Transition, Workflow

from .models import PlanItem, ReportTemplate

S = ReportTemplate.Status
P = PlanItem.Status


def _no_token_errors(report, user):
    """Unknown figures, or a shortcoming (section 三) without its cause, keep the report from review and finalising."""
    from .services import missing_causes, report_token_errors

    problems = report_token_errors(report)
    if problems:
        return "报告中有无法识别的指标，请先修改：" + "；".join(problems[:3])
    missing = missing_causes(report)
    if missing:
        return ("第三部分“存在的不足和原因”中，以下不足尚未填写原因（督察规定第二十四条）："
                + "、".join(f"“{h}”" for h in missing[:5]))
    return None


report_workflow = Workflow(
    [
        Transition("submit", "提交审核", (S.DRAFT,), S.REVIEW, "reports.edit", guard=_no_token_errors, is_public=False),
        Transition("return", "退回修改", (S.REVIEW,), S.DRAFT, "reports.finalise", requires_reason=True, style="secondary",
                   fields=("reason",), is_public=False),
        Transition("finalise", "审核通过并定稿", (S.REVIEW,), S.FINAL, "reports.finalise", guard=_no_token_errors,
                   is_public=False),
        Transition("reopen", "重新打开修改", (S.FINAL,), S.DRAFT, "reports.finalise", requires_reason=True,
                   style="secondary", fields=("reason",), is_public=False),
        Transition("report_up", "登记已报送上级", (S.FINAL, S.PUBLISHED), None, "reports.finalise", style="secondary",
                   is_public=False),
        Transition("publish", "向社会公开", (S.FINAL,), S.PUBLISHED, "reports.publish"),
    ],
    state_labels=dict(S.choices), view_perm="reports.view",
    audit_fields=("status", "reported_on", "published_on", "disclosure_ref"),
    notify=next_actors,  # submitted: the leader is told it waits for review; returned: the drafters
)

_ALL = tuple(P.values)
#: one row per target state (the status form names the state it wants), plus "note" for the text alone
plan_workflow = Workflow(
    [Transition(f"to_{state}", label, tuple(s for s in _ALL if s != state), state, "reports.edit", is_public=False)
     for state, label in P.choices]
    + [Transition("note", "更新落实情况", _ALL, None, "reports.edit", is_public=False)],
    state_labels=dict(P.choices), view_perm="reports.view",
    audit_fields=("status", "note", "done_on"),
)
