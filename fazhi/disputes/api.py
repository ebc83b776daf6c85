"""JSON API of the dispute module, on core's gate (``fazhi.core.endpoints``): each endpoint declares the permission per
HTTP method and the access policy that looks its record up; input serializers only shape the body; the same services
and scoped selectors as the workbench and the public site. Domain errors become Chinese JSON answers
(400/403/404/409/429) in core's one exception handler."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from fazhi.core import audit, files, ui
from fazhi.core.api_personal import MaskPersonalNumbers
from fazhi.core.endpoints import Endpoint, ModelOut, OkSerializer, PublicEndpoint, Routes, model_out
from fazhi.core.errors import DomainError, NotFound
from fazhi.core.masking import mask_name

from . import assist, documents, selectors, services, triage, views_public
from .models import Agreement, Dispute, MediationRoom, MediationSession, Mediator, Notice, Party
from .policies import dispute_policy, mediator_policy, room_policy
from .workflow import dispute_workflow

routes = Routes()

VIEW = "disputes.view"


# ---- output ------------------------------------------------------------------------------------------------------

# numbers masked; full: /api/core/personal/reveal/
PartySerializer = model_out("PartySerializer", Party, ["id", "role", "kind", "name", "id_number", "phone", "address"],
                            base=(MaskPersonalNumbers, ModelOut))
SessionSerializer = model_out("SessionSerializer", MediationSession, ["id", "held_on", "place", "participants", "record"])
AgreementSerializer = model_out("AgreementSerializer", Agreement, [
    "kind", "number", "facts", "responsibility", "terms", "signed_by", "performance_method", "performance_deadline",
    "signed_on", "judicial_deadline", "judicial_outcome", "judicial_applied_on", "judicial_decided_on", "judicial_court"])
NoticeSerializer = model_out("NoticeSerializer", Notice, ["at", "title", "decided_by", "reason", "next_steps"])


class DisputeSerializer(MaskPersonalNumbers, ModelOut):
    village_name = serializers.CharField(source="village.name", read_only=True, default="")
    room_name = serializers.CharField(source="room.name", read_only=True, default="")

    class Meta:
        model = Dispute
        fields = ["id", "tracking_code", "status", "status_label", "level", "node", "village", "village_name", "grid",
                  "kind", "kind_name", "channel", "referral_source", "mediation_type", "title", "description", "place",
                  "amount", "room", "room_name", "requested_room", "centre_body", "contact_phone", "received_on",
                  "accepted_on", "resolved_on", "concluded_on", "closed_on", "due_date", "is_flagged", "risk_reasons",
                  "version"]


class _WithSpecialities(ModelOut):
    """A room or a mediator: its specialities (dispute kinds) by name."""

    specialities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")


RoomSerializer = model_out("RoomSerializer", MediationRoom, [
    "id", "node", "name", "host_name", "specialities", "opening_hours", "location", "introduction", "is_active"],
    base=_WithSpecialities)
MediatorSerializer = model_out("MediatorSerializer", Mediator, [
    "id", "node", "name", "kind", "organisation", "phone", "specialities", "committee", "committee_position",
    "is_active"], base=_WithSpecialities)


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


class PartyUpdateIn(serializers.Serializer):
    version = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Party.Role.choices, required=False)
    kind = serializers.ChoiceField(choices=Party.Kind.choices, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=400, required=False, allow_blank=True)


class PartyAddIn(PartyIn):
    version = serializers.IntegerField()


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField()


class AdvisorIn(serializers.Serializer):
    advisor = serializers.IntegerField(min_value=1)


class RiskWordIn(serializers.Serializer):
    word = serializers.CharField(max_length=200, allow_blank=True)
    category = serializers.CharField(max_length=40, allow_blank=True)


class TransitionIn(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict)


class TrackIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=40)


class DisputeUpdateIn(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    description = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    place = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    amount = serializers.CharField(max_length=30, required=False, allow_blank=True)
    kind = serializers.CharField(max_length=50, required=False)


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


def _detail(d, user):
    data = DisputeSerializer(d).data
    data["parties"] = PartySerializer(d.parties.all(), many=True).data
    data["sessions"] = SessionSerializer(d.sessions.all(), many=True).data
    a = getattr(d, "agreement", None)
    data["agreement"] = AgreementSerializer(a).data if a else None
    jc = services.judicial_deadline(a) if a else None
    data["judicial_window"] = jc.as_dict() if jc else None
    data["deadline"] = services.case_deadline(d).as_dict()
    data["notices"] = NoticeSerializer(d.notices.all(), many=True).data
    data["actions"] = [{"name": t.name, "label": t.label, "requires_reason": t.requires_reason,
                        "fields": list(t.fields)} for t in dispute_workflow.available(d, user)]
    data["timeline"] = [{"at": e.at, "actor": e.actor_label, "action": e.action_label, "reason": e.reason}
                        for e in audit.timeline(d)]
    return data


class DisputeEndpoint(Endpoint):
    access = dispute_policy

    def dispute(self, pk, action="view"):
        return selectors.dispute_get_for_user(user=self.request.user, pk=pk, action=action)


# ---- staff endpoints ---------------------------------------------------------------------------------------------

@routes("", "api_disputes_list")
class Disputes(DisputeEndpoint):
    perms = {"GET": VIEW, "POST": "disputes.intake"}

    @extend_schema(operation_id="disputes_list", responses=DisputeSerializer(many=True),
                   summary="矛盾纠纷列表（status/kind/level/village/room/channel/overdue/flagged/q/sort/node/start/end）")
    def get(self, request):
        return self.page(selectors.dispute_list(user=request.user, filters=request.GET), DisputeSerializer)

    @extend_schema(operation_id="disputes_create", request=DisputeIn, responses=DisputeSerializer,
                   summary="登记矛盾纠纷（窗口来访、网格排查、部门移送；parties 可含多位申请人）")
    def post(self, request):
        data = self.validated(DisputeIn)
        d = services.dispute_create(actor=request.user, parties=[dict(p) for p in data.pop("parties")], **data)
        out = DisputeSerializer(d).data
        out["duplicate"] = d.duplicate
        return Response(out, status=200 if d.duplicate else 201)


@routes("<int:pk>/", "api_disputes_detail")
class DisputeDetail(DisputeEndpoint):
    perms = {"GET": VIEW, "PATCH": VIEW}

    @extend_schema(summary="矛盾纠纷详情（含当事人、调解记录、协议、期限说明、告知、可执行操作、审计时间线）",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        return Response(_detail(self.dispute(pk), request.user))

    @extend_schema(summary="修改基本情况（须带 version）", request=DisputeUpdateIn, responses=OpenApiTypes.OBJECT)
    def patch(self, request, pk):
        d = self.dispute(pk)
        data = self.validated(DisputeUpdateIn)
        d = services.dispute_update(actor=request.user, dispute=d, **data)
        return Response(_detail(self.dispute(pk), request.user))


@routes("<int:pk>/attachments/", "api_disputes_attachment")
class DisputeAttachment(DisputeEndpoint):
    perms = {"POST": VIEW}

    @extend_schema(summary="上传附件（图片或 PDF，multipart 字段 file）", request=OpenApiTypes.OBJECT,
                   responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        d = self.dispute(pk)
        files.limit_uploads(request._request)
        stored = services.attachment_add(actor=request.user, dispute=d, upload=request.FILES.get("file"))
        return Response({"uuid": str(stored.uuid), "name": stored.original_name, "url": f"/files/{stored.uuid}/"},
                        status=201)


@routes("<int:pk>/advisors/", "api_disputes_advisor")
class DisputeAdvisor(DisputeEndpoint):
    perms = {"POST": "disputes.assign"}

    @extend_schema(summary="法律顾问参与调解（advisor = 用户 id，须为本案所在村（社区）、网格或街道的法律顾问）",
                   request=AdvisorIn, responses=OkSerializer)
    def post(self, request, pk):
        d = self.dispute(pk, "assign")
        data = self.validated(AdvisorIn)
        advisor = selectors.advisor_candidates(user=request.user).filter(pk=data["advisor"]).first()
        if advisor is None:  # outside the clerk's scope: the same refusal as the service's
            raise DomainError(services.ADVISOR_REFUSED, field_errors={"advisor": services.ADVISOR_REFUSED})
        services.advisor_join(actor=request.user, dispute=d, advisor=advisor)
        return Response({"ok": True})


@routes("<int:pk>/transition/", "api_disputes_transition")
class DisputeTransition(DisputeEndpoint):
    perms = {"POST": VIEW}

    @extend_schema(summary="办理操作：action = accept/decline/assign/start/session/agree/fail/follow_up/reopen/escalate/"
                           "transfer/judicial；data 为该操作的字段；须带 version（他人已修改时返回 409）",
                   request=TransitionIn, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        d = self.dispute(pk)
        data = self.validated(TransitionIn)
        extra = {k: v for k, v in (data.get("data") or {}).items()
                 if k not in {"actor", "dispute", "name", "version", "reason"}}
        services.dispute_transition(actor=request.user, dispute=d, name=data["action"], version=data["version"],
                                    reason=data.get("reason", ""), **extra)
        return Response(_detail(self.dispute(pk), request.user))


@routes("<int:pk>/parties/", "api_disputes_party")
class DisputeParties(DisputeEndpoint):
    perms = {"POST": VIEW}

    @extend_schema(summary="添加当事人（须带 version）", request=PartyAddIn, responses=PartySerializer)
    def post(self, request, pk):
        d = self.dispute(pk)
        data = self.validated(PartyAddIn)
        p = services.party_add(actor=request.user, dispute=d, **data)
        return Response(PartySerializer(p).data, status=201)


@routes("<int:pk>/parties/<int:party_pk>/", "api_disputes_party_item")
class DisputeParty(DisputeEndpoint):
    perms = {"PATCH": VIEW, "DELETE": VIEW}
    census_kwargs = {"party_pk": 1}

    @extend_schema(summary="修改当事人（须带 version）", request=PartyUpdateIn, responses=PartySerializer)
    def patch(self, request, pk, party_pk):
        d = self.dispute(pk)
        party = selectors.party_of(dispute=d, pk=party_pk)
        data = self.validated(PartyUpdateIn)
        p = services.party_update(actor=request.user, dispute=d, party=party, **data)
        return Response(PartySerializer(p).data)

    @extend_schema(summary="删除当事人（须带 version；唯一的申请人不能删除）", request=VersionIn, responses=OkSerializer)
    def delete(self, request, pk, party_pk):
        d = self.dispute(pk)
        party = selectors.party_of(dispute=d, pk=party_pk)
        data = self.validated(VersionIn)
        services.party_remove(actor=request.user, dispute=d, party=party, version=data["version"])
        return Response({"ok": True})


@routes("<int:pk>/documents/<str:kind>/", "api_disputes_document")
class DisputeDocument(DisputeEndpoint):
    perms = {"GET": VIEW}
    census_kwargs = {"kind": "application"}

    @extend_schema(summary="下载文书 .docx：kind = agreement（调解协议书，按调解类型）/ application（申请书）/ record（调解记录）",
                   responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
                              OpenApiTypes.BINARY})
    def get(self, request, pk, kind):
        d = self.dispute(pk)
        title, content = documents.render(d, kind)
        return ui.file_response(content, f"{title}-{d.tracking_code}.docx", ui.DOCX)


@routes("rooms/", "api_disputes_rooms")
class Rooms(Endpoint):
    perms = {"GET": VIEW, "POST": "disputes.manage"}
    access = room_policy

    @extend_schema(operation_id="disputes_rooms_list", summary="调解室（工作台列表，含停用的）",
                   responses=RoomSerializer(many=True))
    def get(self, request):
        return self.page(selectors.rooms_for(request.user), RoomSerializer)

    @extend_schema(operation_id="disputes_rooms_create", summary="新增调解室（需维护权限）", request=RoomIn,
                   responses=RoomSerializer)
    def post(self, request):
        data = self.validated(RoomIn)
        node = _manage_node(request.user, data.pop("node", None), tenants_only=True)
        room = services.room_save(actor=request.user, node=node, **data)
        return Response(RoomSerializer(room).data, status=201)


@routes("rooms/<int:pk>/", "api_disputes_room")
class Room(Endpoint):
    perms = {"PUT": "disputes.manage"}
    access = room_policy

    @extend_schema(summary="修改调解室", request=RoomIn, responses=RoomSerializer)
    def put(self, request, pk):
        obj = self.get_object(pk, "manage")
        data = self.validated(RoomIn)
        data.pop("node", None)
        return Response(RoomSerializer(services.room_save(actor=request.user, room=obj, **data)).data)


@routes("rooms/<int:pk>/queue/", "api_disputes_room_queue")
class RoomQueue(Endpoint):
    perms = {"GET": VIEW}
    access = room_policy

    @extend_schema(summary="调解室排队的纠纷", responses=DisputeSerializer(many=True))
    def get(self, request, pk):
        room = self.get_object(pk)
        return self.page(selectors.room_queue(user=request.user, room=room), DisputeSerializer)


def _manage_node(user, pk, *, tenants_only=False):
    from fazhi.core import orgkinds

    levels = (orgkinds.TENANT,) if tenants_only else (orgkinds.TENANT, orgkinds.VILLAGE)
    node = selectors.manage_nodes(user, *levels).filter(pk=pk).first() if isinstance(pk, int) else None
    if node is None:
        raise DomainError("所选组织不存在或不在您的管辖范围内。", field_errors={"node": "不在管辖范围内。"})
    return node


@routes("mediators/", "api_disputes_mediators")
class Mediators(Endpoint):
    perms = {"GET": VIEW, "POST": "disputes.manage"}
    access = mediator_policy

    @extend_schema(operation_id="disputes_mediators_list", summary="调解员名册", responses=MediatorSerializer(many=True))
    def get(self, request):
        return self.page(selectors.mediators_for(request.user, request.GET), MediatorSerializer)

    @extend_schema(operation_id="disputes_mediators_create", summary="登记调解员（需维护权限）", request=MediatorIn,
                   responses=MediatorSerializer)
    def post(self, request):
        data = self.validated(MediatorIn)
        committee_id = data.pop("committee", None)
        committee = selectors.committees_for(request.user).filter(pk=committee_id).first() if committee_id else None
        if committee_id and committee is None:
            raise DomainError("所选调解委员会不存在或不在您的管辖范围内。", field_errors={"committee": "不可选。"})
        m = services.mediator_save(actor=request.user, node=_manage_node(request.user, data.pop("node")),
                                   committee=committee, **data)
        return Response(MediatorSerializer(m).data, status=201)


@routes("risk-words/", "api_disputes_risk_words")
class RiskWords(Endpoint):
    perms = {"GET": VIEW, "POST": "disputes.manage"}

    @extend_schema(operation_id="disputes_risk_words_list", summary="风险词库", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response([{"id": w.pk, "word": w.word, "category": w.category, "is_active": w.is_active}
                         for w in selectors.risk_words()])

    @extend_schema(operation_id="disputes_risk_words_create", summary="添加风险词（word/category，需维护权限）",
                   request=RiskWordIn, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validated(RiskWordIn)
        rw = services.risk_word_add(actor=request.user, word=data["word"], category=data["category"])
        return Response({"id": rw.pk, "word": rw.word, "category": rw.category}, status=201)


@routes("deadlines/", "api_disputes_deadlines")
class Deadlines(Endpoint):
    perms = {"GET": VIEW}
    access = dispute_policy

    @extend_schema(summary="期限提醒：超期、即将到期", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        related = ("kind", "village", "room")
        return Response({
            "overdue": DisputeSerializer(selectors.overdue(request.user).select_related(*related)[:200], many=True).data,
            "due_soon": DisputeSerializer(selectors.due_soon(request.user).select_related(*related)[:200],
                                          many=True).data,
        })


@routes("state-times/", "api_disputes_state_times")
class StateTimes(Endpoint):
    perms = {"GET": VIEW}
    access = dispute_policy

    @extend_schema(summary="各状态停留时间（与列表相同的筛选参数）", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        rows = selectors.time_in_states(user=request.user, filters=request.GET)
        return Response([{"status": s, "cases": n, "average_days": avg, "total_days": total}
                         for s, n, avg, total in rows])


# ---- public endpoints (no account) -------------------------------------------------------------------------------

@routes("public/submit/", "api_disputes_public_submit")
class PublicSubmit(PublicEndpoint):
    rate_limit = ("disputes-submit", views_public.SUBMIT_LIMIT, views_public.SUBMIT_WINDOW)

    @extend_schema(summary="群众网上提交纠纷（无需账号；同一地址每小时10次）", request=PublicDisputeIn,
                   responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validated(PublicDisputeIn)
        d = services.dispute_create(actor=None, channel="online", parties=[dict(p) for p in data.pop("parties")],
                                    **data)
        return Response({"tracking_code": d.tracking_code, "status": d.get_status_display(),
                         "duplicate": d.duplicate}, status=200 if d.duplicate else 201)


@routes("public/track/", "api_disputes_public_track")
class PublicTrack(PublicEndpoint):
    @extend_schema(summary="群众凭查询码+手机号查询进度（连续查询失败将被限制）", request=TrackIn,
                   responses=OpenApiTypes.OBJECT)
    def post(self, request):
        from fazhi.core import ratelimit
        from fazhi.core.endpoints import TooMany

        req = request._request
        if ratelimit.is_blocked(req, "disputes-track-miss", limit=views_public.TRACK_MISS_LIMIT):
            raise TooMany("查询失败次数过多，请15分钟后再试。")
        data = self.validated(TrackIn)
        d = selectors.dispute_track(code=data["code"], phone=data["phone"])
        if d is None:
            ratelimit.allow_request(req, "disputes-track-miss", limit=views_public.TRACK_MISS_LIMIT,
                                    window=views_public.TRACK_WINDOW)
            raise NotFound("没有找到与查询码和手机号相符的纠纷，请核对后再试。")
        applicant = next((p.name for p in d.parties.all() if p.role == "applicant"), "")
        return Response({"tracking_code": d.tracking_code, "title": d.title, "kind": d.kind.name,
                         "applicant": mask_name(applicant), "status": d.status,
                         "status_label": d.get_status_display(), "received_on": d.received_on,
                         "room": d.room.name if d.room else "",
                         "notices": NoticeSerializer(d.notices.all(), many=True).data})


@routes("public/rooms/", "api_disputes_public_rooms")
class PublicRooms(PublicEndpoint):
    @extend_schema(summary="群众诉求超市：开放的调解室", responses=RoomSerializer(many=True))
    def get(self, request):
        return Response(RoomSerializer(selectors.rooms_public(), many=True).data)


# ---- issue 18: intake help, similar cases, links, agreement draft --------------------------------------------------

class AssistIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)
    village = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=["walk_in", "patrol", "referral", "online"], required=False,
                                      default="walk_in")
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _case(d):
    return {"id": d.pk, "tracking_code": d.tracking_code, "title": d.title, "kind": d.kind.name,
            "level": d.get_level_display(), "status": d.get_status_display(), "village": d.village.name,
            "room": d.room.name if d.room_id else "", "centre_body": d.centre_body.name if d.centre_body_id else ""}


def _field(f):
    if f is None:
        return None
    return {"value": f.value, "label": f.label, "confidence": round(f.confidence, 4), "assigned": f.assigned,
            "shown": f.label if f.assigned else "待人工分派",
            "top": [{"value": v, "label": label, "confidence": c} for v, label, c in f.top]}


@routes("assist/", "api_disputes_assist")
class IntakeAssist(Endpoint):
    perms = {"POST": "disputes.intake"}

    @extend_schema(summary="登记辅助：从群众陈述中识别当事人、电话、身份证号（校验不通过的列入 rejected）、住址、金额、日期，"
                           "给出分派建议（低于阈值为“待人工分派”）、三个最相似的已办结案件和相关在办案件",
                   request=AssistIn, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validated(AssistIn)
        villages = list(selectors.villages_for(request.user, "disputes.intake") or selectors.villages_for(request.user))
        village = next((v for v in villages if v.pk == data.get("village")), None)
        if data.get("village") and village is None:
            raise NotFound()
        h = assist.intake_help(user=request.user, text=data["text"], villages=villages, village=village,
                               channel=data["channel"], title=data["title"], place=data["place"])
        ex, s = h["extraction"], h["suggestion"]
        return Response({
            "extraction": {"parties": [vars(p) for p in ex.parties], "phones": ex.phones, "id_numbers": ex.id_numbers,
                           "rejected": ex.rejected, "addresses": ex.addresses,
                           "amounts": [str(a) for a in ex.amounts], "dates": [d.isoformat() for d in ex.dates],
                           "village": h["village"].pk if h["village"] is not None else None},
            "suggestion": None if s is None else {"method": s.method, "threshold": s.threshold,
                                                  "kind": _field(s.kind), "level": _field(s.level),
                                                  "routing": _field(s.routing)},
            "similar": [_case(d) for d in h["reasons"]],
            "related": [{**_case(r.dispute), "reasons": r.reasons} for r in h["related"]],
            "group": h["group"]})


@routes("<int:pk>/similar/", "api_disputes_similar")
class DisputeSimilar(DisputeEndpoint):
    perms = {"GET": VIEW}

    @extend_schema(summary="相似的已办结案件（仅限本人可查看的范围）", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        d = self.dispute(pk)
        return Response({"results": [_case(c) for c in triage.similar_to(user=request.user, dispute=d)]})


class LinkIn(serializers.Serializer):
    target = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@routes("<int:pk>/links/", "api_disputes_links")
class DisputeLinks(DisputeEndpoint):
    perms = {"GET": VIEW, "POST": "disputes.intake"}

    @extend_schema(summary="关联案件（含并案）", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        d = self.dispute(pk)
        return Response({"results": [{**_case(other), "relation": label, "reason": ln.reason}
                                     for label, other, ln in assist.links_of(d, request.user)]})

    @extend_schema(summary="关联到另一案件（查询码）；并案请用办理操作 merge", request=LinkIn, responses=OkSerializer)
    def post(self, request, pk):
        d = self.dispute(pk, "intake")
        data = self.validated(LinkIn)
        services.dispute_link(actor=request.user, dispute=d, target=data["target"], reason=data["reason"])
        return Response({"ok": True})


@routes("<int:pk>/agreement-draft/", "api_disputes_agreement_draft")
class AgreementDraft(DisputeEndpoint):
    perms = {"GET": "disputes.mediate"}

    @extend_schema(summary="调解协议书草稿（根据案件记录起草法定事项；warnings 为缺少的履行事项）", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        d = self.dispute(pk, "mediate")
        draft = assist.agreement_draft(d, user=request.user)
        source = draft.pop("terms_source")
        return Response({**draft, "performance_deadline": draft["performance_deadline"].isoformat(),
                         "terms_source": source.tracking_code if source else ""})


urlpatterns = routes.urlpatterns
