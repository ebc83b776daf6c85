"""JSON API /api/governance/: thin Endpoint classes over the same selectors and services as the workbench."""
import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from fazhi.core import ui
from fazhi.core.api_personal import MaskPersonalNumbers
from fazhi.core.endpoints import (
    Endpoint,
    ListCreateEndpoint,
    RecordAction,
    RecordDetail,
    RecordFileEndpoint,
    Routes,
    TransitionEndpoint,
    each,
    shape,
)
from fazhi.core.endpoints import text_field as _text
from fazhi.core.errors import DomainError

from . import documents, models, policies, selectors, services
from . import workflow as wf

routes = Routes()

VIEW = "governance.view"


def _opt_int():
    return serializers.IntegerField(required=False, allow_null=True)


def _json():
    """An optional JSON value (a number or a string alike): the service checks it."""
    return serializers.JSONField(required=False, allow_null=True)


ItemIn = shape("ItemIn", node=_opt_int(), **each("category title body", _text()), formed_on=_text(allow_null=True))


ItemEditIn = shape("ItemEditIn", **each("category title body", _text()), formed_on=_text(allow_null=True),
                   version=_json())


class PublishIn(serializers.Serializer):
    late_reason = _text()
    version = _json()


PreviewSerializer = shape(
    "PreviewSerializer", id=int, status=str, title=str, category_name=str, publisher_name=str, formed_on=datetime.date,
    published_on=serializers.DateField(allow_null=True),
    body=serializers.CharField(help_text="公众看到的正文（身份证号、电话号码已遮蔽）"),
    attachments=serializers.ListField(child=serializers.CharField()),
    scrubbed=serializers.BooleanField(help_text="正文含身份证号或电话号码，已遮蔽"),
    due_date=serializers.DateField(allow_null=True),
    late=serializers.BooleanField(help_text="今天发布是否已超过20个工作日的公开期限"), version=int)


class StatisticsIn(serializers.Serializer):
    organisation_kind = _text(allow_null=True)
    table_reason = _text(allow_null=True)
    fee_amount = _text(allow_null=True)
    version = _json()


RemedyIn = shape("RemedyIn", kind=_text(), filed_on=_text(allow_null=True), body=_text(), result=_text(),
                 decided_on=_text(allow_null=True), note=_text())


class RemedyUpdateIn(serializers.Serializer):
    result = _text()
    decided_on = _text(allow_null=True)
    note = _text(allow_null=True)
    version = _json()


AnnualReportIn = shape("AnnualReportIn", node=_opt_int(), year=_json(),
                       **each("overview problems other_matters", _text()))


AnnualReportEditIn = shape("AnnualReportEditIn", **each("overview problems other_matters", _text()), version=_json())


class ReasonIn(serializers.Serializer):
    reason = _text()
    version = _json()


REQUEST_TEXTS = "channel applicant_type organisation_kind applicant_name phone email address content purpose"
RequestIn = shape("RequestIn", node=_opt_int(), **each(REQUEST_TEXTS, _text()), received_on=_text(allow_null=True))


DocumentIn = shape("DocumentIn", node=_opt_int(), **each("title body drafting_unit", _text()))


class ModerateIn(serializers.Serializer):
    status = _text()
    reply = _text()


DecisionIn = shape("DecisionIn", node=_opt_int(), year=_opt_int(), **each("title description sponsor_unit", _text()),
                   hearing_required=serializers.BooleanField(required=False))


class DaysIn(serializers.Serializer):
    days = _opt_int()
    version = _json()


StepIn = shape("StepIn", action=_text(), evidence=_text(), done_on=_text(allow_null=True), reason=_text())


HearingIn = shape("HearingIn", notice_on=_text(allow_null=True), notice_text=_text(), held_on=_text(allow_null=True),
                  **each("place participants record", _text()))


