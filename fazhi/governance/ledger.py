"""Excel ledgers (台账) of government affairs. Export reads the scoped selectors; import calls the same services as the
workbench.

Round trip: a ledger that imports carries the record's 编号. A row whose 编号 names a record the importer can see is
that record — unchanged it is skipped, an edited cell goes through the module's service (validated, audited); a row
without one (or naming a record the importer cannot see) is a new record. Choices are written and read as their
Chinese labels.

History: a disclosure item of 2022 comes in as published on its own 发布日期 (and withdrawn on its 撤回日期), judged
on time or late by its own dates (a late one carries its 逾期公开理由); its audit says "导入历史" with the business
date. Dates in order, not in the future, the state reachable — otherwise the row is refused, every reason at once.
"""
import re

from django.utils import timezone

from fazhi.core import audit, ledger, policy
from fazhi.core.errors import DomainError
from fazhi.core.ledger import Column

from . import selectors, services
from .models import AgendaItem, DisclosureItem, DisclosureRequest, MajorDecision, Meeting, NormativeDocument

RECORD_NUMBER = "系统编号：已登记的记录按编号对应（未改动的行跳过，改动的行更新）；新记录留空"
ID = Column("id", "编号", kind="int", min_value=1, width=8, help=RECORD_NUMBER)


class Ledger(ledger.Ledger):
    """A ledger of this module: viewed with governance.view, its rows the list page's (``selector``)."""

    view_perm = "governance.view"
    selector = None

    def queryset(self, user, params):
        return type(self).selector(user=user, filters=params)


def _refuse(field, message):
    raise DomainError(message, field_errors={field: message})


def _publisher_node(actor, name, perm):
    """The body publishing the row's information: the 街道 (or the district) of this name in the importer's scope; an
    empty cell means the importer's own 街道 when there is exactly one."""
    name = (name or "").strip()
    nodes = policy.scoped_nodes(actor, perm)
    if not name:
        tenants = list(policy.scoped_nodes(actor, perm, tenants=True)[:2])
        if len(tenants) != 1:
            _refuse("node", "您管辖多个街道：请在“公开主体”列填写发布信息的街道。")
        return tenants[0]
    matches = [n for n in nodes.filter(name=name)[:3] if n.is_tenant or n.is_district]
    if not matches:
        _refuse("node", f"公开主体“{name}”不存在或不在您的管辖范围内（应为街道或区的名称）。")
    if len(matches) > 1:
        _refuse("node", f"公开主体“{name}”有重名，请联系管理员。")
    return matches[0]


def _imported(actor, obj, source):
    """The audit says the record came from the ledger: which row, by whom, when (the event's own time)."""
    audit.record(actor=actor, action="import", obj=obj, action_label=f"导入：{source}",
                 changes={"imported_history": False})


def _withdrawn_on(item):
    return timezone.localdate(item.withdrawn_at) if item.withdrawn_at else None


IS = DisclosureItem.Status
CONTENT = ("category", "title", "body", "formed_on")


