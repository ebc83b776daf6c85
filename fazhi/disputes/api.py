"""JSON API of the dispute module. Thin: parse with a serializer → the same services and scoped selectors as the
workbench and the public site. Domain errors become Chinese JSON answers (400/403/404/409/429) through the core
exception handler."""
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from fazhi.core import audit, policy, ratelimit
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.masking import mask_name

from . import paging, selectors, services, views_public
from .models import Agreement, Dispute, MediationRoom, MediationSession, Mediator, Notice, Party
from .workflow import dispute_workflow


class _Pagination(PageNumberPagination):
    django_paginator_class = paging.IdFirstPaginator


def _page(request, qs, serializer):
    paginator = _Pagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _validated(serializer_class, data):
    s = serializer_class(data=data)
    if not s.is_valid():
        errors = {k: "；".join(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in s.errors.items()}
        raise DomainError("请检查填写的内容：" + "；".join(f"{k}：{v}" for k, v in errors.items()), field_errors=errors)
    return s.validated_data


def _may(user, perm):
    if not policy.has_perm(user, perm):
        raise NotAllowed("您的岗位角色不包含此功能。")


# ---- output ------------------------------------------------------------------------------------------------------

class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "role", "kind", "name", "id_number", "phone", "address"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "held_on", "place", "participants", "record"]


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["number", "facts", "terms", "performance_method", "performance_deadline", "signed_on",
                  "judicial_deadline", "judicial_outcome", "judicial_applied_on", "judicial_decided_on", "judicial_court"]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["at", "title", "decided_by", "reason", "next_steps"]


class DisputeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True, default="")
    room_name = serializers.CharField(source="room.name", read_only=True, default="")

    class Meta:
        model = Dispute
        fields = ["id", "tracking_code", "status", "status_label", "level", "node", "village", "village_name", "grid",
                  "kind", "kind_name", "channel", "referral_source", "mediation_type", "title", "description", "place",
                  "amount", "room", "room_name", "requested_room", "centre_body", "contact_phone", "received_on",
                  "accepted_on", "resolved_on", "concluded_on", "closed_on", "due_date", "is_flagged", "risk_reasons",
                  "version"]


class RoomSerializer(serializers.ModelSerializer):
    specialities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = MediationRoom
        fields = ["id", "node", "name", "host_name", "specialities", "opening_hours", "location", "introduction",
                  "is_active"]


class MediatorSerializer(serializers.ModelSerializer):
    specialities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Mediator
        fields = ["id", "node", "name", "kind", "organisation", "phone", "specialities", "committee",
                  "committee_position", "is_active"]


# ---- input -------------------------------------------------------------------------------------------------------

class PartyIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    kind = serializers.ChoiceField(choices=Party.Kind.choices, required=False, default="person")
    name = serializers.CharField(max_length=200, allow_blank=True)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class DisputeIn(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Dispute.Channel.choices)
    village = serializers.IntegerField()
    grid = serializers.IntegerField(required=False, allow_null=True)
    level = serializers.ChoiceField(choices=Dispute.Level.choices, required=False, allow_null=True)
    kind = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=20000, allow_blank=True)
    description = serializers.CharField(max_length=50000, allow_blank=True)
    place = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    amount = serializers.CharField(max_length=30, required=False, allow_blank=True, allow_null=True)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True)
    parties = PartyIn(many=True)
    requested_room = serializers.IntegerField(required=False, allow_null=True)
    referral_source = serializers.ChoiceField(choices=Dispute.ReferralSource.choices, required=False, default="")
    referral_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    mediation_type = serializers.ChoiceField(choices=Dispute.MediationType.choices, required=False, default="people")


class PublicDisputeIn(serializers.Serializer):
    village = serializers.IntegerField()
    kind = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=20000, allow_blank=True)
    description = serializers.CharField(max_length=50000, allow_blank=True)
    place = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, allow_blank=True)
    parties = PartyIn(many=True)
    requested_room = serializers.IntegerField(required=False, allow_null=True)


class TransitionIn(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict)


class TrackIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=40)