class MeetingIn(serializers.Serializer):
    node = _opt_int()
    title = _text()
    held_on = _text(allow_null=True)
    place = _text()
    agenda = serializers.JSONField(required=False)

    def validate_agenda(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            return [line for line in value.splitlines() if line.strip()]
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise serializers.ValidationError("议题应为列表，每项一个议题。")
        return value


class AttendeeIn(serializers.Serializer):
    user = _opt_int()
    name = _text()
    village = _opt_int()
    role_label = _text()


class TitleIn(serializers.Serializer):
    title = _text()


class OutcomeIn(serializers.Serializer):
    outcome = _text()
    decision_text = _text()


class MinutesIn(serializers.Serializer):
    minutes = _text()
    version = _json()


class ItemSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = models.DisclosureItem
        fields = ["id", "node", "category", "category_name", "title", "body", "formed_on", "publisher_name", "published_at",
                  "published_on", "due_date", "is_timely", "late_reason", "status", "withdrawn_at", "withdraw_reason",
                  "version"]


class RemedySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="reconsideration 行政复议 / lawsuit_direct 未经复议直接起诉 / "
                                           "lawsuit_after 复议后起诉")
    result = serializers.CharField(help_text="upheld 维持 / corrected 纠正 / other 其他 / pending 尚未审结")

    class Meta:
        model = models.DisclosureRemedy
        fields = ["id", "request", "kind", "filed_on", "body", "result", "decided_on", "note", "version"]


class RequestSerializer(MaskPersonalNumbers, serializers.ModelSerializer):
    deadline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    remedies = RemedySerializer(many=True, read_only=True)

    class Meta:
        model = models.DisclosureRequest
        fields = ["id", "node", "tracking_code", "applicant_type", "applicant_name", "phone", "email", "address", "content",
                  "purpose", "channel", "received_on", "clock_start", "correction_requested_on", "correction_note", "correction_due",
                  "corrected_on", "waiting_days", "extended", "extension_reason", "due_date", "status", "reply_type",
                  "reply_text", "reply_reason", "referred_body", "answered_on", "reply_number", "organisation_kind",
                  "table_reason", "fee_amount", "remedies", "version", "deadline", "actions"]

    def get_deadline(self, obj) -> dict:
        return services.request_deadline(obj).as_dict()

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.REQUEST.available(obj, user)] if user else []


class DocumentSerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField()

    class Meta:
        model = models.NormativeDocument
        fields = ["id", "node", "title", "body", "drafting_unit", "created_on", "status", "comment_start", "comment_end",
                  "comment_days", "review_opinion", "reviewer", "reviewed_on", "agenda_item", "decided_on", "doc_number",
                  "registered_on", "published_on", "disclosure_item", "filed_on", "filing_body", "filing_receipt",
                  "valid_until", "review_due", "version", "actions"]

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.DOCUMENT.available(obj, user)] if user else []


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.PublicComment
        fields = ["id", "document", "decision", "author_name", "contact", "body", "status", "reply", "created_at", "moderated_at"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.DecisionStep
        fields = ["kind", "seq", "required", "status", "evidence", "done_on", "waived_reason"]


class HearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Hearing
        fields = ["id", "notice_on", "notice_text", "held_on", "place", "participants", "record"]


class DecisionSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    hearings = HearingSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = models.MajorDecision
        fields = ["id", "node", "year", "title", "description", "sponsor_unit", "status", "comment_start", "comment_end",
                  "agenda_item", "decided_on", "decision_text", "version", "steps", "hearings", "actions"]

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.DECISION.available(obj, user)] if user else []


class DecisionListSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.MajorDecision
        fields = ["id", "node", "year", "title", "sponsor_unit", "status", "decided_on", "version"]


class AttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.MeetingAttendee
        fields = ["id", "user", "name", "is_voting", "village", "role_label"]


class AgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.AgendaItem
        fields = ["id", "seq", "title", "outcome", "decision_text"]


class MeetingSerializer(serializers.ModelSerializer):
    attendees = AttendeeSerializer(many=True, read_only=True)
    items = AgendaSerializer(many=True, read_only=True)

    class Meta:
        model = models.Meeting
        fields = ["id", "node", "title", "held_on", "place", "chair", "minutes", "status", "version", "attendees", "items"]


class AnnualReportSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="draft 起草中 / review 审核中 / final 已定稿 / published 已公开")

    class Meta:
        model = models.DisclosureReport
        fields = ["id", "node", "year", "status", "overview", "problems", "other_matters", "sha256", "finalised_at",
                  "published_on", "disclosure_item", "version"]


