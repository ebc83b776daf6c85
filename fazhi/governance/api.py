"""JSON API /api/governance/: thin, the same selectors and services as the workbench."""
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from fazhi.core import policy, ui
from fazhi.core.errors import DomainError, NotAllowed

from . import documents, selectors, services
from . import workflow as wf
from .models import (
    AgendaItem,
    DecisionStep,
    DisclosureItem,
    DisclosureRequest,
    Hearing,
    MajorDecision,
    Meeting,
    MeetingAttendee,
    NormativeDocument,
    PublicComment,
)


def _need(user, perm="governance.view"):
    if not policy.has_perm(user, perm):
        raise NotAllowed("您的岗位角色不包含此功能。")


def _node(user, perm, node_id=None):
    nodes = list(policy.scoped_nodes(user, perm, kinds=["subdistrict"]).order_by("path"))
    if not nodes:
        raise NotAllowed("您的岗位角色不包含此功能。")
    if node_id not in (None, ""):
        node = next((n for n in nodes if str(n.pk) == str(node_id)), None)
        if node is None:
            raise DomainError("机关不存在或不在您的管辖范围内。", field_errors={"node": "不在管辖范围内。"})
        return node
    return nodes[0]


def _page(request, qs, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _data(request, keys):
    return {k: request.data.get(k) for k in keys if k in request.data}


def _transition_kwargs(workflow, request):
    name = request.data.get("action") or ""
    t = workflow.get(name)
    keys = set(t.fields) | {"reason"}
    return name, {k: request.data.get(k) for k in keys if k in request.data}, request.data.get("version")


class ItemSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = DisclosureItem
        fields = ["id", "node", "category", "category_name", "title", "body", "formed_on", "publisher_name", "published_at",
                  "published_on", "due_date", "is_timely", "status", "withdrawn_at", "withdraw_reason", "version"]


class RequestSerializer(serializers.ModelSerializer):
    deadline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureRequest
        fields = ["id", "node", "tracking_code", "applicant_type", "applicant_name", "phone", "email", "address", "content",
                  "purpose", "channel", "received_on", "clock_start", "correction_requested_on", "correction_note",
                  "corrected_on", "waiting_days", "extended", "extension_reason", "due_date", "status", "reply_type",
                  "reply_text", "reply_reason", "referred_body", "answered_on", "version", "deadline", "actions"]

    def get_deadline(self, obj) -> dict:
        return services.request_deadline(obj).as_dict()

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.REQUEST.available(obj, user)] if user else []


class DocumentSerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField()

    class Meta:
        model = NormativeDocument
        fields = ["id", "node", "title", "body", "drafting_unit", "created_on", "status", "comment_start", "comment_end",
                  "comment_days", "review_opinion", "reviewer", "reviewed_on", "agenda_item", "decided_on", "doc_number",
                  "registered_on", "published_on", "disclosure_item", "filed_on", "filing_body", "filing_receipt",
                  "valid_until", "review_due", "version", "actions"]

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.DOCUMENT.available(obj, user)] if user else []


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicComment
        fields = ["id", "document", "decision", "author_name", "contact", "body", "status", "reply", "created_at", "moderated_at"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionStep
        fields = ["kind", "seq", "required", "status", "evidence", "done_on", "waived_reason"]


class HearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hearing
        fields = ["id", "notice_on", "notice_text", "held_on", "place", "participants", "record"]


class DecisionSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    hearings = HearingSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = MajorDecision
        fields = ["id", "node", "year", "title", "description", "sponsor_unit", "status", "comment_start", "comment_end",
                  "agenda_item", "decided_on", "decision_text", "version", "steps", "hearings", "actions"]

    def get_actions(self, obj) -> list[str]:
        user = self.context.get("user")
        return [t.name for t in wf.DECISION.available(obj, user)] if user else []


class DecisionListSerializer(serializers.ModelSerializer):
    class Meta:
        model = MajorDecision
        fields = ["id", "node", "year", "title", "sponsor_unit", "status", "decided_on", "version"]


class AttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingAttendee
        fields = ["id", "user", "name", "is_voting", "village", "role_label"]


class AgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "seq", "title", "outcome", "decision_text"]


