"""The transition tables of the module — the one place that says what may happen, by whom, and when."""
from contextlib import contextmanager
from contextvars import ContextVar

from fazhi.core import clock, policy
from fazhi.core.workflow import Transition, Workflow

from .models import DecisionStep as S
from .models import DisclosureItem as I
from .models import DisclosureReport as AR
from .models import DisclosureRequest as R
from .models import MajorDecision as D
from .models import Meeting as M
from .models import NormativeDocument as N
from .models import PublicComment as C

#: The permission of a transition the applicant runs (found by tracking code + phone, no account); staff never see it.
APPLICANT = "governance.applicant"


class GovernanceWorkflow(Workflow):
    """The core table, plus transitions the applicant runs without an account (``perm == APPLICANT``): the service
    identifies the applicant by tracking code and phone; the table still decides the state and the guard."""

    def why_not(self, obj, user, name):
        t = self.get(name)
        if t.perm != APPLICANT:
            return super().why_not(obj, user, name)
        if getattr(user, "pk", None):
            return f"“{t.label}”由申请人本人通过查询页面办理。"
        state = getattr(obj, self.state_field)
        if state not in t.sources:
            return f"当前状态为“{self.state_label(state)}”，不能执行“{t.label}”。"
        return t.guard(obj, user) if t.guard else None


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

#: Who may publish an item together with a decision already on record (a normative document's or a decision's own
#: "publish", the annual reports): the item is then not confirmed separately.
WITH_RECORD = ("governance.disclosure", "governance.documents", "governance.decisions", "reports.publish")


class ItemWorkflow(Workflow):
    """The table of proactive disclosure. Publishing is a decision: an item is saved as a draft and published by
    "publish" (确认发布, after the preview). "publish_with_record" is run by the service that publishes an item as
    part of another recorded decision; any of ``WITH_RECORD`` may run it, and it is never offered as a button."""

    def why_not(self, obj, user, name):
        t = self.get(name)
        if not isinstance(t.perm, tuple):
            return super().why_not(obj, user, name)
        if getattr(obj, self.state_field) not in t.sources:
            return f"当前状态为“{self.state_label(getattr(obj, self.state_field))}”，不能执行“{t.label}”。"
        if not any(policy.has_perm(user, perm, obj.node) for perm in t.perm):
            return "您没有发布政府信息的权限。"
        return None

    def available(self, obj, user):
        return [t for t in super().available(obj, user) if not isinstance(t.perm, tuple)]


ITEM = ItemWorkflow([
    Transition("publish", "确认发布", (I.Status.DRAFT,), I.Status.PUBLISHED, "governance.disclosure",
               fields=("late_reason",)),
    Transition("publish_with_record", "随决定公布", (I.Status.DRAFT,), I.Status.PUBLISHED, WITH_RECORD),
    Transition("withdraw", "撤回公开", (I.Status.PUBLISHED,), I.Status.WITHDRAWN, "governance.disclosure",
               requires_reason=True, style="danger", fields=("reason",)),
], state_labels=dict(I.Status.choices), view_perm="governance.view",
    audit_fields=("status", "published_on", "is_timely", "late_reason", "withdraw_reason"))

# ---- 依申请公开 -------------------------------------------------------------------------------------------------

#: The business day of a step of history being replayed from a ledger (``business_day``): the guards and handlers
#: judge the step on that day, never on the day of the import.
_business_day = ContextVar("governance_business_day", default=None)


def today():
    """The day a step is judged on: its own business day when history is replayed, else today."""
    return _business_day.get() or clock.today()


@contextmanager
def business_day(day):
    token = _business_day.set(day)
    try:
        yield day
    finally:
        _business_day.reset(token)


def _history_only(obj, user):
    if _business_day.get() is None:
        return "延期须经政府信息公开工作机构负责人批准：请使用“申请延期”。"
    return _not_yet_extended(obj, user)


def _not_yet_extended(obj, user):
    if obj.extended:
        return "该申请已延长过一次答复期限，依法不得再次延长。"
    if obj.due_date and today() > obj.due_date:
        return (f"原答复期限已于{obj.due_date:%Y年%m月%d日}届满：延长答复期限应当在原期限内经负责人同意并告知申请人"
                "（《政府信息公开条例》第三十三条第二款），期满后不能再延期。")
    return None


def _correction_not_yet_asked(obj, user):
    if obj.correction_requested_on:
        return (f"已于{obj.correction_requested_on:%Y年%m月%d日}告知补正：补正应当一次性告知"
                "（《政府信息公开条例》第三十条），不能再次要求补正。")
    return None


def _correction_period_over(obj, user):
    from .services import correction_period_due

    due = correction_period_due(obj)
    if due is not None and today() <= due:
        return (f"补正期限至{due:%Y年%m月%d日}，期满申请人仍未补正的，方可视为放弃申请"
                "（《政府信息公开条例》第三十条）。")
    return None