@ledger.register
class DisclosureLedger(Ledger):
    key, selector = "governance_disclosure", selectors.item_list
    title = "主动公开信息台账"
    import_perm = "governance.disclosure"
    key_column = "id"

    @property
    def columns(self):
        return [
            ID,
            Column("node", "公开主体", max_length=100, width=14, export=lambda o: o.node.name,
                   help="发布信息的街道；留空为导入人所在街道"),
            Column("category", "目录类别", kind="choice", required=True, width=16,
                   choices={c.code: c.name for c in selectors.all_categories()}, export=lambda o: o.category.code),
            Column("title", "标题", required=True, max_length=200, width=40),
            Column("body", "正文", max_length=200000, width=40),
            Column("formed_on", "形成（变更）日期", kind="date", required=True),
            Column("status", "状态", kind="choice", choices=dict(IS.choices),
                   help="可留空：填了发布日期为“已公开”，否则为“待确认发布”"),
            Column("published_on", "发布日期", kind="date", help="历史信息填写实际发布日期；待确认发布的留空"),
            Column("due_date", "应公开期限", kind="date", export_only=True),
            Column("is_timely", "按时公开", kind="bool", export_only=True),
            Column("late_reason", "逾期公开理由", max_length=2000, width=30,
                   help="超过自形成之日起20个工作日发布的，须填写（《政府信息公开条例》第二十六条）"),
            Column("withdrawn_on", "撤回日期", kind="date", export=_withdrawn_on),
            Column("withdraw_reason", "撤回理由", max_length=1000, width=30),
        ]

    def queryset(self, user, params):
        return selectors.item_list(user=user, filters=params).select_related("node", "category")

    def import_row(self, values, *, actor, row_number):
        node = _publisher_node(actor, values.get("node"), self.import_perm)
        return services.disclosure_import(
            actor=actor, node=node, category_code=values["category"], title=values["title"],
            body=values.get("body") or "", formed_on=values["formed_on"], status=values.get("status") or "",
            published_on=values.get("published_on"), late_reason=values.get("late_reason") or "",
            withdrawn_on=values.get("withdrawn_on"), withdraw_reason=values.get("withdraw_reason") or "",
            source=f"{self.title}第{row_number}行")

    def update_row(self, record, values, *, actor):
        """A draft's content is corrected (``disclosure_update``) and a draft published (today, or on its own past
        发布日期); a published item may be withdrawn. Anything else a published or withdrawn item cannot change."""
        if "node" in values:
            _refuse("node", "公开主体不能通过台账修改。")
        status = values.get("status") or record.status
        row = {c.key: c.parse(c.export_value(record))[0] for c in self.import_columns()} | values
        if record.status == IS.DRAFT:
            if any(k in values for k in CONTENT):
                record = services.disclosure_update(
                    actor=actor, item_id=record.pk, version=record.version, category_code=row["category"],
                    title=row["title"], body=row["body"] or "", formed_on=row["formed_on"])
            if status == IS.DRAFT:
                self._only(values, CONTENT + ("status",), "待确认发布的信息尚未发布（已发布的请将状态改为“已公开”并填写发布日期）")
                return
            errors = services.disclosure_history_errors(
                formed_on=record.formed_on, status=status, published_on=row["published_on"],
                late_reason=row["late_reason"] or "", withdrawn_on=row["withdrawn_on"],
                withdraw_reason=row["withdraw_reason"] or "")
            if errors:
                raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
            record = services.disclosure_publish_on(actor=actor, item=record, published_on=row["published_on"],
                                                    late_reason=row["late_reason"] or "")
            if status == IS.WITHDRAWN:
                services.disclosure_withdraw_on(actor=actor, item=record, reason=row["withdraw_reason"],
                                                withdrawn_on=row["withdrawn_on"])
            return
        if record.status == IS.PUBLISHED and status == IS.WITHDRAWN:
            self._only(values, ("status", "withdrawn_on", "withdraw_reason"), "撤回时只填写状态、撤回日期和撤回理由")
            if not row["withdrawn_on"]:
                _refuse("withdrawn_on", "撤回须填写撤回日期。")
            services.disclosure_withdraw_on(actor=actor, item=record, reason=row["withdraw_reason"] or "",
                                            withdrawn_on=row["withdrawn_on"])
            return
        if status != record.status:
            _refuse("status", f"“{IS(record.status).label}”的信息不能通过台账改为“{IS(status).label}”。")
        label = "已发布的信息不能修改；如有错误，请撤回后重新发布" if record.status == IS.PUBLISHED else "已撤回的信息不能修改"
        self._only(values, (), label)

    def _only(self, values, allowed, what):
        headers = {c.key: c.header for c in self.columns}
        refused = [k for k in values if k not in allowed]
        if refused:
            message = f"不能通过台账修改{'、'.join(headers[k] for k in refused)}：{what}。"
            raise DomainError(message, field_errors={k: message for k in refused})


RQ = DisclosureRequest
STATISTICS = ("organisation_kind", "table_reason")