class AnnualReportDetailSerializer(AnnualReportSerializer):
    tables = serializers.SerializerMethodField()
    problems_found = serializers.SerializerMethodField(help_text="定稿前须解决的问题（对账不平、未登记统计口径）")
    deadline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(AnnualReportSerializer.Meta):
        fields = AnnualReportSerializer.Meta.fields + ["tables", "problems_found", "deadline", "actions"]

    def get_tables(self, obj) -> dict:
        return services.annual_report_tables(obj)

    def get_problems_found(self, obj) -> list[str]:
        return services.annual_report_problems(obj) if obj.status in ("draft", "review") else []

    def get_deadline(self, obj) -> dict:
        return services.annual_report_deadline(obj).as_dict()

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.ANNUAL_REPORT.available(obj, user)] if user else []


class MeetingListSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Meeting
        fields = ["id", "node", "title", "held_on", "place", "status", "version"]



# ---- 主动公开 -----------------------------------------------------------------------------------------------------

class ListCreate(ListCreateEndpoint):
    """A list + create endpoint of this module: viewing needs governance.view; a new record belongs to a 街道."""

    view_perm = VIEW
    node_for = selectors.tenant_for_new_record


@routes("items/", "api_governance_items")
class Items(ListCreate):
    selector, row, summary = selectors.item_list, ItemSerializer, "主动公开信息列表"
    create_in, create_perm, out = ItemIn, "governance.disclosure", ItemSerializer
    create_summary = "保存主动公开信息（待确认发布：预览 preview/ 后经 publish/ 确认才公开）"

    def create_at(self, node, d):
        return services.disclosure_save(actor=self.request.user, node=node, category_code=d.get("category", ""),
                                        title=d.get("title", ""), body=d.get("body", ""), formed_on=d.get("formed_on"),
                                        attachments=self.request.FILES.getlist("attachments"))


@routes("items/<int:pk>/", "api_governance_item")
class ItemDetail(RecordDetail):
    perms = {"GET": VIEW, "PATCH": "governance.disclosure"}
    access, out, summary = policies.item_policy, ItemSerializer, "主动公开信息详情"

    @extend_schema(summary="修改待发布信息（已发布的只能撤回）", request=ItemEditIn, responses=ItemSerializer)
    def patch(self, request, pk):
        item = self.get_object(pk, "disclosure")
        d = self.validated(ItemEditIn)
        item = services.disclosure_update(
            actor=request.user, item_id=item.pk, version=d.get("version"),
            category_code=d.get("category", item.category.code), title=d.get("title", item.title),
            body=d.get("body", item.body), formed_on=d.get("formed_on", item.formed_on.isoformat()))
        return Response(ItemSerializer(item).data)


@routes("items/<int:pk>/preview/", "api_governance_item_preview")
class ItemPreview(Endpoint):
    perms = {"GET": VIEW}
    access = policies.item_policy

    @extend_schema(summary="发布前预览：公众将看到的内容（身份证号、电话号码已遮蔽）、应公开期限、今天发布是否逾期",
                   responses=PreviewSerializer)
    def get(self, request, pk):
        item = self.get_object(pk)
        view = selectors.public_view(item, preview=True)
        return Response(PreviewSerializer({
            "id": item.pk, "status": item.status, "title": item.title, "category_name": item.category.name,
            "publisher_name": item.publisher_name, "formed_on": item.formed_on, "published_on": view["published_on"],
            "body": view["body"], "attachments": [f.original_name for f in view["attachments"]],
            "scrubbed": view["scrubbed"], "due_date": item.due_date, "late": services.would_be_late(item),
            "version": item.version}).data)


@routes("items/<int:pk>/publish/", "api_governance_item_publish")
class ItemPublish(RecordAction):
    access, action, input, out = policies.item_policy, "disclosure", PublishIn, ItemSerializer
    summary = "确认发布（逾期公开须填写 late_reason）"

    def act(self, item, d):
        return services.disclosure_confirm(actor=self.request.user, item_id=item.pk, version=d.get("version"),
                                           late_reason=d.get("late_reason", ""))


@routes("items/<int:pk>/withdraw/", "api_governance_item_withdraw")
class ItemWithdraw(RecordAction):
    access, action, input, out = policies.item_policy, "disclosure", ReasonIn, ItemSerializer
    summary = "撤回主动公开信息（记录理由，不删除）"

    def act(self, item, d):
        return services.disclosure_withdraw(actor=self.request.user, item_id=item.pk, reason=d.get("reason", ""),
                                            version=d.get("version"))


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

