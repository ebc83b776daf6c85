"""The report's life: 起草中 → 待审核 → 已定稿 (locked, hashed) → 已公开; a final report may be reopened."""
from fazhi.core.workflow import Transition, Workflow

from .models import ReportTemplate

S = ReportTemplate.Status


def _no_token_errors(report, user):
    from .services import report_token_errors

    problems = report_token_errors(report)
    if problems:
        return "报告中有无法识别的指标，请先修改：" + "；".join(problems[:3])
    return None


report_workflow = Workflow(
    [
        Transition("submit", "提交审核", (S.DRAFT,), S.REVIEW, "reports.edit", guard=_no_token_errors),
        Transition("return", "退回修改", (S.REVIEW,), S.DRAFT, "reports.finalise", requires_reason=True, style="secondary",
                   fields=("reason",)),
        Transition("finalise", "审核通过并定稿", (S.REVIEW,), S.FINAL, "reports.finalise", guard=_no_token_errors),
        Transition("reopen", "重新打开修改", (S.FINAL,), S.DRAFT, "reports.finalise", requires_reason=True,
                   style="secondary", fields=("reason",)),
        Transition("report_up", "登记已报送上级", (S.FINAL, S.PUBLISHED), None, "reports.finalise", style="secondary"),
        Transition("publish", "向社会公开", (S.FINAL,), S.PUBLISHED, "reports.publish"),
    ],
    state_labels=dict(S.choices),
)