def _not_yet_consulted(obj, user):
    if obj.consultation_started_on:
        return "已征求过第三方意见。"
    return None


REQUEST = GovernanceWorkflow([
    Transition("request_correction", "一次性告知补正", (R.Status.REGISTERED,), R.Status.CORRECTING, "governance.requests",
               guard=_correction_not_yet_asked, requires_reason=True, style="secondary", fields=("reason",)),
    Transition("submit_correction", "补正完成", (R.Status.CORRECTING,), R.Status.REGISTERED, "governance.requests",
               fields=("corrected_on", "correction_text")),
    Transition("applicant_correction", "申请人提交补正", (R.Status.CORRECTING,), R.Status.REGISTERED, APPLICANT),
    Transition("close_uncorrected", "逾期未补正，视为放弃申请", (R.Status.CORRECTING,), R.Status.ABANDONED,
               "governance.requests", guard=_correction_period_over, requires_reason=True, style="danger",
               fields=("reason",)),
    Transition("start_consultation", "书面征求第三方意见", (R.Status.REGISTERED,), R.Status.CONSULTING,
               "governance.requests", guard=_not_yet_consulted, requires_reason=True, style="secondary",
               fields=("consultation_party", "reason")),
    Transition("end_consultation", "第三方意见已收到/期满", (R.Status.CONSULTING,), R.Status.REGISTERED,
               "governance.requests", fields=("consultation_opinion", "ended_on")),
    Transition("request_extension", "申请延期", (R.Status.REGISTERED,), R.Status.EXTENSION_PENDING, "governance.requests",
               guard=_not_yet_extended, requires_reason=True, style="secondary", fields=("reason",)),
    Transition("approve_extension", "批准延期", (R.Status.EXTENSION_PENDING,), R.Status.REGISTERED,
               "governance.approve_extension", guard=_not_yet_extended),
    Transition("reject_extension", "不批准延期", (R.Status.EXTENSION_PENDING,), R.Status.REGISTERED,
               "governance.approve_extension", requires_reason=True, style="secondary", fields=("reason",)),
    Transition("record_extension", "登记已批准的延期（历史台账）", (R.Status.REGISTERED,), R.Status.REGISTERED,
               "governance.requests", guard=_history_only, requires_reason=True, fields=("reason",)),
    Transition("answer", "答复", (R.Status.REGISTERED,), R.Status.ANSWERED, "governance.requests",
               fields=("reply_type", "table_reason", "reply_text", "reply_reason", "referred_body")),
], state_labels=dict(R.Status.choices),
    audit_fields=("status", "clock_start", "due_date", "extended", "reply_type"))

# ---- 行政规范性文件 ---------------------------------------------------------------------------------------------

def _comment_period_over(obj, user):
    if obj.comment_end and clock.today() <= obj.comment_end:
        return f"征求意见期至{obj.comment_end:%Y年%m月%d日}，期满后方可结束征求意见。"
    return None


def _has_pending_comments(obj, user):
    if obj.comments.filter(status="pending").exists():
        return "尚有公众意见未审核，请先审核全部意见。"
    return _comment_period_over(obj, user)


def _review_due(obj, user):
    if not obj.review_due or clock.today() < obj.review_due:
        return "尚未到评估清理期，不能办理续期。"
    return None


DOCUMENT = Workflow([
    Transition("open_comment", "公开征求意见", (N.Status.DRAFTING,), N.Status.COMMENTING, "governance.documents",
               fields=("comment_days",)),
    Transition("close_comment", "结束征求意见", (N.Status.COMMENTING,), N.Status.COMMENT_CLOSED, "governance.documents",
               guard=_has_pending_comments),
    Transition("submit_review", "提交合法性审核", (N.Status.COMMENT_CLOSED,), N.Status.IN_REVIEW, "governance.documents"),
    Transition("approve_review", "审核通过", (N.Status.IN_REVIEW,), N.Status.REVIEWED, "governance.legal_review",
               fields=("opinion",)),
    Transition("return_review", "审核不通过（退回修改）", (N.Status.IN_REVIEW,), N.Status.DRAFTING, "governance.legal_review",
               style="secondary", fields=("opinion",)),
    Transition("decide", "集体审议通过", (N.Status.REVIEWED,), N.Status.DECIDED, "governance.decide",
               fields=("agenda_item",)),
    Transition("register", "登记编号", (N.Status.DECIDED,), N.Status.REGISTERED, "governance.documents",
               fields=("number_seq", "valid_years")),
    Transition("publish", "公布", (N.Status.REGISTERED,), N.Status.PUBLISHED, "governance.documents",
               fields=("late_reason",)),
    Transition("file", "报备", (N.Status.PUBLISHED,), N.Status.FILED, "governance.documents",
               fields=("filed_on", "filing_body", "filing_receipt")),
    Transition("renew", "评估后继续施行", (N.Status.PUBLISHED, N.Status.FILED), None, "governance.documents",
               guard=_review_due, requires_reason=True, style="secondary", fields=("valid_years", "reason")),
    Transition("repeal", "废止/宣布失效", (N.Status.PUBLISHED, N.Status.FILED), N.Status.REPEALED, "governance.decide",
               requires_reason=True, style="danger", fields=("reason",)),
], state_labels=dict(N.Status.choices), audit_fields=("status", "comment_end", "doc_number", "filed_on", "valid_until"))