@routes("requests/", "api_governance_requests")
class Requests(ListCreate):
    selector, row, summary = selectors.request_list, RequestSerializer, "依申请公开列表"
    create_in, create_perm, out = RequestIn, "governance.requests", RequestSerializer
    create_service, create_summary = services.request_submit, "登记依申请公开（窗口、信函）"

    def create_at(self, node, d):
        return super().create_at(node, {**d, "channel": d.get("channel") or "counter"})


@routes("requests/<int:pk>/", "api_governance_request")
class RequestDetail(RecordDetail):
    access, out, summary = policies.request_policy, RequestSerializer, "依申请公开详情"


@routes("requests/<int:pk>/transition/", "api_governance_request_transition")
class RequestTransition(TransitionEndpoint):
    access, summary = policies.request_policy, "依申请公开办理操作"
    workflow, service, id_kw, out = wf.REQUEST, services.request_transition, "request_id", RequestSerializer


@routes("requests/<int:pk>/letter/", "api_governance_request_letter")
class RequestLetter(RecordFileEndpoint):
    access, summary, content_type = policies.request_policy, "答复书（.docx）", ui.DOCX

    def document(self, req):
        if req.status != "answered":
            raise DomainError("尚未答复，不能生成答复书。")
        return documents.reply_letter(req), f"答复书-{req.tracking_code}.docx", ui.DOCX


@routes("requests/<int:pk>/statistics/", "api_governance_request_statistics")
class RequestStatistics(RecordAction):
    access, action, input, out = policies.request_policy, "requests", StatisticsIn, RequestSerializer
    summary = ("登记年报统计信息：organisation_kind（法人或其他组织类别）、table_reason（办理结果统计口径，含不予公开等具体"
               "情形）、fee_amount（信息处理费，元）")

    def act(self, req, d):
        return services.request_record_statistics(actor=self.request.user, request_id=req.pk, version=d.get("version"),
                                                  organisation_kind=d.get("organisation_kind"),
                                                  table_reason=d.get("table_reason"), fee_amount=d.get("fee_amount"))


@routes("requests/<int:pk>/remedies/", "api_governance_request_remedies")
class RequestRemedies(RecordAction):
    access, action, input, out, status = policies.request_policy, "requests", RemedyIn, RemedySerializer, 201
    summary = ("登记行政复议、行政诉讼：kind = reconsideration / lawsuit_direct / lawsuit_after，"
               "result = upheld / corrected / other / pending")

    def act(self, req, d):
        return services.remedy_create(actor=self.request.user, request_id=req.pk, **d)


@routes("requests/<int:pk>/remedies/<int:remedy_id>/", "api_governance_request_remedy")
class RequestRemedy(RecordAction):
    access, action, input, out, method = policies.request_policy, "requests", RemedyUpdateIn, RemedySerializer, "patch"
    summary = "修改行政复议、行政诉讼的结果"
    census_kwargs = {"remedy_id": 1}

    def act(self, req, d):
        remedy = selectors.remedy_of(req, self.kwargs["remedy_id"])
        return services.remedy_update(actor=self.request.user, remedy_id=remedy.pk, version=d.get("version"),
                                      result=d.get("result", ""), decided_on=d.get("decided_on"), note=d.get("note"))


# ---- 政府信息公开工作年度报告 -------------------------------------------------------------------------------------

@routes("annual-reports/", "api_governance_annual_reports")
class AnnualReports(ListCreate):
    selector, row = selectors.annual_report_list, AnnualReportSerializer
    summary = "政府信息公开工作年度报告列表"
    create_in, create_perm, out = AnnualReportIn, "governance.disclosure", AnnualReportDetailSerializer
    create_service, create_summary = services.annual_report_create, "起草政府信息公开工作年度报告（表格由台账记录生成）"


@routes("annual-reports/<int:pk>/", "api_governance_annual_report")
class AnnualReportDetail(RecordDetail):
    perms = {"GET": VIEW, "PATCH": "governance.disclosure"}
    access, out = policies.report_policy, AnnualReportDetailSerializer
    summary = "年度报告详情：表格（每格含记录清单链接）、对账问题、公布期限"

    @extend_schema(summary="修改年度报告文字部分（一、五、六）", request=AnnualReportEditIn,
                   responses=AnnualReportDetailSerializer)
    def patch(self, request, pk):
        report = self.get_object(pk, "disclosure")
        report = services.annual_report_update(actor=request.user, report_id=report.pk, **self.validated(AnnualReportEditIn))
        return Response(AnnualReportDetailSerializer(report, context={"user": request.user}).data)