@ledger.register
class RequestLedger(Ledger):
    """Rows match on 查询码. A new row is a request received on its own date (窗口登记), its correction (or 逾期未补正),
    third-party consultation and approved extension on their own dates and, if answered, its reply on its own 答复日期
    (``request_import``: imported history, on time or late by those dates). 延期批准日期 is read on import only (the
    record keeps 已延期 and 延期理由). An existing request's annual-report statistics (组织类别, 年报统计口径) are
    corrected through ``request_record_statistics``; every other step is taken on its page."""

    key, selector = "governance_requests", selectors.request_list
    title = "依申请公开台账"
    import_perm = "governance.requests"
    key_column = "tracking_code"
    columns = [
        Column("tracking_code", "查询码", max_length=20, help="已登记的申请按查询码对应；新申请留空，由系统生成"),
        Column("node", "受理机关", max_length=100, width=14, export=lambda o: o.node.name, help="留空为导入人所在街道"),
        Column("applicant_type", "申请人类型", kind="choice", required=True, choices=dict(RQ.ApplicantType.choices)),
        Column("organisation_kind", "法人或其他组织类别", kind="choice", choices=dict(RQ.OrganisationKind.choices)),
        Column("applicant_name", "申请人", required=True, max_length=100),
        Column("phone", "联系电话", max_length=20, personal="phone"),
        Column("channel", "申请渠道", kind="choice", choices={"online": "网上申请", "counter": "窗口登记"},
               export_only=True),
        Column("content", "申请内容", required=True, max_length=3000, width=40),
        Column("received_on", "收到日期", kind="date", required=True),
        Column("correction_requested_on", "补正通知日期", kind="date",
               help="一次性告知补正的日期（《政府信息公开条例》第三十条）；未要求补正的留空"),
        Column("corrected_on", "补正完成日期", kind="date",
               help="收到补正申请的日期，答复期限自该日起算；逾期未补正的留空，状态填“视为放弃申请（逾期未补正）”"),
        Column("consultation_party", "征求意见的第三方", max_length=200),
        Column("consultation_started_on", "征求意见开始日期", kind="date", help="书面征求第三方意见之日（第三十二条）"),
        Column("consultation_ended_on", "征求意见结束日期", kind="date",
               help="收到第三方意见或期满之日；其间不计入答复期限（第三十三条第三款）"),
        Column("extension_approved_on", "延期批准日期", kind="date", import_only=True,
               help="负责人同意延长答复期限的日期，须在原答复期限内（第三十三条第二款）"),
        Column("extension_reason", "延期理由", max_length=1000, width=24),
        Column("waiting_days", "补正等待天数", kind="int", export_only=True),
        Column("extended", "已延期", kind="bool", export_only=True),
        Column("due_date", "答复期限", kind="date", export_only=True),
        Column("status", "状态", kind="choice", choices=dict(RQ.Status.choices),
               help="新申请：“办理中”“已答复”或“视为放弃申请（逾期未补正）”（可留空：填了答复日期为已答复）"),
        Column("reply_type", "答复类型", kind="choice", choices=dict(RQ.Reply.choices)),
        Column("table_reason", "年报统计口径", kind="choice", choices=dict(RQ.TableReason.choices), width=24),
        Column("reply_text", "答复内容", max_length=10000, width=40),
        Column("reply_reason", "理由及依据", max_length=5000, width=30),
        Column("referred_body", "告知的负责机关", max_length=100),
        Column("answered_on", "答复日期", kind="date", help="视为放弃申请的，填写不再处理的日期"),
        Column("reply_number", "答复书文号", export_only=True),
    ]

    def queryset(self, user, params):
        return selectors.request_list(user=user, filters=params).select_related("node")

    def import_row(self, values, *, actor, row_number):
        if values.get("tracking_code"):
            _refuse("tracking_code", f"查询码“{values['tracking_code']}”不存在或不在您的管辖范围内；新申请请留空查询码。")
        node = _publisher_node(actor, values.get("node"), self.import_perm)
        return services.request_import(
            actor=actor, node=node, applicant_name=values["applicant_name"], phone=values.get("phone") or "",
            content=values["content"], received_on=values["received_on"], applicant_type=values["applicant_type"],
            organisation_kind=values.get("organisation_kind") or "", status=values.get("status") or "",
            answered_on=values.get("answered_on"), reply_type=values.get("reply_type") or "",
            table_reason=values.get("table_reason") or "", reply_text=values.get("reply_text") or "",
            reply_reason=values.get("reply_reason") or "", referred_body=values.get("referred_body") or "",
            steps={k: values.get(k) for k in services.STEP_DATES},
            consultation_party=values.get("consultation_party") or "",
            extension_reason=values.get("extension_reason") or "", source=f"{self.title}第{row_number}行")

    def update_row(self, record, values, *, actor):
        headers = {c.key: c.header for c in self.columns}
        refused = [k for k in values if k not in STATISTICS]
        if refused:
            message = (f"不能通过台账修改{'、'.join(headers[k] for k in refused)}：已登记的申请只能通过台账更正"
                       "年报统计信息（组织类别、年报统计口径），其他环节请在申请页面办理。")
            raise DomainError(message, field_errors={k: message for k in refused})
        if "table_reason" in values and not values["table_reason"]:
            _refuse("table_reason", "年报统计口径不能清空，请选择该答复对应的统计口径。")
        services.request_record_statistics(
            actor=actor, request_id=record.pk, version=record.version, table_reason=values.get("table_reason"),
            organisation_kind=(values["organisation_kind"] or "") if "organisation_kind" in values else None)