# ---- 公众意见审核 -------------------------------------------------------------------------------------------------

COMMENT = Workflow([
    Transition("approve", "展示", (C.Status.PENDING, C.Status.APPROVED, C.Status.REJECTED), C.Status.APPROVED,
               "governance.moderate", fields=("reply",), is_public=False),
    Transition("reject", "不予展示", (C.Status.PENDING, C.Status.APPROVED, C.Status.REJECTED), C.Status.REJECTED,
               "governance.moderate", fields=("reply",), is_public=False),
], state_labels=dict(C.Status.choices), view_perm="governance.view", audit_fields=("status", "reply"))

# ---- 重大行政决策 -----------------------------------------------------------------------------------------------

PRE_DECISION_STEPS = ("public_participation", "hearing", "expert", "risk", "legality")


def _steps_complete(obj, user):
    missing = [s.get_kind_display() for s in obj.steps.all()
               if s.kind in PRE_DECISION_STEPS and s.required and s.status == "pending"]
    if missing:
        return "以下必经程序尚未完成或未说明不适用理由，不能作出决策：" + "、".join(missing) + "。"
    return None


DECISION = Workflow([
    Transition("start", "启动决策程序", (D.Status.CATALOGUED,), D.Status.IN_PROCEDURE, "governance.decisions"),
    Transition("decide", "集体讨论决定", (D.Status.IN_PROCEDURE,), D.Status.DECIDED, "governance.decide",
               guard=_steps_complete, fields=("agenda_item", "decision_text")),
    Transition("publish", "公布决策", (D.Status.DECIDED,), D.Status.PUBLISHED, "governance.decisions",
               fields=("late_reason",)),
    Transition("implement", "开始执行", (D.Status.PUBLISHED,), D.Status.IMPLEMENTING, "governance.decisions"),
    Transition("evaluate", "完成决策后评估", (D.Status.IMPLEMENTING,), D.Status.EVALUATED, "governance.decisions",
               fields=("evidence",)),
], state_labels=dict(D.Status.choices), audit_fields=("status", "decided_on"))

_ANY_STEP = (S.Status.PENDING, S.Status.DONE, S.Status.WAIVED)

STEP = Workflow([
    Transition("record", "完成程序", _ANY_STEP, S.Status.DONE, "governance.decisions", fields=("evidence", "done_on")),
    Transition("record_collective", "集体讨论决定", _ANY_STEP, S.Status.DONE, "governance.decide"),
    Transition("waive", "程序不适用", _ANY_STEP, S.Status.WAIVED, "governance.decisions", requires_reason=True),
], state_labels=dict(S.Status.choices), audit_fields=("status", "done_on", "waived_reason"))

# ---- 党工委会议 ---------------------------------------------------------------------------------------------------

MEETING = Workflow([
    Transition("record_minutes", "录入会议纪要", (M.Status.PLANNED, M.Status.HELD), M.Status.HELD, "governance.meetings",
               fields=("minutes",), is_public=False),
], state_labels=dict(M.Status.choices), view_perm="governance.view", audit_fields=("status",))

# ---- 政府信息公开工作年度报告 -------------------------------------------------------------------------------------

def _reconciles(obj, user):
    """Before finalising: the request table reconciles (new + carried over = handled + carried forward)."""
    from .services import annual_report_problems

    problems = annual_report_problems(obj)
    return ("不能定稿：" + "".join(problems)) if problems else None


ANNUAL_REPORT = Workflow([
    Transition("submit_review", "提交审核", (AR.Status.DRAFT,), AR.Status.REVIEW, "governance.disclosure"),
    Transition("return_draft", "退回修改", (AR.Status.REVIEW,), AR.Status.DRAFT, "governance.report_finalise",
               requires_reason=True, style="secondary", fields=("reason",)),
    Transition("finalise", "审核定稿", (AR.Status.REVIEW,), AR.Status.FINAL, "governance.report_finalise",
               guard=_reconciles),
    Transition("reopen", "撤销定稿", (AR.Status.FINAL,), AR.Status.DRAFT, "governance.report_finalise",
               requires_reason=True, style="danger", fields=("reason",)),
    Transition("publish", "向社会公开", (AR.Status.FINAL,), AR.Status.PUBLISHED, "governance.disclosure",
               fields=("late_reason",)),
], state_labels=dict(AR.Status.choices), view_perm="governance.view",
    audit_fields=("status", "sha256", "published_on"))