def _detail(d, user):
    data = DisputeSerializer(d).data
    data["parties"] = PartySerializer(d.parties.all(), many=True).data
    data["sessions"] = SessionSerializer(d.sessions.all(), many=True).data
    a = Agreement.objects.filter(dispute=d).first()
    data["agreement"] = AgreementSerializer(a).data if a else None
    data["notices"] = NoticeSerializer(d.notices.all(), many=True).data
    data["actions"] = [{"name": t.name, "label": t.label, "requires_reason": t.requires_reason,
                        "fields": list(t.fields)} for t in dispute_workflow.available(d, user)]
    data["timeline"] = [{"at": e.at, "actor": e.actor_label, "action": e.action_label, "reason": e.reason}
                        for e in audit.timeline(d)]
    return data


# ---- staff endpoints ---------------------------------------------------------------------------------------------

@extend_schema(methods=["GET"], operation_id="disputes_list")
@extend_schema(methods=["POST"], operation_id="disputes_create")
@extend_schema(summary="矛盾纠纷（GET 列表：status/kind/level/village/room/channel/overdue/flagged/q/sort/node/start/end；"
                       "POST 登记：窗口来访、网格排查、部门移送）", request=DisputeIn, responses=DisputeSerializer)
@api_view(["GET", "POST"])
def disputes(request):
    if request.method == "POST":
        _may(request.user, "disputes.intake")
        data = _validated(DisputeIn, request.data)
        d = services.dispute_create(actor=request.user, parties=[dict(p) for p in data.pop("parties")], **data)
        out = DisputeSerializer(d).data
        out["duplicate"] = d.duplicate
        return Response(out, status=200 if d.duplicate else 201)
    if not (policy.has_perm(request.user, "disputes.view") or policy.has_perm(request.user, "disputes.view_joined")):
        raise NotAllowed("您的岗位角色不包含此功能。")
    return _page(request, selectors.dispute_list(user=request.user, filters=request.GET), DisputeSerializer)


class DisputeUpdateIn(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    description = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    place = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    amount = serializers.CharField(max_length=30, required=False, allow_blank=True)
    kind = serializers.CharField(max_length=50, required=False)


@extend_schema(summary="矛盾纠纷详情（GET：含当事人、调解记录、协议、告知、可执行操作、审计时间线；PATCH：修改基本情况，须带 version）",
               request=DisputeUpdateIn, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "PATCH"])
def dispute(request, pk):
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    if request.method == "PATCH":
        data = _validated(DisputeUpdateIn, request.data)
        d = services.dispute_update(actor=request.user, dispute=d, **data)
    return Response(_detail(d, request.user))


@extend_schema(summary="上传附件（图片或 PDF，multipart 字段 file）", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["POST"])
def dispute_attachment(request, pk):
    from fazhi.core import files

    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    files.limit_uploads(request._request)
    stored = services.attachment_add(actor=request.user, dispute=d, upload=request.FILES.get("file"))
    return Response({"uuid": str(stored.uuid), "name": stored.original_name, "url": f"/files/{stored.uuid}/"}, status=201)


@extend_schema(summary="法律顾问参与调解（advisor = 用户 id）；参与后该顾问可查看本案", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["POST"])
def dispute_advisor(request, pk):
    from fazhi.core.models import User

    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    advisor_id = request.data.get("advisor")
    advisor = User.objects.filter(pk=advisor_id, is_active=True).first() if str(advisor_id).isdigit() else None
    if advisor is None:
        raise DomainError("请选择法律顾问。", field_errors={"advisor": "请选择。"})
    services.advisor_join(actor=request.user, dispute=d, advisor=advisor)
    return Response({"ok": True})