DS = NormativeDocument.Status


HISTORY_DATES = "历史文件按其阶段填写已办理环节的日期"


@ledger.register
class DocumentLedger(Ledger):
    """New rows: a draft (起草中) through ``document_create``, or a document of the past at its stage with its own dates
    (``document_import``: the procedure replayed on the sheet's dates, audited as imported history). A draft's name,
    content and drafting unit are corrected through ``document_update``; every later step is taken on the document's
    page."""

    key, selector = "governance_documents", selectors.document_list
    title = "行政规范性文件台账"
    import_perm = "governance.documents"
    key_column = "id"
    editable = ("title", "body", "drafting_unit")
    columns = [
        ID,
        Column("node", "制定机关", max_length=100, width=14, export=lambda o: o.node.name, help="留空为导入人所在街道"),
        Column("doc_number", "文号", max_length=40, help="已登记编号的文件填写，如“稷下发〔2022〕3号”"),
        Column("title", "文件名称", required=True, max_length=200, width=40),
        Column("body", "文件内容", required=True, max_length=100000, width=40),
        Column("drafting_unit", "起草单位", max_length=100),
        Column("status", "阶段", kind="choice", choices=dict(DS.choices), help="留空为“起草中”；历史文件填写其所处阶段"),
        Column("created_on", "起草登记日期", kind="date", help="留空为今天"),
        Column("comment_start", "征求意见开始", kind="date", help=HISTORY_DATES),
        Column("comment_end", "征求意见截止", kind="date"),
        Column("reviewed_on", "合法性审核日期", kind="date"),
        Column("decided_on", "集体审议日期", kind="date"),
        Column("published_on", "公布日期", kind="date"),
        Column("filed_on", "报备日期", kind="date"),
        Column("filing_body", "备案机关", max_length=100),
        Column("filing_receipt", "备案回执号", max_length=100),
        Column("valid_until", "有效期至", kind="date", help="留空按有效期规则自登记之日起计算"),
        Column("repealed_on", "废止日期", kind="date"),
    ]

    def queryset(self, user, params):
        return selectors.document_list(user=user, filters=params).select_related("node")

    def import_row(self, values, *, actor, row_number):
        node = _publisher_node(actor, values.get("node"), self.import_perm)
        history = {k: v for k, v in values.items() if k not in ("id", "node", "title", "body", "drafting_unit", "status")}
        return services.document_import(actor=actor, node=node, title=values["title"], body=values["body"],
                                        drafting_unit=values.get("drafting_unit") or "", status=values.get("status") or "",
                                        values=history, source=f"{self.title}第{row_number}行")

    def update_row(self, record, values, *, actor):
        headers = {c.key: c.header for c in self.columns}
        refused = [k for k in values if k not in self.editable]
        if refused:
            message = (f"不能通过台账修改{'、'.join(headers[k] for k in refused)}：制定机关不能变更，"
                       "阶段及其日期、文号请在文件页面按程序办理。")
            raise DomainError(message, field_errors={k: message for k in refused})
        if record.status != DS.DRAFTING:
            _refuse(next(iter(values)), f"“{DS(record.status).label}”的文件内容不能修改：只有起草中的文件可以修改。")
        row = {"title": record.title, "body": record.body, "drafting_unit": record.drafting_unit} | values
        services.document_update(actor=actor, document_id=record.pk, version=record.version, title=row["title"],
                                 body=row["body"], drafting_unit=row["drafting_unit"] or "")


