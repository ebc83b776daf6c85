"""Excel ledgers: disclosure items (import creates items through disclosure_publish), requests, normative documents,
meetings (export)."""
from fazhi.core import ledger, policy
from fazhi.core.errors import DomainError
from fazhi.core.ledger import Column

from . import selectors, services
from .models import DisclosureItem, DisclosureRequest, NormativeDocument


class Ledger(ledger.Ledger):
    """A ledger of this module: viewed with governance.view, its rows the list page's (``selector``)."""

    view_perm = "governance.view"
    selector = None

    def queryset(self, user, params):
        return type(self).selector(user=user, filters=params)


@ledger.register
class DisclosureLedger(Ledger):
    key, selector = "governance_disclosure", selectors.item_list
    title = "主动公开信息台账"
    import_perm = "governance.disclosure"
    columns = [
        Column("category__name", "目录类别", required=True, max_length=60),
        Column("title", "标题", required=True, max_length=200, width=40),
        Column("body", "正文", max_length=200000, width=40),
        Column("formed_on", "形成（变更）日期", kind="date", required=True),
        Column("published_on", "发布日期", kind="date", export_only=True),
        Column("due_date", "应公开期限", kind="date", export_only=True),
        Column("is_timely", "按时公开", kind="bool", export_only=True),
        Column("status", "状态", kind="choice", choices=dict(DisclosureItem.Status.choices), export_only=True),
        Column("withdraw_reason", "撤回理由", export_only=True),
    ]

    def import_row(self, values, *, actor, row_number):
        by_name = {c.name: c.code for c in selectors.categories()}
        code = by_name.get(values.get("category__name"))
        if code is None:
            raise DomainError("目录类别不存在", field_errors={"category__name": "应为：" + "、".join(by_name)})
        node = policy.user_home_node(actor)
        services.disclosure_save(actor=actor, node=node, category_code=code, title=values.get("title"),
                                 body=values.get("body") or "", formed_on=values.get("formed_on"))


@ledger.register
class RequestLedger(Ledger):
    key, selector = "governance_requests", selectors.request_list
    title = "依申请公开台账"
    columns = [
        Column("tracking_code", "查询码"),
        Column("applicant_type", "申请人类型", kind="choice", choices=dict(DisclosureRequest.ApplicantType.choices)),
        Column("applicant_name", "申请人"),
        Column("content", "申请内容", width=40),
        Column("received_on", "收到日期", kind="date"),
        Column("waiting_days", "补正等待天数", kind="int"),
        Column("extended", "已延期", kind="bool"),
        Column("due_date", "答复期限", kind="date"),
        Column("status", "状态", kind="choice", choices=dict(DisclosureRequest.Status.choices)),
        Column("reply_type", "答复类型", kind="choice", choices=dict(DisclosureRequest.Reply.choices)),
        Column("answered_on", "答复日期", kind="date"),
    ]


@ledger.register
class DocumentLedger(Ledger):
    key, selector = "governance_documents", selectors.document_list
    title = "行政规范性文件台账"
    columns = [
        Column("doc_number", "文号"),
        Column("title", "文件名称", width=40),
        Column("drafting_unit", "起草单位"),
        Column("status", "阶段", kind="choice", choices=dict(NormativeDocument.Status.choices)),
        Column("comment_start", "征求意见开始", kind="date"),
        Column("comment_end", "征求意见截止", kind="date"),
        Column("reviewed_on", "合法性审核日期", kind="date"),
        Column("decided_on", "集体审议日期", kind="date"),
        Column("published_on", "公布日期", kind="date"),
        Column("filed_on", "报备日期", kind="date"),
        Column("filing_receipt", "备案回执号"),
        Column("valid_until", "有效期至", kind="date"),
    ]


@ledger.register
class MeetingLedger(Ledger):
    key, selector = "governance_meetings", selectors.meeting_list
    title = "党工委会议台账"
    columns = [
        Column("title", "会议名称", width=30),
        Column("held_on", "会议日期", kind="date"),
        Column("place", "地点"),
        Column("chair", "主持人", export=lambda m: str(m.chair or "")),
        Column("item_count", "议题数", kind="int"),
        Column("guest_count", "列席村（社区）书记人数", kind="int"),
        Column("minutes", "会议纪要", width=40),
    ]