@routes("annual-reports/<int:pk>/transition/", "api_governance_annual_report_transition")
class AnnualReportTransition(TransitionEndpoint):
    access, summary = policies.report_policy, "年度报告流程"
    workflow, service = wf.ANNUAL_REPORT, services.annual_report_transition
    id_kw, out = "report_id", AnnualReportDetailSerializer

    def attachments(self, request) -> dict:
        return {}


@routes("annual-reports/<int:pk>/report.docx", "api_governance_annual_report_docx")
class AnnualReportDocx(RecordFileEndpoint):
    access, summary, content_type = policies.report_policy, "年度报告（.docx，GB/T 9704 版式）", ui.DOCX

    def document(self, report):
        return documents.annual_report_docx(report), f"{report}.docx", ui.DOCX


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

@routes("documents/", "api_governance_documents")
class Documents(ListCreate):
    selector, row, summary = selectors.document_list, DocumentSerializer, "行政规范性文件列表"
    create_in, create_perm, out = DocumentIn, "governance.documents", DocumentSerializer
    create_service, create_summary = services.document_create, "起草行政规范性文件"

    def create_at(self, node, d):
        return super().create_at(node, {"title": "", "body": "", **d})


@routes("documents/<int:pk>/", "api_governance_document")
class DocumentDetail(Endpoint):
    perms = {"GET": VIEW}
    access = policies.document_policy

    @extend_schema(summary="规范性文件详情（含公众意见）", responses=DocumentSerializer)
    def get(self, request, pk):
        doc = self.get_object(pk)
        data = DocumentSerializer(doc, context={"user": request.user}).data
        data["comments"] = CommentSerializer(doc.comments.all(), many=True).data
        return Response(data)


@routes("documents/<int:pk>/transition/", "api_governance_document_transition")
class DocumentTransition(TransitionEndpoint):
    access, summary = policies.document_policy, "规范性文件流程操作"
    workflow, service, id_kw, out = wf.DOCUMENT, services.document_transition, "document_id", DocumentSerializer


@routes("comments/", "api_governance_comments")
class Comments(ListCreate):
    selector, row, summary = selectors.comment_list, CommentSerializer, "公众意见列表（审核）"


@routes("comments/<int:pk>/moderate/", "api_governance_comment_moderate")
class CommentModerate(RecordAction):
    access, action, input, out = policies.comment_policy, "moderate", ModerateIn, CommentSerializer
    summary = "审核公众意见：status = approved / rejected，reply 答复"

    def act(self, comment, d):
        return services.comment_moderate(actor=self.request.user, comment_id=comment.pk, status=d.get("status", ""),
                                         reply=d.get("reply", ""))


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

@routes("decisions/", "api_governance_decisions")
class Decisions(ListCreate):
    selector, row, summary = selectors.decision_list, DecisionListSerializer, "重大行政决策目录"
    create_in, create_perm, out = DecisionIn, "governance.decisions", DecisionSerializer
    create_service, create_summary = services.decision_create, "列入重大行政决策目录"


@routes("decisions/<int:pk>/", "api_governance_decision")
class DecisionDetail(RecordDetail):
    access, out, summary = policies.decision_policy, DecisionSerializer, "重大行政决策详情（含程序环节）"


@routes("decisions/<int:pk>/transition/", "api_governance_decision_transition")
class DecisionTransition(TransitionEndpoint):
    access, summary = policies.decision_policy, "决策流程操作"
    workflow, service, id_kw, out = wf.DECISION, services.decision_transition, "decision_id", DecisionSerializer

    def attachments(self, request) -> dict:
        return {}


@routes("decisions/<int:pk>/comment-period/", "api_governance_decision_comment")
class DecisionCommentOpen(RecordAction):
    access, action, input, out = policies.decision_policy, "decisions", DaysIn, DecisionSerializer
    summary = "公开征求意见（days，默认30日）"

    def act(self, decision, d):
        return services.decision_open_comment(actor=self.request.user, decision_id=decision.pk, days=d.get("days"),
                                              version=d.get("version"))