MS = MajorDecision.Status


@ledger.register
class DecisionLedger(Ledger):
    """The yearly catalogue of major administrative decisions (重大行政决策目录). New rows are catalogue entries
    (``decision_create``); an entry is corrected through ``decision_update`` until its procedure starts."""

    key, selector = "governance_decisions", selectors.decision_list
    title = "重大行政决策目录台账"
    import_perm = "governance.decisions"
    key_column = "id"
    columns = [
        ID,
        Column("node", "决策机关", max_length=100, width=14, export=lambda o: o.node.name, help="留空为导入人所在街道"),
        Column("year", "目录年度", kind="int", required=True, min_value=2000, max_value=2100, width=10),
        Column("title", "决策事项", required=True, max_length=200, width=36),
        Column("description", "事项说明", max_length=10000, width=36),
        Column("sponsor_unit", "承办单位", max_length=100),
        Column("status", "状态", kind="choice", choices=dict(MS.choices), export_only=True),
        Column("decided_on", "决策日期", kind="date", export_only=True),
    ]

    def queryset(self, user, params):
        return selectors.decision_list(user=user, filters=params).select_related("node").order_by("-year", "id")

    def import_row(self, values, *, actor, row_number):
        node = _publisher_node(actor, values.get("node"), self.import_perm)
        decision = services.decision_create(actor=actor, node=node, year=values["year"], title=values["title"],
                                            description=values.get("description") or "",
                                            sponsor_unit=values.get("sponsor_unit") or "")
        _imported(actor, decision, f"{self.title}第{row_number}行")
        return decision

    def update_row(self, record, values, *, actor):
        if "node" in values:
            _refuse("node", "决策机关不能通过台账修改。")
        row = {"year": record.year, "title": record.title, "description": record.description,
               "sponsor_unit": record.sponsor_unit} | values
        services.decision_update(actor=actor, decision_id=record.pk, version=record.version, year=row["year"],
                                 title=row["title"], description=row["description"] or "",
                                 sponsor_unit=row["sponsor_unit"] or "")


AO = AgendaItem.Outcome
OUTCOME_BY_LABEL = {label: value for value, label in AO.choices}
AGENDA_LINE = re.compile(r"^(?:\d+[.、．]\s*)?(.+?)\s*(?:【(.+?)】)?$")
GUEST = re.compile(r"^(.+?)\s*[（(](.+?)[)）]$")


def _names(text):
    return [n.strip() for n in re.split(r"[、，,；;\n]", text or "") if n.strip()]


def _members(meeting):
    return "、".join(a.name for a in meeting.attendees.all() if a.is_voting)


def _guests(meeting):
    return "、".join(f"{a.name}（{a.village.name if a.village else ''}）" for a in meeting.attendees.all()
                    if not a.is_voting)


def _agenda(meeting):
    return "\n".join(f"{i.seq}. {i.title}【{AO(i.outcome).label}】" for i in meeting.items.all())