class MeetingSerializer(serializers.ModelSerializer):
    attendees = AttendeeSerializer(many=True, read_only=True)
    items = AgendaSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "node", "title", "held_on", "place", "chair", "minutes", "status", "version", "attendees", "items"]


class MeetingListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "node", "title", "held_on", "place", "status", "version"]


# ---- 主动公开 -----------------------------------------------------------------------------------------------------

@extend_schema(summary="主动公开信息：列表 / 发布", request=OpenApiTypes.OBJECT, responses=ItemSerializer)
@api_view(["GET", "POST"])
def items(request):
    if request.method == "GET":
        _need(request.user)
        return _page(request, selectors.item_list(user=request.user, filters=request.GET.dict()), ItemSerializer)
    node = _node(request.user, "governance.disclosure", request.data.get("node"))
    item = services.disclosure_publish(actor=request.user, node=node, category_code=request.data.get("category", ""),
                                       title=request.data.get("title", ""), body=request.data.get("body", ""),
                                       formed_on=request.data.get("formed_on"), attachments=request.FILES.getlist("attachments"))
    return Response(ItemSerializer(item).data, status=201)


@extend_schema(summary="主动公开信息详情", responses=ItemSerializer)
@api_view(["GET"])
def item_detail(request, pk):
    return Response(ItemSerializer(selectors.item_get_for_user(request.user, pk)).data)