@routes("decisions/<int:pk>/steps/<str:kind>/", "api_governance_decision_step")
class DecisionStepRecord(RecordAction):
    access, action, input, out = policies.decision_policy, "decisions", StepIn, DecisionSerializer
    summary = "记录程序环节：action = record（evidence, done_on, files）/ waive（reason）"
    census_kwargs = {"kind": "expert"}

    def act(self, decision, d):
        kind = self.kwargs["kind"]
        if d.get("action") == "waive":
            services.decision_step_waive(actor=self.request.user, decision_id=decision.pk, kind=kind,
                                         reason=d.get("reason", ""))
        else:
            services.decision_step_record(actor=self.request.user, decision_id=decision.pk, kind=kind,
                                          evidence=d.get("evidence", ""), done_on=d.get("done_on"),
                                          attachments=self.request.FILES.getlist("files"))
        decision.refresh_from_db()
        return decision


@routes("decisions/<int:pk>/hearings/", "api_governance_decision_hearing")
class DecisionHearing(RecordAction):
    access, action, input, out, status = policies.decision_policy, "decisions", HearingIn, HearingSerializer, 201
    summary = "登记听证会"

    def act(self, decision, d):
        return services.hearing_create(actor=self.request.user, decision_id=decision.pk, **d)


@routes("decisions/<int:pk>/bundle/", "api_governance_decision_bundle")
class DecisionBundle(RecordFileEndpoint):
    access, content_type = policies.decision_policy, "application/zip"
    summary = "决策档案（.zip：.docx 摘要 + 各环节附件）"

    def document(self, decision):
        return documents.decision_bundle(decision), f"决策档案-{decision.pk}.zip", "application/zip"


# ---- 会议 ---------------------------------------------------------------------------------------------------------

@routes("meetings/", "api_governance_meetings")
class Meetings(ListCreate):
    selector, row, summary = selectors.meeting_list, MeetingListSerializer, "党工委会议列表"
    create_in, create_perm, out = MeetingIn, "governance.meetings", MeetingSerializer
    create_summary = "登记党工委会议（agenda: [议题]）"

    def create_at(self, node, d):
        return services.meeting_create(actor=self.request.user, node=node, title=d.get("title", ""),
                                       held_on=d.get("held_on"), place=d.get("place", ""), agenda=d.get("agenda") or [])


@routes("meetings/<int:pk>/", "api_governance_meeting")
class MeetingDetail(RecordDetail):
    access, out, summary = policies.meeting_policy, MeetingSerializer, "党工委会议详情"


class MeetingAction(RecordAction):
    access, action = policies.meeting_policy, "meetings"


@routes("meetings/<int:pk>/attendees/", "api_governance_meeting_attendee")
class MeetingAttendeeAdd(MeetingAction):
    input, out, status = AttendeeIn, AttendeeSerializer, 201
    summary = "登记参会人员：user（党工委成员）或 name + village（列席）"

    def act(self, meeting, d):
        return services.meeting_add_attendee(actor=self.request.user, meeting_id=meeting.pk,
                                             **selectors.attendee_input(meeting, d))


@routes("meetings/<int:pk>/items/", "api_governance_meeting_item")
class MeetingItemAdd(MeetingAction):
    input, out, status, summary = TitleIn, AgendaSerializer, 201, "增加议题"

    def act(self, meeting, d):
        return services.meeting_add_item(actor=self.request.user, meeting_id=meeting.pk, title=d.get("title", ""))


@routes("meetings/<int:pk>/items/<int:item_id>/decide/", "api_governance_agenda_decide")
class AgendaDecide(MeetingAction):
    input, out, summary = OutcomeIn, AgendaSerializer, "记录议题的集体决定：outcome = approved / rejected / deferred"
    census_kwargs = {"item_id": 1}

    def act(self, meeting, d):
        item = selectors.agenda_item_of(meeting, self.kwargs["item_id"])
        return services.agenda_item_decide(actor=self.request.user, item_id=item.pk, outcome=d.get("outcome", ""),
                                           decision_text=d.get("decision_text", ""))


@routes("meetings/<int:pk>/minutes/", "api_governance_meeting_minutes")
class MeetingMinutes(MeetingAction):
    input, out, summary = MinutesIn, MeetingSerializer, "录入会议纪要"

    def act(self, meeting, d):
        return services.meeting_record_minutes(actor=self.request.user, meeting_id=meeting.pk,
                                               minutes=d.get("minutes", ""), version=d.get("version"))


urlpatterns = routes.urlpatterns