@extend_schema(summary="办理操作：action = accept/decline/assign/start/session/agree/fail/follow_up/reopen/escalate/"
                       "transfer/judicial；data 为该操作的字段；须带 version（他人已修改时返回 409）",
               request=TransitionIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def dispute_transition(request, pk):
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    data = _validated(TransitionIn, request.data)
    extra = {k: v for k, v in (data.get("data") or {}).items() if k not in {"actor", "dispute", "name", "version", "reason"}}
    d = services.dispute_transition(actor=request.user, dispute=d, name=data["action"], version=data["version"],
                                    reason=data.get("reason", ""), **extra)
    d.refresh_from_db()
    return Response(_detail(d, request.user))


@extend_schema(summary="添加当事人（须带 version）", request=PartyIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def dispute_party(request, pk):
    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    data = _validated(PartyIn, request.data)
    version = request.data.get("version")
    if version in (None, "") or not str(version).isdigit():
        raise DomainError("请带上 version。", field_errors={"version": "必填。"})
    p = services.party_add(actor=request.user, dispute=d, version=int(version), **data)
    return Response(PartySerializer(p).data, status=201)


@extend_schema(summary="下载文书 .docx：kind = agreement（人民调解协议书）/ application（申请书）/ record（调解记录）", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["GET"])
def dispute_document(request, pk, kind):
    from django.http import Http404

    from fazhi.core import ui

    from . import documents

    d = selectors.dispute_get_for_user(user=request.user, pk=pk)
    if kind not in documents.DOCUMENTS:
        raise Http404("没有这种文书。")
    title, make = documents.DOCUMENTS[kind]
    return ui.file_response(make(d), f"{title}-{d.tracking_code}.docx", ui.DOCX)


class RoomIn(serializers.Serializer):
    node = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=2000, allow_blank=True)
    host_name = serializers.CharField(max_length=2000, allow_blank=True)
    specialities = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    opening_hours = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    introduction = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class MediatorIn(serializers.Serializer):
    node = serializers.IntegerField()
    name = serializers.CharField(max_length=2000, allow_blank=True)
    kind = serializers.ChoiceField(choices=Mediator.Kind.choices, required=False, default="people")
    organisation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    specialities = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    committee = serializers.IntegerField(required=False, allow_null=True)
    committee_position = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _manage_node(user, pk):
    node = policy.scoped_nodes(user, "disputes.manage").filter(pk=pk).first() if pk not in (None, "") else None
    if node is None:
        raise DomainError("所选组织不存在或不在您的管辖范围内。", field_errors={"node": "不在管辖范围内。"})
    return node


@extend_schema(summary="调解室（GET 工作台列表，含停用的；POST 新增，需维护权限）", request=RoomIn, responses=RoomSerializer)
@api_view(["GET", "POST"])
def rooms(request):
    _may(request.user, "disputes.view")
    if request.method == "POST":
        _may(request.user, "disputes.manage")
        data = _validated(RoomIn, request.data)
        room = services.room_save(actor=request.user, node=_manage_node(request.user, data.pop("node", None)), **data)
        return Response(RoomSerializer(room).data, status=201)
    return _page(request, selectors.rooms_for(request.user), RoomSerializer)


@extend_schema(summary="修改调解室", request=RoomIn, responses=RoomSerializer)
@api_view(["PUT"])
def room(request, pk):
    _may(request.user, "disputes.manage")
    obj = selectors.room_get_for_user(user=request.user, pk=pk)
    data = _validated(RoomIn, request.data)
    data.pop("node", None)
    return Response(RoomSerializer(services.room_save(actor=request.user, room=obj, **data)).data)


@extend_schema(summary="调解室排队的纠纷", responses=DisputeSerializer(many=True), request=OpenApiTypes.OBJECT)
@api_view(["GET"])
def room_queue(request, pk):
    _may(request.user, "disputes.view")
    room = selectors.room_get_for_user(user=request.user, pk=pk)
    return _page(request, selectors.room_queue(user=request.user, room=room), DisputeSerializer)


@extend_schema(summary="调解员名册（GET 列表；POST 登记，需维护权限）", request=MediatorIn, responses=MediatorSerializer)
@api_view(["GET", "POST"])
def mediators(request):
    _may(request.user, "disputes.view")
    if request.method == "POST":
        _may(request.user, "disputes.manage")
        data = _validated(MediatorIn, request.data)
        committee_id = data.pop("committee", None)
        committee = selectors.committees_for(request.user).filter(pk=committee_id).first() if committee_id else None
        if committee_id and committee is None:
            raise DomainError("所选调解委员会不存在或不在您的管辖范围内。", field_errors={"committee": "不可选。"})
        m = services.mediator_save(actor=request.user, node=_manage_node(request.user, data.pop("node")),
                                   committee=committee, **data)
        return Response(MediatorSerializer(m).data, status=201)
    return _page(request, selectors.mediators_for(request.user, request.GET), MediatorSerializer)


@extend_schema(summary="风险词库（GET 列表；POST 添加 word/category，需维护权限）", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def risk_words(request):
    _may(request.user, "disputes.view")
    if request.method == "POST":
        rw = services.risk_word_add(actor=request.user, word=request.data.get("word", ""),
                                    category=request.data.get("category", ""))
        return Response({"id": rw.pk, "word": rw.word, "category": rw.category}, status=201)
    return Response([{"id": w.pk, "word": w.word, "category": w.category, "is_active": w.is_active}
                     for w in selectors.risk_words()])


@extend_schema(summary="期限提醒：超期、即将到期、司法确认申请期内", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["GET"])
def deadlines(request):
    _may(request.user, "disputes.view")
    return Response({
        "overdue": DisputeSerializer(selectors.overdue(request.user).select_related("kind", "village", "room")[:200], many=True).data,
        "due_soon": DisputeSerializer(selectors.due_soon(request.user).select_related("kind", "village", "room")[:200], many=True).data,
    })


@extend_schema(summary="各状态停留时间（与列表相同的筛选参数）", responses=OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT)
@api_view(["GET"])
def state_times(request):
    _may(request.user, "disputes.view")
    rows = selectors.time_in_states(user=request.user, filters=request.GET)
    return Response([{"status": s, "cases": n, "average_days": avg, "total_days": total} for s, n, avg, total in rows])


# ---- public endpoints (no account) -------------------------------------------------------------------------------

@extend_schema(summary="群众网上提交纠纷（无需账号；同一地址每小时10次）", request=PublicDisputeIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@permission_classes([AllowAny])
def public_submit(request):
    if not ratelimit.allow_request(request._request, "disputes-submit", limit=views_public.SUBMIT_LIMIT,
                                   window=views_public.SUBMIT_WINDOW):
        return Response({"detail": ratelimit.MESSAGE, "code": "rate_limited"}, status=429)
    data = _validated(PublicDisputeIn, request.data)
    d = services.dispute_create(actor=None, channel="online", parties=[dict(p) for p in data.pop("parties")], **data)
    return Response({"tracking_code": d.tracking_code, "status": d.get_status_display(), "duplicate": d.duplicate},
                    status=200 if d.duplicate else 201)


@extend_schema(summary="群众凭查询码+手机号查询进度（连续查询失败将被限制）", request=TrackIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@permission_classes([AllowAny])
def public_track(request):
    req = request._request
    if ratelimit.is_blocked(req, "disputes-track-miss", limit=views_public.TRACK_MISS_LIMIT):
        return Response({"detail": "查询失败次数过多，请15分钟后再试。", "code": "rate_limited"}, status=429)
    data = _validated(TrackIn, request.data)
    d = selectors.dispute_track(code=data["code"], phone=data["phone"])
    if d is None:
        ratelimit.allow_request(req, "disputes-track-miss", limit=views_public.TRACK_MISS_LIMIT,
                                window=views_public.TRACK_WINDOW)
        return Response({"detail": "没有找到与查询码和手机号相符的纠纷，请核对后再试。", "code": "not_found"}, status=404)
    applicant = next((p.name for p in d.parties.all() if p.role == "applicant"), "")
    return Response({"tracking_code": d.tracking_code, "title": d.title, "kind": d.kind.name, "applicant": mask_name(applicant),
                     "status": d.status, "status_label": d.get_status_display(), "received_on": d.received_on,
                     "room": d.room.name if d.room else "",
                     "notices": NoticeSerializer(d.notices.all(), many=True).data})


@extend_schema(summary="群众诉求超市：开放的调解室", responses=RoomSerializer(many=True), request=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def public_rooms(request):
    return Response(RoomSerializer(selectors.rooms_public(), many=True).data)


urlpatterns = [
    path("", disputes, name="api_disputes_list"),
    path("<int:pk>/", dispute, name="api_disputes_detail"),
    path("<int:pk>/transition/", dispute_transition, name="api_disputes_transition"),
    path("<int:pk>/parties/", dispute_party, name="api_disputes_party"),
    path("<int:pk>/documents/<str:kind>/", dispute_document, name="api_disputes_document"),
    path("<int:pk>/attachments/", dispute_attachment, name="api_disputes_attachment"),
    path("<int:pk>/advisors/", dispute_advisor, name="api_disputes_advisor"),
    path("rooms/", rooms, name="api_disputes_rooms"),
    path("rooms/<int:pk>/", room, name="api_disputes_room"),
    path("risk-words/", risk_words, name="api_disputes_risk_words"),
    path("rooms/<int:pk>/queue/", room_queue, name="api_disputes_room_queue"),
    path("mediators/", mediators, name="api_disputes_mediators"),
    path("deadlines/", deadlines, name="api_disputes_deadlines"),
    path("state-times/", state_times, name="api_disputes_state_times"),
    path("public/submit/", public_submit, name="api_disputes_public_submit"),
    path("public/track/", public_track, name="api_disputes_public_track"),
    path("public/rooms/", public_rooms, name="api_disputes_public_rooms"),
]