def _parse_guests(text):
    guests = []
    for part in _names(text):
        match = GUEST.match(part)
        if not match:
            _refuse("guests", f"列席人员“{part}”应写成“姓名（村名）”，多人用“、”分隔。")
        guests.append((match.group(1).strip(), match.group(2).strip()))
    return guests


def _parse_agenda(text):
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, label = AGENDA_LINE.match(line.strip()).groups()
        if label and label not in OUTCOME_BY_LABEL:
            _refuse("agenda", f"议题“{title}”的集体决定“{label}”应为：{'、'.join(OUTCOME_BY_LABEL)}。")
        items.append((title, OUTCOME_BY_LABEL.get(label, AO.PENDING)))
    return items


@ledger.register
class MeetingLedger(Ledger):
    """The minute book of the 党工委 (党工委会议台账). A new row is a meeting of the paper minute book on its own 会议日期
    (``meeting_import``: held if past, its voting members, its village guests and its agenda with the collective
    decisions — what the annual report counts — audited as imported history). An existing meeting's name and place
    are corrected through ``meeting_update`` and its minutes through ``meeting_record_minutes``; attendees and agenda
    decisions are recorded on the meeting's page."""

    key, selector = "governance_meetings", selectors.meeting_list
    title = "党工委会议台账"
    import_perm = "governance.meetings"
    key_column = "id"
    editable = ("title", "place", "minutes")
    columns = [
        ID,
        Column("node", "所属街道", max_length=100, width=14, export=lambda o: o.node.name, help="留空为导入人所在街道"),
        Column("title", "会议名称", required=True, max_length=120, width=30),
        Column("held_on", "会议日期", kind="date", required=True),
        Column("place", "地点", max_length=100),
        Column("chair", "主持人", export=lambda m: str(m.chair or ""), export_only=True),
        Column("members", "党工委成员（有表决权）", max_length=2000, width=30, export=_members,
               help="姓名，多人用“、”分隔；有集体决定的会议必填"),
        Column("guests", "列席村（社区）书记", max_length=2000, width=30, export=_guests,
               help="写成“姓名（村名）”，多人用“、”分隔"),
        Column("agenda", "议题及集体决定", max_length=20000, width=40, export=_agenda,
               help="每行一个议题，集体决定写在【】内：【审议通过】【未通过】【暂缓审议】；未决的写【待议】或不写"),
        Column("item_count", "议题数", kind="int", export_only=True),
        Column("guest_count", "列席村（社区）书记人数", kind="int", export_only=True),
        Column("status", "状态", kind="choice", choices=dict(Meeting.Status.choices), export_only=True),
        Column("minutes", "会议纪要", max_length=50000, width=40),
    ]

    def queryset(self, user, params):
        return selectors.meeting_list(user=user, filters=params).select_related("node", "chair").prefetch_related(
            "attendees__village", "items")

    def import_row(self, values, *, actor, row_number):
        node = _publisher_node(actor, values.get("node"), self.import_perm)
        return services.meeting_import(
            actor=actor, node=node, title=values["title"], held_on=values["held_on"], place=values.get("place") or "",
            members=_names(values.get("members")), guests=_parse_guests(values.get("guests")),
            agenda=_parse_agenda(values.get("agenda")), minutes=values.get("minutes") or "",
            source=f"{self.title}第{row_number}行")

    def update_row(self, record, values, *, actor):
        headers = {c.key: c.header for c in self.columns}
        refused = [k for k in values if k not in self.editable]
        if refused:
            message = (f"不能通过台账修改{'、'.join(headers[k] for k in refused)}：参会人员、议题及集体决定请在会议页面"
                       "登记；会议日期和所属街道不能修改。")
            raise DomainError(message, field_errors={k: message for k in refused})
        if "title" in values or "place" in values:
            record = services.meeting_update(actor=actor, meeting_id=record.pk, version=record.version,
                                             title=values.get("title", record.title),
                                             place=values.get("place", record.place) or "")
        if "minutes" in values:
            if not values["minutes"]:
                _refuse("minutes", "会议纪要不能清空。")
            services.meeting_record_minutes(actor=actor, meeting_id=record.pk, minutes=values["minutes"])