@extend_schema(summary="撤回主动公开信息（记录理由，不删除）", request=OpenApiTypes.OBJECT, responses=ItemSerializer)
@api_view(["POST"])
def item_withdraw(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    item = services.disclosure_withdraw(actor=request.user, item_id=item.pk, reason=request.data.get("reason", ""),
                                        version=request.data.get("version"))
    return Response(ItemSerializer(item).data)


# ---- 依申请公开 ---------------------------------------------------------------------------------------------------

@extend_schema(summary="依申请公开：列表 / 登记", request=OpenApiTypes.OBJECT, responses=RequestSerializer)
@api_view(["GET", "POST"])
def requests_(request):
    ctx = {"user": request.user}
    if request.method == "GET":
        _need(request.user)
        qs = selectors.request_list(user=request.user, filters=request.GET.dict())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(RequestSerializer(page, many=True, context=ctx).data)
    node = _node(request.user, "governance.requests", request.data.get("node"))
    req = services.request_submit(actor=request.user, node=node, channel=request.data.get("channel") or "counter",
                                  **_data(request, ["applicant_type", "applicant_name", "phone", "email", "address",
                                                    "content", "purpose", "received_on"]))
    return Response(RequestSerializer(req, context=ctx).data, status=201)


@extend_schema(summary="依申请公开详情", responses=RequestSerializer)
@api_view(["GET"])
def request_detail(request, pk):
    return Response(RequestSerializer(selectors.request_get_for_user(request.user, pk), context={"user": request.user}).data)


@extend_schema(summary="依申请公开办理操作：action = request_correction / submit_correction / request_extension / approve_extension / reject_extension / answer", request=OpenApiTypes.OBJECT, responses=RequestSerializer)
@api_view(["POST"])
def request_transition(request, pk):
    req = selectors.request_get_for_user(request.user, pk)
    name, kwargs, version = _transition_kwargs(wf.REQUEST, request)
    req = services.request_transition(actor=request.user, request_id=req.pk, name=name, version=version,
                                      attachments=request.FILES.getlist("files"), **kwargs)
    return Response(RequestSerializer(req, context={"user": request.user}).data)


@extend_schema(summary="答复书（.docx）", responses={(200, ui.DOCX): bytes})
@api_view(["GET"])
def request_letter(request, pk):
    req = selectors.request_get_for_user(request.user, pk)
    if req.status != "answered":
        raise DomainError("尚未答复，不能生成答复书。")
    return ui.file_response(documents.reply_letter(req), f"答复书-{req.tracking_code}.docx", ui.DOCX)


# ---- 规范性文件 -----------------------------------------------------------------------------------------------------

@extend_schema(summary="行政规范性文件：列表 / 起草", request=OpenApiTypes.OBJECT, responses=DocumentSerializer)
@api_view(["GET", "POST"])
def documents_(request):
    ctx = {"user": request.user}
    if request.method == "GET":
        _need(request.user)
        qs = selectors.document_list(user=request.user, filters=request.GET.dict())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(DocumentSerializer(page, many=True, context=ctx).data)
    node = _node(request.user, "governance.documents", request.data.get("node"))
    doc = services.document_create(actor=request.user, node=node, title=request.data.get("title", ""),
                                   body=request.data.get("body", ""), drafting_unit=request.data.get("drafting_unit", ""))
    return Response(DocumentSerializer(doc, context=ctx).data, status=201)


@extend_schema(summary="规范性文件详情", responses=DocumentSerializer)
@api_view(["GET"])
def document_detail(request, pk):
    doc = selectors.document_get_for_user(request.user, pk)
    data = DocumentSerializer(doc, context={"user": request.user}).data
    data["comments"] = CommentSerializer(doc.comments.all(), many=True).data
    return Response(data)


@extend_schema(summary="规范性文件流程操作：action = open_comment / close_comment / submit_review / approve_review / return_review / decide / register / publish / file / repeal", request=OpenApiTypes.OBJECT, responses=DocumentSerializer)
@api_view(["POST"])
def document_transition(request, pk):
    doc = selectors.document_get_for_user(request.user, pk)
    name, kwargs, version = _transition_kwargs(wf.DOCUMENT, request)
    doc = services.document_transition(actor=request.user, document_id=doc.pk, name=name, version=version,
                                       attachments=request.FILES.getlist("files"), **kwargs)
    return Response(DocumentSerializer(doc, context={"user": request.user}).data)


@extend_schema(summary="公众意见列表（审核）", responses=CommentSerializer)
@api_view(["GET"])
def comments(request):
    _need(request.user)
    return _page(request, selectors.comment_list(user=request.user, filters=request.GET.dict()), CommentSerializer)


@extend_schema(summary="审核公众意见：status = approved / rejected，reply 答复", request=OpenApiTypes.OBJECT, responses=CommentSerializer)
@api_view(["POST"])
def comment_moderate(request, pk):
    comment = selectors.comment_get_for_user(request.user, pk)
    comment = services.comment_moderate(actor=request.user, comment_id=comment.pk, status=request.data.get("status", ""),
                                        reply=request.data.get("reply", ""))
    return Response(CommentSerializer(comment).data)


# ---- 重大决策 -----------------------------------------------------------------------------------------------------

@extend_schema(summary="重大行政决策目录：列表 / 列入", request=OpenApiTypes.OBJECT, responses=DecisionSerializer)
@api_view(["GET", "POST"])
def decisions(request):
    if request.method == "GET":
        _need(request.user)
        return _page(request, selectors.decision_list(user=request.user, filters=request.GET.dict()), DecisionListSerializer)
    node = _node(request.user, "governance.decisions", request.data.get("node"))
    decision = services.decision_create(actor=request.user, node=node, **_data(request, ["year", "title", "description", "sponsor_unit",
                                                                                          "hearing_required"]))
    return Response(DecisionSerializer(decision, context={"user": request.user}).data, status=201)


@extend_schema(summary="重大行政决策详情（含程序环节）", responses=DecisionSerializer)
@api_view(["GET"])
def decision_detail(request, pk):
    return Response(DecisionSerializer(selectors.decision_get_for_user(request.user, pk), context={"user": request.user}).data)


@extend_schema(summary="决策流程操作：action = start / decide / publish / implement / evaluate", request=OpenApiTypes.OBJECT, responses=DecisionSerializer)
@api_view(["POST"])
def decision_transition(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    name, kwargs, version = _transition_kwargs(wf.DECISION, request)
    decision = services.decision_transition(actor=request.user, decision_id=decision.pk, name=name, version=version, **kwargs)
    return Response(DecisionSerializer(decision, context={"user": request.user}).data)


@extend_schema(summary="公开征求意见（days，默认30日）", request=OpenApiTypes.OBJECT, responses=DecisionSerializer)
@api_view(["POST"])
def decision_comment_open(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    decision = services.decision_open_comment(actor=request.user, decision_id=decision.pk, days=request.data.get("days"),
                                              version=request.data.get("version"))
    return Response(DecisionSerializer(decision, context={"user": request.user}).data)


@extend_schema(summary="记录程序环节：action = record（evidence, done_on, files）/ waive（reason）", request=OpenApiTypes.OBJECT, responses=DecisionSerializer)
@api_view(["POST"])
def decision_step(request, pk, kind):
    decision = selectors.decision_get_for_user(request.user, pk)
    if request.data.get("action") == "waive":
        services.decision_step_waive(actor=request.user, decision_id=decision.pk, kind=kind, reason=request.data.get("reason", ""))
    else:
        services.decision_step_record(actor=request.user, decision_id=decision.pk, kind=kind, evidence=request.data.get("evidence", ""),
                                      done_on=request.data.get("done_on"), attachments=request.FILES.getlist("files"))
    decision.refresh_from_db()
    return Response(DecisionSerializer(decision, context={"user": request.user}).data)


@extend_schema(summary="登记听证会", request=OpenApiTypes.OBJECT, responses=HearingSerializer)
@api_view(["POST"])
def decision_hearing(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    hearing = services.hearing_create(actor=request.user, decision_id=decision.pk,
                                      **{k: request.data.get(k, "") for k in ("notice_on", "notice_text", "held_on", "place",
                                                                              "participants", "record")})
    return Response(HearingSerializer(hearing).data, status=201)


@extend_schema(summary="决策档案（.zip：.docx 摘要 + 各环节附件）", responses={(200, "application/zip"): bytes})
@api_view(["GET"])
def decision_bundle(request, pk):
    decision = selectors.decision_get_for_user(request.user, pk)
    return ui.file_response(documents.decision_bundle(decision), f"决策档案-{decision.pk}.zip", "application/zip")


# ---- 会议 ---------------------------------------------------------------------------------------------------------

@extend_schema(summary="党工委会议：列表 / 登记（agenda: [议题]）", request=OpenApiTypes.OBJECT, responses=MeetingSerializer)
@api_view(["GET", "POST"])
def meetings(request):
    if request.method == "GET":
        _need(request.user)
        return _page(request, selectors.meeting_list(user=request.user, filters=request.GET.dict()), MeetingListSerializer)
    node = _node(request.user, "governance.meetings", request.data.get("node"))
    agenda = request.data.get("agenda") or []
    if isinstance(agenda, str):
        agenda = [line for line in agenda.splitlines() if line.strip()]
    elif not isinstance(agenda, (list, tuple)):
        raise DomainError("议题应为列表，每项一个议题。", field_errors={"agenda": "应为列表。"})
    agenda = [str(a) for a in agenda]
    meeting = services.meeting_create(actor=request.user, node=node, title=request.data.get("title", ""),
                                      held_on=request.data.get("held_on"), place=request.data.get("place", ""), agenda=agenda)
    return Response(MeetingSerializer(meeting).data, status=201)


@extend_schema(summary="党工委会议详情", responses=MeetingSerializer)
@api_view(["GET"])
def meeting_detail(request, pk):
    return Response(MeetingSerializer(selectors.meeting_get_for_user(request.user, pk)).data)


@extend_schema(summary="登记参会人员：user（党工委成员）或 name + village（列席）", request=OpenApiTypes.OBJECT, responses=AttendeeSerializer)
@api_view(["POST"])
def meeting_attendee(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if request.data.get("user"):
        user_id = str(request.data.get("user"))
        user = selectors.voting_candidates(meeting.node).filter(pk=int(user_id)).first() if user_id.isdigit() else None
        if user is None:
            raise DomainError("请选择本街道的党工委成员。", field_errors={"user": "不在本街道。"})
        attendee = services.meeting_add_attendee(actor=request.user, meeting_id=meeting.pk, user=user)
    else:
        attendee = services.meeting_add_attendee(actor=request.user, meeting_id=meeting.pk, name=request.data.get("name", ""),
                                                 village=request.data.get("village"), role_label=request.data.get("role_label", ""))
    return Response(AttendeeSerializer(attendee).data, status=201)


@extend_schema(summary="增加议题", request=OpenApiTypes.OBJECT, responses=AgendaSerializer)
@api_view(["POST"])
def meeting_item(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    item = services.meeting_add_item(actor=request.user, meeting_id=meeting.pk, title=request.data.get("title", ""))
    return Response(AgendaSerializer(item).data, status=201)


@extend_schema(summary="记录议题的集体决定：outcome = approved / rejected / deferred", request=OpenApiTypes.OBJECT, responses=AgendaSerializer)
@api_view(["POST"])
def agenda_decide(request, pk, item_id):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise DomainError("议题不存在。", code="not_found")
    item = services.agenda_item_decide(actor=request.user, item_id=item.pk, outcome=request.data.get("outcome", ""),
                                       decision_text=request.data.get("decision_text", ""))
    return Response(AgendaSerializer(item).data)


@extend_schema(summary="录入会议纪要", request=OpenApiTypes.OBJECT, responses=MeetingSerializer)
@api_view(["POST"])
def meeting_minutes(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    meeting = services.meeting_record_minutes(actor=request.user, meeting_id=meeting.pk, minutes=request.data.get("minutes", ""),
                                              version=request.data.get("version"))
    return Response(MeetingSerializer(meeting).data)


urlpatterns = [
    path("items/", items, name="api_governance_items"),
    path("items/<int:pk>/", item_detail, name="api_governance_item"),
    path("items/<int:pk>/withdraw/", item_withdraw, name="api_governance_item_withdraw"),
    path("requests/", requests_, name="api_governance_requests"),
    path("requests/<int:pk>/", request_detail, name="api_governance_request"),
    path("requests/<int:pk>/transition/", request_transition, name="api_governance_request_transition"),
    path("requests/<int:pk>/letter/", request_letter, name="api_governance_request_letter"),
    path("documents/", documents_, name="api_governance_documents"),
    path("documents/<int:pk>/", document_detail, name="api_governance_document"),
    path("documents/<int:pk>/transition/", document_transition, name="api_governance_document_transition"),
    path("comments/", comments, name="api_governance_comments"),
    path("comments/<int:pk>/moderate/", comment_moderate, name="api_governance_comment_moderate"),
    path("decisions/", decisions, name="api_governance_decisions"),
    path("decisions/<int:pk>/", decision_detail, name="api_governance_decision"),
    path("decisions/<int:pk>/transition/", decision_transition, name="api_governance_decision_transition"),
    path("decisions/<int:pk>/comment-period/", decision_comment_open, name="api_governance_decision_comment"),
    path("decisions/<int:pk>/steps/<str:kind>/", decision_step, name="api_governance_decision_step"),
    path("decisions/<int:pk>/hearings/", decision_hearing, name="api_governance_decision_hearing"),
    path("decisions/<int:pk>/bundle/", decision_bundle, name="api_governance_decision_bundle"),
    path("meetings/", meetings, name="api_governance_meetings"),
    path("meetings/<int:pk>/", meeting_detail, name="api_governance_meeting"),
    path("meetings/<int:pk>/attendees/", meeting_attendee, name="api_governance_meeting_attendee"),
    path("meetings/<int:pk>/items/", meeting_item, name="api_governance_meeting_item"),
    path("meetings/<int:pk>/items/<int:item_id>/decide/", agenda_decide, name="api_governance_agenda_decide"),
    path("meetings/<int:pk>/minutes/", meeting_minutes, name="api_governance_meeting_minutes"),
]
